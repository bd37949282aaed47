"""GitLab REST (``/api/v4``): the same organisation as a group of projects, shaped like GitLab's docs.

A GitHub repository is a project (id ``1000 + index``, path ``bench-org/repo-NNNN``), a pull request a
merge request (approvals from APPROVED reviews, notes from the others), a default-branch workflow run
a pipeline whose jobs include retried attempts (``include_retried``), with a test report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from bench.fakeforge.http import Request, Response, json_response, paginate
from bench.fakeforge.model import (
    VIEWER,
    FakeCommit,
    FakePull,
    FakeRepo,
    FakeRun,
    Organisation,
    iso,
    sha_of,
)

JSON = dict[str, Any]
Handler = Callable[[Organisation, Request, re.Match[str]], Response]


def _web(req: Request) -> str:
    return req.root


def user(login: str, req: Request) -> JSON:
    name = login.replace("[bot]", "-bot")
    uid = sum(map(ord, name)) * 7
    return {
        "id": uid,
        "username": name,
        "name": name.title(),
        "state": "active",
        "locked": False,
        "avatar_url": f"{_web(req)}/uploads/{name}.png",
        "web_url": f"{_web(req)}/{name}",
    }


def project_json(org: Organisation, repo: FakeRepo, req: Request) -> JSON:
    web = f"{_web(req)}/{repo.full_name}"
    return {
        "id": repo.id,
        "description": f"Synthetic project {repo.index}",
        "name": repo.name,
        "name_with_namespace": f"{org.org} / {repo.name}",
        "path": repo.name,
        "path_with_namespace": repo.full_name,
        "created_at": iso(repo.created),
        "default_branch": repo.default_branch,
        "tag_list": [],
        "topics": [],
        "ssh_url_to_repo": f"git@{req.root.split('//', 1)[-1]}:{repo.full_name}.git",
        "http_url_to_repo": f"{web}.git",
        "web_url": web,
        "readme_url": f"{web}/-/blob/{repo.default_branch}/README.md",
        "avatar_url": None,
        "forks_count": 0,
        "star_count": repo.index % 50,
        "last_activity_at": iso(repo.head.date),
        "namespace": {
            "id": 77,
            "name": org.org,
            "path": org.org,
            "kind": "group",
            "full_path": org.org,
            "parent_id": None,
            "web_url": f"{_web(req)}/groups/{org.org}",
        },
        "archived": repo.archived,
        "visibility": "private",
        "empty_repo": False,
        "open_issues_count": 0,
    }


def _lookup(org: Organisation, ident: str) -> FakeRepo | None:
    ident = unquote(ident)
    if ident.isdigit():
        return org.by_id(int(ident))
    owner, _, name = ident.partition("/")
    return org.by_name(owner, name)


def mr_json(repo: FakeRepo, p: FakePull, req: Request, *, detail: bool = False) -> JSON:
    user_notes = [r for r in p.reviews if r.state != "APPROVED"]
    body: JSON = {
        "id": p.number * 1000 + repo.index,
        "iid": p.number,
        "project_id": repo.id,
        "title": ("Draft: " if p.draft else "") + p.title,
        "description": f"Changes for {p.title}.",
        "state": "opened",
        "created_at": iso(p.created),
        "updated_at": iso(p.updated),
        "merged_by": None,
        "merged_at": None,
        "closed_by": None,
        "closed_at": None,
        "target_branch": repo.default_branch,
        "source_branch": p.head_branch,
        "user_notes_count": len(user_notes),
        "upvotes": 0,
        "downvotes": 0,
        "author": user(p.author, req),
        "assignees": [user(a, req) for a in p.assignees],
        "assignee": user(p.assignees[0], req) if p.assignees else None,
        "reviewers": [user(x, req) for k, x in p.requests if k == "user"],
        "source_project_id": repo.id,
        "target_project_id": repo.id,
        "labels": list(p.labels),
        "draft": p.draft,
        "work_in_progress": p.draft,
        "milestone": None,
        "merge_when_pipeline_succeeds": False,
        "merge_status": "can_be_merged",
        "detailed_merge_status": "mergeable",
        "sha": p.head_sha,
        "merge_commit_sha": None,
        "squash_commit_sha": None,
        "discussion_locked": None,
        "should_remove_source_branch": None,
        "force_remove_source_branch": True,
        "references": {
            "short": f"!{p.number}",
            "relative": f"!{p.number}",
            "full": f"{repo.full_name}!{p.number}",
        },
        "web_url": f"{_web(req)}/{repo.full_name}/-/merge_requests/{p.number}",
        "time_stats": {
            "time_estimate": 0,
            "total_time_spent": 0,
            "human_time_estimate": None,
            "human_total_time_spent": None,
        },
        "squash": False,
        "task_completion_status": {"count": 0, "completed_count": 0},
        "has_conflicts": False,
        "blocking_discussions_resolved": True,
    }
    if detail:
        body.update(
            changes_count=str(p.changed_files),
            head_pipeline={
                "id": int(p.head_sha[:6], 16),
                "sha": p.head_sha,
                "ref": p.head_branch,
                "status": {"SUCCESS": "success", "FAILURE": "failed"}.get(p.status, "running"),
            },
            diff_refs={
                "base_sha": repo.head.sha,
                "head_sha": p.head_sha,
                "start_sha": repo.head.sha,
            },
            first_contribution=False,
            user={"can_merge": True},
        )
    return body


def pipeline_json(repo: FakeRepo, run: FakeRun, req: Request) -> JSON:
    status = "success" if run.latest.conclusion == "success" else "failed"
    return {
        "id": run.id,
        "iid": run.number,
        "project_id": repo.id,
        "sha": run.sha,
        "ref": run.branch,
        "status": status,
        "source": "push" if run.event == "push" else "merge_request_event",
        "name": run.workflow,
        "created_at": iso(run.created),
        "updated_at": iso(run.latest.updated),
        "web_url": f"{_web(req)}/{repo.full_name}/-/pipelines/{run.id}",
    }


def commit_json(repo: FakeRepo, c: FakeCommit, req: Request) -> JSON:
    return {
        "id": c.sha,
        "short_id": c.sha[:8],
        "created_at": iso(c.date),
        "parent_ids": [c.parent] if c.parent else [],
        "title": c.title,
        "message": c.title + "\n",
        "author_name": c.author.title(),
        "author_email": f"{c.author}@example.com",
        "authored_date": iso(c.date),
        "committer_name": c.author.title(),
        "committer_email": f"{c.author}@example.com",
        "committed_date": iso(c.date),
        "trailers": {},
        "extended_trailers": {},
        "web_url": f"{_web(req)}/{repo.full_name}/-/commit/{c.sha}",
    }


def _time(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _not_found(route: str, what: str = "404 Project Not Found") -> Response:
    return json_response({"message": what}, status=404, route=route)


# -- handlers -------------------------------------------------------------------------------------


def h_user(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    return json_response(
        {**user(VIEWER, req), "bot": False, "email": f"{VIEWER}@example.com"}, route="GL GET /user"
    )


def h_group_projects(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    route = "GL GET /groups/:id/projects"
    if unquote(m["group"]).lower() not in (org.org.lower(), "77"):
        return _not_found(route, "404 Group Not Found")
    page, headers = paginate(req, range(org.n_repos), default_per_page=20, totals=True)
    return json_response(
        [project_json(org, org.repo(i), req) for i in page], route=route, headers=headers
    )


def _with_repo(route: str, fn: Callable[[FakeRepo, Request, re.Match[str]], Response]) -> Handler:
    def handler(org: Organisation, req: Request, m: re.Match[str]) -> Response:
        repo = _lookup(org, m["project"])
        if repo is None:
            return _not_found(route)
        response = fn(repo, req, m)
        response.route = response.route or route
        return response

    return handler


def _mr(repo: FakeRepo, m: re.Match[str]) -> FakePull | None:
    return next((p for p in repo.pulls if str(p.number) == m["iid"]), None)


def h_project(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    route = "GL GET /projects/:id"
    repo = _lookup(org, m["project"])
    if repo is None:
        return _not_found(route)
    return json_response(project_json(org, repo, req), route=route)


def mrs(repo: FakeRepo, req: Request, m: re.Match[str]) -> Response:
    state = req.query.get("state", "all")
    items = repo.pulls if state in ("opened", "all") else []
    items = sorted(items, key=lambda p: p.created, reverse=req.query.get("sort", "desc") == "desc")
    page, headers = paginate(req, items, default_per_page=20, totals=True)
    return json_response([mr_json(repo, p, req) for p in page], headers=headers)


def mr(repo: FakeRepo, req: Request, m: re.Match[str]) -> Response:
    p = _mr(repo, m)
    if p is None:
        return _not_found("", "404 Not found")
    return json_response(mr_json(repo, p, req, detail=True))


def approvals(repo: FakeRepo, req: Request, m: re.Match[str]) -> Response:
    p = _mr(repo, m)
    if p is None:
        return _not_found("", "404 Not found")
    approved = [r for r in p.reviews if r.state == "APPROVED"]
    base = mr_json(repo, p, req)
    body = {
        key: base[key]
        for key in (
            "id",
            "iid",
            "project_id",
            "title",
            "description",
            "state",
            "created_at",
            "updated_at",
            "merge_status",
        )
    }
    body.update(
        approved=bool(approved),
        approvals_required=1,
        approvals_left=0 if approved else 1,
        require_password_to_approve=False,
        approved_by=[
            {"user": user(r.author, req), "approved_at": iso(r.submitted_at)} for r in approved
        ],
        suggested_approvers=[],
        approvers=[],
        approver_groups=[],
        user_has_approved=False,
        user_can_approve=True,
        approval_rules_left=[],
        has_approval_rules=False,
        merge_request_approvers_available=False,
        multiple_approval_rules_available=False,
    )
    return json_response(body)


def notes(repo: FakeRepo, req: Request, m: re.Match[str]) -> Response:
    p = _mr(repo, m)
    if p is None:
        return _not_found("", "404 Not found")
    items: list[tuple[datetime, bool, str, str, int]] = [
        (p.created, True, p.author, f"added {k + 1} commit", 9_000_000 + p.number * 10 + k)
        for k in range(p.notes)
    ]
    items += [
        (r.submitted_at, False, r.author, "Left a few comments.", r.id)
        for r in p.reviews
        if r.state != "APPROVED"
    ]
    out = [
        {
            "id": nid,
            "type": None,
            "body": text,
            "attachment": None,
            "author": user(author, req),
            "created_at": iso(when),
            "updated_at": iso(when),
            "system": system,
            "noteable_id": p.number * 1000 + repo.index,
            "noteable_type": "MergeRequest",
            "project_id": repo.id,
            "resolvable": False,
            "confidential": False,
            "internal": False,
            "noteable_iid": p.number,
        }
        for when, system, author, text, nid in sorted(items, key=lambda t: (t[0], t[4]))
    ]
    if req.query.get("sort") == "desc":
        out.reverse()
    page, headers = paginate(req, out, default_per_page=20, totals=True)
    return json_response(page, headers=headers)


def pipelines(repo: FakeRepo, req: Request, m: re.Match[str]) -> Response:
    q = req.query
    after = _time(q.get("updated_after", ""))
    runs = [
        r
        for r in repo.runs
        if (not q.get("ref") or r.branch == q["ref"])
        and (not q.get("sha") or r.sha == q["sha"])
        and (after is None or r.latest.updated >= after)
    ]
    items = [pipeline_json(repo, r, req) for r in runs]
    if q.get("status"):
        items = [p for p in items if p["status"] == q["status"]]
    items.sort(key=lambda p: int(p["id"]), reverse=q.get("sort", "desc") == "desc")
    page, headers = paginate(req, items, default_per_page=20, totals=True)
    return json_response(page, headers=headers)


def _pipeline(repo: FakeRepo, m: re.Match[str]) -> FakeRun | None:
    return next((r for r in repo.runs if str(r.id) == m["pipeline"]), None)


def pipeline_jobs(repo: FakeRepo, req: Request, m: re.Match[str]) -> Response:
    run = _pipeline(repo, m)
    if run is None:
        return _not_found("", "404 Not found")
    retried = req.query.get("include_retried", "false") == "true"
    attempts = run.attempts if retried else (run.latest,)
    pipe = pipeline_json(repo, run, req)
    jobs: list[JSON] = []
    for attempt in attempts:
        for job in attempt.jobs:
            jobs.append(
                {
                    "id": job.id,
                    "status": "success" if job.conclusion == "success" else "failed",
                    "stage": "test",
                    "name": job.name,
                    "ref": run.branch,
                    "tag": False,
                    "coverage": None,
                    "allow_failure": False,
                    "created_at": iso(job.started),
                    "started_at": iso(job.started),
                    "finished_at": iso(job.completed),
                    "erased_at": None,
                    "duration": (job.completed - job.started).total_seconds(),
                    "queued_duration": 1.5,
                    "user": user("alice", req),
                    "commit": {"id": run.sha, "short_id": run.sha[:8], "title": run.title},
                    "pipeline": {k: pipe[k] for k in ("id", "project_id", "ref", "sha", "status")},
                    "web_url": f"{_web(req)}/{repo.full_name}/-/jobs/{job.id}",
                    "artifacts": [],
                    "runner": None,
                    "artifacts_expire_at": None,
                    "tag_list": [],
                    "retried": attempt is not run.latest,
                }
            )
    jobs.sort(key=lambda j: int(j["id"]), reverse=True)
    page, headers = paginate(req, jobs, default_per_page=20, totals=True)
    return json_response(page, headers=headers)


def test_report(repo: FakeRepo, req: Request, m: re.Match[str]) -> Response:
    run = _pipeline(repo, m)
    if run is None:
        return _not_found("", "404 Not found")
    suites = []
    for job in run.latest.jobs:
        cases = [
            {
                "status": "failed" if name == job.failed_test else "success",
                "name": name,
                "classname": "tests.test_core",
                "file": "tests/test_core.py",
                "execution_time": 0.01,
                "system_output": "AssertionError" if name == job.failed_test else None,
                "stack_trace": None,
                "attachment_url": None,
            }
            for name in (
                "test_parse_header",
                "test_retry_backoff",
                "test_cache_roundtrip",
                "test_cli_help",
            )
        ]
        failed = sum(c["status"] == "failed" for c in cases)
        suites.append(
            {
                "name": job.name,
                "total_time": 0.04,
                "total_count": len(cases),
                "success_count": len(cases) - failed,
                "failed_count": failed,
                "skipped_count": 0,
                "error_count": 0,
                "test_cases": cases,
            }
        )
    total = sum(int(str(s["total_count"])) for s in suites)
    failed = sum(int(str(s["failed_count"])) for s in suites)
    return json_response(
        {
            "total_time": 0.04 * len(suites),
            "total_count": total,
            "success_count": total - failed,
            "failed_count": failed,
            "skipped_count": 0,
            "error_count": 0,
            "test_suites": suites,
        }
    )


def tree(repo: FakeRepo, req: Request, m: re.Match[str]) -> Response:
    recursive = req.query.get("recursive", "false") == "true"
    path = req.query.get("path", "").strip("/")
    prefix = f"{path}/" if path else ""
    entries = []
    for p in sorted([*repo.dirs, *repo.files]):
        if not p.startswith(prefix) or (not recursive and "/" in p[len(prefix) :]):
            continue
        blob = p in repo.files
        entries.append(
            {
                "id": sha_of("tree-entry", repo.full_name, p),
                "name": p.rsplit("/", 1)[-1],
                "type": "blob" if blob else "tree",
                "path": p,
                "mode": "100644" if blob else "040000",
            }
        )
    page, headers = paginate(req, entries, default_per_page=20, totals=True)
    return json_response(page, headers=headers)


def raw_file(repo: FakeRepo, req: Request, m: re.Match[str]) -> Response:
    path = unquote(m["path"])
    if path not in repo.files:
        return _not_found("", "404 File Not Found")
    return Response(200, repo.files[path].encode(), content_type="text/plain; charset=utf-8")


def commits(repo: FakeRepo, req: Request, m: re.Match[str]) -> Response:
    q = req.query
    ref = q.get("ref_name", repo.default_branch)
    if ref not in (repo.default_branch, repo.head.sha, "HEAD"):
        return _not_found("", "404 Commit Not Found")
    found = repo.history(
        q.get("path") or None, _time(q.get("since", "")), _time(q.get("until", ""))
    )
    page, headers = paginate(req, found, default_per_page=20, totals=True)
    return json_response([commit_json(repo, c, req) for c in page], headers=headers)


_P = r"/projects/(?P<project>[^/]+)"
_MR = _P + r"/merge_requests/(?P<iid>\d+)"
_PIPE = _P + r"/pipelines/(?P<pipeline>\d+)"
ROUTES: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(r"/user"), h_user),
    (re.compile(r"/groups/(?P<group>[^/]+)/projects"), h_group_projects),
    (re.compile(_P), h_project),
    (re.compile(_P + "/merge_requests"), _with_repo("GL GET /projects/:id/merge_requests", mrs)),
    (re.compile(_MR), _with_repo("GL GET /projects/:id/merge_requests/:iid", mr)),
    (
        re.compile(_MR + "/approvals"),
        _with_repo("GL GET /projects/:id/merge_requests/:iid/approvals", approvals),
    ),
    (
        re.compile(_MR + "/notes"),
        _with_repo("GL GET /projects/:id/merge_requests/:iid/notes", notes),
    ),
    (re.compile(_P + "/pipelines"), _with_repo("GL GET /projects/:id/pipelines", pipelines)),
    (
        re.compile(_PIPE + "/jobs"),
        _with_repo("GL GET /projects/:id/pipelines/:pid/jobs", pipeline_jobs),
    ),
    (
        re.compile(_PIPE + "/test_report"),
        _with_repo("GL GET /projects/:id/pipelines/:pid/test_report", test_report),
    ),
    (re.compile(_P + "/repository/tree"), _with_repo("GL GET /projects/:id/repository/tree", tree)),
    (
        re.compile(_P + r"/repository/files/(?P<path>[^/]+)/raw"),
        _with_repo("GL GET /projects/:id/repository/files/:path/raw", raw_file),
    ),
    (
        re.compile(_P + "/repository/commits"),
        _with_repo("GL GET /projects/:id/repository/commits", commits),
    ),
]


def handle(org: Organisation, req: Request) -> Response:
    """Answer one request below ``/api/v4`` (GET only: the fake is read-only)."""
    if req.method != "GET":
        return json_response(
            {"message": "405 Method Not Allowed"}, status=405, route=f"GL {req.method} other"
        )
    for pattern, handler in ROUTES:
        m = pattern.fullmatch(req.path)
        if m is not None:
            return handler(org, req, m)
    return json_response({"error": "404 Not Found"}, status=404, route="GL GET other")
