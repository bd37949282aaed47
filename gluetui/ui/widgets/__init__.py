"""Widgets of the dashboard; each posts messages up and never queries its parents."""
