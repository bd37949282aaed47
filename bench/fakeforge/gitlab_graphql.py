"""GitLab GraphQL (``POST /api/graphql``): the same organisation, executed by graphql-core.

The schema (``gitlab_schema.graphql``) is the subset of GitLab's reference the adapter reads, with
GitLab's names, arguments and enums; resolvers are dicts of values and callables built lazily from
the model, like :mod:`gitlab_rest` builds REST answers. Connections cap ``first`` at 100, GitLab's
maximum page size; ``projects(fullPaths:)`` leaves out paths it does not know, as GitLab does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from graphql import GraphQLSchema, build_schema, graphql_sync

from bench.fakeforge.model import VIEWER, FakeCommit, FakePull, FakeRepo, FakeRun, Organisation, iso

JSON = dict[str, Any]
MAX_PAGE = 100
CASES = ("test_parse_header", "test_retry_backoff", "test_cache_roundtrip", "test_cli_help")


@cache
def gitlab_schema() -> GraphQLSchema:
    return build_schema((Path(__file__).with_name("gitlab_schema.graphql")).read_text())


def conn(
    items: Sequence[Any], first: int | None = None, after: str | None = None, **_: Any
) -> JSON:
    start = int(after) if after and after.isdigit() else 0
    size = min(first or MAX_PAGE, MAX_PAGE)
    page = list(items[start : start + size])
    more = start + size < len(items)
    return {
        "nodes": page,
        "count": len(items),
        "pageInfo": {
            "hasNextPage": more,
            "hasPreviousPage": start > 0,
            "startCursor": str(start),
            "endCursor": str(start + len(page)) if more else None,
        },
    }


def _lazy(items: Callable[[], Sequence[Any]]) -> Callable[..., JSON]:
    return lambda info, **args: conn(items(), **args)


def _time(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def user(login: str) -> JSON:
    name = login.replace("[bot]", "-bot")
    return {"username": name, "name": name.title(), "bot": login.endswith("[bot]")}


class Views:
    """Builds GraphQL objects for one organisation, rooted at the server's web URL."""

    def __init__(self, org: Organisation, root: str) -> None:
        self.org = org
        self.root = root

    def query(self) -> JSON:
        return {
            "currentUser": user(VIEWER),
            "project": lambda info, **a: self._project_by_path(a["fullPath"]),
            "projects": self._projects,
        }

    def _find(self, path: str) -> FakeRepo | None:
        owner, _, name = str(path).partition("/")
        return self.org.by_name(owner, name)

    def _project_by_path(self, path: str) -> JSON | None:
        repo = self._find(path)
        return self.project(repo) if repo is not None else None

    def _projects(self, info: Any, **args: Any) -> JSON:
        paths = args.pop("fullPaths", None) or ()
        repos = [r for r in (self._find(p) for p in paths) if r is not None]
        return conn([self.project(r) for r in repos], **args)

    def project(self, repo: FakeRepo) -> JSON:
        return {
            "id": f"gid://gitlab/Project/{repo.id}",
            "fullPath": repo.full_name,
            "name": repo.name,
            "webUrl": f"{self.root}/{repo.full_name}",
            "archived": repo.archived,
            "repository": self.repository(repo),
            "mergeRequests": lambda info, state=None, sort=None, **a: conn(
                [self.mr(repo, p) for p in self._mrs(repo, state, sort)], **a
            ),
            "pipelines": lambda info, **a: self._pipelines(repo, **a),
            "pipeline": lambda info, iid=None, **a: next(
                (self.pipeline(repo, r) for r in repo.runs if str(r.number) == str(iid)), None
            ),
        }

    def _mrs(self, repo: FakeRepo, state: str | None, sort: str | None) -> list[FakePull]:
        items = repo.pulls if state in (None, "opened", "all") else []
        return sorted(
            items, key=lambda p: p.created, reverse=(sort or "CREATED_DESC").endswith("DESC")
        )

    def _pipelines(
        self,
        repo: FakeRepo,
        ref: str | None = None,
        sha: str | None = None,
        status: str | None = None,
        **args: Any,
    ) -> JSON:
        after, before = (
            _time(args.pop("updatedAfter", None)),
            _time(args.pop("updatedBefore", None)),
        )
        runs = [
            r
            for r in repo.runs
            if (not ref or r.branch == ref)
            and (not sha or r.sha == sha)
            and (after is None or r.latest.updated >= after)
            and (before is None or r.latest.updated <= before)
        ]
        items = [self.pipeline(repo, r) for r in sorted(runs, key=lambda r: r.id, reverse=True)]
        if status:
            items = [p for p in items if p["status"] == status]
        return conn(items, **args)

    # -- repository ---------------------------------------------------------------------------

    def commit(self, repo: FakeRepo, c: FakeCommit | None) -> JSON | None:
        if c is None:
            return None
        path = f"/{repo.full_name}/-/commit/{c.sha}"
        return {
            "sha": c.sha,
            "title": c.title,
            "authorName": c.author.title(),
            "committedDate": iso(c.date),
            "authoredDate": iso(c.date),
            "webPath": path,
            "webUrl": self.root + path,
        }

    def repository(self, repo: FakeRepo) -> JSON:
        def tree(
            info: Any, path: str = "", ref: str | None = None, recursive: bool = False
        ) -> JSON | None:
            if ref not in (None, repo.default_branch, repo.head.sha, "HEAD"):
                return None
            path = (path or "").strip("/")
            prefix = f"{path}/" if path else ""
            entries = [
                p
                for p in sorted([*repo.dirs, *repo.files])
                if p.startswith(prefix) and (recursive or "/" not in p[len(prefix) :])
            ]

            def entry(p: str, kind: str) -> JSON:
                return {"path": p, "name": p.rsplit("/", 1)[-1], "type": kind}

            history = repo.history(path or None)
            return {
                "lastCommit": self.commit(repo, history[0] if history else None),
                "blobs": _lazy(lambda: [entry(p, "blob") for p in entries if p in repo.files]),
                "trees": _lazy(lambda: [entry(p, "tree") for p in entries if p not in repo.files]),
            }

        def blobs(info: Any, paths: list[str], ref: str | None = None, **a: Any) -> JSON:
            found = [
                {
                    "path": p,
                    "name": p.rsplit("/", 1)[-1],
                    "rawTextBlob": repo.files[p],
                    "size": len(repo.files[p].encode()),
                    "webPath": f"/{repo.full_name}/-/blob/{repo.default_branch}/{p}",
                }
                for p in paths
                if p in repo.files
            ]
            return conn(found, **a)

        return {
            "rootRef": repo.default_branch,
            "empty": False,
            "exists": True,
            "tree": tree,
            "blobs": blobs,
        }

    # -- merge requests and pipelines ---------------------------------------------------------

    def mr(self, repo: FakeRepo, p: FakePull) -> JSON:
        approved = [r for r in p.reviews if r.state == "APPROVED"]
        notes = [
            {"author": user(p.author), "system": True, "createdAt": iso(p.created), "body": "added"}
            for _ in range(p.notes)
        ] + [
            {
                "author": user(r.author),
                "system": False,
                "createdAt": iso(r.submitted_at),
                "body": "Left a few comments.",
            }
            for r in p.reviews
            if r.state != "APPROVED"
        ]
        notes.sort(key=lambda n: str(n["createdAt"]))
        status = {"SUCCESS": "SUCCESS", "FAILURE": "FAILED"}.get(p.status, "RUNNING")
        return {
            "iid": str(p.number),
            "title": ("Draft: " if p.draft else "") + p.title,
            "description": f"Changes for {p.title}.",
            "draft": p.draft,
            "createdAt": iso(p.created),
            "updatedAt": iso(p.updated),
            "webUrl": f"{self.root}/{repo.full_name}/-/merge_requests/{p.number}",
            "sourceBranch": p.head_branch,
            "targetBranch": repo.default_branch,
            "diffHeadSha": p.head_sha,
            "userNotesCount": len(notes) - p.notes,
            "author": user(p.author),
            "labels": _lazy(lambda: [{"title": lbl} for lbl in p.labels]),
            "reviewers": _lazy(lambda: [user(x) for k, x in p.requests if k == "user"]),
            "assignees": _lazy(lambda: [user(a) for a in p.assignees]),
            "approvedBy": _lazy(lambda: [user(r.author) for r in approved]),
            "diffStatsSummary": {
                "additions": p.additions,
                "deletions": p.deletions,
                "changes": p.additions + p.deletions,
                "fileCount": p.changed_files,
            },
            "headPipeline": {"status": status},
            "notes": _lazy(lambda: notes),
        }

    def pipeline(self, repo: FakeRepo, run: FakeRun) -> JSON:
        status = "SUCCESS" if run.latest.conclusion == "success" else "FAILED"

        def jobs(info: Any, retried: bool | None = None, **a: Any) -> JSON:
            out = []
            for attempt in run.attempts:
                was_retried = attempt is not run.latest
                if retried is not None and retried != was_retried:
                    continue
                for job in attempt.jobs:
                    out.append(
                        {
                            "id": f"gid://gitlab/Ci::Build/{job.id}",
                            "name": job.name,
                            "status": "SUCCESS" if job.conclusion == "success" else "FAILED",
                            "retried": was_retried,
                            "startedAt": iso(job.started),
                            "finishedAt": iso(job.completed),
                            "webPath": f"/{repo.full_name}/-/jobs/{job.id}",
                        }
                    )
            out.sort(key=lambda j: str(j["id"]), reverse=True)
            return conn(out, **a)

        latest = {f"gid://gitlab/Ci::Build/{j.id}": j for j in run.latest.jobs}
        summaries = [
            {
                "name": j.name,
                "buildIds": [f"gid://gitlab/Ci::Build/{j.id}"],
                "totalCount": len(CASES),
                "failedCount": int(bool(j.failed_test)),
            }
            for j in run.latest.jobs
        ]

        def suite(info: Any, **a: Any) -> JSON | None:
            job = next((latest[b] for b in a["buildIds"] if b in latest), None)
            if job is None:
                return None
            cases = [
                {
                    "name": n,
                    "classname": "tests.test_core",
                    "status": "failed" if n == job.failed_test else "success",
                    "file": "tests/test_core.py",
                }
                for n in CASES
            ]
            return {
                "name": job.name,
                "totalCount": len(cases),
                "failedCount": sum(c["status"] == "failed" for c in cases),
                "testCases": _lazy(lambda: cases),
            }

        return {
            "id": f"gid://gitlab/Ci::Pipeline/{run.id}",
            "iid": str(run.number),
            "sha": run.sha,
            "ref": run.branch,
            "status": status,
            "source": "push" if run.event == "push" else "merge_request_event",
            "createdAt": iso(run.created),
            "updatedAt": iso(run.latest.updated),
            "finishedAt": iso(run.latest.updated),
            "path": f"/{repo.full_name}/-/pipelines/{run.id}",
            "jobs": jobs,
            "testReportSummary": {"testSuites": _lazy(lambda: summaries)},
            "testSuite": suite,
        }


def run(org: Organisation, root: str, payload: Any) -> tuple[JSON, int]:
    """Execute one request body; returns (the JSON answer, objects in it)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return {"errors": [{"message": "No query string was present"}]}, 0
    result = graphql_sync(
        gitlab_schema(),
        payload["query"],
        root_value=Views(org, root).query(),
        variable_values=payload.get("variables") or None,
    )
    body: JSON = {"data": result.data}
    if result.errors:
        body["errors"] = [{"message": e.message} for e in result.errors]
    return body, _count(result.data)


def _count(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(_count(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count(v) for v in value)
    return 0
