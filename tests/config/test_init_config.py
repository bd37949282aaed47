"""``gluetui init``: detection with injected probes, and a written file that loads."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from gluetui.config.loader import ConfigInvalid, load_config
from gluetui.config.starter import Remote, parse_remote, starter_config, write_config
from gluetui.errors import ConfigError


class Machine:
    """A fake machine: which tools exist, which are logged in, and the origin remote."""

    def __init__(
        self,
        tools: set[str],
        logged_in: frozenset[str] | set[str] = frozenset(),
        origin: str | None = None,
    ) -> None:
        self.tools = tools
        self.logged_in = set(logged_in)
        self.origin = origin
        self.calls: list[tuple[list[str], dict[str, Any]]] = []

    def which(self, name: str) -> str | None:
        return f"/usr/bin/{name}" if name in self.tools else None

    def run(self, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append((argv, kwargs))
        if argv[:2] == ["git", "remote"]:
            if self.origin is None:
                return subprocess.CompletedProcess(argv, 2, "", "error: No such remote 'origin'")
            return subprocess.CompletedProcess(argv, 0, self.origin + "\n", "")
        ok = argv[0] in self.logged_in
        return subprocess.CompletedProcess(argv, 0 if ok else 1, "", "")

    def starter(self, env: dict[str, str] | None = None) -> dict[str, Any]:
        return starter_config(env=env or {}, which=self.which, run=self.run, cwd=Path("/repo"))


def test_nothing_found_falls_back_to_a_github_source_using_token_env() -> None:
    data = Machine(set()).starter()
    assert data["sources"] == [{"name": "github", "kind": "github", "token_env": "GITHUB_TOKEN"}]
    assert "accountable" not in data
    assert data["automations"]["rerun-failed"]["kind"] == "github.rerun_failed_jobs"
    # The routes name only automations init wrote: GitHub's, not GitLab's.
    named = {
        n
        for rules in data["routes"].values()
        for r in rules
        for n in (
            [r["automation"]] if isinstance(r.get("automation"), str) else r.get("automation", [])
        )
    }
    assert named == {"rerun-failed", "doc-issue", "needs-review"}


def test_gh_login_and_github_remote() -> None:
    m = Machine({"gh", "git"}, {"gh"}, "git@github.com:acme/payments-api.git")
    data = m.starter()
    assert data["sources"] == [
        {
            "name": "github",
            "kind": "github",
            "token_command": ["gh", "auth", "token"],
            "repos": ["acme/payments-api"],
        }
    ]
    assert data["accountable"] == ["acme/payments-api"]
    probes = {tuple(argv): kw for argv, kw in m.calls}
    assert ("gh", "auth", "status") in probes
    git = probes[("git", "remote", "get-url", "origin")]
    assert git["cwd"] == Path("/repo") and git["timeout"] == 10
    assert all(kw.get("shell", False) is False for _, kw in m.calls)


def test_env_token_names_are_used_when_no_cli_is_logged_in() -> None:
    data = Machine(set()).starter({"GH_TOKEN": "x", "GITLAB_TOKEN": "y"})
    assert [(s["name"], s["token_env"]) for s in data["sources"]] == [
        ("github", "GH_TOKEN"),
        ("gitlab", "GITLAB_TOKEN"),
    ]
    assert set(data["automations"]) == {
        "rerun-failed",
        "doc-issue",
        "needs-review",
        "copilot-agent",
        "claude-agent",
        "codex-agent",
        "retry-pipeline",
        "doc-issue-gitlab",
        "nudge-mr",
        "agent-note-gitlab",
    }
    # One rule per forge pair: a GitHub item re-runs with rerun-failed, a GitLab one retries.
    (delegate,) = [r for r in data["routes"]["flaky_test"] if r["route"] == "delegate"]
    assert delegate["automation"] == ["rerun-failed", "retry-pipeline"]


def test_glab_login_with_a_self_hosted_gitlab_remote() -> None:
    m = Machine({"glab", "git"}, {"glab"}, "https://gitlab.example.com/platform/infra/tf.git")
    data = m.starter()
    assert data["sources"] == [
        {
            "name": "gitlab.example.com",
            "kind": "gitlab",
            "url": "https://gitlab.example.com",
            "token_command": ["glab", "config", "get", "token", "--host", "gitlab.example.com"],
            "repos": ["platform/infra/tf"],
        }
    ]
    assert data["accountable"] == ["platform/infra/tf"]


def test_github_enterprise_remote() -> None:
    m = Machine({"gh", "git"}, {"gh"}, "ssh://git@github.example.com/platform/api.git")
    [source] = m.starter()["sources"]
    assert source["url"] == "https://github.example.com/api/v3"
    assert source["token_command"] == ["gh", "auth", "token", "--hostname", "github.example.com"]


def test_probe_failures_are_ignored() -> None:
    def run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        if argv[0] == "gh":
            raise subprocess.TimeoutExpired(argv, 10)
        raise FileNotFoundError(2, "gone")

    data = starter_config(env={}, which=lambda name: "/bin/" + name, run=run)
    assert data["sources"][0]["token_env"] == "GITHUB_TOKEN"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("git@github.com:acme/api.git", Remote("github", "github.com", "acme/api")),
        ("https://github.com/acme/api", Remote("github", "github.com", "acme/api")),
        ("https://x:tok@github.com/acme/api.git/", Remote("github", "github.com", "acme/api")),
        ("ssh://git@gitlab.com:2222/g/sub/p.git", Remote("gitlab", "gitlab.com", "g/sub/p")),
        ("git@GitLab.Example.com:g/p.git", Remote("gitlab", "gitlab.example.com", "g/p")),
        ("https://github.com/acme", None),
        ("https://github.com/a/b/c", None),
        ("https://bitbucket.org/a/b.git", None),
        ("/srv/git/repo.git", None),
        ("file:///srv/git/repo.git", None),
        ("", None),
    ],
)
def test_parse_remote(url: str, expected: Remote | None) -> None:
    assert parse_remote(url) == expected


def test_written_starter_loads(tmp_path: Path) -> None:
    m = Machine({"gh", "glab", "git"}, {"gh", "glab"}, "git@github.com:acme/api.git")
    target = tmp_path / "deep" / "er" / "config.toml"
    assert write_config(target, m.starter()) == target
    cfg = load_config(target)
    assert [s.name for s in cfg.sources] == ["github", "gitlab"]
    assert cfg.sources[0].repos == ["acme/api"]
    assert cfg.accountable == ["acme/api"]
    text = target.read_text()
    assert text.startswith("# gluetui config, written by `gluetui init`.")
    assert "[[sources]]" in text
    assert "Source 'gitlab' watches nothing yet" in text


def test_fallback_starter_loads_and_says_what_to_add(tmp_path: Path) -> None:
    target = write_config(tmp_path / "c.toml", Machine(set()).starter())
    assert load_config(target).sources[0].token_env == "GITHUB_TOKEN"
    assert 'add repos = ["owner/name"] or orgs' in target.read_text()


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "cfg" / "config.toml"
    target.parent.mkdir()
    target.write_text("theme = 'nord'\n")
    with pytest.raises(ConfigError) as caught:
        write_config(target, {"theme": "gruvbox"})
    assert "--force" in caught.value.hint and str(target) in caught.value.title
    assert target.read_text() == "theme = 'nord'\n"
    write_config(target, {"theme": "gruvbox"}, force=True)
    assert load_config(target).theme == "gruvbox"
    assert [p.name for p in target.parent.iterdir()] == ["config.toml"]  # no temp file left behind


def test_invalid_data_is_never_written(tmp_path: Path) -> None:
    target = tmp_path / "config.toml"
    with pytest.raises(ConfigInvalid):
        write_config(target, {"refresh_minuts": 5})
    with pytest.raises(ConfigError):
        write_config(target, {"theme": object()})
    assert not target.exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_real_git_remote_in_a_temp_repo(tmp_path: Path) -> None:
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env)
    subprocess.run(
        ["git", "-C", str(tmp_path), "remote", "add", "origin", "git@gitlab.com:grp/proj.git"],
        check=True,
        env=env,
    )

    def which(name: str) -> str | None:
        return shutil.which(name) if name == "git" else None

    data = starter_config(env={}, which=which, cwd=tmp_path)
    assert data["sources"] == [
        {"name": "gitlab", "kind": "gitlab", "token_env": "GITLAB_TOKEN", "repos": ["grp/proj"]}
    ]


def test_a_login_the_forge_reports_becomes_an_assign_me_automation(tmp_path: Path) -> None:
    asked: list[tuple[str, str]] = []

    def github_login(source: Any, token: str) -> str:
        asked.append((source.api_url, token))
        return "octocat"

    m = Machine({"git"}, set(), "git@github.com:acme/api.git")
    data = starter_config(
        env={"GITHUB_TOKEN": "t0ken"},
        which=m.which,
        run=m.run,
        cwd=Path("/repo"),
        logins={"github": github_login},
    )
    assert asked == [("https://api.github.com", "t0ken")]
    assert data["automations"]["assign-me"] == {
        "kind": "github.assign",
        "fits": ["unreviewed_pr"],
        "description": "Assign me (octocat) when I take it",
        "assignees": ["octocat"],
    }
    target = write_config(tmp_path / "c.toml", data)
    assert load_config(target).automations["assign-me"].kind == "github.assign"
    assert 'assign_on_take = ["assign-me"]' in target.read_text()


def test_a_login_probe_that_fails_costs_nothing() -> None:
    def broken(source: Any, token: str) -> str:
        return ""

    m = Machine(set())
    data = starter_config(env={}, which=m.which, run=m.run, logins={"github": broken})
    assert "assign-me" not in data["automations"]  # no token at all: never asked
    data = starter_config(
        env={"GH_TOKEN": "x"}, which=m.which, run=m.run, logins={"github": broken}
    )
    assert "assign-me" not in data["automations"]
