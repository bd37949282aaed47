"""The delegation journal: one intent per key, pending until the outcome is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from store_helpers import NOW

from gluetui.errors import StoreError
from gluetui.store import Store


def _intent(store: Store, key: str, item_id: str = "a") -> bool:
    return store.journal_intent(
        key,
        item_id=item_id,
        automation="rerun",
        request={"kind": "rerun_failed_jobs", "repo": "acme/api", "target": "42"},
        at=NOW,
    )


def test_key_is_journaled_once(store: Store) -> None:
    assert _intent(store, "k1") is True
    assert _intent(store, "k1") is False  # double key press
    assert [e.key for e in store.journal()] == ["k1"]


def test_pending_until_outcome(store: Store) -> None:
    _intent(store, "k1")
    _intent(store, "k2", item_id="b")
    [first, _] = store.journal_pending()
    assert (first.key, first.pending, first.ok, first.outcome_at) == ("k1", True, None, None)
    assert first.request["target"] == "42"
    assert first.intent_at == NOW

    done = NOW + timedelta(seconds=3)
    store.journal_outcome("k1", ok=True, message="Re-ran 2 jobs", url="https://x.test/r", at=done)
    assert [e.key for e in store.journal_pending()] == ["k2"]

    [entry] = store.journal("a")
    assert (entry.ok, entry.message, entry.url, entry.ref, entry.outcome_at) == (
        True,
        "Re-ran 2 jobs",
        "https://x.test/r",
        "",
        done,
    )
    assert not entry.pending

    store.journal_outcome("k2", ok=False, message="403", at=done)
    assert store.journal_pending() == []
    assert store.journal("b")[0].ok is False


def test_outcome_without_intent_is_an_error(store: Store) -> None:
    with pytest.raises(StoreError, match="No delegation intent") as info:
        store.journal_outcome("nope", ok=True, message="", at=NOW)
    assert info.value.hint
