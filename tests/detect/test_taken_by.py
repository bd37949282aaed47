"""Who else has it: assignees and the team's glue labels, read back from the forge."""

from __future__ import annotations

import pytest
from detect_helpers import ctx, data, pr

from gluetui.config.loader import load_config_text
from gluetui.detect import unreviewed
from gluetui.detect.taken import label_login, others
from gluetui.errors import ConfigError
from gluetui.forges.github.convert import pull_record
from gluetui.forges.gitlab.convert import to_pull
from gluetui.forges.gitlab.gql_convert import to_pull as gql_to_pull
from gluetui.model import Item, Route

PATTERNS = ("taken-by:{login}", "glue/{login}/mine")


@pytest.mark.parametrize(
    ("label", "login"),
    [
        ("taken-by:alice", "alice"),
        ("Taken-By:@Alice", "Alice"),
        ("glue/bob/mine", "bob"),
        ("taken-by:", ""),  # names nobody
        ("needs-review", ""),
        ("taken-by:\x1b[31mmallory", "mallory"),  # the escape is stripped, never run
    ],
)
def test_a_glue_label_names_a_login(label: str, login: str) -> None:
    assert label_login(label, PATTERNS) == login


def test_others_leave_out_the_viewer_and_say_each_person_once() -> None:
    assert others(("dana", "gus"), ("taken-by:gus", "taken-by:mateo"), "dana", PATTERNS) == (
        "gus",
        "mateo",
    )
    assert others(("Dana",), ("taken-by:@dana",), "dana", PATTERNS) == ()
    # Nobody known as the viewer: every assignee is someone else.
    assert others(("dana",), (), "", PATTERNS) == ("dana",)


def _only(items: list[Item]) -> Item:
    assert len(items) == 1
    return items[0]


def test_a_teammates_pull_request_is_left_to_them_even_where_you_are_accountable() -> None:
    c = ctx(viewer="dana", accountable=frozenset({"acme/api"}))
    nobody = _only(unreviewed.detect(data(pulls=(pr(1),)), c))
    assert nobody.taken_by == () and nobody.suggestion is not None
    assert nobody.suggestion.route is Route.TAKE
    theirs = _only(unreviewed.detect(data(pulls=(pr(1, assignees=("gus",)),)), c))
    assert theirs.taken_by == ("gus",)
    assert theirs.suggestion is not None and theirs.suggestion.route is Route.LEAVE
    assert theirs.suggestion.reason.endswith("taken by @gus")
    assert theirs.impact < nobody.impact  # it sinks below the ones nobody has
    assert any(e.label == "taken by" for e in theirs.evidence)
    labelled = _only(unreviewed.detect(data(pulls=(pr(1, labels=("taken-by:mateo",)),)), c))
    assert labelled.taken_by == ("mateo",)
    mine = _only(unreviewed.detect(data(pulls=(pr(1, assignees=("dana",)),)), c))
    assert mine.taken_by == () and mine.suggestion is not None
    assert mine.suggestion.route is Route.TAKE
    # taken_by survives the store's JSON round trip (and is in `items --json`).
    assert Item.from_json(theirs.to_json()).taken_by == ("gus",)
    assert theirs.to_json()["taken_by"] == ["gus"]


def test_the_user_rules_do_not_overrule_someone_else_having_it() -> None:
    rules = {"unreviewed_pr": [{"route": "take", "reason": "always mine"}]}
    c = ctx(viewer="dana", routes=load_config_text(_toml(rules), "x.toml").routes)
    item = _only(unreviewed.detect(data(pulls=(pr(1, assignees=("gus",)),)), c))
    assert item.suggestion is not None and item.suggestion.route is Route.LEAVE


def _toml(routes: dict[str, list[dict[str, str]]]) -> str:
    lines = []
    for kind, rules in routes.items():
        for rule in rules:
            lines.append(f"[[routes.{kind}]]")
            lines += [f'{k} = "{v}"' for k, v in rule.items()]
    return "\n".join(lines) + "\n"


def test_taken_labels_need_one_login_placeholder() -> None:
    load_config_text('taken_labels = ["owner/{login}"]\n', "x.toml")
    with pytest.raises(ConfigError) as err:
        load_config_text('taken_labels = ["taken-by"]\n', "x.toml")
    assert "{login}" in str(err.value)


def test_each_forge_reads_assignees_as_cleaned_logins() -> None:
    node = {
        "number": 3,
        "title": "t",
        "createdAt": "2026-11-20T10:00:00Z",
        "assignees": {"nodes": [{"login": "gus"}, {"login": "\x1b[2Jeve"}, {"login": None}]},
    }
    github = pull_record("acme/api", node)
    assert github is not None and github.assignees == ("gus", "eve")
    rest = to_pull(
        "g/p",
        {
            "iid": 4,
            "created_at": "2026-11-20T10:00:00Z",
            "assignees": [{"username": "mateo"}, "not a user"],
        },
    )
    assert rest is not None and rest.assignees == ("mateo",)
    gql = gql_to_pull(
        "g/p",
        {
            "iid": "4",
            "createdAt": "2026-11-20T10:00:00Z",
            "assignees": {"nodes": [{"username": "mateo"}]},
        },
    )
    assert gql is not None and gql.assignees == ("mateo",)
