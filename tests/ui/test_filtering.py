"""The ``/`` filter language (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ui_fakes import item

from gluetui.model import Kind
from gluetui.ui.filtering import FIELDS, Filter, parse_filter, parse_kind


def test_empty_filter_keeps_everything() -> None:
    f = parse_filter("   ")
    assert f.empty
    assert f.matches(item(1, Kind.BROKEN_CI))


def test_tokens_are_parsed_into_fields() -> None:
    f = parse_filter('repo:acme/web kind:ci author:@Alice mine new "build cache" Flaky')
    assert f == Filter(
        words=("build cache", "flaky"),
        repos=("acme/web",),
        kinds=frozenset({Kind.BROKEN_CI}),
        authors=("alice",),
        mine=True,
        new=True,
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ci", Kind.BROKEN_CI),
        ("broken_ci", Kind.BROKEN_CI),
        ("docs", Kind.STALE_DOC),
        ("pr", Kind.UNREVIEWED_PR),
        ("MR", Kind.UNREVIEWED_PR),
        ("flaky", Kind.FLAKY_TEST),
        ("unrev", Kind.UNREVIEWED_PR),
        ("stale-doc", Kind.STALE_DOC),
    ],
)
def test_kind_aliases(text: str, kind: Kind) -> None:
    assert parse_kind(text) is kind


def test_unknown_kind_is_reported_not_ignored() -> None:
    f = parse_filter("kind:bogus")
    assert f.problems == ("unknown kind 'bogus'",)


def test_unclosed_quote_is_tolerated() -> None:
    assert parse_filter('"build cache').words == ("build", "cache")


def test_matching() -> None:
    ci = item(1, Kind.BROKEN_CI, repo="acme/web", author="bob", title="Deploy red")
    pr = item(2, Kind.UNREVIEWED_PR, repo="acme/api", author="alice", mine=True)
    assert parse_filter("repo:web").matches(ci)
    assert not parse_filter("repo:web").matches(pr)
    assert parse_filter("repo:acme/*").matches(pr)
    assert parse_filter("repo:web repo:api").matches(pr)  # alternatives within a field
    assert parse_filter("kind:pr").matches(pr) and not parse_filter("kind:pr").matches(ci)
    assert parse_filter("author:bo").matches(ci) and not parse_filter("author:bo").matches(pr)
    assert parse_filter("mine").matches(pr) and not parse_filter("mine").matches(ci)
    assert parse_filter("new").matches(ci, is_new=True)
    assert not parse_filter("new").matches(ci, is_new=False)
    assert parse_filter("deploy RED").matches(ci)
    assert not parse_filter("deploy green").matches(ci)


@given(st.text(max_size=80))
def test_any_text_parses(text: str) -> None:
    f = parse_filter(text)
    f.matches(item(1, Kind.FLAKY_TEST), is_new=True)


@pytest.mark.parametrize("field", ["repo:", "kind:", "author:", "repo: "])
def test_a_field_without_a_value_is_ignored_and_said(field: str) -> None:
    """``repo:`` alone used to become a word no item contains, hiding everything."""
    f = parse_filter(f"{field} cache")
    assert f.words == ("cache",) and not f.repos and not f.kinds and not f.authors
    name = field.strip().rstrip(":")
    assert f.problems == (f"{name}: needs a value (e.g. {FIELDS[name]}); ignored",)
    assert parse_filter(field).empty
