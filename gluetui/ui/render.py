"""Forge text to terminal cells: everything goes through ``clean()`` into ``rich.text.Text``.

Nothing here builds markup from data, so a PR titled ``[bold]x[/]`` shows those characters.
Severity and state are words and symbols as well as colours.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.cells import cell_len
from rich.text import Text
from textual.markup import escape as markup_escape

from gluetui import formatting
from gluetui.delegate import Status
from gluetui.model import Item, Route, Severity, State, Suggestion
from gluetui.textsafe import clean, safe_url
from gluetui.ui.columns import Column
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
#: Before the route of an item marked for a batch (``space``, ``*``, ``V``).
BATCH_MARK = "*"
#: An open item someone else has on the forge (assigned, or a glue label names them).
TAKEN_MARK = "@"

ROUTE_TEXT: dict[Route, tuple[str, str, str]] = {
    # route: (symbol, word, style) — an open item's suggestion; hollow where the state is filled.
    Route.DELEGATE: ("»", "delegate", "magenta"),
    Route.TAKE: ("◇", "take", "cyan"),
    Route.LEAVE: ("·", "leave", "dim"),
}

COLUMNS: tuple[Column, ...] = (
    # In row order; see gluetui.ui.columns for how the width decides which ones show.
    Column("mark", "", 2),
    Column("severity", "", 1, priority=1, wide=(6, "Sev", 44)),
    Column("number", "#", 1, priority=5, min_title=30, fit=7, justify="right"),
    Column("title", "Title", 16),
    Column("repo", "Repository", 14, priority=2, fit=48, cut=True),
    Column("author", "Author", 6, priority=6, min_title=30, fit=16),
    Column("age", "Age", 3, priority=3, min_title=18, justify="right"),
    Column("effort", "Effort", 6, priority=4, min_title=22, justify="right"),
    Column("route", "Suggested", 9, priority=7, min_title=50, fit=18),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


def no_sources_text(config_path: object = None) -> str:
    """A panel's empty state with no source configured (Textual markup): how to add one. With
    sources, :func:`gluetui.ui.status.empty_panel_text` says what their refreshes found."""
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


def legend_entries() -> list[str]:
    """What each row mark means, one entry per mark (the help screen lays them out)."""
    marks = [
        f"{NEW_MARK} new since your last look",
        f"{STALE_MARK} source failed, data stale",
        f"{ACCOUNTABLE_MARK} a repository you are accountable for (ranks higher)",
    ]
    marks += [f"{sym} {word}" for sym, word, _ in STATE_TEXT.values() if sym.strip()]
    marks += [f"{sym} suggested: {word}" for sym, word, _ in ROUTE_TEXT.values()]
    marks.append(f"{TAKEN_MARK} taken by a teammate on the forge (m asks first)")
    return [*marks, f"{BATCH_MARK} marked for a batch (b, A)"]


def legend() -> str:
    """What the row marks mean, on one line."""
    return "   ".join(legend_entries())


def severity(sev: Severity) -> Text:
    word, style = SEVERITY_TEXT[sev]
    return Text(word, style=style)


def mark(
    item: Item,
    *,
    is_new: bool,
    stale: bool,
    follow_up: Status | None = None,
    suggestion: Suggestion | None = None,
    marked: bool = False,
) -> Text:
    """Two cells: new-since-last-look (or marked for a batch), then the item's standing.

    The second cell is the triage state of a decided item (a delegated one shows how its hand-off
    is going: ``↗`` PR opened, ``?`` unknown...), and an open item's suggested route (hollow
    symbols: ``»`` delegate, ``◇`` take, ``·`` leave) — ``@`` when a teammate has it on the
    forge — or ``!`` when its source failed.
    """
    if marked:
        text = Text(BATCH_MARK, style="bold yellow")
    else:
        text = Text(NEW_MARK if is_new else " ", style="bold cyan")
    if stale and item.state is State.OPEN:
        text.append(STALE_MARK, style="bold yellow")
    elif follow_up is not None and item.state is State.DELEGATED:
        text.append(follow_up_mark(follow_up))
    elif item.state is State.OPEN and item.taken_by:
        text.append(TAKEN_MARK, style="bold yellow")
    elif item.state is State.OPEN and suggestion is not None:
        sym, _, style = ROUTE_TEXT[suggestion.route]
        text.append(sym, style=f"bold {style}")
    else:
        sym, _, style = STATE_TEXT[item.state]
        text.append(sym, style=style)
    return text


def state_word(st: State) -> str:
    return STATE_TEXT[st][1]


def age(since: datetime, now: datetime) -> str:
    """Compact age: 45m, 7h, 3d, 5w, 2y (:func:`gluetui.formatting.age`, as the CLI shows it)."""
    return formatting.age(since, now)


def hours(value: float) -> str:
    """The Effort cell: ``2.25h`` (:func:`gluetui.formatting.hours_cell`, as the CLI shows it)."""
    return formatting.hours_cell(value)


def repo_cell(item: Item) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    if item.accountable:
        text.append(ACCOUNTABLE_MARK, style="cyan")
    text.append(clean(item.repo, 80))
    return text


def number_text(item: Item) -> str:
    """The PR/MR number (``575``), or "" for kinds without one."""
    return clean(item.where.get("number", ""), 12)


def content_widths(items: Iterable[Item]) -> dict[str, int]:
    """The widest value of each content-sized column over ``items`` (distinct values measured once)."""
    repos: set[tuple[str, bool]] = set()
    authors: set[str] = set()
    numbers: set[str] = set()
    routes: set[str] = set()
    for i in items:
        if i.suggestion is not None and i.state is State.OPEN:
            routes.add(
                taken_words(i)
                if i.taken_by
                else clean(i.suggestion.automation, 30) or ROUTE_TEXT[i.suggestion.route][1]
            )
        repos.add((i.repo, i.accountable))
        if i.author:
            authors.add(i.author)
        if "number" in i.where:
            numbers.add(i.where["number"])
    return {
        "route": max((cell_len(w) for w in routes), default=0),
        # An empty list keeps its Repository header, like the others.
        "repo": max((cell_len(clean(r, 80)) + (1 if a else 0) for r, a in repos), default=10),
        "author": max((cell_len(clean(a, 40)) for a in authors), default=0),
        "number": max((len(clean(n, 12)) for n in numbers), default=0),
    }


def route_cell(item: Item, suggestion: Suggestion | None) -> Text:
    """The Suggested column (wide lists only): the automation to delegate to, ``take`` or
    ``leave``; nothing for a decided item (the mark column has the symbol)."""
    if suggestion is None or item.state is not State.OPEN:
        return Text("")
    if item.taken_by:
        return Text(taken_words(item), style="yellow", no_wrap=True, overflow="ellipsis")
    _, word, style = ROUTE_TEXT[suggestion.route]
    shown = clean(suggestion.automation, 30) if suggestion.automation else word
    return Text(shown, style=style, no_wrap=True, overflow="ellipsis")


def taken_words(item: Item) -> str:
    """``taken by @gus`` (``and 2 more``): who else has it on the forge, cleaned."""
    shown = ", ".join(f"@{clean(login, 40)}" for login in item.taken_by[:2])
    more = len(item.taken_by) - 2
    return f"taken by {shown}" + (f" and {more} more" if more > 0 else "")


def taken_line(item: Item) -> Text:
    """The detail pane's warning: a teammate has it on the forge; ``m`` asks before taking."""
    text = Text(f"{TAKEN_MARK} ", style="bold yellow")
    text.append(taken_words(item), style="bold yellow")
    text.append(" on the forge — leave it to them, or m asks before you take it too")
    return text


def route_line(suggestion: Suggestion | None) -> Text:
    """``Suggested: delegate to rerun-failed — flaked 3 of 12 runs, re-runs usually pass``."""
    text = Text("Suggested: ", style="bold")
    if suggestion is None:
        text.append("nothing yet (the next refresh suggests a route)", style="dim")
        return text
    sym, word, style = ROUTE_TEXT[suggestion.route]
    what = f"{sym} {word}"
    if suggestion.automation:
        what += f" to {clean(suggestion.automation, 40)}"
    elif suggestion.route is Route.TAKE:
        what += f" it ({suggestion.hours:g} h)"
    else:
        what += " it"
    text.append(what, style=f"bold {style}")
    text.append(f" — {clean(suggestion.reason, 300)}")
    return text


def row_cells(
    item: Item,
    now: datetime,
    *,
    is_new: bool,
    stale: bool = False,
    follow_up: Status | None = None,
    suggestion: Suggestion | None = None,
    marked: bool = False,
) -> tuple[Text, ...]:
    """One table row, in :data:`COLUMNS` order; items of a source that failed to refresh say so."""
    faded = stale or item.state not in (State.OPEN, State.TAKEN, State.DELEGATED)
    sev = severity(item.severity)
    sev.overflow = "crop"  # a one-cell column shows the symbol
    return (
        mark(
            item,
            is_new=is_new,
            stale=stale,
            follow_up=follow_up,
            suggestion=suggestion,
            marked=marked,
        ),
        sev,
        Text(number_text(item), justify="right", style="dim"),
        # The table's title column grows with the panel; the cell ellipsizes at whatever it gets.
        Text(
            clean(item.title, 160), style="dim" if faded else "", no_wrap=True, overflow="ellipsis"
        ),
        repo_cell(item),
        Text(clean(item.author or "", 40), style="dim"),
        Text(age(item.since, now), justify="right"),
        Text(hours(item.effort_hours), justify="right"),
        route_cell(item, suggestion),
    )
