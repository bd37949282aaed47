"""The detail pane: why an item was flagged, where, who, how long, effort, automations, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from gluetui.delegate import FollowUp, Outcome
from gluetui.events import Event, EventAction
from gluetui.model import Item
from gluetui.store import JournalEntry
from gluetui.textsafe import clean
from gluetui.ui import render
from gluetui.ui.handoff import handoff_text

_WHERE_ORDER = ("branch", "workflow", "job", "file", "test", "commit")


@dataclass(frozen=True, slots=True)
class DetailView:
    """Everything the pane shows about one item, computed by the screen."""

    item: Item
    now: datetime
    history: tuple[Event, ...] = ()
    automations: tuple[str, ...] = ()
    is_new: bool = False
    follow_up: FollowUp | None = None
    journal: tuple[JournalEntry, ...] = ()
    delegating: bool = False
    last_outcome: Outcome | None = None


def _heading(text: Text, title: str) -> None:
    text.append(f"\n{title}\n", style="bold underline")


def _event_line(e: Event) -> str:
    bits = [f"{e.at.astimezone():%Y-%m-%d %H:%M}", e.action.value]
    if e.action is EventAction.UNDONE and e.undoes is not None:
        bits.append(f"(cancels #{e.undoes})")
    if e.automation:
        bits.append(f"via {e.automation}")
    if e.hours is not None:
        bits.append(f"{e.hours:g} h")
    if e.until is not None:
        bits.append(f"until {e.until.astimezone():%Y-%m-%d %H:%M}")
    if e.note:
        bits.append(f"— {clean(e.note, 120)}")
    return "  ".join(bits)


def detail_text(view: DetailView) -> Text:
    """The left column: what, why, where, who and how long."""
    item = view.item
    text = Text()
    text.append(render.severity(item.severity))
    text.append("  ")
    text.append(clean(item.title, 200), style="bold")
    if view.is_new:
        text.append(f"  {render.NEW_MARK} new", style="bold cyan")
    text.append("\n")
    text.append(f"{item.kind.label} · {render.state_word(item.state)}", style="dim")
    _heading(text, "Why")
    if item.evidence:
        for ev in item.evidence:
            text.append("• ")
            text.append(clean(ev.label, 60), style="bold")
            text.append(": ")
            text.append(clean(ev.detail, 300))
            if ev.url and (url := render.shown_url(ev.url)):
                text.append(f"\n  {url}", style="dim")
            text.append("\n")
    else:
        text.append("(no evidence recorded)\n", style="dim")
    _heading(text, "Where")
    text.append(f"repo      {clean(item.repo, 120)}  ({clean(item.host, 60)})\n")
    where = dict(item.where)
    for key in (*_WHERE_ORDER, *sorted(k for k in where if k not in _WHERE_ORDER)):
        if key in where:
            text.append(f"{clean(key, 9):<9} {clean(where[key], 160)}\n")
    text.append(
        f"url       {render.shown_url(item.url, invalid='(not a valid http(s) link)')}\n",
        style="dim",
    )
    _heading(text, "Who and how long")
    text.append(f"author    {clean(item.author or '—', 60)}")
    if item.mine:
        text.append("  (asks for you)", style="cyan")
    text.append("\n")
    text.append(
        f"since     {item.since.astimezone():%Y-%m-%d %H:%M} ({render.age(item.since, view.now)} ago)\n"
    )
    text.append(f"updated   {item.updated_at.astimezone():%Y-%m-%d %H:%M}\n")
    return text


def side_text(view: DetailView) -> Text:
    """The right column: effort, automations, history (so the history is visible without scrolling)."""
    item = view.item
    text = Text()
    _heading(text, "Effort")
    text.append(f"{item.effort_hours:g} h estimated · impact {item.impact:.1f}")
    if item.accountable:
        text.append(" · you are accountable for this repository", style="cyan")
    text.append("\n")
    _heading(text, "Automations that fit")
    text.append(", ".join(view.automations) + "\n" if view.automations else "none\n")
    if view.follow_up or view.journal or view.delegating or view.last_outcome:
        _heading(text, "Hand-off")
        text.append(
            handoff_text(
                view.follow_up, view.journal, running=view.delegating, last=view.last_outcome
            )
        )
    _heading(text, "History")
    if view.history:
        for e in view.history:
            text.append(_event_line(e) + "\n")
    else:
        text.append("no decisions yet\n", style="dim")
    return text


class DetailPane(Horizontal, can_focus=False):
    """Shows :class:`DetailView`; follows the cursor because the screen updates ``view``."""

    view: reactive[DetailView | None] = reactive(None, always_update=True)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-main"):
            yield Static(id="detail-body")
        with VerticalScroll(id="detail-side"):
            yield Static(id="detail-history")

    def watch_view(self, view: DetailView | None) -> None:
        body = self.query_one("#detail-body", Static)
        side = self.query_one("#detail-history", Static)
        body.update(detail_text(view) if view else Text("Nothing selected.", style="dim"))
        side.update(side_text(view) if view else "")
