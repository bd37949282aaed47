"""A refresh that failed in part keeps the last good items of what failed, and says what that was.

A failure covers a repository (``acme/app``), an owner (``acme/*``: every repository under it that
the refresh did not read) or only some kinds of one repository (its docs); the store keeps the
matching stored items in the same transaction that replaces the rest, and records the failures
so the dashboard marks those items stale with the reason.
"""

from __future__ import annotations

from store_helpers import NOW, make_item

from gluetui.model import Item, Kind
from gluetui.records import RepoError
from gluetui.store import Store


def item(n: int, repo: str, kind: Kind = Kind.STALE_DOC) -> Item:
    return make_item(n, repo=repo, kind=kind, id=f"github.com/{repo}#{kind.value}/{n}")


def ids(store: Store) -> list[str]:
    return sorted(i.id for i in store.load_items(["gh"]))


def test_an_owner_that_failed_keeps_every_item_under_it(store: Store) -> None:
    """The old check compared ``acme/*`` with item repositories literally and kept nothing."""
    before = [item(1, "acme/app"), item(2, "acme/lib"), item(3, "other/x")]
    store.save_snapshot("gh", before, at=NOW)
    fresh = [item(4, "other/x")]
    kept = store.save_snapshot(
        "gh",
        fresh,
        at=NOW,
        failed=[RepoError("ACME/*", "GitHub organisation acme could not be listed: gone.")],
        fresh=["other/x"],
    )
    assert sorted(i.id for i in kept) == sorted(i.id for i in before[:2])
    assert ids(store) == sorted(i.id for i in [*before[:2], *fresh])
    (failure,) = store.failures()["gh"]
    assert failure.repo == "ACME/*" and "could not be listed" in failure.title


def test_an_owner_failure_does_not_resurrect_what_was_read(store: Store) -> None:
    """A repository listed again (explicitly, say) has fresh items: the old ones are not kept."""
    store.save_snapshot("gh", [item(1, "acme/app"), item(2, "acme/lib")], at=NOW)
    store.save_snapshot("gh", [], at=NOW, failed=[RepoError("acme/*", "gone")], fresh=["acme/app"])
    assert ids(store) == [item(2, "acme/lib").id]


def test_a_repository_failure_keeps_only_that_repository(store: Store) -> None:
    store.save_snapshot("gh", [item(1, "acme/app"), item(2, "acme/lib")], at=NOW)
    store.save_snapshot(
        "gh",
        [item(3, "acme/lib")],
        at=NOW,
        failed=[RepoError("acme/app", "500")],
        fresh=["acme/lib"],
    )
    assert ids(store) == sorted([item(1, "acme/app").id, item(3, "acme/lib").id])


def test_a_kind_failure_keeps_that_kind_and_refreshes_the_others(store: Store) -> None:
    old_doc = item(1, "acme/app", Kind.STALE_DOC)
    old_pr = item(2, "acme/app", Kind.UNREVIEWED_PR)
    store.save_snapshot("gh", [old_doc, old_pr], at=NOW)
    new_doc = item(3, "acme/app", Kind.STALE_DOC)  # from a partial read of the docs: not trusted
    new_pr = item(4, "acme/app", Kind.UNREVIEWED_PR)
    store.save_snapshot(
        "gh",
        [new_doc, new_pr],
        at=NOW,
        failed=[RepoError("acme/app", "a doc path is not valid Unicode", kinds=("stale_doc",))],
        fresh=["acme/app"],
    )
    assert ids(store) == sorted([old_doc.id, new_pr.id])
    (failure,) = store.failures()["gh"]
    assert failure.kinds == ("stale_doc",)


def test_a_good_refresh_clears_the_failures(store: Store) -> None:
    store.save_snapshot("gh", [item(1, "acme/app")], at=NOW)
    store.save_snapshot("gh", [], at=NOW, failed=[RepoError("acme/app", "500")])
    assert store.failures() == {"gh": [RepoError("acme/app", "500")]}
    store.save_snapshot("gh", [item(2, "acme/app")], at=NOW)
    assert store.failures() == {}
    assert ids(store) == [item(2, "acme/app").id]


def test_failures_are_per_source(store: Store) -> None:
    store.save_snapshot("gh", [item(1, "acme/app")], at=NOW, failed=[RepoError("acme/x", "t")])
    store.save_snapshot("gl", [], at=NOW, failed=[RepoError("grp/*", "u")])
    assert set(store.failures()) == {"gh", "gl"}
    assert list(store.failures(["gl"])) == ["gl"]
