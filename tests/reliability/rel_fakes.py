"""Healthy GitHub and GitLab behind a real 127.0.0.1 socket, and the runtime around them.

GitHub answers come from the project's FakeGitHub (tests/github/fakehub.py, loaded by path); GitLab
answers from :class:`FakeGitLab`, a few routes shaped like GitLab's REST API v4. Both produce
items (an unreviewed PR/MR and a broken default branch), so a later failed refresh has last good
data to keep.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
from rel_server import Answer, LocalServer, Request

from gluetui.config.schema import Config, SourceConfig, automation
from gluetui.factory import Runtime, make_forge
from gluetui.forges.base import Forge
from gluetui.store import Store

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
#: A recognisable fake token, planted in the environment; no output may ever contain it.
GH_TOKEN = "ghp_RELIABILITY0SECRET0TOKEN0xyz123456"
GL_TOKEN = "glpat-RELIABILITY-SECRET-TOKEN-42"
TESTS = Path(__file__).resolve().parents[1]


def fakehub() -> ModuleType:
    """tests/github/fakehub.py, shared with the GitHub tests when they already imported it."""
    if "fakehub" in sys.modules:
        return sys.modules["fakehub"]
    if str(TESTS / "github") not in sys.path:
        sys.path.append(str(TESTS / "github"))  # fakehub imports nodecount by name
    spec = importlib.util.spec_from_file_location("fakehub", TESTS / "github" / "fakehub.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fakehub"] = module
    spec.loader.exec_module(module)
    return module


def github_hub(
    *,
    title: str = "Add the parser",
    branch: str = "feature-1",
    author: str = "alice",
    job: str = "unit",
) -> Any:
    """A FakeGitHub with acme/app: one old unreviewed PR and a failed run on main."""
    fh = fakehub()
    pr = fh.pr_node(
        1,
        title=title,
        headRefName=branch,
        author={"__typename": "User", "login": author},
        createdAt="2026-11-18T09:00:00Z",
        updatedAt="2026-11-18T09:00:00Z",
    )
    run = fh.run_json(11, conclusion="failure", name=f"CI {job}", created_at="2026-11-24T10:00:00Z")
    repo = fh.FakeRepo(
        "acme/app",
        pulls=[pr],
        runs=[run],
        jobs={11: [fh.job_json(101, job, "failure")]},
    )
    return fh.FakeGitHub([repo])


def github_handler(hub: Any) -> Any:
    """Serve a FakeGitHub over the socket (GitHub Enterprise layout: /api/v3, /api/graphql)."""

    def handle(req: Request) -> Answer:
        path = req.path.removeprefix("/api/v3")
        url = f"http://127.0.0.1{path}"
        request = httpx.Request(req.method, url, headers=req.headers, content=req.body)
        resp: httpx.Response = hub.handle(request)
        resp.read()
        headers = {k: v for k, v in resp.headers.items() if k.lower() != "content-length"}
        return Answer(resp.status_code, resp.content, headers)

    return handle


class FakeGitLab:
    """GitLab REST v4 for one project ``acme/lib`` (id 7): an MR, a failed pipeline, its jobs."""

    def __init__(
        self,
        *,
        title: str = "Fix the docs",
        branch: str = "fix-docs",
        author: str = "bob",
        job: str = "test",
    ) -> None:
        self.title, self.branch, self.author, self.job = title, branch, author, job

    def __call__(self, req: Request) -> Answer:
        path = req.bare_path.removeprefix("/api/v4")
        body = self.route(req.method, path)
        if body is None:
            return Answer(404, {"message": "404 Not Found"})
        return Answer(200, body)

    def route(self, method: str, path: str) -> Any:
        mr = {
            "id": 70,
            "iid": 3,
            "title": self.title,
            "web_url": "https://gitlab.example.com/acme/lib/-/merge_requests/3",
            "author": {"username": self.author},
            "created_at": "2026-11-18T09:00:00Z",
            "updated_at": "2026-11-18T09:00:00Z",
            "source_branch": self.branch,
            "target_branch": "main",
            "sha": "c" * 40,
            "draft": False,
            "user_notes_count": 0,
            "reviewers": [],
            "labels": [],
        }
        pipeline = {
            "id": 900,
            "iid": 9,
            "status": "failed",
            "ref": "main",
            "sha": "d" * 40,
            "source": "push",
            "created_at": "2026-11-24T10:00:00Z",
            "updated_at": "2026-11-24T10:10:00Z",
            "web_url": "https://gitlab.example.com/acme/lib/-/pipelines/900",
        }
        routes: dict[str, Any] = {
            "/user": {"id": 1, "username": "carol"},
            "/projects/acme%2Flib": {
                "id": 7,
                "path_with_namespace": "acme/lib",
                "web_url": "https://gitlab.example.com/acme/lib",
                "default_branch": "main",
                "archived": False,
            },
            "/projects/7/merge_requests": [mr],
            "/projects/7/merge_requests/3/approvals": {"approved_by": []},
            "/projects/7/merge_requests/3": {**mr, "changes_count": "3"},
            "/projects/7/pipelines": [pipeline],
            "/projects/7/pipelines/900/jobs": [
                {
                    "id": 5000,
                    "name": self.job,
                    "status": "failed",
                    "web_url": "https://gitlab.example.com/acme/lib/-/jobs/5000",
                    "started_at": "2026-11-24T10:01:00Z",
                    "finished_at": "2026-11-24T10:05:00Z",
                }
            ],
            "/projects/7/pipelines/900/test_report": {"test_suites": []},
            "/projects/7/repository/tree": [],
        }
        if method != "GET":
            return None
        return routes.get(path, [] if re.search(r"/(commits|tree|notes)$", path) else None)


def source(kind: str, url: str, name: str = "", **over: Any) -> SourceConfig:
    fields: dict[str, Any] = {
        "name": name or ("gh" if kind == "github" else "gl"),
        "kind": kind,
        "url": url,
        "repos": ["acme/app"] if kind == "github" else ["acme/lib"],
        "timeout_seconds": 1.0,
        "token_env": "REL_GH_TOKEN" if kind == "github" else "REL_GL_TOKEN",
    }
    fields.update(over)
    return SourceConfig(**fields)


def config(sources: Sequence[SourceConfig], **over: Any) -> Config:
    automations = {
        "rerun": automation(kind="github.rerun_failed_jobs", fits=["broken_ci"]),
        "comment": automation(
            kind="github.comment", fits=["unreviewed_pr"], body="Ping {author}: {title}"
        ),
        "retry": automation(kind="gitlab.retry_pipeline", fits=["broken_ci"]),
        "note": automation(kind="gitlab.note", fits=["unreviewed_pr"], body="Ping {title}"),
    }
    return Config(sources=list(sources), automations=automations, **over)


async def _no_sleep(seconds: float) -> None:
    return None


def build_forges(cfg: Config, store: Store) -> list[Forge]:
    """The real adapters through the real factory; GitHub's backoff sleeps are skipped."""
    forges = [make_forge(s, cfg, store) for s in cfg.sources]
    for forge in forges:
        session = getattr(forge, "session", None)
        if session is not None:
            session.sleep = _no_sleep
            session.clock = lambda: NOW
    return forges


@contextmanager
def runtime(cfg: Config, store_path: Path) -> Iterator[Runtime]:
    """A runtime over the real adapters; close the forges with :func:`aclose` before leaving."""
    store = Store.open(store_path)
    rt = Runtime(config=cfg, forges=build_forges(cfg, store), store=store, clock=lambda: NOW)
    try:
        yield rt
    finally:
        rt.close()


async def aclose(rt: Runtime) -> None:
    for forge in rt.forges:
        await forge.aclose()


@contextmanager
def servers(*handlers: Any) -> Iterator[list[LocalServer]]:
    started = [LocalServer(h).start() for h in handlers]
    try:
        yield started
    finally:
        for server in started:
            server.stop()


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)
