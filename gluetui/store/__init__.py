"""All of gluetui's persistence, in one SQLite file. See :class:`Store`."""

from gluetui.events import Event, EventAction

from .core import Store
from .journal import JournalEntry
from .snapshot import Arrival, GoneItem
from .syncruns import SyncRun

__all__ = ["Arrival", "Event", "EventAction", "GoneItem", "JournalEntry", "Store", "SyncRun"]
