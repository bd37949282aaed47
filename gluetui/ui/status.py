"""Each source's sync status, as the status line shows it, and what an empty panel says about it
(pure: state in, text out)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from rich.text import Text
from textual.markup import escape

from gluetui.records import RateLimit
from gluetui.textsafe import clean


class Phase(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """What the user should know about one source's data."""

    name: str
    phase: Phase = Phase.IDLE
    last_refresh: datetime | None = None
    done: int = 0
    total: int = 0
    what: str = ""
    error_title: str = ""
    error_hint: str = ""
    rate_limits: tuple[RateLimit, ...] = ()
    stale: bool = False
    #: What did not refresh when the rest did ("3 of 120 repositories failed"), or "".
    partial: str = ""
    #: Why, one line per failed repository or owner.
    reasons: tuple[str, ...] = ()

    def running(self) -> SourceStatus:
        return replace(self, phase=Phase.RUNNING, done=0, total=0, what="")

    def progress(self, done: int, total: int, what: str) -> SourceStatus:
        return replace(self, done=done, total=total, what=what)


def _rate(limits: tuple[RateLimit, ...]) -> str:
    known = [r for r in limits if r.remaining is not None]
    if not known:
        return ""
    low = min(known, key=lambda r: r.remaining or 0)
    of = f"/{low.limit:,}" if low.limit else ""
    return f"API {low.remaining:,}{of} left"


def status_line(s: SourceStatus) -> Text:
    """One line: symbol, name, then what is going on; words carry meaning, colours only help."""
    line = Text()
    if s.phase is Phase.RUNNING:
        line.append("⟳ ", style="bold yellow")
    elif s.phase is Phase.FAILED:
        line.append("✖ ", style="bold red")
    elif s.stale or s.partial:
        line.append("! ", style="bold yellow")
    else:
        line.append("● ", style="green")
    line.append(clean(s.name, 30), style="bold")
    parts: list[tuple[str, str]] = []
    if s.phase is Phase.RUNNING:
        step = f" {s.done}/{s.total}" if s.total else ""
        what = f" {clean(s.what, 40)}" if s.what else ""
        parts.append((f"refreshing{step}{what}…", "yellow"))
    if s.phase is Phase.FAILED and s.error_title:
        parts.append((clean(s.error_title, 80), "red"))
    if s.partial and s.phase is not Phase.FAILED:
        parts.append((clean(s.partial, 80), "bold yellow"))
    if s.last_refresh is not None:
        parts.append((f"refreshed {s.last_refresh.astimezone():%H:%M}", ""))
    elif s.phase is not Phase.RUNNING:
        parts.append(("never refreshed", "dim"))
    if s.stale:
        parts.append(("stale", "bold yellow"))
    if rate := _rate(s.rate_limits):
        parts.append((rate, "dim"))
    for text, style in parts:
        line.append("  ·  " if len(line) > len(s.name) + 2 else "  ", style="dim")
        line.append(text, style=style)
    return line


def reason_line(s: SourceStatus) -> Text | None:
    """The first reason a partial refresh gives, under its status line (the rest: ``+N more``)."""
    if not s.reasons or s.phase is Phase.FAILED:
        return None
    line = Text("  ↳ ", style="dim")
    line.append(clean(s.reasons[0], 160), style="yellow")
    if len(s.reasons) > 1:
        line.append(f"  (+{len(s.reasons) - 1} more)", style="dim")
    return line


def empty_panel_text(
    statuses: tuple[SourceStatus, ...], with_items: set[str], refresh_key: str = "r"
) -> str:
    """What a panel with no items says, given each source's status and which sources have items.

    "Nothing to do here." only when it is true: every source refreshed fine. A source whose
    refresh failed with nothing kept, or that was never refreshed, is named instead, so a missing
    token or network never reads as "no glue work". (Textual markup: forge text is cleaned and
    escaped.)
    """
    failed = [s for s in statuses if s.phase is Phase.FAILED and s.name not in with_items]
    never = [
        s
        for s in statuses
        if s.phase is Phase.IDLE and s.last_refresh is None and s.name not in with_items
    ]
    if any(s.phase is Phase.RUNNING for s in statuses) and not with_items:
        return "Nothing yet: refreshing…"
    if failed:
        first = failed[0]
        reason = clean(first.error_title, 120).rstrip(".")
        why = f" ({escape(reason)})" if reason else ""
        names = ", ".join(escape(clean(s.name, 30)) for s in failed)
        if len(failed) + len(never) == len(statuses):
            return (
                f"Nothing to show: the refresh of {names} failed{why} and no items were stored "
                f"before. Fix it and press {refresh_key} to try again."
            )
        return (
            f"Nothing here from the sources that refreshed; {names} failed{why}, so this may "
            "not be all."
        )
    if never:
        return f"Not refreshed yet: press {refresh_key} to refresh."
    return "Nothing to do here."
