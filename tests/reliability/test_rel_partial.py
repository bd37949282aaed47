"""A refresh that fails in part: never exit 0, never an emptied panel, one stderr line per failure.

A GitHub organisation of three repositories (each with an old unreviewed pull request, so each has
an item) behind a real socket; the first refresh is good, the second breaks one repository, the
whole organisation's listing, or the host itself. The command line must say what failed, line by
line, exit with the forge's code, and still list the last good items of what failed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rel_fakes import GH_TOKEN, fakehub, github_handler
from rel_server import Answer, LocalServer, Request

from gluetui import cli
from gluetui.store import Store

REPOS = ["acme/app", "acme/lib", "acme/web"]


def org_hub() -> Any:
    fh = fakehub()
    repos = [
        fh.FakeRepo(
            name,
            pulls=[
                fh.pr_node(
                    n,
                    title=f"Change {name}",
                    createdAt="2026-11-18T09:00:00Z",
                    updatedAt="2026-11-18T09:00:00Z",
                )
            ],
        )
        for n, name in enumerate(REPOS, 1)
    ]
    hub = fh.FakeGitHub(repos)
    hub.orgs["acme"] = list(REPOS)
    return hub


@pytest.fixture
def org() -> Iterator[tuple[LocalServer, Any]]:
    hub = org_hub()
    server = LocalServer(github_handler(hub)).start()
    yield server, hub
    server.stop()


def write_config(path: Path, server: LocalServer, timeout: float = 5) -> Path:
    path.write_text(
        f"""
[[sources]]
name = "gh"
kind = "github"
url = "{server.url}/api/v3"
token_env = "REL_GH_TOKEN"
orgs = ["acme"]
timeout_seconds = {timeout}
""",
        encoding="utf-8",
    )
    return path


def run(capsys: pytest.CaptureFixture[str], config: Path, *command: str) -> tuple[int, str, str]:
    code = cli.main(
        ["--config", str(config), *(command or ("items", "--refresh", "--json", "--all"))]
    )
    out, err = capsys.readouterr()
    assert GH_TOKEN not in out + err and "Traceback" not in err
    return code, out, err


def repos_of(out: str) -> list[str]:
    return sorted(i["repo"] for i in json.loads(out)["items"])


def first_good(capsys: pytest.CaptureFixture[str], tmp_path: Path, server: LocalServer) -> Path:
    config = write_config(tmp_path / "config.toml", server)
    code, out, err = run(capsys, config)
    assert code == 0 and err == "" and repos_of(out) == REPOS
    return config


def test_a_repository_that_fails_is_named_and_keeps_its_items(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], org: tuple[LocalServer, Any]
) -> None:
    server, hub = org
    config = first_good(capsys, tmp_path, server)
    pushed_with_a_failed_run(hub, "acme/lib")

    def broken(req: Request) -> Answer | None:
        if "/repos/acme/lib/actions/runs" in req.path:
            return Answer(500, {"message": "Server Error"})
        return None

    server.fault = broken
    code, out, err = run(capsys, config)
    assert code == 5  # the forge's code: a partial refresh is not a success
    lines = err.strip().splitlines()
    assert lines[0].startswith("gluetui: gh: ") and "acme/lib" in lines[0] and "500" in lines[0]
    assert "refreshed in part (1 of 3 repositories failed)" in lines[-1]
    assert len(lines) == 2
    assert repos_of(out) == REPOS  # acme/lib's last good item is still there


def test_an_organisation_github_cannot_resolve_keeps_all_its_items(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], org: tuple[LocalServer, Any]
) -> None:
    """``{"data": {"w0": null}, "errors": [{"type": "NOT_FOUND", "path": ["w0"]}]}`` after the
    token lost access: the organisation's items stay (they used to be wiped, with exit 0)."""
    server, hub = org
    config = first_good(capsys, tmp_path, server)
    hub.orgs.pop("acme")
    code, out, err = run(capsys, config)
    assert code == 5
    lines = err.strip().splitlines()
    assert "GitHub organisation acme could not be listed" in lines[0]
    assert "1 owner not listed" in lines[-1]
    assert repos_of(out) == REPOS
    with Store.open(Path(_store(tmp_path))) as store:
        (failure,) = store.failures()["gh"]
    assert failure.repo == "acme/*"


def pushed_with_a_failed_run(hub: Any, name: str) -> None:
    """A push to ``name`` whose run failed (so the next refresh reads it), on a server whose
    GraphQL cannot resolve that run: its jobs are read over REST, where the fault waits."""
    repo = hub.repos[name]
    repo.head = "e" * 40
    repo.runs = [fakehub().run_json(9, head_sha="e" * 40, conclusion="failure")]
    hub.unresolvable = {"WFR_9"}


def _store(tmp_path: Path) -> str:
    from gluetui import paths

    return str(paths.store_path())


def test_a_redirect_to_another_host_is_not_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], org: tuple[LocalServer, Any]
) -> None:
    server, _ = org
    config = first_good(capsys, tmp_path, server)
    elsewhere = LocalServer(lambda req: Answer(200, {"data": {"viewer": {"login": "x"}}})).start()
    try:
        server.fault = lambda req: Answer(307, b"", {"Location": f"{elsewhere.url}{req.path}"})
        code, out, err = run(capsys, config)
    finally:
        elsewhere.stop()
    assert code == 5
    assert "another host" in err
    assert elsewhere.requests == []  # the token never went there, nothing came back as data
    assert repos_of(out) == REPOS


def test_a_trickling_server_fails_in_about_the_timeout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], org: tuple[LocalServer, Any]
) -> None:
    server, _ = org
    config = first_good(capsys, tmp_path, server)
    config = write_config(tmp_path / "config.toml", server, timeout=1)
    server.fault = lambda req: Answer(200, {"data": {"viewer": {"login": "x" * 500}}}, trickle=0.1)
    started = time.monotonic()
    code, out, err = run(capsys, config)
    took = time.monotonic() - started
    assert code == 5 and "did not answer in time" in err
    assert took < 6  # one deadline (1 s) and some slack; a byte every 0.1 s would take ~50 s
    assert repos_of(out) == REPOS


@pytest.mark.parametrize(
    "command", [("capacity", "--refresh"), ("report", "--refresh"), ("plan", "--refresh")]
)
def test_capacity_report_and_plan_say_what_failed_and_exit_nonzero(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    org: tuple[LocalServer, Any],
    command: tuple[str, ...],
) -> None:
    server, hub = org
    config = first_good(capsys, tmp_path, server)
    pushed_with_a_failed_run(hub, "acme/web")
    server.fault = lambda req: (
        Answer(500, {"message": "x"}) if "/repos/acme/web/actions/runs" in req.path else None
    )
    code, out, err = run(capsys, config, *command)
    assert code == 5
    assert "acme/web" in err and "1 of 3 repositories failed" in err
    assert out  # the capacity table / the report / the plan is still printed


def test_at_the_budget_edge_the_cli_says_what_waits_and_until_when(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], org: tuple[LocalServer, Any]
) -> None:
    """The repositories changed since the last refresh, and the GraphQL budget cannot pay for
    reading them: the refresh stops before GitHub has to refuse, lists each one that waits, says
    when it continues, keeps their items, and exits 7."""
    server, hub = org
    config = first_good(capsys, tmp_path, server)
    reset = datetime.now(UTC) + timedelta(minutes=40)
    hub.reset_epoch = int(reset.timestamp())
    hub.remaining["graphql"] = 2  # the listing (1 point) leaves too little to read any of them
    for repo in hub.repos.values():
        repo.head = "e" * 40  # pushed to: every stamp moved
    code, out, err = run(capsys, config)
    assert code == 7
    lines = err.strip().splitlines()
    until = reset.astimezone().strftime("%H:%M")
    for name in REPOS:
        assert any(name in line and "waits for the rate limit" in line for line in lines), err
    assert f"paused until {until}" in lines[-1] and f"after {until} continues" in lines[-1]
    assert repos_of(out) == REPOS
    assert hub.calls["spent:graphql"] == 0
