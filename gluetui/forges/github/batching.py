"""Batches that shrink when GitHub gives up on them, down to the one repository that fails.

GitHub stops a query after about ten seconds of server time and refuses one over its node or
resource limits; a batch of forty large repositories can hit either where forty small ones never
do. :class:`Halving` runs items in batches, halves a batch GitHub gave up on and asks again, and
when a single item still fails hands it to the caller as that item's failure: the others are read.
The size that worked is kept (``size``), so the next batches (and, stored by the forge, the next
refreshes of the source) start there instead of failing again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from gluetui.forges.github.graphql import BatchTooBig

T = TypeVar("T")


class Halving(Generic[T]):
    """Runs ``call(batch)`` over ``items`` with batches of at most ``size`` items.

    Args:
        size: The batch size to start from (the one that worked last time).
        weight: An item's share of ``max_weight`` (aliases it adds to a document), if any.
        max_weight: What one batch may weigh at most (a single heavier item still goes alone).
    """

    def __init__(
        self, size: int, *, weight: Callable[[T], int] | None = None, max_weight: int = 0
    ) -> None:
        self.size = max(1, size)
        self.weight = weight
        self.max_weight = max_weight
        #: Batches GitHub gave up on (for the caller's stats).
        self.splits = 0

    def _take(self, pending: Sequence[T], size: int) -> list[T]:
        batch: list[T] = []
        load = 0
        for item in pending[:size]:
            w = self.weight(item) if self.weight is not None else 0
            if batch and self.max_weight and load + w > self.max_weight:
                break
            batch.append(item)
            load += w
        return batch

    async def run(
        self,
        items: Sequence[T],
        call: Callable[[list[T]], Awaitable[None]],
        failed: Callable[[T, BatchTooBig], None],
    ) -> None:
        """Run every item once; an item GitHub gives up on even alone goes to ``failed``.

        Any other exception from ``call`` ends the run (the caller decides what it means).
        """
        pending = list(items)
        size = self.size
        #: The size at which the current run of failures began (None: not shrinking).
        descent: int | None = None
        worked = 0
        while pending:
            batch = self._take(pending, size)
            try:
                await call(batch)
            except BatchTooBig as exc:
                self.splits += 1
                if len(batch) > 1:
                    descent = descent or size
                    size = max(1, len(batch) // 2)
                    continue
                # One item fails alone: it, not the size, was the trouble.
                failed(batch[0], exc)
                del pending[:1]
                size, descent, worked = descent or size, None, 0
                continue
            del pending[: len(batch)]
            if descent is not None and len(batch) == size:
                worked = size
        if worked:
            # Shrinking made the batches pass: that size is the one to remember.
            self.size = worked
        elif descent is None:
            self.size = size
