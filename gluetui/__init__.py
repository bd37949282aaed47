"""gluetui: a terminal dashboard for triaging glue work from GitHub and GitLab."""

__version__ = "0.1.0"
