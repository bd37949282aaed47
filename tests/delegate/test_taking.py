"""Taking work against the budget, and the budget's arithmetic as properties."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from delegate_helpers import NOW, make_config, make_item, make_runtime
from hypothesis import given, settings
from hypothesis import strategies as st

from gluetui.budget import budget_status
from gluetui.config.schema import CapacityConfig
from gluetui.decisions import OverBudget, check_budget, done, take
from gluetui.errors import ActionError
from gluetui.events import Event, EventAction
from gluetui.model import Kind


def _config(hours: float = 8.0):  # type: ignore[no-untyped-def]
    return make_config(capacity=CapacityConfig(hours_per_sprint=hours))


def test_take_within_budget_records_taken(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path, config=_config())
    item = make_item()
    status = take(rt, item, 3)
    assert status.self_hours == 3 and status.remaining_hours == 5
    (event,) = rt.store.events()
    assert event.action is EventAction.TAKEN and event.hours == 3
    assert event.fingerprint == item.fingerprint


def test_take_over_budget_raises_with_the_status(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path, config=_config(4))
    take(rt, make_item(key="a"), 3)
    with pytest.raises(OverBudget) as info:
        take(rt, make_item(key="b"), 2)
    assert info.value.status.committed_hours == 3
    assert info.value.exit_code == 9
    assert "override" in info.value.hint
    assert len(rt.store.events()) == 1
    status = take(rt, make_item(key="b"), 2, override=True)
    assert status.over and status.committed_hours == 5
    assert rt.store.events()[-1].data["override"] is True
    assert rt.store.events()[-1].data["title"] == make_item(key="b").title


def test_re_taking_the_same_item_only_counts_the_difference(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path, config=_config(4))
    item = make_item()
    take(rt, item, 3)
    assert take(rt, item, 4).committed_hours == 4


def test_done_keeps_the_hours_or_records_the_real_ones(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path, config=_config())
    a, b = make_item(key="a"), make_item(Kind.STALE_DOC, key="b")
    take(rt, a, 2)
    take(rt, b, 1)
    assert done(rt, a).self_hours == 3
    assert done(rt, b, hours=2.5).self_hours == 4.5


def test_bad_hours_are_refused(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ActionError):
            take(rt, make_item(), bad)


def test_check_budget_for_delegation_oversight(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path, config=_config(1))
    assert check_budget(rt, 0.5).remaining_hours == 1
    with pytest.raises(OverBudget):
        check_budget(rt, 2)


# --- properties of the budget arithmetic --------------------------------------------------

ITEMS = [f"github.com/acme/api#stale_doc/{n}" for n in range(4)]
HOURS = st.floats(min_value=0, max_value=10, allow_nan=False).map(lambda h: round(h, 2))
OPS = st.lists(
    st.tuples(
        st.sampled_from(["taken", "delegated", "done", "snoozed", "dismissed", "reopened", "undo"]),
        st.integers(0, len(ITEMS) - 1),
        HOURS,
    ),
    max_size=25,
)


def _events(ops: list[tuple[str, int, float]]) -> list[Event]:
    events: list[Event] = []
    for n, (action, index, hours) in enumerate(ops, start=1):
        at = NOW - timedelta(hours=len(ops) - n)
        if action == "undo":
            cancelled = {e.undoes for e in events if e.undoes is not None}
            target = next(
                (
                    e
                    for e in reversed(events)
                    if e.action is not EventAction.UNDONE and e.id not in cancelled
                ),
                None,
            )
            if target is not None:
                events.append(Event(n, target.item_id, EventAction.UNDONE, at, undoes=target.id))
            continue
        events.append(
            Event(
                n,
                ITEMS[index],
                EventAction(action),
                at,
                hours=hours if action == "taken" else None,
                data={"oversight_hours": hours / 10} if action == "delegated" else {},
            )
        )
    return events


def _model(events: list[Event]) -> dict[str, float]:
    """An independent model: per item, hours held by the decisions in force."""
    cancelled = {e.undoes for e in events if e.undoes is not None}
    held: dict[str, tuple[float, float]] = {}
    for e in events:
        if e.action is EventAction.UNDONE or e.id in cancelled:
            continue
        own, oversight = held.get(e.item_id, (0.0, 0.0))
        if e.action is EventAction.TAKEN:
            held[e.item_id] = (e.hours or 0.0, 0.0)
        elif e.action is EventAction.DELEGATED:
            held[e.item_id] = (0.0, float(e.data["oversight_hours"]))
        elif e.action is EventAction.DONE:
            held[e.item_id] = (0.0 if oversight else own, oversight)
        else:
            held.pop(e.item_id, None)
    return {k: own + over for k, (own, over) in held.items()}


@given(OPS, HOURS)
def test_committed_is_the_sum_of_held_hours(
    ops: list[tuple[str, int, float]], budget: float
) -> None:
    events = _events(ops)
    status = budget_status(_config(budget), events, NOW)
    model = _model(events)
    assert status.committed_hours == pytest.approx(sum(model.values()), abs=0.02)
    assert status.committed_hours == pytest.approx(status.self_hours + status.oversight_hours)
    assert status.remaining_hours == pytest.approx(budget - status.committed_hours)
    assert status.over == (status.committed_hours > budget + 1e-9)


@given(OPS, st.sampled_from(["taken", "delegated", "done", "snoozed"]), HOURS)
def test_undo_restores_the_budget(
    ops: list[tuple[str, int, float]], action: str, hours: float
) -> None:
    before = _events(ops)
    after = _events([*ops, (action, 0, hours), ("undo", 0, 0.0)])
    cfg = _config()
    assert budget_status(cfg, after, NOW).committed_hours == pytest.approx(
        budget_status(cfg, before, NOW).committed_hours
    )


@settings(max_examples=25, deadline=None)
@given(st.lists(HOURS, min_size=1, max_size=6), HOURS)
def test_take_and_undo_through_the_store(takes: list[float], budget: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rt = make_runtime(Path(tmp), config=_config(budget))
        try:
            expected = 0.0
            for n, hours in enumerate(takes):
                status = take(rt, make_item(key=str(n)), hours, override=True)
                expected += hours
                assert status.committed_hours == pytest.approx(expected, abs=0.02)
            rt.store.undo_last(at=NOW)
            status = budget_status(rt.config, rt.store.events(), NOW)
            assert status.committed_hours == pytest.approx(expected - takes[-1], abs=0.02)
            assert status.remaining_hours == pytest.approx(budget - status.committed_hours)
        finally:
            rt.close()
