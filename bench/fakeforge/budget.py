"""GitHub's budgets over time, as the fake keeps them: a ledger of what was spent when.

Every request the fake answers is written down with the clock's time: its REST points (1, a 304
is free), its GraphQL points (the query's cost) and its secondary-limit points (1 a read). From
the ledger the bench reads the most spent in any 60 seconds and in any hour, per budget.

With ``enforce`` the ledger also refuses what GitHub would refuse, on whatever clock the fake runs
(a virtual one in the organisation-scale bench): past 900 REST or 2,000 GraphQL secondary points
in the last minute a 403 with ``Retry-After``; past 5,000 points of an hourly budget a 403
(REST) or a ``RATE_LIMITED`` error (GraphQL) until the hour's reset. A client that paces itself
is never refused; the bench counts refusals, so one that does not shows.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

#: GitHub's documented limits for a user token.
HOURLY = {"rest": 5000, "graphql": 5000}
PER_MINUTE = {"rest": 900, "graphql": 2000}
MINUTE = 60.0
HOUR = 3600.0


@dataclass
class Entry:
    at: float
    resource: str  # "rest" or "graphql"
    points: int  # hourly budget points
    secondary: int  # secondary-limit points


@dataclass
class Ledger:
    """What was spent when (``clock`` gives seconds on the fake's clock)."""

    clock: Callable[[], float]
    enforce: bool = False
    entries: list[Entry] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: The start of the current budget hour (budgets reset on the hour of the fake's clock).
    epoch: float = 0.0

    def __post_init__(self) -> None:
        self.epoch = self.clock() // HOUR * HOUR
        self._minute: dict[str, deque[tuple[float, int]]] = {r: deque() for r in PER_MINUTE}

    def reset_at(self) -> float:
        """When the current hour's budgets reset."""
        now = self.clock()
        while now >= self.epoch + HOUR:
            self.epoch += HOUR
        return self.epoch + HOUR

    def spent_this_hour(self, resource: str) -> int:
        start = self.reset_at() - HOUR
        return sum(e.points for e in self.entries if e.resource == resource and e.at >= start)

    def remaining(self, resource: str) -> int:
        return max(0, HOURLY[resource] - self.spent_this_hour(resource))

    def check(self, resource: str, points: int) -> tuple[str, float] | None:
        """Why GitHub would refuse this request now (``("secondary", retry_after)`` or
        ``("hourly", seconds_to_reset)``), or None. Only with ``enforce``."""
        if not self.enforce:
            return None
        with self.lock:
            now = self.clock()
            window = self._minute[resource]
            while window and window[0][0] <= now - MINUTE:
                window.popleft()
            if sum(p for _, p in window) + 1 > PER_MINUTE[resource]:
                self.refused["secondary"] = self.refused.get("secondary", 0) + 1
                return "secondary", max(1.0, window[0][0] + MINUTE - now)
            if points > self.remaining(resource):
                self.refused["hourly"] = self.refused.get("hourly", 0) + 1
                return "hourly", max(1.0, self.reset_at() - now)
        return None

    def spend(self, resource: str, points: int, secondary: int = 1) -> None:
        with self.lock:
            now = self.clock()
            self.entries.append(Entry(now, resource, points, secondary))
            self._minute[resource].append((now, secondary))

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.refused.clear()
            for window in self._minute.values():
                window.clear()

    def report(self) -> dict[str, float]:
        """Totals and the most spent in any minute / any hour, per budget."""
        out: dict[str, float] = {}
        with self.lock:
            entries = list(self.entries)
        for resource in ("rest", "graphql"):
            mine = [e for e in entries if e.resource == resource]
            out[f"{resource}_points"] = sum(e.points for e in mine)
            out[f"{resource}_requests"] = len(mine)
            out[f"{resource}_max_points_per_hour"] = _most(mine, HOUR, lambda e: e.points)
            out[f"{resource}_max_secondary_per_minute"] = _most(mine, MINUTE, lambda e: e.secondary)
            out[f"{resource}_max_points_per_minute"] = _most(mine, MINUTE, lambda e: e.points)
        out["span_s"] = (entries[-1].at - entries[0].at) if entries else 0.0
        out["refused_secondary"] = self.refused.get("secondary", 0)
        out["refused_hourly"] = self.refused.get("hourly", 0)
        return out


def _most(entries: list[Entry], width: float, value: Callable[[Entry], int]) -> int:
    """The largest sum of ``value`` over entries within any window of ``width`` seconds."""
    best = total = 0
    start = 0
    ordered = sorted(entries, key=lambda e: e.at)
    for e in ordered:
        total += value(e)
        while ordered[start].at <= e.at - width:
            total -= value(ordered[start])
            start += 1
        best = max(best, total)
    return best
