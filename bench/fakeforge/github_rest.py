"""GitHub REST: the read endpoints a dashboard (or a PyGithub script) needs, shaped like GitHub's docs.

Payloads carry the fields GitHub documents for each object (repository, pull request, review, workflow
run, job, commit, tree, content, check-run annotation), with every ``url`` pointing back at this
server so PyGithub can follow them. Lists paginate with ``per_page``/``page`` and a ``Link`` header.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bench.fakeforge.http import Request, Response, json_response, not_found, paginate
from bench.fakeforge.model import (
    ANCHOR,
    VIEWER,
    FakeAttempt,
    FakeCommit,
    FakeJob,
    FakePull,
    FakeRepo,
    FakeRun,
    Organisation,
    iso,
    sha_of,
)

WEB = "https://github.example"
Handler = Callable[[Organisation, Request, re.Match[str]], Response]


def user(login: str, base: str, kind: str = "") -> dict[str, Any]:
    uid = int(sha_of("user", login)[:7], 16)
    return {
        "login": login,
        "id": uid,
        "node_id": f"U_{uid}",
        "avatar_url": f"{WEB}/avatars/{login}",
        "gravatar_id": "",
        "url": f"{base}/users/{login}",
        "html_url": f"{WEB}/{login}",
        "repos_url": f"{base}/users/{login}/repos",
        "type": kind or ("Bot" if login.endswith("[bot]") else "User"),
        "site_admin": False,
    }


def repo_json(repo: FakeRepo, base: str) -> dict[str, Any]:
    api = f"{base}/repos/{repo.full_name}"
    owner = repo.full_name.split("/")[0]
    return {
        "id": repo.id,
        "node_id": f"R_{repo.id}",
        "name": repo.name,
        "full_name": repo.full_name,
        "private": True,
        "owner": user(owner, base, "Organization"),
        "html_url": f"{WEB}/{repo.full_name}",
        "description": f"Synthetic repository {repo.index}",
        "fork": repo.fork,
        "url": api,
        "pulls_url": f"{api}/pulls{{/number}}",
        "commits_url": f"{api}/commits{{/sha}}",
        "contents_url": f"{api}/contents/{{+path}}",
        "trees_url": f"{api}/git/trees{{/sha}}",
        "created_at": iso(repo.created),
        "updated_at": iso(repo.head.date),
        "pushed_at": iso(repo.head.date),
        "clone_url": f"{WEB}/{repo.full_name}.git",
        "size": 1024 + repo.index,
        "stargazers_count": repo.index % 50,
        "watchers_count": repo.index % 50,
        "language": "Python",
        "has_issues": True,
        "forks_count": 0,
        "archived": repo.archived,
        "disabled": False,
        "open_issues_count": len(repo.pulls),
        "topics": [],
        "visibility": "private",
        "default_branch": repo.default_branch,
        "permissions": {
            "admin": False,
            "maintain": False,
            "push": True,
            "triage": True,
            "pull": True,
        },
    }


def pull_json(repo: FakeRepo, pull: FakePull, base: str) -> dict[str, Any]:
    api = f"{base}/repos/{repo.full_name}"
    small = repo_json(repo, base)
    return {
        "url": f"{api}/pulls/{pull.number}",
        "id": int(pull.head_sha[:8], 16),
        "node_id": f"PR_{pull.head_sha[:12]}",
        "html_url": f"{WEB}/{repo.full_name}/pull/{pull.number}",
        "issue_url": f"{api}/issues/{pull.number}",
        "commits_url": f"{api}/pulls/{pull.number}/commits",
        "review_comments_url": f"{api}/pulls/{pull.number}/comments",
        "statuses_url": f"{api}/statuses/{pull.head_sha}",
        "number": pull.number,
        "state": "open",
        "locked": False,
        "title": pull.title,
        "user": user(pull.author, base),
        "body": f"Changes for {pull.title}.",
        "labels": [
            {"id": int(sha_of("label", n)[:6], 16), "name": n, "color": "ededed", "default": False}
            for n in pull.labels
        ],
        "milestone": None,
        "created_at": iso(pull.created),
        "updated_at": iso(pull.updated),
        "closed_at": None,
        "merged_at": None,
        "merge_commit_sha": None,
        "assignee": user(pull.assignees[0], base) if pull.assignees else None,
        "assignees": [user(a, base) for a in pull.assignees],
        "requested_reviewers": [user(x, base) for k, x in pull.requests if k == "user"],
        "requested_teams": [
            {"id": int(sha_of("team", x)[:6], 16), "name": x, "slug": x, "privacy": "closed"}
            for k, x in pull.requests
            if k == "team"
        ],
        "head": {
            "label": f"{repo.full_name.split('/')[0]}:{pull.head_branch}",
            "ref": pull.head_branch,
            "sha": pull.head_sha,
            "user": small["owner"],
            "repo": small,
        },
        "base": {
            "label": f"{repo.full_name.split('/')[0]}:{repo.default_branch}",
            "ref": repo.default_branch,
            "sha": repo.head.sha,
            "user": small["owner"],
            "repo": small,
        },
        "author_association": "MEMBER",
        "auto_merge": None,
        "draft": pull.draft,
    }


def review_json(repo: FakeRepo, pull: FakePull, index: int, base: str) -> dict[str, Any]:
    review = pull.reviews[index]
    return {
        "id": review.id,
        "node_id": f"PRR_{review.id}",
        "user": user(review.author, base),
        "body": "" if review.state == "APPROVED" else "A few comments.",
        "state": review.state,
        "html_url": f"{WEB}/{repo.full_name}/pull/{pull.number}#pullrequestreview-{review.id}",
        "pull_request_url": f"{base}/repos/{repo.full_name}/pulls/{pull.number}",
        "submitted_at": iso(review.submitted_at),
        "commit_id": pull.head_sha,
        "author_association": "MEMBER",
    }


def run_json(repo: FakeRepo, run: FakeRun, attempt: FakeAttempt, base: str) -> dict[str, Any]:
    author = next((c.author for c in repo.commits if c.sha == run.sha), "alice")
    api = f"{base}/repos/{repo.full_name}"
    done = attempt.conclusion
    return {
        "id": run.id,
        "name": run.workflow,
        "node_id": f"WFR_{run.id}",
        "head_branch": run.branch,
        "head_sha": run.sha,
        "path": run.path,
        "display_title": run.title,
        "run_number": run.number,
        "event": run.event,
        "status": "completed",
        "conclusion": done,
        "workflow_id": run.workflow_id,
        "check_suite_id": run.id * 10,
        "url": f"{api}/actions/runs/{run.id}",
        "html_url": f"{WEB}/{repo.full_name}/actions/runs/{run.id}",
        "pull_requests": [],
        "created_at": iso(run.created),
        "updated_at": iso(attempt.updated),
        "actor": user("alice", base),
        "run_attempt": attempt.number,
        "referenced_workflows": [],
        "run_started_at": iso(attempt.started),
        "triggering_actor": user("alice", base),
        "jobs_url": f"{api}/actions/runs/{run.id}/jobs",
        "logs_url": f"{api}/actions/runs/{run.id}/logs",
        "check_suite_url": f"{api}/check-suites/{run.id * 10}",
        "artifacts_url": f"{api}/actions/runs/{run.id}/artifacts",
        "cancel_url": f"{api}/actions/runs/{run.id}/cancel",
        "rerun_url": f"{api}/actions/runs/{run.id}/rerun",
        "previous_attempt_url": (
            f"{api}/actions/runs/{run.id}/attempts/{attempt.number - 1}"
            if attempt.number > 1
            else None
        ),
        "workflow_url": f"{api}/actions/workflows/{run.workflow_id}",
        # The commit's own author, as GraphQL's Commit.author says (pull request runs: alice).
        "head_commit": {
            "id": run.sha,
            "tree_id": sha_of("tree", run.sha),
            "message": run.title,
            "timestamp": iso(run.created),
            "author": {"name": author.title(), "email": f"{author}@example.com"},
            "committer": {"name": author.title(), "email": f"{author}@example.com"},
        },
        "repository": {"id": repo.id, "name": repo.name, "full_name": repo.full_name, "url": api},
        "head_repository": {
            "id": repo.id,
            "name": repo.name,
            "full_name": repo.full_name,
            "url": api,
        },
    }


def job_json(repo: FakeRepo, run: FakeRun, job: FakeJob, base: str) -> dict[str, Any]:
    api = f"{base}/repos/{repo.full_name}"
    return {
        "id": job.id,
        "run_id": run.id,
        "run_url": f"{api}/actions/runs/{run.id}",
        "run_attempt": job.attempt,
        "node_id": f"CR_{job.id}",
        "head_sha": run.sha,
        "url": f"{api}/actions/jobs/{job.id}",
        "html_url": f"{WEB}/{repo.full_name}/actions/runs/{run.id}/job/{job.id}",
        "status": "completed",
        "conclusion": job.conclusion,
        "created_at": iso(job.started),
        "started_at": iso(job.started),
        "completed_at": iso(job.completed),
        "name": job.name,
        "steps": [
            {
                "name": step,
                "status": "completed",
                "conclusion": (job.conclusion if step == "Run tests" else "success"),
                "number": n,
                "started_at": iso(job.started),
                "completed_at": iso(job.completed),
            }
            for n, step in enumerate(("Set up job", "Checkout", "Run tests"), start=1)
        ],
        "check_run_url": f"{api}/check-runs/{job.id}",
        "labels": ["ubuntu-latest"],
        "runner_id": 1,
        "runner_name": "GitHub Actions 1",
        "runner_group_id": 1,
        "runner_group_name": "GitHub Actions",
        "workflow_name": run.workflow,
        "head_branch": run.branch,
    }


def commit_json(repo: FakeRepo, commit: FakeCommit, base: str) -> dict[str, Any]:
    api = f"{base}/repos/{repo.full_name}"
    person = {
        "name": commit.author.title(),
        "email": f"{commit.author}@example.com",
        "date": iso(commit.date),
    }
    return {
        "sha": commit.sha,
        "node_id": f"C_{commit.sha[:12]}",
        "commit": {
            "author": person,
            "committer": person,
            "message": f"{commit.title}\n\nTouches {', '.join(commit.paths[:3])}.",
            "tree": {
                "sha": sha_of("tree", commit.sha),
                "url": f"{api}/git/trees/{sha_of('tree', commit.sha)}",
            },
            "url": f"{api}/git/commits/{commit.sha}",
            "comment_count": 0,
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
            },
        },
        "url": f"{api}/commits/{commit.sha}",
        "html_url": f"{WEB}/{repo.full_name}/commit/{commit.sha}",
        "comments_url": f"{api}/commits/{commit.sha}/comments",
        "author": user(commit.author, base),
        "committer": user(commit.author, base),
        "parents": [{"sha": commit.parent, "url": f"{api}/commits/{commit.parent}"}]
        if commit.parent
        else [],
    }


# -- handlers ---------------------------------------------------------------------------------


def _repo(org: Organisation, m: re.Match[str]) -> FakeRepo | None:
    return org.by_name(m["owner"], m["repo"])


def h_user(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    return json_response({**user(VIEWER, req.base), "name": "Bench User"}, route="GET /user")


def h_org(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    route = "GET /orgs/{org}"
    if m["org"].lower() != org.org.lower():
        return not_found(route)
    body = user(org.org, req.base, "Organization")
    body.update(
        url=f"{req.base}/orgs/{org.org}",
        repos_url=f"{req.base}/orgs/{org.org}/repos",
        name=org.org.title(),
        description="Synthetic organisation for benchmarks",
        public_repos=0,
        total_private_repos=org.n_repos,
        owned_private_repos=org.n_repos,
        created_at="2020-01-01T00:00:00Z",
        updated_at=iso(ANCHOR),
    )
    return json_response(body, route=route)


def h_org_repos(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    route = "GET /orgs/{org}/repos"
    if m["org"].lower() != org.org.lower():
        return not_found(route)
    page, headers = paginate(req, range(org.n_repos))
    return json_response(
        [repo_json(org.repo(i), req.base) for i in page], route=route, headers=headers
    )


def h_repo(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    repo = _repo(org, m)
    if repo is None:
        return not_found("GET /repos/{owner}/{repo}")
    return json_response(repo_json(repo, req.base), route="GET /repos/{owner}/{repo}")


def h_pulls(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    route = "GET /repos/{owner}/{repo}/pulls"
    repo = _repo(org, m)
    if repo is None:
        return not_found(route)
    state = req.query.get("state", "open")
    pulls = repo.pulls if state in ("open", "all") else []
    page, headers = paginate(req, pulls)
    return json_response([pull_json(repo, p, req.base) for p in page], route=route, headers=headers)


def _pull(repo: FakeRepo | None, number: str) -> FakePull | None:
    if repo is None:
        return None
    return next((p for p in repo.pulls if str(p.number) == number), None)


def h_pull(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    route = "GET /repos/{owner}/{repo}/pulls/{number}"
    repo = _repo(org, m)
    pull = _pull(repo, m["number"])
    if repo is None or pull is None:
        return not_found(route)
    body = pull_json(repo, pull, req.base)
    body.update(
        additions=pull.additions, deletions=pull.deletions, changed_files=pull.changed_files
    )
    return json_response(body, route=route)


def h_reviews(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    route = "GET /repos/{owner}/{repo}/pulls/{number}/reviews"
    repo = _repo(org, m)
    pull = _pull(repo, m["number"])
    if repo is None or pull is None:
        return not_found(route)
    page, headers = paginate(req, range(len(pull.reviews)))
    return json_response(
        [review_json(repo, pull, i, req.base) for i in page], route=route, headers=headers
    )


def _created_filter(spec: str) -> Callable[[datetime], bool]:
    """GitHub's ``created`` search qualifier: ``>=2026-11-01``, ``2026-11-01..2026-11-20``, ..."""

    def day(text: str) -> str:
        return text[:10]

    if spec.startswith(">="):
        return lambda d: d.strftime("%Y-%m-%d") >= day(spec[2:])
    if spec.startswith(">"):
        return lambda d: d.strftime("%Y-%m-%d") > day(spec[1:])
    if spec.startswith("<="):
        return lambda d: d.strftime("%Y-%m-%d") <= day(spec[2:])
    if spec.startswith("<"):
        return lambda d: d.strftime("%Y-%m-%d") < day(spec[1:])
    if ".." in spec:
        lo, hi = spec.split("..", 1)
        return lambda d: (
            (lo in ("", "*") or d.strftime("%Y-%m-%d") >= day(lo))
            and (hi in ("", "*") or d.strftime("%Y-%m-%d") <= day(hi))
        )
    return lambda d: d.strftime("%Y-%m-%d") == day(spec) if spec else True


def h_runs(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    route = "GET /repos/{owner}/{repo}/actions/runs"
    repo = _repo(org, m)
    if repo is None:
        return not_found(route)
    q = req.query
    created = _created_filter(q.get("created", ""))
    runs = [
        r
        for r in repo.runs
        if (not q.get("branch") or r.branch == q["branch"])
        and (not q.get("event") or r.event == q["event"])
        and (not q.get("head_sha") or r.sha == q["head_sha"])
        and (not q.get("status") or q["status"] in ("completed", r.latest.conclusion))
        and created(r.created)
    ]
    page, headers = paginate(req, runs)
    return json_response(
        {
            "total_count": len(runs),
            "workflow_runs": [run_json(repo, r, r.latest, req.base) for r in page],
        },
        route=route,
        headers=headers,
    )


def _run(repo: FakeRepo | None, run_id: str) -> FakeRun | None:
    if repo is None:
        return None
    return next((r for r in repo.runs if str(r.id) == run_id), None)


def h_run(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    attempt_no = m.groupdict().get("attempt")
    route = "GET /repos/{owner}/{repo}/actions/runs/{run_id}" + (
        "/attempts/{n}" if attempt_no else ""
    )
    repo = _repo(org, m)
    run = _run(repo, m["run_id"])
    if repo is None or run is None:
        return not_found(route)
    attempt = (
        run.latest
        if not attempt_no
        else next((a for a in run.attempts if str(a.number) == attempt_no), None)
    )
    if attempt is None:
        return not_found(route)
    return json_response(run_json(repo, run, attempt, req.base), route=route)


def h_jobs(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    attempt_no = m.groupdict().get("attempt")
    route = (
        "GET /repos/{owner}/{repo}/actions/runs/{run_id}"
        + ("/attempts/{n}" if attempt_no else "")
        + "/jobs"
    )
    repo = _repo(org, m)
    run = _run(repo, m["run_id"])
    if repo is None or run is None:
        return not_found(route)
    if attempt_no:
        attempts = [a for a in run.attempts if str(a.number) == attempt_no]
        if not attempts:
            return not_found(route)
    elif req.query.get("filter") == "all":
        attempts = list(run.attempts)
    else:
        attempts = [run.latest]
    jobs = [j for a in attempts for j in a.jobs]
    page, headers = paginate(req, jobs)
    return json_response(
        {"total_count": len(jobs), "jobs": [job_json(repo, run, j, req.base) for j in page]},
        route=route,
        headers=headers,
    )


def h_job(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    route = "GET /repos/{owner}/{repo}/actions/jobs/{job_id}"
    repo = _repo(org, m)
    found = repo.job(int(m["job_id"])) if repo else None
    if repo is None or found is None:
        return not_found(route)
    return json_response(job_json(repo, found[0], found[1], req.base), route=route)


def h_annotations(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    route = "GET /repos/{owner}/{repo}/check-runs/{id}/annotations"
    repo = _repo(org, m)
    found = repo.job(int(m["job_id"])) if repo else None
    if repo is None or found is None:
        return not_found(route)
    job = found[1]
    items = []
    if job.failed_test:
        items.append(
            {
                "path": "tests/test_core.py",
                "blob_href": f"{WEB}/{repo.full_name}/blob/{found[0].sha}/tests/test_core.py",
                "start_line": 42,
                "end_line": 42,
                "start_column": None,
                "end_column": None,
                "annotation_level": "failure",
                "title": f"tests/test_core.py::{job.failed_test}",
                "message": f"AssertionError in {job.failed_test}",
                "raw_details": "",
            }
        )
        items.append(
            {
                "path": ".github",
                "blob_href": "",
                "start_line": 1,
                "end_line": 1,
                "start_column": None,
                "end_column": None,
                "annotation_level": "failure",
                "title": "",
                "message": "Process completed with exit code 1.",
                "raw_details": "",
            }
        )
    page, headers = paginate(req, items)
    return json_response(page, route=route, headers=headers)


def h_commits(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    route = "GET /repos/{owner}/{repo}/commits"
    repo = _repo(org, m)
    if repo is None:
        return not_found(route)
    q = req.query
    ref = q.get("sha", repo.default_branch)
    if ref not in (repo.default_branch, repo.head.sha, "HEAD"):
        return not_found(route, "No commit found for SHA: " + ref)
    since = _parse_time(q.get("since", ""))
    until = _parse_time(q.get("until", ""))
    commits = repo.history(q.get("path") or None, since, until)
    page, headers = paginate(req, commits)
    return json_response(
        [commit_json(repo, c, req.base) for c in page], route=route, headers=headers
    )


def _parse_time(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def h_tree(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    route = "GET /repos/{owner}/{repo}/git/trees/{sha}"
    repo = _repo(org, m)
    if repo is None:
        return not_found(route)
    api = f"{req.base}/repos/{repo.full_name}"
    recursive = req.query.get("recursive", "") not in ("", "0", "false")
    entries: list[dict[str, Any]] = []
    for d in repo.dirs:
        if recursive or "/" not in d:
            sha = sha_of("tree", repo.full_name, d)
            entries.append(
                {
                    "path": d,
                    "mode": "040000",
                    "type": "tree",
                    "sha": sha,
                    "url": f"{api}/git/trees/{sha}",
                }
            )
    for path, text in repo.files.items():
        if recursive or "/" not in path:
            sha = sha_of("blob", repo.full_name, path, text)
            entries.append(
                {
                    "path": path,
                    "mode": "100644",
                    "type": "blob",
                    "sha": sha,
                    "size": len(text),
                    "url": f"{api}/git/blobs/{sha}",
                }
            )
    entries.sort(key=lambda e: str(e["path"]))
    sha = sha_of("tree", repo.head.sha)
    return json_response(
        {"sha": sha, "url": f"{api}/git/trees/{sha}", "tree": entries, "truncated": False},
        route=route,
    )


def h_contents(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    route = "GET /repos/{owner}/{repo}/contents/{path}"
    repo = _repo(org, m)
    if repo is None:
        return not_found(route)
    path = (m["path"] or "").strip("/")
    api = f"{req.base}/repos/{repo.full_name}"

    def entry(p: str, kind: str) -> dict[str, Any]:
        text = repo.files.get(p, "")
        sha = sha_of(kind, repo.full_name, p, text)
        return {
            "type": "file" if kind == "blob" else "dir",
            "size": len(text.encode()),
            "name": p.rsplit("/", 1)[-1],
            "path": p,
            "sha": sha,
            "url": f"{api}/contents/{p}",
            "git_url": f"{api}/git/{kind}s/{sha}",
            "html_url": f"{WEB}/{repo.full_name}/blob/{repo.default_branch}/{p}",
            "download_url": f"{req.root}/raw/{repo.full_name}/{repo.default_branch}/{p}"
            if kind == "blob"
            else None,
        }

    if path in repo.files:
        body = entry(path, "blob")
        body.update(
            encoding="base64", content=base64.encodebytes(repo.files[path].encode()).decode()
        )
        return json_response(body, route=route)
    if path == "" or path in repo.dirs:
        prefix = path + "/" if path else ""
        children = sorted(
            {
                p[len(prefix) :].split("/", 1)[0]
                for p in [*repo.files, *repo.dirs]
                if p.startswith(prefix) and p != path
            }
        )
        items = [
            entry(prefix + c, "blob" if prefix + c in repo.files else "tree") for c in children
        ]
        return json_response(items, route=route)
    return not_found(route)


def h_rate_limit(org: Organisation, req: Request, m: re.Match[str]) -> Response:
    # Filled in by the server from its counters (it owns the budget); this is the shape.
    return json_response({"resources": {}, "rate": {}}, route="GET /rate_limit")


_O = r"(?P<owner>[^/]+)/(?P<repo>[^/]+)"
ROUTES: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(r"/user"), h_user),
    (re.compile(r"/rate_limit"), h_rate_limit),
    (re.compile(r"/orgs/(?P<org>[^/]+)"), h_org),
    (re.compile(r"/orgs/(?P<org>[^/]+)/repos"), h_org_repos),
    (re.compile(rf"/repos/{_O}"), h_repo),
    (re.compile(rf"/repos/{_O}/pulls"), h_pulls),
    (re.compile(rf"/repos/{_O}/pulls/(?P<number>\d+)"), h_pull),
    (re.compile(rf"/repos/{_O}/pulls/(?P<number>\d+)/reviews"), h_reviews),
    (re.compile(rf"/repos/{_O}/actions/runs"), h_runs),
    (re.compile(rf"/repos/{_O}/actions/runs/(?P<run_id>\d+)"), h_run),
    (re.compile(rf"/repos/{_O}/actions/runs/(?P<run_id>\d+)/attempts/(?P<attempt>\d+)"), h_run),
    (re.compile(rf"/repos/{_O}/actions/runs/(?P<run_id>\d+)/jobs"), h_jobs),
    (
        re.compile(rf"/repos/{_O}/actions/runs/(?P<run_id>\d+)/attempts/(?P<attempt>\d+)/jobs"),
        h_jobs,
    ),
    (re.compile(rf"/repos/{_O}/actions/jobs/(?P<job_id>\d+)"), h_job),
    (re.compile(rf"/repos/{_O}/check-runs/(?P<job_id>\d+)/annotations"), h_annotations),
    (re.compile(rf"/repos/{_O}/commits"), h_commits),
    (re.compile(rf"/repos/{_O}/git/trees/(?P<sha>[^/]+)"), h_tree),
    (re.compile(rf"/repos/{_O}/contents(?P<path>/.*)?"), h_contents),
]


def handle(org: Organisation, req: Request) -> Response:
    """Answer one REST request (GET only: the fake is read-only)."""
    if req.method != "GET":
        return json_response(
            {"message": "The benchmark forge is read-only."},
            status=405,
            route=f"{req.method} other",
        )
    for pattern, handler in ROUTES:
        m = pattern.fullmatch(req.path)
        if m is not None:
            return handler(org, req, m)
    return not_found("GET other")


__all__ = ["ANCHOR", "handle"]
