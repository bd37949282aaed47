"""Forge text to terminal cells: everything goes through ``clean()`` into ``rich.text.Text``.

Nothing here builds markup from data, so a PR titled ``[bold]x[/]`` shows those characters.
Severity and state are words and symbols as well as colours.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.markup import escape as markup_escape

from gluetui.delegate import Status
from gluetui.model import Item, Severity, State
from gluetui.textsafe import clean, safe_url
from gluetui.ui.handoff import follow_up_mark

SEVERITY_TEXT: dict[Severity, tuple[str, str]] = {
    Severity.HIGH: ("▲ high", "bold red"),
    Severity.MEDIUM: ("■ med", "yellow"),
    Severity.LOW: ("▼ low", "dim"),
}

STATE_TEXT: dict[State, tuple[str, str, str]] = {
    # state: (symbol, word, style) — the symbol sits in the row, the word in the detail pane/help.
    State.OPEN: (" ", "open", ""),
    State.TAKEN: ("◆", "taken by you", "bold cyan"),
    State.DELEGATED: ("→", "delegated", "bold magenta"),
    State.SNOOZED: ("z", "snoozed", "dim"),
    State.DISMISSED: ("✗", "dismissed", "dim"),
    State.DONE: ("✓", "done", "green"),
}

NEW_MARK = "●"
STALE_MARK = "!"
#: Before the repository of an item you are accountable for: why it ranks above a higher severity.
ACCOUNTABLE_MARK = "★"

COLUMNS: tuple[tuple[str, str, int], ...] = (
    # (key, label, width); sized so four panels fit a 160-column terminal.
    ("mark", " ", 2),
    ("severity", "Sev", 6),
    ("title", "Title", 24),  # the minimum; widened to fill the panel
    ("repo", "Repository", 14),
    ("age", "Age", 4),
    ("effort", "Effort", 6),
)


def nothing_to_do(sources: int, config_path: object = None) -> str:
    """A panel's empty state (Textual markup): with no source configured, how to add one."""
    if sources:
        return "Nothing to do here."
    where = markup_escape(str(config_path)) if config_path else "your config"
    return (
        f"No sources configured. Add a sources block (kind, token_env, repos or orgs) to {where}"
        " — config.example.toml shows one — or run `gluetui init`."
    )


def shown_url(url: str | None, limit: int = 200, *, invalid: str = "") -> str:
    """A URL as the screen shows it: only a valid http(s) URL (:func:`gluetui.textsafe.safe_url`),
    cut to ``limit``; ``invalid`` (default nothing) for anything else, which is never shown."""
    if not url:
        return ""
    return clean(safe_url(url), limit) or invalid


def legend() -> str:
    """What the row marks mean (the help screen shows it)."""
    marks = [
        f"{NEW_MARK} new since your last look",
        f"{STALE_MARK} source failed, data stale",
        f"{ACCOUNTABLE_MARK} a repository you are accountable for (ranks higher)",
    ]
    marks += [f"{sym} {word}" for sym, word, _ in STATE_TEXT.values() if sym.strip()]
    return "   ".join(marks)


def severity(sev: Severity) -> Text:
    word, style = SEVERITY_TEXT[sev]
    return Text(word, style=style)


def mark(item: Item, *, is_new: bool, stale: bool, follow_up: Status | None = None) -> Text:
    """Two cells: new-since-last-look, then the triage state (or stale) as a symbol.

    A delegated item shows how its hand-off is going instead (``↗`` PR opened, ``?`` unknown...).
    """
    sym, _, style = STATE_TEXT[item.state]
    text = Text(NEW_MARK if is_new else " ", style="bold cyan")
    if stale and item.state is State.OPEN:
        text.append(STALE_MARK, style="bold yellow")
    elif follow_up is not None and item.state is State.DELEGATED:
        text.append(follow_up_mark(follow_up))
    else:
        text.append(sym, style=style)
    return text


def state_word(st: State) -> str:
    return STATE_TEXT[st][1]


def age(since: datetime, now: datetime) -> str:
    """Compact age: 45m, 7h, 3d, 5w, 2y."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if days < 14:
        return f"{days}d"
    if days < 730:
        return f"{days // 7}w"
    return f"{days // 365}y"


def hours(value: float) -> str:
    return f"{value:.1f}h" if value < 10 else f"{value:.0f}h"


def repo_cell(item: Item) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    if item.accountable:
        text.append(ACCOUNTABLE_MARK, style="cyan")
    text.append(clean(item.repo, 80))
    return text


def row_cells(
    item: Item,
    now: datetime,
    *,
    is_new: bool,
    stale: bool = False,
    follow_up: Status | None = None,
) -> tuple[Text, ...]:
    """One table row, in :data:`COLUMNS` order; items of a source that failed to refresh say so."""
    faded = stale or item.state not in (State.OPEN, State.TAKEN, State.DELEGATED)
    return (
        mark(item, is_new=is_new, stale=stale, follow_up=follow_up),
        severity(item.severity),
        # The table's title column grows with the panel; the cell ellipsizes at whatever it gets.
        Text(
            clean(item.title, 160), style="dim" if faded else "", no_wrap=True, overflow="ellipsis"
        ),
        repo_cell(item),
        Text(age(item.since, now), justify="right"),
        Text(hours(item.effort_hours), justify="right"),
    )
