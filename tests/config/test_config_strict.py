"""`gluetui config check` refuses what is unsafe or meaningless, each with one line: file:line: key.

One fixture per case (tests/config/fixtures), run through the real command line: exit 3 and the
first line names the file, the line and the key (a secret is never repeated). No ``[[sources]]`` is
the one warning: exit 0 with a warning line.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from gluetui.cli import main
from gluetui.config.loader import load_config
from gluetui.config.themes import THEMES

FIXTURES = Path(__file__).parent / "fixtures"

GITHUB_ADVICE = (
    'tokens never go in the config file; set token_env = "GITHUB_TOKEN" (an environment variable'
    ' name) or token_command = ["gh", "auth", "token"]'
)


class Case(NamedTuple):
    fixture: str
    line: int | str  # "8:16" when the TOML reader names the column too
    key: str
    message: str
    secret: str = ""  # must appear nowhere in the output


CASES = [
    Case(
        "token_env_slack",
        4,
        "sources[0].token_env",
        GITHUB_ADVICE,
        secret="123456789012-abcdefghijkl",
    ),
    Case(
        "token_env_hex",
        5,
        "sources[0].token_env",
        "token_env looks like a secret itself (not shown; a variable's name is usually"
        " UPPER_SNAKE_CASE); " + GITHUB_ADVICE,
        secret="0123456789abcdef0123456789abcdef01234567",
    ),
    Case(
        "token_env_words",
        4,
        "sources[0].token_env",
        "token_env must be the name of an environment variable (letters, digits and '_', not"
        " starting with a digit), such as GITHUB_TOKEN; got 'my github token'",
    ),
    Case(
        "headers_env_secret",
        10,
        "automations.hook.headers_env.Authorization",
        "a headers_env value looks like a secret itself (not shown; a variable's name is usually"
        " UPPER_SNAKE_CASE); secrets never go in the config file; put the value in an environment"
        ' variable and name that variable, e.g. headers_env = { Authorization = "HOOK_AUTH" }',
        secret="aB3dE9fG1hJ7kL2mN8pQ4rS6tU0v",
    ),
    Case(
        "http_url",
        4,
        "sources[0].url",
        "http:// would send the token in clear text; use https://, or set insecure_http = true"
        " for this source if the forge really has no TLS",
    ),
    Case(
        "credentials_in_url",
        4,
        "sources[0].url",
        "a user name or password in the URL is a secret in the config file; remove it and use"
        " token_env or token_command",
        secret="hunter2",
    ),
    Case(
        "unknown_theme",
        2,
        "theme",
        f"no such theme; did you mean 'solarized-dark'? available: {', '.join(THEMES)}",
    ),
    Case(
        "invalid_date",
        "8:16",
        "capacity.sprint_start",
        "2026-02-30 is not a valid date; write a real date as YYYY-MM-DD",
    ),
    Case(
        "shell_template",
        9,
        "automations.notes.argv[2]",
        "argv[2]: {title} is an argument of sh, which would run forge text as code; read the"
        ' $GLUETUI_TITLE environment variable instead, e.g. ["sh", "-c", "echo \\"$GLUETUI_TITLE\\""]',
    ),
    Case(
        "template_unknown_placeholder",
        9,
        "automations.ticket.argv[3]",
        "unknown placeholder {filename}; Known placeholders: {title}, {url}, {repo}, {kind},"
        " {id}, {number}, {branch}, {workflow}, {job}, {file}, {test}, {commit}, {author},"
        " {host}, {source}.",
    ),
]

#: Fixtures of this module (tests/config/test_config_errors.py checks every fixture is used).
FIXTURE_NAMES = {c.fixture for c in CASES} | {"no_sources", "http_allowed"}


@pytest.mark.parametrize("case", CASES, ids=[c.fixture for c in CASES])
def test_config_check_refuses_with_one_line_naming_file_line_and_key(
    case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    path = FIXTURES / f"{case.fixture}.toml"
    assert main(["config", "check", str(path)]) == 3
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert lines[0] == f"gluetui: {path}:{case.line}: {case.key}: {case.message}"
    assert len(lines) == 2 and "gluetui config check" in lines[1]  # the one line, then the hint
    assert "OK" not in out
    if case.secret:
        assert case.secret not in out + err


#: An unknown placeholder is refused by `config check` and when delegating, not at start.
AT_START = [c for c in CASES if c.fixture != "template_unknown_placeholder"]


@pytest.mark.parametrize("case", AT_START, ids=[c.fixture for c in AT_START])
def test_the_dashboard_refuses_the_same_files(case: Case) -> None:
    """Not only `config check`: loading the file to run gluetui refuses it too."""
    from gluetui.config.loader import ConfigInvalid

    with pytest.raises(ConfigInvalid) as caught:
        load_config(FIXTURES / f"{case.fixture}.toml")
    assert caught.value.exit_code == 3
    assert caught.value.found[0].key == case.key
    assert caught.value.found[0].line == int(str(case.line).split(":")[0])


def test_no_sources_is_a_warning_not_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "no_sources.toml"
    assert main(["config", "check", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"{path}: warning: no [[sources]]: there is nothing to watch. Add a [[sources]] block"
        ' with a name, a kind ("github" or "gitlab") and the repos, orgs or groups to watch (see'
        " config.example.toml), or run `gluetui init` for a starter file."
    ]
    assert out.startswith(f"{path}: OK — 0 source(s)")


def test_http_is_allowed_on_loopback_and_when_the_source_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = FIXTURES / "http_allowed.toml"
    assert main(["config", "check", str(path)]) == 0
    cfg = load_config(path)
    assert [s.insecure_http for s in cfg.sources] == [False, True]


def test_themes_constant_is_textuals_builtin_themes() -> None:
    """THEMES lets the headless config check validate ``theme`` without importing Textual."""
    theme = pytest.importorskip("textual.theme")
    assert set(THEMES) == set(theme.BUILTIN_THEMES)
    assert list(THEMES) == sorted(THEMES)


@pytest.mark.parametrize("theme", THEMES)
def test_every_available_theme_is_accepted(theme: str) -> None:
    from gluetui.config.loader import load_config_text

    assert load_config_text(f'theme = "{theme}"\n').theme == theme


def test_config_after_the_subcommand_works_like_before_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text((FIXTURES / "valid_minimal.toml").read_text())
    assert main(["--config", str(cfg), "config", "check"]) == 0
    before = capsys.readouterr().out
    assert main(["config", "check", "--config", str(cfg)]) == 0
    assert capsys.readouterr().out == before
    assert main(["items", "--config", str(cfg), "--json"]) == main(
        ["--config", str(cfg), "items", "--json"]
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["items", "--config", "{missing}"],
        ["items", "--json", "--config", "{missing}"],
        ["--config", "{missing}", "items", "--json"],
        ["capacity", "--config", "{missing}"],
        ["report", "--config", "{missing}"],
        ["config", "check", "--config", "{missing}"],
        ["--config", "{missing}"],
    ],
)
def test_a_config_that_does_not_exist_is_exit_3(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope" / "config.toml"
    args = [str(missing) if a == "{missing}" else a for a in argv]
    assert main(args) == 3
    err = capsys.readouterr().err
    assert err.splitlines()[0] == f"gluetui: --config {missing} does not exist."
    assert "snapshot" not in err
