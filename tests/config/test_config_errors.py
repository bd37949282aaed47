"""One fixture file per error message: the key path, the line, the suggestion, and no token echo."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from gluetui.config.loader import ConfigInvalid, load_config
from gluetui.errors import ConfigError

FIXTURES = Path(__file__).parent / "fixtures"

GITHUB_ADVICE = (
    'tokens never go in the config file; set token_env = "GITHUB_TOKEN" (an environment variable'
    ' name) or token_command = ["gh", "auth", "token"]'
)


class Case(NamedTuple):
    fixture: str
    key: str
    line: int | None
    message: str


CASES = [
    Case("unknown_key", "refresh_minuts", 2, "unknown key; did you mean 'refresh_minutes'?"),
    Case(
        "typo_nested",
        "detectors.stale_doc.min_age_dyas",
        6,
        "unknown key; did you mean 'min_age_days'?",
    ),
    Case("typo_in_source", "sources[1].token_evn", 9, "unknown key; did you mean 'token_env'?"),
    Case(
        "misplaced_key",
        "capacity.min_age_days",
        3,
        "unknown key here; it belongs in [detectors.stale_doc]",
    ),
    Case("unknown_table", "detector", 3, "unknown key; did you mean 'detectors'?"),
    # [keymap]: ids come from the one key plan (gluetui/keyplan.py); see also test_config_keymap.py.
    Case("keymap_unknown_id", "keymap.delegat", 3, "no such binding id; did you mean 'delegate'?"),
    Case(
        "keymap_clash",
        "keymap.help",
        4,
        "q is also the key of 'quit' (Quit gluetui); two commands cannot share a key",
    ),
    Case(
        "keymap_bad_key",
        "keymap.take",
        3,
        "'crtl+t' is not a key: unknown modifier 'crtl' (use ctrl, shift, alt, meta, super, hyper)",
    ),
    Case(
        "keymap_mark_key",
        "keymap.take",
        4,
        "space is also the default key of 'mark' (Mark or unmark the item for a batch (b or A));"
        " two commands cannot share a key",
    ),
    Case("wrong_type", "refresh_minutes", 2, "expected a number, got '15'"),
    Case("wrong_type_bool", "sources[0].include_archived", 4, "expected true or false, got 'yes'"),
    Case("wrong_type_list", "sources[0].repos", 4, "expected an array, got 'acme/api'"),
    Case("bad_enum", "sources[0].kind", 3, "expected 'github' or 'gitlab', got 'gitbub'"),
    Case(
        "bad_fits",
        "automations.rerun.fits[1]",
        5,
        "expected 'stale_doc', 'broken_ci', 'unreviewed_pr' or 'flaky_test', got 'flaky_tests'",
    ),
    Case("literal_token", "sources[0].token", 4, GITHUB_ADVICE),
    Case(
        "token_in_value",
        "sources[0].token_env",
        5,
        'tokens never go in the config file; set token_env = "GITLAB_TOKEN" (an environment'
        ' variable name) or token_command = ["glab", "config", "get", "token"]',
    ),
    Case(
        "secret_in_webhook",
        "automations.chat.headers_env.Authorization",
        4,
        "secrets never go in the config file; put the value in an environment variable and name"
        ' that variable, e.g. headers_env = { Authorization = "HOOK_AUTH" }',
    ),
    Case(
        "duplicate_source",
        "sources[1].name",
        6,
        "duplicate source name 'github' (already used by sources[0])",
    ),
    Case("missing_required", "sources[0].kind", 3, "missing required key"),
    Case(
        "automation_missing_param",
        "automations.notify.argv",
        1,
        "missing required key for automations of kind 'command'",
    ),
    Case(
        "automation_misplaced_key",
        "automations.ping.argv",
        5,
        "'argv' does not belong to automations of kind 'github.comment'; its own keys are: body",
    ),
    Case(
        "automation_key_typo",
        "automations.label.lables",
        4,
        "'lables' does not belong to automations of kind 'github.add_labels'; did you mean 'labels'?",
    ),
    Case(
        "automation_empty_param",
        "automations.nudge.body",
        3,
        "expected a non-empty string, got ''",
    ),
    Case(
        "automation_unknown_kind",
        "automations.ping.kind",
        2,
        "unknown automation kind 'github.commnt'; did you mean 'github.comment'?",
    ),
    Case(
        "request_review_no_reviewers",
        "automations.review",
        1,
        "github.request_review needs 'reviewers' or 'team_reviewers'",
    ),
    Case(
        "negative_number", "detectors.stale_doc.min_age_days", 2, "expected a number >= 0, got -1"
    ),
    Case("out_of_range", "sources[0].max_concurrency", 4, "expected a number <= 32, got 100"),
    Case("infinite_number", "capacity.hours_per_sprint", 3, "expected a finite number, got inf"),
    Case(
        "quoted_date",
        "capacity.sprint_start",
        2,
        "expected a date written without quotes, such as 2026-01-05, got '2026-01-05'",
    ),
    Case(
        "bad_source_name",
        "sources[0].name",
        2,
        "expected a name of letters, digits, '_', '.' and '-', got 'my github'",
    ),
    Case(
        "bad_automation_name",
        'automations."re run"',
        1,
        "invalid name: expected a name of letters, digits, '_', '.' and '-', got 're run'",
    ),
    Case("inline_table", "automations.hook.retries", 2, "expected a number <= 10, got 11"),
    Case("dotted_key", "detectors.flaky_test.window_days", 2, "expected a number >= 1, got 0"),
    Case("sources_not_tables", "sources[0]", 1, "expected a table, got 'github'"),
]


def _problems(fixture: str) -> ConfigInvalid:
    with pytest.raises(ConfigInvalid) as caught:
        load_config(FIXTURES / f"{fixture}.toml")
    return caught.value


@pytest.mark.parametrize("case", CASES, ids=[c.fixture for c in CASES])
def test_each_error_names_key_line_and_expectation(case: Case) -> None:
    err = _problems(case.fixture)
    assert len(err.found) == 1, err.problems
    problem = err.found[0]
    assert (problem.key, problem.line, problem.message) == (case.key, case.line, case.message)
    path = FIXTURES / f"{case.fixture}.toml"
    expected = f"{path}:{case.line}: {case.key}: {case.message}"
    assert err.problems == [expected]
    assert err.title == expected  # the CLI prints the title as the one line
    assert "gluetui config check" in err.hint
    assert isinstance(err, ConfigError) and err.exit_code == 3


def test_every_fixture_has_a_case() -> None:
    """So a fixture file cannot sit there untested."""
    named = {c.fixture for c in CASES} | {
        "syntax_error",
        "syntax_error_table",
        "duplicate_key",
        "multiple_errors",
        "valid_minimal",
        # Checked through the command line in test_config_strict.py.
        "token_env_slack",
        "token_env_hex",
        "token_env_words",
        "headers_env_secret",
        "http_url",
        "http_allowed",
        "credentials_in_url",
        "unknown_theme",
        "invalid_date",
        "shell_template",
        "template_unknown_placeholder",
        "no_sources",
    }
    assert {p.stem for p in FIXTURES.glob("*.toml")} == named


@pytest.mark.parametrize(
    ("fixture", "line", "column", "key", "message"),
    [
        (
            "syntax_error",
            2,
            14,
            "theme",
            "invalid TOML: a string is not closed before the end of the line",
        ),
        (
            "syntax_error_table",
            3,
            10,
            "",  # a table header: no key on that line
            "invalid TOML: Expected ']' at the end of a table declaration",
        ),
        (
            "duplicate_key",
            3,
            21,
            "refresh_minutes",
            "invalid TOML: a key or table is defined twice",
        ),
    ],
)
def test_syntax_errors_give_file_line_column_and_key(
    fixture: str, line: int, column: int, key: str, message: str
) -> None:
    err = _problems(fixture)
    path = FIXTURES / f"{fixture}.toml"
    shown = f"{key}: {message}" if key else message
    assert err.problems == [f"{path}:{line}:{column}: {shown}"]
    assert (err.found[0].line, err.found[0].column, err.found[0].key) == (line, column, key)


def test_all_problems_reported_in_line_order() -> None:
    err = _problems("multiple_errors")
    path = FIXTURES / "multiple_errors.toml"
    assert err.problems == [
        f"{path}:1: refresh_minutes: expected a number >= 1, got 0",
        f"{path}:6: sources[0].kind: expected 'github' or 'gitlab', got 'gitbub'",
        f"{path}:9: detectors.stale_doc.min_age_dyas: unknown key; did you mean 'min_age_days'?",
    ]
    assert err.title == err.problems[0]
    assert err.hint.startswith("3 problems in all")


@pytest.mark.parametrize("fixture", ["literal_token", "token_in_value", "secret_in_webhook"])
def test_token_never_echoed(fixture: str) -> None:
    err = _problems(fixture)
    secret_fragments = ("0123456789abcdefghij", "abcdefghij0123456789", "ABCDEFG0123456789")
    for text in [str(err), err.title, err.hint, *err.problems, repr(err.args)]:
        assert not any(f in text for f in secret_fragments), text
    assert err.__cause__ is None and err.__context__ is None


def test_token_shaped_value_in_a_wrong_type_error_is_hidden() -> None:
    """Even where a type error (not the token check) fires, the value found is not repeated."""
    from gluetui.config.loader import load_config_text

    with pytest.raises(ConfigInvalid) as caught:
        load_config_text('refresh_minutes = "ghp_0123456789abcdefghijkl"\n', "c.toml")
    assert "0123456789" not in str(caught.value.problems)
    assert caught.value.found[0].key == "refresh_minutes"
