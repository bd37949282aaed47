"""The template renderer is a closed vocabulary, inserts values literally and never evaluates."""

from __future__ import annotations

import pytest
from delegate_helpers import make_item
from hypothesis import given
from hypothesis import strategies as st

from gluetui.delegate.templates import (
    PLACEHOLDERS,
    TemplateError,
    check,
    item_values,
    render,
)
from gluetui.errors import ConfigError
from gluetui.model import Kind

VALUES = {"title": "Fix it", "url": "https://x.test/1", "repo": "acme/api", "number": "7"}


def r(template: str, values: dict[str, str] | None = None) -> str:
    return render(template, values or VALUES, automation="auto", field="body")


def test_placeholders_are_replaced() -> None:
    assert r("{repo}#{number}: {title}") == "acme/api#7: Fix it"


@pytest.mark.parametrize(
    "template",
    ["{title.__class__}", "{title[0]}", "{title!r}", "{title:>10}", "{0}", "{}", "{TITLE}"],
)
def test_attribute_index_and_format_specs_are_refused(template: str) -> None:
    with pytest.raises(TemplateError) as info:
        r(template)
    assert "auto" in info.value.title
    assert "{{" in info.value.hint


def test_unknown_placeholder_names_automation_and_placeholder() -> None:
    with pytest.raises(ConfigError) as info:
        render("hello {nope}", VALUES, automation="notify", field="argv[2]")
    assert "notify" in info.value.title
    assert "{nope}" in info.value.title
    assert "argv[2]" in info.value.title


def test_values_are_not_re_expanded() -> None:
    values = {"title": "{url} and {{x}} and {title}", "url": "https://x.test"}
    assert r("T: {title}", values) == "T: {url} and {{x}} and {title}"


def test_escaped_braces_are_literal() -> None:
    assert r('{{"json": "{repo}"}}') == '{"json": "acme/api"}'
    assert r("}}{{") == "}{"


@pytest.mark.parametrize("template", ["{", "}", "a { b", "{title", "title}"])
def test_stray_braces_are_errors(template: str) -> None:
    with pytest.raises(TemplateError):
        r(template)


def test_check_accepts_every_known_placeholder() -> None:
    check(" ".join("{" + name + "}" for name in PLACEHOLDERS), automation="a", field="body")


def test_item_values_cover_every_placeholder_and_find_pr_numbers() -> None:
    pr = make_item(Kind.UNREVIEWED_PR, key="42", where={})
    values = item_values(pr)
    assert set(values) == set(PLACEHOLDERS)
    assert values["number"] == "42"
    ci = make_item(Kind.BROKEN_CI)
    assert item_values(ci)["workflow"] == "CI"
    assert item_values(ci)["number"] == ""


@given(st.text())
def test_any_value_comes_out_verbatim(value: str) -> None:
    assert r("<{title}>", {"title": value}) == f"<{value}>"
