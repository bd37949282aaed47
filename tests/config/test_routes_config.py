"""``[routes]`` and ``confirm`` in the config: what `config check` refuses, and what `init` writes.

Every refusal is exit code 3 with the file, the line and the key, like every config error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gluetui.cli import main
from gluetui.config.loader import load_config_text
from gluetui.config.routes import starter_routes
from gluetui.config.starter import render, starter_config

AUTOMATIONS = """\
[automations.rerun-failed]
kind = "github.rerun_failed_jobs"
fits = ["broken_ci", "flaky_test"]

[automations.ping]
kind = "github.comment"
fits = ["unreviewed_pr"]
body = "ping"
"""


def _check(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    path = tmp_path / "config.toml"
    path.write_text(AUTOMATIONS + text, encoding="utf-8")
    code = main(["config", "check", str(path)])
    out = capsys.readouterr()
    return code, out.err.replace(str(path), "config.toml")


@pytest.mark.parametrize(
    ("text", "where", "needle"),
    [
        (
            '\n[[routes.flaky_test]]\nroute = "delegate"\nautomation = "rerun-faild"\n',
            "config.toml:12: routes.flaky_test[0].automation",
            "no automation named 'rerun-faild'; did you mean 'rerun-failed'?",
        ),
        (
            '\n[[routes.stale_doc]]\nroute = "delegate"\nautomation = ["ping"]\n',
            "config.toml:12: routes.stale_doc[0].automation[0]",
            "automation 'ping' does not fit stale_doc items (it fits: unreviewed_pr)",
        ),
        (
            '\n[[routes.broken_ci]]\nroute = "take"\nmax_flake_rat = 0.5\n',
            "config.toml:12: routes.broken_ci[0].max_flake_rat",
            "unknown key; did you mean 'max_flake_rate'?",
        ),
        (
            '\n[[routes.broken_ci]]\nroute = "take"\nmax_flake_rate = 0.5\n',
            "config.toml:12: routes.broken_ci[0].max_flake_rate",
            "'max_flake_rate' does not apply to broken_ci items (it applies to flaky_test)",
        ),
        (
            '\n[[routes.flaky]]\nroute = "take"\n',
            "routes.flaky",
            "expected 'stale_doc', 'broken_ci', 'unreviewed_pr' or 'flaky_test'",
        ),
        (
            '\n[[routes.flaky_test]]\nroute = "delegate"\n',
            "config.toml:10: routes.flaky_test[0]",
            'route = "delegate" needs automation',
        ),
        (
            '\n[[routes.flaky_test]]\nroute = "take"\nautomation = "rerun-failed"\n',
            "config.toml:10: routes.flaky_test[0]",
            'automation only goes with route = "delegate"',
        ),
        (
            '\n[[routes.flaky_test]]\nroute = "take"\nrepo = 3\n',
            "config.toml:12: routes.flaky_test[0].repo",
            "expected a string or an array of strings, got 3",
        ),
        (
            '\n[[routes.flaky_test]]\nroute = "delegate"\nautomation = ["rerun-failed", 2]\n',
            "config.toml:12: routes.flaky_test[0].automation:",
            "expected a string or an array of strings, got an array holding something else",
        ),
        (
            '\n[[routes.flaky_test]]\nroute = "ignore"\n',
            "config.toml:11: routes.flaky_test[0].route",
            "expected 'delegate', 'take' or 'leave'",
        ),
    ],
)
def test_config_check_refuses_bad_routes_with_file_line_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, where: str, needle: str
) -> None:
    code, err = _check(tmp_path, text, capsys)
    assert code == 3, err
    assert where in err and needle in err, err


def test_confirm_false_only_for_a_kind_safe_to_repeat(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok = '[automations.again]\nkind = "gitlab.retry_job"\nfits = ["flaky_test"]\nconfirm = false\n'
    assert _check(tmp_path, ok, capsys)[0] == 0
    text = AUTOMATIONS.replace('body = "ping"\n', 'body = "ping"\nconfirm = false\n')
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["config", "check", str(path)]) == 3
    err = capsys.readouterr().err
    assert f"{path}:9: automations.ping.confirm: confirm = false is allowed only" in err
    assert "github.rerun_failed_jobs" in err and "a github.comment done twice" in err


def test_what_init_writes_checks_and_names_only_its_automations(tmp_path: Path) -> None:
    env = {"GITHUB_TOKEN": "x", "GITLAB_TOKEN": "y"}
    data = starter_config(env=env, which=lambda _: None, run=None, cwd=tmp_path)
    text = render(data)
    assert "[[routes.flaky_test]]" in text and "[[routes.unreviewed_pr]]" in text
    cfg = load_config_text(text, "init.toml")  # would raise on any problem
    assert set(cfg.routes) == {"stale_doc", "broken_ci", "unreviewed_pr", "flaky_test"}
    named = {n for rules in cfg.routes.values() for r in rules for n in r.candidates}
    assert named <= set(cfg.automations)
    assert data["routes"] == starter_routes(list(cfg.automations))
    path = tmp_path / "init.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["config", "check", str(path)]) == 0
