"""The dashboard screen. It owns the state (items, filter, sort, panel, sync status) and hands it
down to dumb widgets; keys come from :mod:`gluetui.ui.keys`, decisions go through
:mod:`.main_triage`, refreshes through :mod:`.main_refresh`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.events import DescendantFocus, Resize
from textual.lazy import Lazy
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Input, Tab, Tabs

from gluetui.events import effective_events
from gluetui.model import Item, Kind, State
from gluetui.triage import apply_triage, triage_states
from gluetui.ui import decisions, keys, render
from gluetui.ui.backend import Backend, BudgetLike
from gluetui.ui.filtering import Filter, parse_filter
from gluetui.ui.ordering import SortKey, sort_items
from gluetui.ui.screens.capacity import CapacityScreen
from gluetui.ui.screens.help import HelpScreen
from gluetui.ui.screens.main_delegation import DelegationMixin
from gluetui.ui.screens.main_refresh import RefreshMixin
from gluetui.ui.screens.main_triage import TriageMixin
from gluetui.ui.status import SourceStatus
from gluetui.ui.widgets.detail import DetailPane, DetailView
from gluetui.ui.widgets.header import CapacityGauge, SyncStatusBar
from gluetui.ui.widgets.item_table import Cells, ItemTable
from gluetui.ui.widgets.panel import Panel

KINDS: tuple[Kind, ...] = (Kind.STALE_DOC, Kind.BROKEN_CI, Kind.UNREVIEWED_PR, Kind.FLAKY_TEST)
#: Shown unless the user asks for hidden ones with ``h``.
VISIBLE_STATES = frozenset({State.OPEN, State.TAKEN, State.DELEGATED})
#: Below this many columns the four panels become tabs.
NARROW_WIDTH = 120
#: Actions that need a highlighted item.
ITEM_ACTIONS = frozenset(
    {
        "toggle_detail",
        "delegate",
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
GREYED_ACTIONS = (*sorted(ITEM_ACTIONS), "undo")


class MainScreen(DelegationMixin, TriageMixin, RefreshMixin, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = list(keys.bindings())
    _enabled_actions: tuple[bool | None, ...] = ()

    current_panel: reactive[int] = reactive(0, init=False)
    detail_open: reactive[bool] = reactive(False, init=False)
    show_hidden: reactive[bool] = reactive(False, init=False)
    sort_key: reactive[SortKey] = reactive(SortKey.IMPACT, init=False)
    budget: reactive[BudgetLike | None] = reactive(None, always_update=True)
    statuses: reactive[tuple[SourceStatus, ...]] = reactive(())

    def __init__(self, backend: Backend, *, refresh_on_start: bool = True) -> None:
        super().__init__(id="main")
        self.backend = backend
        self.refresh_on_start = refresh_on_start
        self.items: dict[str, Item] = {}
        self.filter: Filter = Filter()
        store = backend.runtime.store
        #: Items first seen after this are "new" for the whole session.
        self.baseline: datetime | None = store.last_look()
        self.new_ids: set[str] = set()
        self.stale: set[str] = store.stale_sources()
        self.failures = store.failures()
        self.can_undo = False
        #: Only a first screenful of each kind is loaded (the rest is on its way).
        self.partial = False
        self._stored_counts: dict[str, int] = {}
        self.statuses = self._initial_statuses()
        self.init_delegation()

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="top"):
            yield CapacityGauge(id="gauge").data_bind(MainScreen.budget)
            yield SyncStatusBar(id="sync").data_bind(MainScreen.statuses)
        # Widgets that start hidden (tabs: narrow terminals only; detail pane; filter box) are
        # mounted right after the first frame (Textual's Lazy), so it does not wait for them.
        yield Lazy(
            Tabs(
                *(Tab(f"{n} {k.label}", id=f"tab-{k.value}") for n, k in enumerate(KINDS, 1)),
                id="panel-tabs",
                active=f"tab-{KINDS[self.current_panel].value}",
            )
        )
        with Vertical(id="body"):
            yield Vertical(*(Panel(kind, n) for n, kind in enumerate(KINDS, 1)), id="panels")
            detail = DetailPane(id="detail")
            detail.border_title = "Detail"
            yield Lazy(detail)
        yield Lazy(
            Input(placeholder="filter: words  repo:  kind:  author:  mine  new", id="filter")
        )
        yield Footer()

    def on_mount(self) -> None:
        self.panels[0].add_class("-current")
        self.panels[0].table.focus()
        events = self.backend.runtime.store.events()
        self.budget = self.backend.budget_now(events)
        self.can_undo = bool(effective_events(events))
        self.show_first_screenful()
        self.start_refreshing()

    def show_first_screenful(self) -> None:
        """Paint the top of each panel straight from the store, before the first frame.

        Parsing the whole snapshot takes a few hundred milliseconds at 10,000 items; the rows
        that fit on screen take a few. The full load replaces them once the frame is out.
        """
        first = self.backend.first_items
        if first is None:
            return
        rt = self.backend.runtime
        items = first(rt, max(20, self.app.size.height))
        if not items:
            return
        self.partial = True
        self._stored_counts = rt.store.count_by_kind()
        self.set_items(items)

    @on(Resize)
    def _resized(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    @property
    def panels(self) -> list[Panel]:
        return list(self.query(Panel))

    @property
    def table(self) -> ItemTable:
        return self.panels[self.current_panel].table

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
        store = self.backend.runtime.store
        seen = store.first_seen(self.items) if self.partial else store.first_seen()
        base = self.baseline
        self.new_ids = (
            set() if base is None else {i for i in self.items if seen.get(i, base) > base}
        )
        self.compute_followups()
        self.render_panels()

    def restate(self) -> None:
        """Re-derive triage states after a decision without reloading the snapshot."""
        rt = self.backend.runtime
        now = rt.clock()
        events = rt.store.events()  # read once: states, follow-ups, budget and undo all use it
        states = triage_states(events, now)
        self.items = {i.id: i for i in apply_triage(list(self.items.values()), states, now)}
        self.compute_followups(events)
        self.budget = self.backend.budget_now(events)
        self.can_undo = bool(effective_events(events))
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
        now = self.backend.runtime.clock()
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
            )

        for panel in self.panels:
            rows, total = self.panel_items(panel.kind)
            panel.table.show([i.id for i in rows], cells)
            if total and not rows:
                empty = "Nothing matches the filter."
            elif not self.items:
                empty = "Nothing yet: refreshing…" if self.running else "Nothing to do here."
            else:
                empty = "Nothing to do here."
            if self.partial:
                # Only the top is loaded: the stored count (decided ones too) until the rest is in.
                total = self._stored_counts.get(panel.kind.value, total)
                panel.summarize(total, total, self.sort_key.value, empty, loading=True)
                continue
            panel.summarize(len(rows), total, self.sort_key.value, empty)
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
        if item is None:
            pane.view = None
            return
        rt = self.backend.runtime
        pane.view = DetailView(
            item=item,
            now=rt.clock(),
            history=tuple(rt.store.events(item.id)),
            automations=tuple(decisions.fitting_automations(rt, item)),
            is_new=item.id in self.new_ids,
            follow_up=self.followups.get(item.id),
            journal=tuple(rt.store.journal(item.id)),
            delegating=item.id in self.delegating,
            last_outcome=self.outcomes.get(item.id),
        )

    def watch_current_panel(self, index: int) -> None:
        for n, panel in enumerate(self.panels):
            panel.set_class(n == index, "-current")
        for tabs in self.query(Tabs):  # none before the lazy mount
            tabs.active = f"tab-{KINDS[index].value}"
        if not any(field.has_focus for field in self.query("#filter").results(Input)):
            self.table.focus()
        self.update_detail()

    def watch_detail_open(self, is_open: bool) -> None:
        self.set_class(is_open, "-detail")
        self.update_detail()

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

    @on(Tabs.TabActivated)
    def _tab(self, event: Tabs.TabActivated) -> None:
        tab_id = event.tab.id or ""
        for n, kind in enumerate(KINDS):
            if tab_id == f"tab-{kind.value}":
                self.current_panel = n

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter = parse_filter(event.value)
        self.render_panels()

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
        """Escape leaves the filter box (clearing it) or closes the detail pane."""
        field = self.query_one("#filter", Input)
        if field.has_focus or field.value or self.has_class("-filtering"):
            field.value = ""
            self.remove_class("-filtering", "-filtered")
            self.table.focus()
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
                item.id in self.delegating
                or not decisions.fitting_automations(self.backend.runtime, item)
            ):
                return None
            if action == "done" and not decisions.can_finish(item):
                return None
            if action == "settle" and not self.unknown_key(item):
                return None
            if action in ("open_url", "copy_url") and not item.url.startswith(
                ("https://", "http://")
            ):
                return None
        if action == "undo" and not self.can_undo:
            return None
        return True

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_cursor_top(self) -> None:
        self.table.move_cursor(row=0)

    def action_cursor_bottom(self) -> None:
        self.table.move_cursor(row=max(0, self.table.row_count - 1))

    def action_next_panel(self) -> None:
        self.current_panel = (self.current_panel + 1) % len(KINDS)

    def action_prev_panel(self) -> None:
        self.current_panel = (self.current_panel - 1) % len(KINDS)

    def action_panel(self, index: int) -> None:
        self.current_panel = index

    def action_toggle_detail(self) -> None:
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
        item = self.current_item
        if item is not None and item.url.startswith(("https://", "http://")):
            self.app.open_url(item.url)
            self.notify("Opened in the browser.", timeout=3)

    def action_copy_url(self) -> None:
        item = self.current_item
        if item is not None and item.url.startswith(("https://", "http://")):
            self.app.copy_to_clipboard(item.url)
            self.notify("URL copied.", timeout=3)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.backend.runtime.config.keymap))

    def action_capacity(self) -> None:
        self.app.push_screen(CapacityScreen(self.backend.runtime, self.items))

    def action_quit(self) -> None:
        self.remember_look()
        self.app.exit()

    def remember_look(self) -> None:
        """The user has seen what is on screen: items up to now are no longer new next time."""
        rt = self.backend.runtime
        rt.store.set_last_look(rt.clock())
