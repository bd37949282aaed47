"""gluetui: a terminal dashboard for triaging glue work from GitHub and GitLab."""

__version__ = "0.1.0"

import logging as _logging

# A library's logs are the application's business: without this, Python's last-resort handler
# would print warnings onto the dashboard's screen.
_logging.getLogger(__name__).addHandler(_logging.NullHandler())
