"""The detail pane: what an item is, why it was flagged, where, who, and what was decided.

One scrolling page (``ctrl+d`` / ``ctrl+u`` from the list, or the mouse wheel), in two columns when
the pane is wide enough: the item on the left; effort, automations, hand-off and history on the
right. For a pull/merge request it leads with what a reviewer decides on: author, number, size,
reviewers requested, checks, labels and the start of the description. URLs are broken after a
``/`` (or another separator) to fit the width, never in the middle of a word when avoidable.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.events import Resize
from textual.reactive import reactive
from textual.widgets import Static

from gluetui import formatting
from gluetui.capacity import Estimate
from gluetui.delegate import FollowUp, Outcome
from gluetui.events import Event, EventAction
from gluetui.model import Item, PullFacts, State, Suggestion
from gluetui.store import JournalEntry
from gluetui.textsafe import clean
from gluetui.ui import render
from gluetui.ui.handoff import handoff_text

#: The pane splits into two columns from this many columns of content.
TWO_COLUMNS_FROM = 110
#: Width of the labels in the Where / Who blocks.
LABEL = 17

#: The location facts a detector records (``Item.where``), in words and in this order.
WHERE_WORDS: dict[str, str] = {
    "number": "Number",
    "file": "File",
    "renamed_from": "Renamed from",
    "workflow": "Workflow",
    "job": "Job",
    "test": "Test",
    "branch": "Branch",
    "base": "Into branch",
    "run_id": "Run",
    "commit": "Commit",
    "first_bad_commit": "First bad commit",
}
#: Facts shown elsewhere or of no use to a person (the job's own id is in its URL).
WHERE_HIDDEN = frozenset({"job_id"})
#: Facts that are commit SHAs, shown short.
SHAS = frozenset({"commit", "first_bad_commit"})

CHECKS_TEXT: dict[str, tuple[str, str]] = {
    "success": ("✓ passing", "green"),
    "failure": ("✖ failing", "bold red"),
    "pending": ("⟳ running", "yellow"),
}


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
    #: How the effort estimate is made, with the current effort rules (None: not shown).
    estimate: Estimate | None = None
    #: The suggested route as shown (the budget applied); None before the first refresh.
    suggestion: Suggestion | None = None
    marked: bool = False


def where_word(key: str) -> str:
    """``first_bad_commit`` -> ``First bad commit``; unknown keys read the same way."""
    return WHERE_WORDS.get(key) or clean(key, 40).replace("_", " ").capitalize()


_BREAK_AFTER = "/?&#"
_BREAK_AFTER_WEAK = "=-_.+~"


def url_lines(url: str, width: int) -> list[str]:
    """``url`` in lines of at most ``width`` cells, broken after a ``/`` (or ``?&#``, then
    ``=-_.``) where one falls in the line; only a segment longer than a line is cut inside."""
    width = max(8, width)
    out: list[str] = []
    rest = url
    while len(rest) > width:
        head = rest[:width]
        cut = max(head.rfind(c) for c in _BREAK_AFTER) + 1
        if cut < width // 3:
            cut = max(cut, max(head.rfind(c) for c in _BREAK_AFTER_WEAK) + 1)
        if cut < width // 3:
            cut = width
        out.append(rest[:cut])
        rest = rest[cut:]
    if rest or not out:
        out.append(rest)
    return out


def _url(
    text: Text, url: str, width: int | None, indent: int = 2, style: str = "dim", invalid: str = ""
) -> None:
    """Append a URL on its own lines, indented, broken to fit ``width``; only a valid http(s) URL
    is shown (anything else shows ``invalid``, or nothing)."""
    safe = render.shown_url(url, 400, invalid=invalid)
    if not safe:
        return
    pad = " " * indent
    lines = url_lines(safe, width - indent) if width else [safe]
    for line in lines:
        text.append(f"{pad}{line}\n", style=style)


def _bullet(text: Text, label: str, detail: str, width: int | None) -> None:
    """``• label: detail``, wrapped under itself (a hanging indent) when ``width`` is known."""
    line = f"{label}: {detail}"
    lines = textwrap.wrap(line, width - 2) if width and width > 12 else [line]
    for n, part in enumerate(lines or [""]):
        text.append("• " if n == 0 else "  ")
        if n == 0 and part.startswith(label):
            text.append(label, style="bold")
            text.append(part[len(label) :])
        else:
            text.append(part)
        text.append("\n")


def _heading(text: Text, title: str) -> None:
    text.append(f"\n{title}\n", style="bold underline")


def _row(text: Text, label: str, value: str | Text, style: str = "") -> None:
    text.append(f"{label:<{LABEL}}", style="dim")
    if isinstance(value, Text):
        text.append_text(value)
    else:
        text.append(value, style=style)
    text.append("\n")


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


def _summary(item: Item, now: datetime) -> str:
    """``Unreviewed PRs/MRs · open · acme/api #575 · by kwame · 10d``."""
    where = clean(item.repo, 120)
    if item.pull is not None:
        where += f" #{item.pull.number}"
    bits = [item.kind.label, render.state_word(item.state), where]
    if item.author:
        bits.append(f"by {clean(item.author, 60)}")
    bits.append(f"{render.age(item.since, now)} old")
    return " · ".join(bits)


def _pull_block(text: Text, pull: PullFacts, item: Item) -> None:
    _heading(text, "Draft pull/merge request" if pull.draft else "Pull/merge request")
    _row(text, "Author", clean(item.author or "—", 60))
    _row(text, "Number", f"#{pull.number}")
    size = Text()
    size.append(f"+{pull.additions}", style="green")
    size.append(" ")
    size.append(f"−{pull.deletions}", style="red")
    size.append(f" in {pull.changed_files} file{'' if pull.changed_files == 1 else 's'}")
    _row(text, "Size", size)
    if pull.reviewers:
        asked = ", ".join(clean(r, 60) for r in pull.reviewers[:8])
        if len(pull.reviewers) > 8:
            asked += f" and {len(pull.reviewers) - 8} more"
        _row(text, "Reviewers asked", asked)
    else:
        _row(text, "Reviewers asked", "nobody yet", style="yellow")
    word, style = CHECKS_TEXT.get(pull.checks, ("unknown", "dim"))
    _row(text, "Checks", word, style=style)
    _row(text, "Labels", ", ".join(clean(lb, 40) for lb in pull.labels[:10]) or "none")
    branch, base = item.where.get("branch", ""), item.where.get("base", "")
    if branch:
        _row(text, "Branch", clean(f"{branch} → {base}" if base else branch, 160))
    if pull.description.strip():
        text.append("Description\n", style="dim")
        for line in clean(pull.description, 1200, single_line=False).splitlines():
            line = line.expandtabs(4)
            heading = line.lstrip().startswith("#")
            # A Markdown heading reads as a heading, without its hashes.
            shown = line.lstrip().lstrip("#").strip() if heading else line
            text.append(f"  {shown}\n", style="bold" if heading else "")
    else:
        _row(text, "Description", "(none)", style="dim")


def detail_text(view: DetailView, width: int | None = None) -> Text:
    """The item: what, why, where, who and how long (``width``: where URLs are broken)."""
    item = view.item
    text = Text()
    text.append(render.severity(item.severity))
    text.append("  ")
    text.append(clean(item.title, 200), style="bold")
    if view.is_new:
        text.append(f"  {render.NEW_MARK} new", style="bold cyan")
    text.append("\n")
    text.append(_summary(item, view.now) + "\n", style="dim")
    _url(text, item.url, width, indent=0, invalid="(not a valid http(s) link)")
    if item.taken_by:
        text.append_text(render.taken_line(item))
        text.append("\n")
    if item.state is State.OPEN:
        text.append_text(render.route_line(view.suggestion))
        if view.marked:
            text.append(f"  {render.BATCH_MARK} marked", style="bold yellow")
        text.append("\n")
    if item.pull is not None:
        _pull_block(text, item.pull, item)
    _heading(text, "Why")
    if item.evidence:
        for ev in item.evidence:
            _bullet(text, clean(ev.label, 60), clean(ev.detail, 300), width)
            if ev.url:
                _url(text, ev.url, width)
    else:
        text.append("(no evidence recorded)\n", style="dim")
    _heading(text, "Where")
    _row(text, "Repository", f"{clean(item.repo, 120)} on {clean(item.host, 60)}")
    where = dict(item.where)
    shown = [k for k in WHERE_WORDS if k in where and k not in ("number", "base")]
    if item.pull is None and "number" in where:
        shown.insert(0, "number")
    shown += sorted(k for k in where if k not in WHERE_WORDS and k not in WHERE_HIDDEN)
    for key in shown:
        value = clean(where[key], 160)
        if key in SHAS:
            value = value[:7]
        elif key == "branch" and where.get("base") and item.pull is None:
            value = f"{value} → {clean(where['base'], 80)}"
        _row(text, where_word(key), value)
    _heading(text, "Who and how long")
    author = Text(clean(item.author or "—", 60))
    if item.mine:
        author.append("  (asks for you)", style="cyan")
    if item.pull is None or item.mine:  # a pull request's author is in its own block
        _row(text, "Author" if item.pull is not None else "Who", author)
    _row(
        text,
        "Since",
        f"{item.since.astimezone():%Y-%m-%d %H:%M} ({render.age(item.since, view.now)} ago)",
    )
    _row(text, "Updated", f"{item.updated_at.astimezone():%Y-%m-%d %H:%M}")
    return text


def side_text(view: DetailView) -> Text:
    """Effort, automations, hand-off and history: what you decide with, and what you decided."""
    item = view.item
    text = Text()
    _heading(text, "Effort")
    text.append(f"{formatting.hours(item.effort_hours)} estimated · impact {item.impact:.1f}")
    if view.estimate is not None:
        text.append(f"\nhow: {view.estimate.basis}", style="dim")
        if view.estimate.hours != item.effort_hours and item.effort_hours > 0:
            text.append(
                f"\n(the rules now say {formatting.hours(view.estimate.hours)}: the list shows "
                "the estimate of the last refresh)",
                style="dim",
            )
    if item.accountable:
        text.append("\nyou are accountable for this repository", style="cyan")
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


class DetailPane(VerticalScroll, can_focus=False):
    """Shows :class:`DetailView`; follows the cursor because the screen updates ``view``."""

    DEFAULT_CSS = """
    DetailPane #detail-columns { height: auto; }
    DetailPane #detail-body { width: 1fr; height: auto; }
    DetailPane #detail-history { width: 1fr; height: auto; }
    DetailPane.-two #detail-history { width: 2fr; padding-left: 2; }
    DetailPane.-two #detail-body { width: 3fr; }
    DetailPane #detail-columns { layout: vertical; }
    DetailPane.-two #detail-columns { layout: horizontal; }
    """

    view: reactive[DetailView | None] = reactive(None, always_update=True)
    #: The item shown: another one starts at the top, the same one keeps its scroll.
    _shown: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="detail-columns"):
            yield Static(id="detail-body")
            yield Static(id="detail-history")

    def _body_width(self) -> int | None:
        width = self.scrollable_content_region.width
        if not width:
            return None
        return width * 3 // 5 if self.has_class("-two") else width

    def on_resize(self, event: Resize) -> None:
        two = self.scrollable_content_region.width >= TWO_COLUMNS_FROM
        if two != self.has_class("-two"):
            self.set_class(two, "-two")
        self.watch_view(self.view)

    def watch_view(self, view: DetailView | None) -> None:
        body = self.query_one("#detail-body", Static)
        side = self.query_one("#detail-history", Static)
        if view is None:
            body.update(Text("Nothing selected.", style="dim"))
            side.update("")
            return
        item = view.item
        body.update(detail_text(view, self._body_width()))
        side.update(side_text(view))
        if self._shown != item.id:  # another item: start at its top
            self.scroll_home(animate=False)
        self._shown = item.id

    def page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def page_up(self) -> None:
        self.scroll_page_up(animate=False)
