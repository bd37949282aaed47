"""App-wide messages (widget-specific ones are nested in their widgets)."""

from __future__ import annotations

from textual.message import Message


class SyncProgress(Message):
    """A source's refresh moved on; posted from any thread by the forge's progress callback.

    Chatty, so a newer one for the same source replaces an older one still in the queue.
    """

    def __init__(self, source: str, done: int, total: int, what: str) -> None:
        super().__init__()
        self.source = source
        self.done = done
        self.total = total
        self.what = what

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncProgress) and message.source == self.source
