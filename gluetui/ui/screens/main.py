"""The dashboard screen. It owns the state (items, filter, sort, panel, sync status) and hands it
down to dumb widgets; keys come from the key plan (:mod:`gluetui.keyplan`), decisions go through
:mod:`.main_triage`, refreshes through :mod:`.main_refresh`, the layout per terminal size from
:mod:`gluetui.ui.layout`. One panel per :class:`~gluetui.model.Kind`, in its declaration order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container, Vertical
from textual.events import DescendantFocus, Key, Resize
from textual.lazy import Lazy
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Input

from gluetui.budget import BudgetStatus
from gluetui.decisions import can_finish
from gluetui.events import effective_events
from gluetui.keyplan import COMMANDS, split_keys
from gluetui.model import Item, Kind, State
from gluetui.textsafe import clean, safe_url
from gluetui.triage import apply_triage, triage_states
from gluetui.ui import keys, render
from gluetui.ui.backend import Backend
from gluetui.ui.filtering import Filter, parse_filter
from gluetui.ui.layout import ScreenLayout, choose_layout, grid_columns
from gluetui.ui.ordering import SortKey, sort_items
from gluetui.ui.screens.capacity import CapacityScreen
from gluetui.ui.screens.help import HelpScreen
from gluetui.ui.screens.main_batch import BatchMixin
from gluetui.ui.screens.main_delegation import DelegationMixin
from gluetui.ui.screens.main_refresh import RefreshMixin
from gluetui.ui.screens.main_triage import TriageMixin
from gluetui.ui.status import SourceStatus, empty_panel_text
from gluetui.ui.widgets.detail import DetailPane, DetailView
from gluetui.ui.widgets.header import CapacityGauge, SyncStatusBar
from gluetui.ui.widgets.item_table import Cells, ItemTable
from gluetui.ui.widgets.panel import Panel
from gluetui.ui.widgets.panel_bar import PanelBar, PanelTab

#: One panel per kind, in the order the kinds are declared (panel keys 1..N follow it).
KINDS: tuple[Kind, ...] = tuple(Kind)
#: Shown unless the user asks for hidden ones with ``h``.
VISIBLE_STATES = frozenset({State.OPEN, State.TAKEN, State.DELEGATED})
#: Actions that need a highlighted item.
ITEM_ACTIONS = frozenset(
    {
        "toggle_detail",
        "delegate",
        "mark",
        "take",
        "snooze",
        "dismiss_item",
        "done",
        "open_url",
        "copy_url",
        "settle",
    }
)
#: Every action :meth:`MainScreen.check_action` may grey out.
GREYED_ACTIONS = (
    *sorted(ITEM_ACTIONS),
    "accept",
    "hand_off",
    "mark_delegate",
    "mark_all",
    "undo",
    "detail_down",
    "detail_up",
)


class MainScreen(BatchMixin, DelegationMixin, TriageMixin, RefreshMixin, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = list(keys.bindings())
    _enabled_actions: tuple[bool | None, ...] = ()
    _layout: ScreenLayout | None = None

    current_panel: reactive[int] = reactive(0, init=False)
    detail_open: reactive[bool] = reactive(False, init=False)
    show_hidden: reactive[bool] = reactive(False, init=False)
    sort_key: reactive[SortKey] = reactive(SortKey.IMPACT, init=False)
    budget: reactive[BudgetStatus | None] = reactive(None, always_update=True)
    statuses: reactive[tuple[SourceStatus, ...]] = reactive(())

    def __init__(self, backend: Backend, *, refresh_on_start: bool = True) -> None:
        super().__init__(id="main")
        self.backend = backend
        self.refresh_on_start = refresh_on_start
        self.items: dict[str, Item] = {}
        self.filter: Filter = Filter()
        #: Items first seen after this are "new" for the whole session.
        self.baseline: datetime | None = backend.last_look()
        self.new_ids: set[str] = set()
        self.stale: set[str] = backend.stale_sources()
        self.failures = backend.failures()
        self.can_undo = False
        #: Only a first screenful of each kind is loaded (the rest is on its way).
        self.partial = False
        self._stored_counts: dict[str, int] = {}
        self.statuses = self._initial_statuses()
        self.init_delegation()
        #: Key -> action, for the commands a greyed-out press explains (the user's keymap applied).
        self._explained_keys = {
            key: c.action
            for c in COMMANDS
            if c.action in GREYED_ACTIONS and c.live
            for key in split_keys(backend.config.keymap.get(c.id) or c.keys)
        }
        self.init_batch()

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="top"):
            yield CapacityGauge(id="gauge").data_bind(MainScreen.budget)
            yield SyncStatusBar(id="sync").data_bind(MainScreen.statuses)
        yield PanelBar(id="panel-bar")
        with Container(id="body"):
            panels = Container(*(Panel(kind, n) for n, kind in enumerate(KINDS, 1)), id="panels")
            panels.styles.grid_size_columns = grid_columns(len(KINDS))
            yield panels
            # Widgets that start hidden (the detail pane, the filter box) are mounted right after
            # the first frame (Textual's Lazy), so it does not wait for them.
            yield Lazy(DetailPane(id="detail"))
        yield Lazy(
            Input(placeholder="filter: words  repo:  kind:  author:  mine  new", id="filter")
        )
        # Compact: one space between keys, so 80 columns show more of them (help comes first).
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.panels[0].add_class("-current")
        self.panels[0].table.focus()
        self.apply_layout()
        events = self.backend.events()
        self.budget = self.backend.budget_now(events)
        self.can_undo = bool(effective_events(events))
        self.show_first_screenful()
        self.start_refreshing()

    def show_first_screenful(self) -> None:
        """Paint the top of each panel straight from the store, before the first frame.

        Parsing the whole snapshot takes a few hundred milliseconds at 10,000 items; the rows
        that fit on screen take a few. The full load replaces them once the frame is out.
        """
        items = self.backend.first_screenful(max(20, self.app.size.height))
        if not items:
            return
        self.partial = True
        self._stored_counts = self.backend.stored_counts()
        self.set_items(items)

    @on(Resize)
    def _resized(self, event: Resize) -> None:
        self.apply_layout(event.size.width, event.size.height)

    def apply_layout(self, width: int | None = None, height: int | None = None) -> None:
        """The grid or one list, and where the detail sits, for this terminal size."""
        size = self.app.size
        layout = choose_layout(
            width or size.width, height or size.height, detail_open=self.detail_open
        )
        if layout != self._layout:
            self._layout = layout
            for name, on_ in layout.classes.items():
                self.set_class(on_, name)

    @property
    def panels(self) -> list[Panel]:
        return list(self.query(Panel))

    @property
    def table(self) -> ItemTable:
        return self.panels[self.current_panel].table

    def current_kind(self) -> Kind:
        """The kind of the current panel."""
        return KINDS[self.current_panel]

    @property
    def current_item(self) -> Item | None:
        item_id = self.table.current_id
        return None if item_id is None else self.items.get(item_id)

    # -- state -> widgets -----------------------------------------------------------------

    def set_items(self, items: Iterable[Item], *, partial: bool | None = None) -> None:
        """Replace the items (snapshot or refresh) and redraw what changed.

        ``partial`` False says these are all the items (the full load); None keeps the flag.
        """
        if partial is not None:
            self.partial = partial
        self.items = {i.id: i for i in items}
        self.new_ids = self.backend.new_since(self.baseline, self.items.keys())
        self.compute_followups()
        self.compute_routes()
        self.render_panels()

    def restate(self) -> None:
        """Re-derive triage states after a decision without reloading the snapshot."""
        now = self.backend.now()
        events = self.backend.events()  # read once: states, follow-ups, budget and undo all use it
        states = triage_states(events, now)
        self.items = {i.id: i for i in apply_triage(list(self.items.values()), states, now)}
        self.compute_followups(events)
        self.budget = self.backend.budget_now(events)
        self.can_undo = bool(effective_events(events))
        self.compute_routes()
        self.render_panels()

    def panel_items(self, kind: Kind) -> tuple[list[Item], int]:
        """Items of a panel after hiding and filtering, sorted; and how many before filtering."""
        pool = [
            i
            for i in self.items.values()
            if i.kind is kind and (self.show_hidden or i.state in VISIBLE_STATES)
        ]
        f = self.filter
        shown = pool if f.empty else [i for i in pool if f.matches(i, is_new=i.id in self.new_ids)]
        return sort_items(shown, self.sort_key), len(pool)

    def render_panels(self) -> None:
        now = self.backend.now()
        items = self.items

        def cells(item_id: str) -> Cells:
            # Called by a table only for the rows it paints: 10,000 items cost a screenful.
            i = items[item_id]
            return render.row_cells(
                i,
                now,
                is_new=i.id in self.new_ids,
                stale=self.is_stale(i),
                follow_up=f.status if (f := self.followups.get(i.id)) else None,
                suggestion=self.suggestion(i),
                marked=i.id in self.marked,
            )

        with_items = {i.source for i in items.values()}
        refresh_key = keys.live_display(keys.COMMANDS_BY_ID["refresh"], self.backend.config.keymap)
        tabs = []
        for panel in self.panels:
            rows, total = self.panel_items(panel.kind)
            panel.table.show([i.id for i in rows], cells, render.content_widths(rows))
            if total and not rows:
                empty = "Nothing matches the filter."
            elif not self.backend.forges:
                empty = render.no_sources_text(self.backend.config_path)
            else:
                empty = empty_panel_text(self.statuses, with_items, refresh_key)
            if self.partial:
                # Only the top is loaded: the stored count (decided ones too) until the rest is in.
                total = self._stored_counts.get(panel.kind.value, total)
                panel.summarize(total, total, self.sort_key.value, empty, loading=True)
                tabs.append(PanelTab(panel.number, panel.kind.label, f"{total}…"))
                continue
            panel.summarize(
                len(rows), total, self.sort_key.value, empty, marked=self.marked_in(rows)
            )
            count = f"{len(rows)}" if len(rows) == total else f"{len(rows)}/{total}"
            tabs.append(PanelTab(panel.number, panel.kind.label, count))
        bar = self.query_one(PanelBar)
        bar.tabs = tuple(tabs)
        self.update_detail()

    def update_detail(self) -> None:
        # The footer recomposes on every refresh_bindings (dozens of widgets, the dearest part of
        # a key press): only ask when what check_action greys out has changed.
        enabled = tuple(self.check_action(action, ()) for action in GREYED_ACTIONS)
        if enabled != self._enabled_actions:
            self._enabled_actions = enabled
            self.refresh_bindings()
        panes = list(self.query(DetailPane).results(DetailPane))
        if not self.detail_open or not panes:  # closed, or not mounted yet (lazy)
            return
        item = self.current_item
        pane = panes[0]
        table = self.table
        kind = KINDS[self.current_panel]
        pane.border_title = (
            f"{kind.label} {table.cursor_row + 1} of {table.row_count}" if item else kind.label
        )
        pane.border_subtitle = self._detail_hint()
        if item is None:
            pane.view = None
            return
        backend = self.backend
        pane.view = DetailView(
            item=item,
            now=backend.now(),
            history=tuple(backend.events(item.id)),
            automations=tuple(backend.fitting_automations(item)),
            is_new=item.id in self.new_ids,
            follow_up=self.followups.get(item.id),
            journal=tuple(backend.journal(item.id)),
            delegating=item.id in self.delegating,
            last_outcome=self.outcomes.get(item.id),
            estimate=backend.estimate(item),
            suggestion=self.suggestion(item),
            marked=item.id in self.marked,
        )

    def _detail_hint(self) -> str:
        """``ctrl+d / ctrl+u scroll · j / k next item · esc closes``, with the keys in force."""
        key = self.live_key
        return (
            f"{key('detail_down')} / {key('detail_up')} scroll · "
            f"{key('down')} / {key('up')} next item · {key('back')} closes"
        )

    def watch_current_panel(self, index: int) -> None:
        for n, panel in enumerate(self.panels):
            panel.set_class(n == index, "-current")
        self.query_one(PanelBar).current = index
        if not any(field.has_focus for field in self.query("#filter").results(Input)):
            self.table.focus()
        self.update_detail()

    def watch_detail_open(self, is_open: bool) -> None:
        self.apply_layout()
        self.update_detail()
        self.call_after_refresh(self._keep_cursor_in_view)
        if not is_open:
            # On a narrow terminal the detail hid the list (and its focus): give it back, or the
            # next modal returns focus to the first panel and the cursor jumps there.
            self.call_after_refresh(self._refocus_table)

    def _refocus_table(self) -> None:
        if not any(field.has_focus for field in self.query("#filter").results(Input)):
            self.table.focus()

    def _keep_cursor_in_view(self) -> None:
        # The list changed height (the detail opened or closed): the highlight stays visible.
        self.table.move_cursor_into_view()

    def watch_show_hidden(self) -> None:
        self.render_panels()

    def watch_sort_key(self) -> None:
        self.render_panels()

    # -- events from children ---------------------------------------------------------------

    @on(ItemTable.RowHighlighted)
    def _highlighted(self, event: ItemTable.RowHighlighted) -> None:
        if event.table is self.table:
            self.update_detail()

    @on(DescendantFocus)
    def _focused(self, event: DescendantFocus) -> None:
        for n, panel in enumerate(self.panels):
            if event.widget is panel.table:
                self.current_panel = n

    @on(PanelBar.Picked)
    def _picked(self, event: PanelBar.Picked) -> None:
        self.action_panel(event.index)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter = parse_filter(event.value)
        self.render_panels()
        kinds = self.filter.kinds
        if kinds and KINDS[self.current_panel] not in kinds:
            # kind:pr shows the pull requests' panel, not an empty one.
            self.current_panel = next(n for n, k in enumerate(KINDS) if k in kinds)

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        if self.filter.problems:
            self.notify(
                "; ".join(self.filter.problems), title="Filter", severity="warning", markup=False
            )
        self.set_class(bool(event.value.strip()), "-filtered")
        self.remove_class("-filtering")
        self.table.focus()

    def action_back(self) -> None:
        """Escape leaves the filter box (clearing it), clears the marks, or closes the detail."""
        field = self.query_one("#filter", Input)
        if field.has_focus or field.value or self.has_class("-filtering"):
            field.value = ""
            self.remove_class("-filtering", "-filtered")
            self.table.focus()
        elif self.marked:
            self.clear_marks()
        elif self.detail_open:
            self.detail_open = False

    # -- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out (None) what does not apply to the highlighted item, instead of ignoring it."""
        if action in ITEM_ACTIONS:
            item = self.current_item
            if item is None:
                return None
            if action == "delegate" and (
                item.id in self.delegating or not self.backend.fitting_automations(item)
            ):
                return None
            if action == "done" and not can_finish(item):
                return None
            if action == "settle" and not self.unknown_key(item):
                return None
            if action in ("open_url", "copy_url") and not safe_url(item.url):
                return None  # only a valid http(s) URL is opened or copied
        batch = self.check_batch_action(action)
        if batch is not True:
            return batch
        if action == "undo" and not self.can_undo:
            return None
        if action in ("detail_down", "detail_up") and not self.detail_open:
            return None
        return True

    def live_key(self, command_id: str) -> str:
        """The first key that runs ``command_id`` now (the user's keymap applied)."""
        command = keys.COMMANDS_BY_ID[command_id]
        return keys.live_display(command, self.backend.config.keymap).split(" / ")[0]

    def why_greyed(self, action: str) -> str:
        """Why ``action`` does nothing now (what :meth:`check_action` greys out), in words."""
        key = self.live_key
        item = self.current_item
        if action in ITEM_ACTIONS and item is None:
            return "Nothing highlighted: this list is empty."
        if action == "undo":
            return "Nothing to undo: no decision is in force."
        if action in ("detail_down", "detail_up"):
            return f"The detail is closed: {key('detail')} opens it."
        if item is None:
            return ""
        if action == "delegate" and item.id in self.delegating:
            return "This item's delegation is running; wait for its outcome."
        if action == "delegate":
            return (
                f"No configured automation fits {item.kind.label.lower()}: add one to "
                f'[automations] with fits = ["{item.kind.value}"].'
            )
        if action == "done":
            return f"Already done ({key('undo')} undoes it, {key('hidden')} shows done items)."
        if action == "settle":
            return (
                f"Nothing to settle: {key('settle')} is for a hand-off marked ? (its outcome "
                "unknown), and this item has none."
            )
        if action in ("open_url", "copy_url"):
            return "This item has no valid http(s) link to open or copy."
        return ""

    @on(Key)
    def _greyed_key(self, event: Key) -> None:
        """A greyed-out key says why it does nothing, instead of doing nothing silently.

        The screen sees a key before the app runs its binding; only the keys of commands that
        can be greyed out are looked at, so other key presses cost a dictionary lookup.
        """
        action = self._explained_keys.get(event.key)
        if action is None or self.check_action(action, ()) is not None:
            return
        if any(field.has_focus for field in self.query("#filter").results(Input)):
            return  # typing a filter
        if why := self.why_greyed(action):
            event.stop()
            self.notify(why, title="Nothing done", severity="warning", timeout=5, markup=False)

    def target_item(self) -> Item | None:
        """The item an action acts on: the highlighted one, as the user sees it.

        When a refresh has just moved the highlight to another item and that row has not been
        painted yet, nothing is done and the user is told, so a key pressed for one item never
        lands on another. Acting on an item keeps it highlighted through later refreshes.
        """
        table = self.table
        item = self.current_item
        if item is None:
            return None
        if table.unseen_change:
            table.unseen_change = False
            self.notify(
                f"The list changed as you pressed the key; the highlight is now on "
                f"“{clean(item.title, 60)}”. Press again to act on it.",
                title="Nothing done",
                severity="warning",
                timeout=6,
                markup=False,
            )
            return None
        table.pin()
        return item

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_page_down(self) -> None:
        self.table.action_page_down()

    def action_page_up(self) -> None:
        self.table.action_page_up()

    def action_cursor_top(self) -> None:
        self.table.move_cursor(row=0)

    def action_cursor_bottom(self) -> None:
        self.table.move_cursor(row=max(0, self.table.row_count - 1))

    def action_next_panel(self) -> None:
        self.action_panel((self.current_panel + 1) % len(KINDS))

    def action_prev_panel(self) -> None:
        self.action_panel((self.current_panel - 1) % len(KINDS))

    def action_panel(self, index: int) -> None:
        """The user turns to a panel: its highlighted row is the one they now look at."""
        self.current_panel = index
        self.table.pin()

    def _detail_pane(self) -> DetailPane | None:
        return next(iter(self.query(DetailPane).results(DetailPane)), None)

    def action_detail_down(self) -> None:
        if (pane := self._detail_pane()) is not None:
            pane.page_down()

    def action_detail_up(self) -> None:
        if (pane := self._detail_pane()) is not None:
            pane.page_up()

    def action_toggle_detail(self) -> None:
        if not self.detail_open:
            self.table.pin()  # the item whose detail is open stays highlighted through refreshes
        self.detail_open = not self.detail_open

    def action_filter(self) -> None:
        self.add_class("-filtering")
        self.query_one("#filter", Input).focus()

    def action_toggle_hidden(self) -> None:
        self.show_hidden = not self.show_hidden
        self.notify(
            "Showing snoozed, dismissed and done items."
            if self.show_hidden
            else "Hiding snoozed, dismissed and done items.",
            timeout=3,
        )

    def action_cycle_sort(self) -> None:
        self.sort_key = self.sort_key.next()

    def action_open_url(self) -> None:
        item = self.target_item()
        url = safe_url(item.url) if item is not None else ""
        if not url:
            return
        if self.app.is_web:  # served to a browser tab: that browser opens it
            self.app.open_url(url)
            self.notify("Opened in a new browser tab.", timeout=3)
            return
        self.run_worker(
            self._open(url),
            name="open-url",
            group="open-url",
            description="opening the link",
            exit_on_error=False,
        )

    async def _open(self, url: str) -> None:
        """Open the link off the UI thread and say what really happened."""
        opened = await asyncio.to_thread(self.backend.open_url, url)
        if opened.ok:
            self.notify(clean(opened.message, 200), timeout=3, markup=False)
            return
        copy = keys.live_display(keys.COMMANDS_BY_ID["copy_url"], self.backend.config.keymap)
        self.notify(
            f"{clean(opened.message, 300)} Press {copy} to copy the link instead.",
            title="Not opened",
            severity="warning",
            timeout=8,
            markup=False,
        )

    def action_copy_url(self) -> None:
        # The clipboard payload is a validated URL and nothing else: a file name holding
        # ESC[201~ and a command line must not reach a paste (OSC 52, tmux buffer).
        item = self.target_item()
        url = safe_url(item.url) if item is not None else ""
        if url:
            self.app.copy_to_clipboard(url)
            self.notify("URL copied.", timeout=3)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.backend.config.keymap))

    def action_capacity(self) -> None:
        self.app.push_screen(CapacityScreen(self.backend, self.items))

    def action_quit(self) -> None:
        self.remember_look()
        self.app.exit()

    def remember_look(self) -> None:
        """The user has seen what is on screen: items up to now are no longer new next time."""
        self.backend.remember_look()
