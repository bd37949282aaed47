"""Screens: the main dashboard, the modal questions it asks, help and capacity."""
