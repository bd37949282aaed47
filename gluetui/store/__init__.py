"""All of gluetui's persistence, in one SQLite file. See :class:`Store`."""

from gluetui.events import Event, EventAction

from .batches import BatchMember, NewMember
from .core import Store
from .journal import JournalEntry
from .snapshot import Arrival, GoneItem
from .syncruns import SyncRun

__all__ = [
    "Arrival",
    "BatchMember",
    "Event",
    "EventAction",
    "GoneItem",
    "JournalEntry",
    "NewMember",
    "Store",
    "SyncRun",
]
