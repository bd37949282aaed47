"""A small in-process GitHub for adapter tests: GraphQL and REST answers shaped like the real ones.

It answers the adapter's own query documents by operation name and aliases (``r0``, ``f1``...), from
plain Python descriptions of repositories, and the REST Actions endpoints with ETags and 304s. A
repository's workflow runs (REST-shaped, as ``GET .../actions/runs`` lists them) are also its
commits' check suites in GraphQL: each run is the suite of its ``head_sha`` commit, its jobs the
check runs of every attempt. It counts what it was asked, so tests can assert the number of calls a
refresh costs.

It enforces GitHub's documented limits, counted independently of gluetui (:mod:`nodecount`):
a query that may return more than 500,000 nodes gets GitHub's ``MAX_NODE_LIMIT_EXCEEDED`` answer,
a connection asking for more than 100 items ``EXCESSIVE_PAGINATION``, and every query spends its
points by GitHub's formula. With :meth:`FakeGitHub.wire` the forge runs on the fake's virtual
clock, and the fake also enforces the limits over time: the hourly budget (``RATE_LIMITED`` /
403 past it, restored at the reset), the secondary per-minute limits (900 REST and 2,000 GraphQL
points a minute: a 403 with ``Retry-After``), and server time (each repository a query reads
costs ``repo_seconds``, or its entry in ``slow``; past 10 s GitHub's timeout answer). Waiting costs
no real time.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from nodecount import NODE_LIMIT, count

RESET = 1_795_000_000  # 2026-11-18T...: a fixed epoch for x-ratelimit-reset
#: The virtual clock's start (the adapter tests' NOW).
START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
#: GitHub's documented limits the fake enforces.
HOURLY = 5000
PER_MINUTE = {"core": 900, "graphql": 2000}
SERVER_SECONDS = 10.0
TIMEOUT_MESSAGE = (
    "Something went wrong while executing your query. This may be the result of a timeout, or it "
    "could be a GitHub bug. Please include `E5C8:1B2A:3C4D5E:6F7081:92A3B4C5` when reporting "
    "this issue."
)


def pr_node(number: int, **over: Any) -> dict[str, Any]:
    """A PullRequest node as GitHub's GraphQL API returns it for the adapter's PullFields."""
    node: dict[str, Any] = {
        "number": number,
        "title": f"Change {number}",
        "url": f"https://github.com/acme/app/pull/{number}",
        "createdAt": "2026-11-20T09:00:00Z",
        "updatedAt": "2026-11-21T09:00:00Z",
        "isDraft": False,
        "additions": 10,
        "deletions": 2,
        "changedFiles": 1,
        "headRefName": f"feature-{number}",
        "baseRefName": "main",
        "headRefOid": f"{number:040x}",
        "author": {"__typename": "User", "login": "alice"},
        "reviews": {"nodes": []},
        "reviewRequests": {"nodes": []},
        "labels": {"nodes": []},
        "assignees": {"nodes": []},
        "statusCheckRollup": {"state": "SUCCESS"},
        "timelineItems": {"nodes": []},
    }
    node.update(over)
    return node


def commit_node(sha: str, date: str, title: str = "Update", login: str = "bob") -> dict[str, Any]:
    return {
        "oid": sha,
        "messageHeadline": title,
        "committedDate": date,
        "url": f"https://github.com/acme/app/commit/{sha}",
        "author": {"name": login.title(), "user": {"login": login}},
    }


def run_json(run_id: int, **over: Any) -> dict[str, Any]:
    """A workflow run as ``GET /repos/{o}/{r}/actions/runs`` lists it."""
    run: dict[str, Any] = {
        "id": run_id,
        "name": "CI",
        "workflow_id": 161335,
        "path": ".github/workflows/ci.yml",
        "head_branch": "main",
        "head_sha": "a" * 40,
        "run_attempt": 1,
        "event": "push",
        "status": "completed",
        "conclusion": "success",
        "created_at": "2026-11-24T10:00:00Z",
        "updated_at": "2026-11-24T10:10:00Z",
        "run_started_at": "2026-11-24T10:00:00Z",
        "html_url": f"https://github.com/acme/app/actions/runs/{run_id}",
        "head_commit": {
            "id": "a" * 40,
            "message": "Fix parser\n\nLonger body",
            "author": {"name": "Bob", "email": "bob@example.com"},
        },
    }
    run.update(over)
    return run


def job_json(job_id: int, name: str, conclusion: str | None, attempt: int = 1) -> dict[str, Any]:
    return {
        "id": job_id,
        "run_id": 1,
        "run_attempt": attempt,
        "name": name,
        "status": "completed" if conclusion else "in_progress",
        "conclusion": conclusion,
        "html_url": f"https://github.com/acme/app/actions/runs/1/job/{job_id}",
        "started_at": "2026-11-24T10:01:00Z",
        "completed_at": "2026-11-24T10:05:00Z" if conclusion else None,
    }


def obj_get(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def run_node_id(run: dict[str, Any]) -> str:
    """A run's GraphQL node id: its REST ``node_id``, or one made from its id."""
    return str(run.get("node_id") or f"WFR_{run.get('id')}")


@dataclass
class FakeRepo:
    full: str
    pulls: list[dict[str, Any]] = field(default_factory=list)
    #: Merged or closed pull request nodes (newest first), as ``closedPulls`` answers them.
    closed: list[dict[str, Any]] = field(default_factory=list)
    #: path -> text of every file on the default branch.
    files: dict[str, str] = field(default_factory=dict)
    #: path -> last commit node touching it.
    last_commits: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: path ("" = whole repo) -> (totalCount, commit nodes) since the doc's date.
    since: dict[str, tuple[int, list[dict[str, Any]]]] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)
    jobs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    annotations: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    archived: bool = False
    fork: bool = False
    default_branch: str | None = "main"
    #: The default branch's head commit (what a push changes).
    head: str = "f" * 40

    def node(self) -> dict[str, Any]:
        return {
            "id": f"R_{self.full}",
            "nameWithOwner": self.full,
            "url": f"https://github.com/{self.full}",
            "isArchived": self.archived,
            "isFork": self.fork,
            "defaultBranchRef": {"name": self.default_branch} if self.default_branch else None,
        }

    def branch_runs(self) -> list[dict[str, Any]]:
        return [r for r in self.runs if r.get("head_branch", "main") == self.default_branch]

    def rollup(self, sha: str) -> dict[str, Any] | None:
        """The combined check state of commit ``sha`` (the latest attempt of each of its runs)."""
        states = {
            str(r.get("conclusion") or r.get("status") or "").lower()
            for r in self.runs
            if r.get("head_sha") == sha
        }
        if not states:
            return None
        if states & {"failure", "timed_out", "startup_failure"}:
            return {"state": "FAILURE"}
        if states - {"success", "skipped", "neutral", "cancelled"}:
            return {"state": "PENDING"}
        return {"state": "SUCCESS"}

    def commit(self, sha: str) -> dict[str, Any]:
        """A default-branch commit: its date is its first run's (or the head's fixed date)."""
        dates = [str(r.get("created_at")) for r in self.runs if r.get("head_sha") == sha]
        first = next((r for r in self.runs if r.get("head_sha") == sha), {})
        message = str(obj_get(first, "head_commit", "message") or "Update").split("\n", 1)[0]
        author = str(obj_get(first, "head_commit", "author", "name") or "Bob")
        return {
            "oid": sha,
            "messageHeadline": message,
            "committedDate": min(dates) if dates else "2026-11-24T09:00:00Z",
            "url": f"https://github.com/{self.full}/commit/{sha}",
            "author": {"name": author, "user": {"login": author.lower()}},
        }

    def suites(self, sha: str) -> dict[str, Any]:
        """The check suites of commit ``sha``: one per workflow run on it."""
        out = []
        for r in self.runs:
            if r.get("head_sha") != sha:
                continue
            out.append(
                {
                    "status": str(r.get("status") or "").upper() or "COMPLETED",
                    "conclusion": str(r.get("conclusion") or "").upper() or None,
                    "createdAt": r.get("created_at"),
                    "updatedAt": r.get("updated_at"),
                    "branch": {"name": r.get("head_branch", "main")},
                    "workflowRun": {
                        "id": run_node_id(r),
                        "databaseId": r.get("id"),
                        "runNumber": 1,
                        "event": r.get("event", "push"),
                        "url": r.get("html_url"),
                        "createdAt": r.get("created_at"),
                        "updatedAt": r.get("updated_at"),
                        "workflow": {"databaseId": r.get("workflow_id"), "name": r.get("name")},
                    },
                }
            )
        return {"nodes": out}

    def window(self, since: str) -> list[str]:
        """Default-branch commits (with runs) committed since ``since``, newest first."""
        shas: dict[str, str] = {}
        for r in self.branch_runs():
            sha = str(r.get("head_sha"))
            shas[sha] = min(shas.get(sha, "9999"), str(r.get("created_at")))
        return [s for s, d in sorted(shas.items(), key=lambda x: x[1], reverse=True) if d >= since]

    def stamp(self) -> dict[str, Any]:
        """The fields of the adapter's ``RepoStamp`` fragment."""
        newest = max((p["updatedAt"] for p in self.pulls), default=None)
        return {
            "nameWithOwner": self.full,
            "isArchived": self.archived,
            "isFork": self.fork,
            "defaultBranchRef": (
                {
                    "name": self.default_branch,
                    "target": {"oid": self.head, "statusCheckRollup": self.rollup(self.head)},
                }
                if self.default_branch
                else None
            ),
            "stampPulls": {
                "totalCount": len(self.pulls),
                "nodes": [{"updatedAt": newest}] if newest else [],
            },
        }

    def tree(self, prefix: str, depth: int) -> dict[str, Any] | None:
        """A GraphQL Tree of ``prefix`` ("" = root) nested ``depth`` levels, or None if absent."""
        inside = [p for p in self.files if not prefix or p.startswith(prefix + "/")]
        if prefix and not inside:
            return None
        names: dict[str, str] = {}
        for p in inside:
            rest = p[len(prefix) + 1 :] if prefix else p
            head, sep, _ = rest.partition("/")
            names[head] = "tree" if sep else names.get(head, "blob")
        entries = []
        for name, kind in sorted(names.items()):
            path = f"{prefix}/{name}" if prefix else name
            entry: dict[str, Any] = {"path": path, "type": kind}
            if depth > 1:
                entry["object"] = self.tree(path, depth - 1) if kind == "tree" else {}
            entries.append(entry)
        return {"entries": entries}


class FakeGitHub:
    """Routes the adapter's requests to answers; ``calls`` counts them by kind."""

    def __init__(self, repos: list[FakeRepo], *, viewer: str = "alice") -> None:
        self.repos = {r.full: r for r in repos}
        self.viewer = viewer
        self.orgs: dict[str, list[str]] = {}
        self.teams: list[str] = ["acme/platform"]
        self.calls: Counter[str] = Counter()
        self.requests: list[httpx.Request] = []
        self.remaining = {"core": HOURLY, "graphql": HOURLY}
        self.listed_pages = 0
        #: Node ids GraphQL answers null for (e.g. an Enterprise Server that cannot resolve them).
        self.unresolvable: set[str] = set()
        #: Node count of every query asked (including refused ones), and the points spent.
        self.node_counts: list[int] = []
        self.points = 0
        #: x-ratelimit-reset when not on the virtual clock.
        self.reset_epoch = RESET
        # -- limits over time (enforced once wired to a forge, on a virtual clock) --
        self.virtual = False
        self.now = START
        self.reset_at = START + timedelta(hours=1)
        #: Hourly points per resource; None for an Enterprise Server with rate limits off.
        self.hourly: int | None = HOURLY
        #: Server seconds per repository a query reads, and per-repository exceptions.
        self.repo_seconds = 0.0
        self.slow: dict[str, float] = {}
        #: Secondary-limit answers to give next (their Retry-After, in seconds).
        self.retry_after: list[int] = []
        self._window: dict[str, list[datetime]] = {}
        #: Waits the forge slept, in seconds (virtual).
        self.slept: list[float] = []

    # ------------------------------------------------------------------ virtual time
    def wire(self, forge: Any) -> Any:
        """Run ``forge``'s session on this fake's clock; the limits over time apply from now."""
        self.virtual = True
        forge.session.clock = lambda: self.now
        forge.session.sleep = self.sleep
        return forge

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        while self.now >= self.reset_at:
            self.reset_at += timedelta(hours=1)
            self.remaining = {k: HOURLY for k in self.remaining}

    # ------------------------------------------------------------------ plumbing
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        resource = "graphql" if request.url.path.endswith("/graphql") else "core"
        if self.virtual:
            refused = self._secondary(resource)
            if refused is not None:
                return refused
            if self.hourly is not None and self.remaining[resource] <= 0:
                return self._spent(resource)
        if resource == "graphql":
            payload = json.loads(request.content)
            query, variables = payload["query"], payload["variables"]
            measured = count(query, variables)
            self.node_counts.append(measured.nodes)
            if any(p > 100 or p < 1 for p in measured.pages):
                self.calls["graphql:EXCESSIVE_PAGINATION"] += 1
                return self._limit(
                    httpx.Response(
                        200,
                        json={
                            "errors": [
                                {
                                    "type": "EXCESSIVE_PAGINATION",
                                    "message": "Requesting more than 100 records on a connection "
                                    "exceeds the `first` limit of 100 records.",
                                }
                            ]
                        },
                    ),
                    "graphql",
                )
            if measured.nodes > NODE_LIMIT:
                # GitHub's documented answer: refused before running, no data.
                self.calls["graphql:MAX_NODE_LIMIT_EXCEEDED"] += 1
                return self._limit(
                    httpx.Response(
                        200,
                        json={
                            "errors": [
                                {
                                    "type": "MAX_NODE_LIMIT_EXCEEDED",
                                    "message": f"This query requests up to {measured.nodes:,} "
                                    "possible nodes which exceeds the maximum limit of 500,000.",
                                }
                            ]
                        },
                    ),
                    "graphql",
                )
            if (
                self.virtual
                and self.hourly is not None
                and measured.points > self.remaining["graphql"]
            ):
                return self._spent("graphql")
            seconds = self._server_seconds(query, variables)
            if self.virtual:
                self.advance(min(seconds, SERVER_SECONDS))
            if seconds > SERVER_SECONDS:
                self.calls["graphql:timeout"] += 1
                return self._limit(
                    httpx.Response(
                        200, json={"data": None, "errors": [{"message": TIMEOUT_MESSAGE}]}
                    ),
                    "graphql",
                )
            self.points += measured.points
            return self._limit(
                # json.dumps escapes lone surrogates (as GitHub's JSON can carry them); httpx's
                # own encoder would refuse them.
                httpx.Response(
                    200,
                    content=json.dumps(self.graphql(query, variables)).encode(),
                    headers={"content-type": "application/json"},
                ),
                "graphql",
                points=measured.points,
            )
        return self.rest(request)

    def _reads(self, query: str, variables: dict[str, Any]) -> list[str]:
        """The repositories a query reads in depth (what its server time is made of)."""
        names = [
            f"{variables[f'o{i}']}/{variables[f'n{i}']}"
            for i in sorted({m for m in re.findall(r"\$o(\w+): String!", query)})
            if f"o{i}" in variables and f"n{i}" in variables
        ]
        return names

    def _server_seconds(self, query: str, variables: dict[str, Any]) -> float:
        return sum(self.slow.get(n, self.repo_seconds) for n in self._reads(query, variables))

    def _secondary(self, resource: str) -> httpx.Response | None:
        """GitHub's secondary limits: points per minute (a request is 1 point here)."""
        if self.retry_after:
            wait = self.retry_after.pop(0)
            self.calls["secondary"] += 1
            return httpx.Response(
                403,
                headers={"retry-after": str(wait)},
                json={"message": "You have exceeded a secondary rate limit. Please wait."},
            )
        window = self._window.setdefault(resource, [])
        window[:] = [t for t in window if t > self.now - timedelta(seconds=60)]
        if len(window) >= PER_MINUTE[resource]:
            self.calls["secondary"] += 1
            wait = int((window[0] + timedelta(seconds=60) - self.now).total_seconds()) + 1
            return httpx.Response(
                403,
                headers={"retry-after": str(wait)},
                json={"message": "You have exceeded a secondary rate limit. Please wait."},
            )
        window.append(self.now)
        return None

    def _spent(self, resource: str) -> httpx.Response:
        self.calls[f"spent:{resource}"] += 1
        if resource == "graphql":
            resp = httpx.Response(
                200,
                json={
                    "errors": [
                        {
                            "type": "RATE_LIMITED",
                            "message": "API rate limit exceeded for user ID 1.",
                        }
                    ]
                },
            )
        else:
            resp = httpx.Response(403, json={"message": "API rate limit exceeded for user ID 1."})
        return self._limit(resp, resource, spend=False, remaining=0)

    def _limit(
        self,
        resp: httpx.Response,
        resource: str,
        *,
        spend: bool = True,
        points: int = 1,
        remaining: int | None = None,
    ) -> httpx.Response:
        if spend:
            self.remaining[resource] -= points
        if self.hourly is None:
            return resp  # an Enterprise Server with rate limits off sends no budget headers
        left = self.remaining[resource] if remaining is None else remaining
        reset = int(self.reset_at.timestamp()) if self.virtual else self.reset_epoch
        resp.headers.update(
            {
                "x-ratelimit-limit": str(HOURLY),
                "x-ratelimit-remaining": str(max(0, left)),
                "x-ratelimit-reset": str(reset),
                "x-ratelimit-resource": resource,
            }
        )
        return resp

    # ------------------------------------------------------------------ GraphQL
    def graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        op = re.match(r"\s*query (\w+)", query)
        name = op.group(1) if op else "?"
        self.calls[f"graphql:{name}"] += 1
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        if "viewer { login }" in query:
            data["viewer"] = {"login": self.viewer}
        if "teams(first: 100" in query:
            orgs: dict[str, list[str]] = {}
            for slug in self.teams:
                orgs.setdefault(slug.split("/")[0], []).append(slug)
            data["viewer"] = {
                "organizations": {
                    "nodes": [
                        {"login": o, "teams": {"nodes": [{"combinedSlug": s} for s in slugs]}}
                        for o, slugs in orgs.items()
                    ]
                }
            }
        for alias in sorted(set(re.findall(r"\b(j\d+): nodes", query))):
            data[alias] = [self._run_node(str(i)) for i in variables[alias]]
        if name == "Tests":
            for alias in sorted(set(re.findall(r"\b(w\d+): nodes", query))):
                data[alias] = [self._run_node(str(i)) for i in variables[alias]]
            for alias in sorted(set(re.findall(r"\b(t\d+): nodes", query))):
                data[alias] = [self._check_node(str(i)) for i in variables[alias]]
            return {"data": data}
        if name == "MorePulls":
            repo = self.repos[f"{variables['owner']}/{variables['name']}"]
            data["repository"] = {"pullRequests": self._pulls(repo, variables["after"], 100)}
            return {"data": data}
        for alias in sorted(set(re.findall(r"\b(e\d+): ", query))):
            i = alias[1:]
            found = self.repos.get(f"{variables[f'eo{i}']}/{variables[f'en{i}']}")
            data[alias] = self._listed(found, query, variables) if found else None
            if found is None:
                errors.append(self._not_found(alias, variables[f"en{i}"]))
        for alias in sorted(set(re.findall(r"\b([rw]\d+): ", query))):
            i = alias[1:]
            if alias.startswith("w"):
                data[alias] = self._owner(
                    variables[f"l{i}"], variables[f"c{i}"], query, variables, i
                )
                if data[alias] is None:
                    errors.append(self._not_found(alias, variables[f"l{i}"]))
                continue
            full = f"{variables[f'o{i}']}/{variables[f'n{i}']}"
            repo = self.repos.get(full)
            if repo is None:
                data[alias] = None
                errors.append(self._not_found(alias, full))
                continue
            data[alias] = getattr(self, f"_{name.lower()}")(repo, i, variables, query)
        out: dict[str, Any] = {"data": data}
        if errors:
            out["errors"] = errors
        return out

    def _check_node(self, node_id: str) -> dict[str, Any] | None:
        """A CheckRun by node id (``CR_<job id>``) with its annotations."""
        self.calls["check_nodes"] += 1
        for repo in self.repos.values():
            for run_jobs in repo.jobs.values():
                for job in run_jobs:
                    if f"CR_{job['id']}" == node_id:
                        notes = repo.annotations.get(int(job["id"]), [])
                        return {
                            "databaseId": job["id"],
                            "annotations": {
                                "nodes": [
                                    {
                                        "path": a["path"],
                                        "title": a["title"] or None,
                                        "annotationLevel": a["annotation_level"].upper(),
                                    }
                                    for a in notes
                                ]
                            },
                        }
        return None

    def _run_node(self, node_id: str) -> dict[str, Any] | None:
        """A WorkflowRun by node id: every attempt's jobs as check runs of one suite."""
        for repo in self.repos.values():
            for run in repo.runs:
                if run_node_id(run) != node_id or node_id in self.unresolvable:
                    continue
                checks = []
                for job in repo.jobs.get(int(run["id"]), []):
                    notes = repo.annotations.get(int(job["id"]), [])
                    checks.append(
                        {
                            "id": f"CR_{job['id']}",
                            "databaseId": job["id"],
                            "name": job["name"],
                            "status": str(job["status"]).upper(),
                            "conclusion": str(job["conclusion"] or "").upper() or None,
                            "startedAt": job["started_at"].replace(
                                "10:01", f"10:{job['run_attempt']:02d}"
                            ),
                            "completedAt": job["completed_at"],
                            "annotations": {
                                "nodes": [
                                    {
                                        "path": a["path"],
                                        "title": a["title"] or None,
                                        "annotationLevel": a["annotation_level"].upper(),
                                    }
                                    for a in notes
                                ]
                            },
                        }
                    )
                failed = [c for c in checks if c["conclusion"] in ("FAILURE", "TIMED_OUT")]
                return {
                    "databaseId": run["id"],
                    "checkSuite": {
                        "all": {
                            "nodes": [
                                {k: v for k, v in c.items() if k != "annotations"} for c in checks
                            ]
                        },
                        "failed": {
                            "nodes": [
                                {"id": c["id"], "databaseId": c["databaseId"], "name": c["name"]}
                                for c in failed
                            ]
                        },
                    },
                }
        return None

    @staticmethod
    def _not_found(alias: str, what: str) -> dict[str, Any]:
        return {
            "type": "NOT_FOUND",
            "path": [alias],
            "locations": [{"line": 2, "column": 3}],
            "message": f"Could not resolve to a Repository with the name '{what}'.",
        }

    @staticmethod
    def page_size(query: str, i: str) -> int:
        """The ``first`` of owner alias ``w{i}``'s repositories connection."""
        m = re.search(rf"\bw{i}: \w+\(login: \$l{i}\) {{ repositories\(first: (\d+)", query)
        return int(m.group(1)) if m else 100

    def _listed(self, repo: FakeRepo, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """A listed repository: its stamp, and with ``...RepoShape`` its window and tree."""
        node = repo.stamp()
        if "...RepoShape" in query:
            since = str(variables.get("since") or "")
            node["recent"] = (
                {"target": {"history": {"totalCount": len(repo.window(since))}}}
                if repo.default_branch
                else None
            )
            node["tree"] = repo.tree("", 2) if repo.files else None
            for k in re.findall(r"\$d(\d+): String!", query):
                node[f"d{k}"] = repo.tree(variables[f"d{k}"].removeprefix("HEAD:"), 4)
        return node

    def _owner(
        self,
        login: str,
        cursor: str | None,
        query: str = "",
        variables: dict[str, Any] | None = None,
        i: str = "0",
    ) -> dict[str, Any] | None:
        if login not in self.orgs:
            return None
        names = sorted(self.orgs[login])
        start = int(cursor or 0)
        size = self.page_size(query, i)
        page = names[start : start + size]
        more = start + size < len(names)
        self.listed_pages += 1
        return {
            "repositories": {
                "pageInfo": {"hasNextPage": more, "endCursor": str(start + size) if more else None},
                "nodes": [
                    self._listed(self.repos[n], query, variables or {})
                    if n in self.repos
                    else {"nameWithOwner": n, "isArchived": False, "isFork": False}
                    for n in page
                ],
            }
        }

    def _pulls(self, repo: FakeRepo, cursor: str | None, size: int) -> dict[str, Any]:
        start = int(cursor or 0)
        page = repo.pulls[start : start + size]
        more = start + size < len(repo.pulls)
        return {
            "totalCount": len(repo.pulls),
            "pageInfo": {"hasNextPage": more, "endCursor": str(start + size) if more else None},
            "nodes": page,
        }

    @staticmethod
    def _line(query: str, alias: str) -> str:
        """The document line that asks for ``alias`` (the adapter writes one alias a line)."""
        m = re.search(rf"^  {alias}: .*$", query, re.MULTILINE)
        return m.group(0) if m else ""

    def _details(self, repo: FakeRepo, i: str, variables: dict[str, Any], query: str) -> Any:
        """One repository of a Details query, sized as the query asked."""
        line = self._line(query, f"r{i}")
        node = repo.node()
        target: dict[str, Any] = {"oid": repo.head}
        if "head: checkSuites" in line:
            target.update(repo.commit(repo.head))
            target["head"] = repo.suites(repo.head)
        m = re.search(r"runs: history\(first: (\d+)", line)
        if m:
            shas = repo.window(str(variables.get("since") or ""))[: int(m.group(1))]
            target["runs"] = {
                "nodes": [{**repo.commit(s), "checkSuites": repo.suites(s)} for s in shas]
            }
        j = 0
        while f"e{i}_{j}" in variables:
            path = variables[f"p{i}_{j}"]
            text = repo.files.get(path)
            node[f"f{j}"] = (
                None
                if text is None
                else {"text": text, "isBinary": path.endswith(".png"), "byteSize": len(text)}
            )
            last = repo.last_commits.get(path)
            target[f"h{j}"] = {"nodes": [last] if last else []}
            j += 1
        if node.get("defaultBranchRef"):
            node["defaultBranchRef"] = {**node["defaultBranchRef"], "target": target}
        if "closedPulls: pullRequests(" in line:
            node["closedPulls"] = {"nodes": list(repo.closed)}
        m = re.search(r"(?<!closedPulls: )pullRequests\(first: (\d+)", line)
        if m:
            node["pullRequests"] = self._pulls(repo, None, int(m.group(1)))
        if "tree: object" in line:
            node["tree"] = repo.tree("", 2) if repo.files else None
            for k in re.findall(r"\$d(\d+): String!", query):
                node[f"d{k}"] = repo.tree(variables[f"d{k}"].removeprefix("HEAD:"), 4)
        return node

    def _docs(self, repo: FakeRepo, i: str, variables: dict[str, Any], query: str) -> Any:
        node: dict[str, Any] = {}
        target: dict[str, Any] = {}
        j = 0
        while f"e{i}_{j}" in variables:
            path = variables[f"p{i}_{j}"]
            text = repo.files.get(path)
            node[f"f{j}"] = (
                None
                if text is None
                else {"text": text, "isBinary": path.endswith(".png"), "byteSize": len(text)}
            )
            last = repo.last_commits.get(path)
            target[f"h{j}"] = {"nodes": [last] if last else []}
            j += 1
        node["ref"] = {"target": target}
        return node

    def _followup(self, repo: FakeRepo, i: str, variables: dict[str, Any], query: str) -> Any:
        return self._since(repo, i, variables, query)

    def _since(self, repo: FakeRepo, i: str, variables: dict[str, Any], query: str) -> Any:
        node: dict[str, Any] = {}
        target: dict[str, Any] = {}
        j = 0
        while f"s{i}_{j}" in variables:
            count, commits = repo.since.get(variables[f"p{i}_{j}"] or "", (0, []))
            target[f"s{j}"] = {"totalCount": count, "nodes": commits[:5]}
            j += 1
        if target:
            node["ref"] = {"target": target}
        j = 0
        while f"x{i}_{j}" in variables:
            path = variables[f"x{i}_{j}"].removeprefix("HEAD:")
            is_dir = any(p.startswith(path + "/") for p in repo.files)
            exists = path in repo.files or is_dir
            node[f"x{j}"] = {"__typename": "Tree" if is_dir else "Blob"} if exists else None
            j += 1
        return node

    # ------------------------------------------------------------------ REST
    def rest(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        m = re.search(r"/repos/([^/]+/[^/]+)/(.*)", path)
        repo = self.repos.get(m.group(1)) if m else None
        if m is None or repo is None:
            self.calls["rest:404"] += 1
            return self._limit(
                httpx.Response(
                    404,
                    json={
                        "message": "Not Found",
                        "documentation_url": "https://docs.github.com/rest",
                    },
                ),
                "core",
            )
        rest = m.group(2)
        body: Any
        if rest == "actions/runs":
            self.calls["rest:runs"] += 1
            body = {"total_count": len(repo.runs), "workflow_runs": repo.runs}
        elif jm := re.fullmatch(r"actions/runs/(\d+)/jobs", rest):
            self.calls["rest:jobs"] += 1
            run_jobs = repo.jobs.get(int(jm.group(1)), [])
            if request.url.params.get("filter") != "all":
                top = max((j["run_attempt"] for j in run_jobs), default=1)
                run_jobs = [j for j in run_jobs if j["run_attempt"] == top]
            body = {"total_count": len(run_jobs), "jobs": run_jobs}
        elif am := re.fullmatch(r"check-runs/(\d+)/annotations", rest):
            self.calls["rest:annotations"] += 1
            body = repo.annotations.get(int(am.group(1)), [])
        else:
            self.calls["rest:other"] += 1
            body = {"message": "Not Found"}
            return self._limit(httpx.Response(404, json=body), "core")
        content = json.dumps(body).encode()
        etag = f'W/"{abs(hash(content)):x}"'
        if request.headers.get("if-none-match") == etag:
            self.calls["rest:304"] += 1
            return self._limit(httpx.Response(304, headers={"etag": etag}), "core", spend=False)
        return self._limit(
            httpx.Response(
                200,
                content=content,
                headers={"etag": etag, "content-type": "application/json; charset=utf-8"},
            ),
            "core",
        )
