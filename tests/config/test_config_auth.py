"""Token resolution order, its failures (never echoing a token), and the repository filters."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from gluetui.config.loader import is_accountable, load_config_text, resolve_token, watched
from gluetui.config.schema import Config, SourceConfig
from gluetui.errors import AuthError

SECRET = "ghp_S3cr3tS3cr3tS3cr3tS3cr3tS3cr3t0000"


class FakeRun:
    """Records the argv and keyword arguments; answers like subprocess.run."""

    def __init__(self, stdout: str = "", returncode: int = 0, stderr: str = "") -> None:
        self.calls: list[tuple[list[str], dict[str, Any]]] = []
        self.result = (stdout, returncode, stderr)

    def __call__(self, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append((argv, kwargs))
        stdout, code, stderr = self.result
        return subprocess.CompletedProcess(argv, code, stdout, stderr)


def _raising(exc: BaseException) -> Any:
    def run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        raise exc

    return run


def gh(**kw: Any) -> SourceConfig:
    return SourceConfig(name="work-github", kind="github", **kw)


def test_token_env_comes_first() -> None:
    run = FakeRun("from-command\n")
    src = gh(token_env="WORK_TOKEN", token_command=["gh", "auth", "token"])
    env = {"WORK_TOKEN": " from-env \n", "GITHUB_TOKEN": "default"}
    assert resolve_token(src, env, run) == "from-env"
    assert run.calls == []


def test_default_env_names_when_nothing_is_configured() -> None:
    assert resolve_token(gh(), {"GITHUB_TOKEN": "a", "GH_TOKEN": "b"}) == "a"
    assert resolve_token(gh(), {"GH_TOKEN": "b"}) == "b"
    lab = SourceConfig(name="lab", kind="gitlab")
    assert resolve_token(lab, {"GITLAB_TOKEN": "c", "GITHUB_TOKEN": "a"}) == "c"


def test_command_runs_without_a_shell_with_a_timeout() -> None:
    run = FakeRun("tok-from-gh\n")
    src = gh(token_command=["gh", "auth", "token", "--hostname", "ghe.example.com"])
    assert resolve_token(src, {}, run) == "tok-from-gh"
    [(argv, kwargs)] = run.calls
    assert argv == ["gh", "auth", "token", "--hostname", "ghe.example.com"]
    assert kwargs["timeout"] == 10 and kwargs["capture_output"] and kwargs["text"]
    assert kwargs.get("shell", False) is False


def test_command_is_used_when_the_token_env_variable_is_unset() -> None:
    run = FakeRun("tok\n")
    assert resolve_token(gh(token_env="WORK", token_command=["x"]), {}, run) == "tok"


def test_explicit_command_wins_over_conventional_variables() -> None:
    """A GHES source must not pick up the github.com token that sits in GITHUB_TOKEN."""
    run = FakeRun("ghes-token\n")
    assert resolve_token(gh(token_command=["gh"]), {"GITHUB_TOKEN": "dotcom"}, run) == "ghes-token"


def test_configured_token_env_does_not_fall_back_to_conventional_variables() -> None:
    with pytest.raises(AuthError) as caught:
        resolve_token(gh(token_env="WORK_TOKEN"), {"GITHUB_TOKEN": SECRET})
    assert "WORK_TOKEN" in caught.value.hint


def test_missing_token_names_what_to_set_and_the_scopes() -> None:
    with pytest.raises(AuthError) as caught:
        resolve_token(gh(), {})
    err = caught.value
    assert err.title == "No token for source 'work-github'."
    assert "GITHUB_TOKEN" in err.hint and "GH_TOKEN" in err.hint
    assert "`repo`" in err.hint and "`read:org`" in err.hint
    assert "Actions, Contents, Metadata and Pull requests" in err.hint
    assert err.exit_code == 6


def test_missing_gitlab_token_names_its_scopes() -> None:
    with pytest.raises(AuthError) as caught:
        resolve_token(SourceConfig(name="lab", kind="gitlab"), {})
    assert "GITLAB_TOKEN" in caught.value.hint
    assert "`read_api`" in caught.value.hint and "`api`" in caught.value.hint


@pytest.mark.parametrize(
    ("run", "fragment"),
    [
        (FakeRun(SECRET, returncode=1, stderr=f"bad {SECRET}\nmore"), "exited with status 1"),
        (FakeRun("   \n"), "printed nothing"),
        (_raising(FileNotFoundError(2, "nope")), "'gh' was not found"),
        (_raising(subprocess.TimeoutExpired(["gh"], 10, output=SECRET)), "longer than 10 s"),
        (_raising(PermissionError(13, "Permission denied")), "could not run"),
    ],
)
def test_command_failures_are_auth_errors_without_the_token(run: Any, fragment: str) -> None:
    src = gh(token_command=["gh", "auth", "token"])
    with pytest.raises(AuthError) as caught:
        resolve_token(src, {}, run)
    err = caught.value
    assert fragment in err.title
    assert "gh auth token" in err.hint
    for text in (str(err), err.title, err.hint, repr(err.args)):
        assert "S3cr3t" not in text
    # No chained exception carries the command's output (TimeoutExpired holds its stdout).
    assert err.__cause__ is None
    assert err.__context__ is None or err.__suppress_context__


def test_command_stderr_is_quoted_with_tokens_hidden() -> None:
    run = FakeRun("", returncode=4, stderr=f"\n token {SECRET} rejected\n")
    with pytest.raises(AuthError) as caught:
        resolve_token(gh(token_command=["gh"]), {}, run)
    assert caught.value.title.endswith("status 4 (token [token hidden] rejected).")


def _cfg(*patterns: str) -> Config:
    return Config(accountable=list(patterns))


@pytest.mark.parametrize(
    ("patterns", "host", "repo", "expected"),
    [
        (["acme/api"], "github.com", "acme/api", True),
        (["ACME/*"], "github.com", "acme/Payments", True),
        (["acme/pay*"], "github.com", "acme/api", False),
        (["gitlab.example.com/platform/*"], "gitlab.example.com", "platform/ci", True),
        (["gitlab.example.com/platform/*"], "gitlab.com", "platform/ci", False),
        (["platform/*"], "gitlab.example.com", "platform/infra/tf", True),
        ([], "github.com", "acme/api", False),
    ],
)
def test_is_accountable(patterns: list[str], host: str, repo: str, expected: bool) -> None:
    assert is_accountable(_cfg(*patterns), host, repo) is expected


def test_watched_applies_include_exclude_archived_and_forks() -> None:
    src = gh(include=["acme/*"], exclude=["acme/*-sandbox"])
    assert watched(src, "acme/api", archived=False, fork=False)
    assert watched(src, "ACME/Api", archived=False, fork=False)
    assert not watched(src, "other/api", archived=False, fork=False)
    assert not watched(src, "acme/x-sandbox", archived=False, fork=False)
    assert not watched(src, "acme/api", archived=True, fork=False)
    assert not watched(src, "acme/api", archived=False, fork=True)
    opted = gh(include_archived=True, include_forks=True)
    assert watched(opted, "anyone/thing", archived=True, fork=True)


def test_explicit_repos_are_always_watched() -> None:
    src = gh(repos=["acme/old-sandbox"], include=["nothing/*"], exclude=["*"])
    assert watched(src, "acme/old-sandbox", archived=True, fork=True)


def test_loaded_config_feeds_the_helpers() -> None:
    cfg = load_config_text(
        'accountable = ["acme/*"]\n[[sources]]\nname = "gh"\nkind = "github"\ntoken_env = "T"\n'
    )
    assert is_accountable(cfg, cfg.sources[0].host, "acme/api")
    assert resolve_token(cfg.sources[0], {"T": "x"}) == "x"
