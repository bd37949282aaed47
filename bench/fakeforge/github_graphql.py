"""GitHub GraphQL: real queries executed by graphql-core against GitHub's published schema.

Resolution is generic: an object is a dict, a field reads the key of its name, and a callable value
is called with the field's arguments (that is how ``history(path:, since:)``, ``object(expression:)``
or ``pullRequests(states:)`` are computed). A list returned for a ``...Connection`` field is paginated
(``first``/``last``/``after``/``before``, ``nodes``, ``edges``, ``pageInfo``, ``totalCount``). A field
nobody modelled resolves to null, or to a zero value of its type where the schema says non-null, so
any query that validates also executes.

Cost follows GitHub's published rule: every connection needs one request per parent node (the
product of the enclosing connections' ``first``/``last``), the sum divided by 100 and rounded, at
least 1 point per query.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    SelectionSetNode,
    VariableNode,
    execute_sync,
    get_named_type,
    get_nullable_type,
    is_list_type,
    is_non_null_type,
    parse,
    validate,
)
from graphql.utilities import get_operation_ast

from bench.fakeforge.model import (
    VIEWER,
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
JSON = dict[str, Any]
_MISSING = object()


class NotFound(Exception):
    """A root object that does not exist: GitHub answers null plus an error of type NOT_FOUND."""


# -- generic resolution ---------------------------------------------------------------------------


def _cursor(i: int) -> str:
    return base64.b64encode(f"cursor:{i}".encode()).decode()


def _uncursor(text: str | None) -> int | None:
    if not text:
        return None
    try:
        return int(base64.b64decode(text).decode().split(":", 1)[1])
    except (ValueError, IndexError):
        return None


def connection(items: list[Any], args: Mapping[str, Any]) -> JSON:
    after, before = _uncursor(args.get("after")), _uncursor(args.get("before"))
    start = after + 1 if after is not None else 0
    end = before if before is not None else len(items)
    window = range(start, max(start, end))
    first, last = args.get("first"), args.get("last")
    if first is not None:
        chosen = window[: max(0, int(first))]
    elif last is not None:
        chosen = window[len(window) - max(0, int(last)) :] if last else window[:0]
    else:
        chosen = window[:100]
    return {
        "__typename": "",
        "nodes": [items[i] for i in chosen],
        "edges": [{"cursor": _cursor(i), "node": items[i]} for i in chosen],
        "totalCount": len(items),
        "pageInfo": {
            "hasNextPage": bool(chosen) and chosen[-1] < end - 1,
            "hasPreviousPage": bool(chosen) and chosen[0] > 0,
            "startCursor": _cursor(chosen[0]) if chosen else None,
            "endCursor": _cursor(chosen[-1]) if chosen else None,
        },
    }


def zero(kind: GraphQLOutputType, schema: GraphQLSchema) -> Any:
    """A harmless value for a non-null field nobody modelled."""
    inner = get_nullable_type(kind)
    if is_list_type(inner):
        return []
    if isinstance(inner, GraphQLScalarType):
        return {"Int": 0, "Float": 0.0, "Boolean": False}.get(inner.name, "")
    if isinstance(inner, GraphQLEnumType):
        return next(iter(inner.values))
    if isinstance(inner, GraphQLObjectType):
        return {}
    possible = schema.get_possible_types(inner)  # type: ignore[arg-type]
    return {"__typename": possible[0].name} if possible else {}


def resolve(source: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
    value: Any = None
    if isinstance(source, dict):
        value = source.get(info.field_name, _MISSING)
        if callable(value):
            value = value(**args)
        elif value is _MISSING:
            value = None
    if isinstance(value, list) and get_named_type(info.return_type).name.endswith("Connection"):
        value = connection(value, args)
    if value is None and is_non_null_type(info.return_type):
        value = zero(info.return_type, info.schema)
    return value


# -- cost -----------------------------------------------------------------------------------------


def query_cost(
    schema: GraphQLSchema, doc: DocumentNode, variables: Mapping[str, Any], operation: str | None
) -> int:
    """GitHub's point cost of one query (before it runs)."""
    op = get_operation_ast(doc, operation)
    if op is None:
        return 1
    frags = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    total = 0

    def number(node: FieldNode, name: str) -> int | None:
        for arg in node.arguments or ():
            if arg.name.value == name:
                v = arg.value
                if isinstance(v, IntValueNode):
                    return int(v.value)
                if isinstance(v, VariableNode) and variables.get(v.name.value) is not None:
                    return int(variables[v.name.value])
        return None

    def walk(selections: SelectionSetNode, parent: Any, mult: int) -> None:
        nonlocal total
        for sel in selections.selections:
            if isinstance(sel, FieldNode):
                fields = getattr(parent, "fields", None)
                fdef = fields.get(sel.name.value) if fields else None
                if fdef is None or sel.selection_set is None:
                    continue
                named = get_named_type(fdef.type)
                child = mult
                if named.name.endswith("Connection"):
                    total += mult
                    child = mult * (number(sel, "first") or number(sel, "last") or 1)
                walk(sel.selection_set, named, child)
            elif isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition
                walk(sel.selection_set, schema.get_type(cond.name.value) if cond else parent, mult)
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value in frags:
                frag = frags[sel.name.value]
                walk(frag.selection_set, schema.get_type(frag.type_condition.name.value), mult)

    root = schema.mutation_type if op.operation.value == "mutation" else schema.query_type
    walk(op.selection_set, root, 1)
    return max(1, int(total / 100 + 0.5))


def count_nodes(value: Any) -> int:
    """Objects in a result (what the server "worked" on)."""
    if isinstance(value, dict):
        return 1 + sum(count_nodes(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_nodes(v) for v in value)
    return 0


# -- the organisation as GraphQL objects ----------------------------------------------------------


def _time(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _actor(login: str) -> JSON:
    if login.endswith("[bot]"):
        return {"__typename": "Bot", "login": login[: -len("[bot]")]}
    return {"__typename": "User", "login": login, "name": login.title()}


@dataclass
class Views:
    org: Organisation

    def root(self, rate: Callable[[], JSON]) -> JSON:
        return {
            "viewer": self.viewer(),
            "organization": lambda login, **_: self.organization(login),
            "repositoryOwner": lambda login, **_: self.organization(login),
            "user": lambda login, **_: self.user(login),
            "repository": lambda owner, name, **_: self.repository(owner, name),
            "rateLimit": lambda **_: rate(),
            "node": lambda id, **_: self.node(id),
            "nodes": lambda ids, **_: [self.node(i) for i in ids],
        }

    def node(self, node_id: str) -> JSON | None:
        """A global node id as the REST API's ``node_id`` spells it (workflow runs, check runs)."""
        kind, _, number = str(node_id).partition("_")
        if not number.isdigit():
            return None
        if kind == "WFR":
            repo = self.org.by_id(1000 + (int(number) - 10_000_000) // 1000)
            run = next((r for r in repo.runs if r.id == int(number)), None) if repo else None
            return self.workflow_run(repo, run) if repo and run else None
        if kind == "CR":
            repo = self.org.by_id(1000 + (int(number) - 500_000_000) // 100_000)
            found = repo.job(int(number)) if repo else None
            return self.check_run(repo, *found) if repo and found else None
        return None

    def check_suite(self, repo: FakeRepo, run: FakeRun) -> JSON:
        """A run as a check suite of its commit (``Commit.checkSuites``), with its workflow run."""
        wr = self.workflow_run(repo, run)
        return {
            **wr["checkSuite"],
            "branch": {"__typename": "Ref", "name": run.branch},
            "workflowRun": wr,
        }

    def rollup(self, repo: FakeRepo, sha: str) -> JSON | None:
        """A commit's combined check state: the latest attempt of each run on it."""
        states = {r.latest.conclusion for r in repo.runs if r.sha == sha}
        if not states:
            return None
        state = "FAILURE" if "failure" in states else "SUCCESS"
        return {"__typename": "StatusCheckRollup", "id": f"SCR_{sha[:12]}", "state": state}

    def workflow_run(self, repo: FakeRepo, run: FakeRun) -> JSON:
        """A run and its check suite; one suite holds the check runs of every attempt."""
        latest = run.latest

        def check_runs(**args: Any) -> list[JSON]:
            wanted = args.get("filterBy") or {}
            attempts = run.attempts if wanted.get("checkType") == "ALL" else (latest,)
            conclusions = wanted.get("conclusions")
            return [
                self.check_run(repo, run, job)
                for a in attempts
                for job in a.jobs
                if not conclusions or job.conclusion.upper() in conclusions
            ]

        return {
            "__typename": "WorkflowRun",
            "id": f"WFR_{run.id}",
            "databaseId": run.id,
            "runNumber": run.number,
            "event": run.event,
            "createdAt": iso(run.created),
            "updatedAt": iso(latest.updated),
            "url": f"{WEB}/{repo.full_name}/actions/runs/{run.id}",
            "workflow": {
                "__typename": "Workflow",
                "id": f"W_{run.workflow_id}",
                "databaseId": run.workflow_id,
                "name": run.workflow,
            },
            "checkSuite": {
                "__typename": "CheckSuite",
                "id": f"CS_{run.id * 10}",
                "databaseId": run.id * 10,
                "status": "COMPLETED",
                "conclusion": latest.conclusion.upper(),
                "createdAt": iso(run.created),
                "updatedAt": iso(latest.updated),
                "checkRuns": check_runs,
            },
        }

    def check_run(self, repo: FakeRepo, run: FakeRun, job: FakeJob) -> JSON:
        """A job as a check run (its ``databaseId`` is the REST job id), with its annotations."""
        html = f"{WEB}/{repo.full_name}/actions/runs/{run.id}/job/{job.id}"
        notes = []
        if job.failed_test:
            notes = [
                {
                    "__typename": "CheckAnnotation",
                    "path": "tests/test_core.py",
                    "title": f"tests/test_core.py::{job.failed_test}",
                    "message": f"AssertionError in {job.failed_test}",
                    "annotationLevel": "FAILURE",
                    "location": {"start": {"line": 42}, "end": {"line": 42}},
                },
                {
                    "__typename": "CheckAnnotation",
                    "path": ".github",
                    "title": None,
                    "message": "Process completed with exit code 1.",
                    "annotationLevel": "FAILURE",
                    "location": {"start": {"line": 1}, "end": {"line": 1}},
                },
            ]
        return {
            "__typename": "CheckRun",
            "id": f"CR_{job.id}",
            "databaseId": job.id,
            "name": job.name,
            "status": "COMPLETED",
            "conclusion": job.conclusion.upper(),
            "startedAt": iso(job.started),
            "completedAt": iso(job.completed),
            "detailsUrl": html,
            "permalink": html,
            "url": html,
            "annotations": notes,
        }

    def viewer(self) -> JSON:
        return {
            **_actor(VIEWER),
            "organizations": lambda **_: [self.organization(self.org.org)],
            "repositories": lambda **_: [],
        }

    def user(self, login: str) -> JSON:
        if login != VIEWER:
            raise NotFound(f"Could not resolve to a User with the login of '{login}'.")
        return self.viewer()

    def organization(self, login: str) -> JSON:
        org = self.org
        if login.lower() != org.org.lower():
            raise NotFound(f"Could not resolve to an Organization with the login of '{login}'.")
        return {
            "__typename": "Organization",
            "login": org.org,
            "name": org.org.title(),
            "url": f"{WEB}/{org.org}",
            "repositories": lambda **_: [self.repo_view(i) for i in range(org.n_repos)],
            "teams": lambda **kw: (
                [
                    {
                        "__typename": "Team",
                        "slug": t,
                        "name": t.title(),
                        "combinedSlug": f"{org.org}/{t}",
                    }
                    for t in ("platform", "docs")
                ]
                if not kw.get("userLogins") or VIEWER in kw["userLogins"]
                else []
            ),
        }

    def repository(self, owner: str, name: str) -> JSON:
        repo = self.org.by_name(owner, name)
        if repo is None:
            raise NotFound(f"Could not resolve to a Repository with the name '{owner}/{name}'.")
        return self.repo_view(repo.index)

    def repo_view(self, index: int) -> JSON:
        """Cheap fields from the index; anything needing the generated repository is lazy."""
        org = self.org
        name = f"repo-{index:04d}"
        full = f"{org.org}/{name}"

        def repo() -> FakeRepo:
            return org.repo(index)

        return {
            "__typename": "Repository",
            "id": f"R_{1000 + index}",
            "databaseId": 1000 + index,
            "name": name,
            "nameWithOwner": full,
            "owner": {"__typename": "Organization", "login": org.org},
            "url": f"{WEB}/{full}",
            "isArchived": False,
            "isFork": False,
            "isPrivate": True,
            "isEmpty": False,
            "description": f"Synthetic repository {index}",
            "defaultBranchRef": lambda **_: self.ref(repo()),
            "pullRequests": lambda states=None, **_: (
                [self.pull(repo(), p) for p in repo().pulls]
                if not states or "OPEN" in states
                else []
            ),
            "object": lambda expression=None, **_: self.git_object(repo(), expression or ""),
        }

    def ref(self, repo: FakeRepo) -> JSON:
        return {
            "__typename": "Ref",
            "name": repo.default_branch,
            "prefix": "refs/heads/",
            "target": lambda **_: self.commit(repo, repo.head),
        }

    def commit(self, repo: FakeRepo, c: FakeCommit) -> JSON:
        person = {
            "name": c.author.title(),
            "email": f"{c.author}@example.com",
            "date": iso(c.date),
            "user": _actor(c.author),
        }

        def history(
            path: str | None = None, since: Any = None, until: Any = None, **_: Any
        ) -> list[JSON]:
            older = [x for x in repo.history(path, _time(since), _time(until)) if x.date <= c.date]
            return [self.commit(repo, x) for x in older]

        return {
            "__typename": "Commit",
            "id": f"C_{c.sha[:12]}",
            "oid": c.sha,
            "abbreviatedOid": c.sha[:7],
            "messageHeadline": c.title,
            "message": c.title,
            "committedDate": iso(c.date),
            "authoredDate": iso(c.date),
            "url": f"{WEB}/{repo.full_name}/commit/{c.sha}",
            "author": person,
            "committer": person,
            "history": history,
            "statusCheckRollup": lambda **_: self.rollup(repo, c.sha),
            "checkSuites": lambda **_: [
                self.check_suite(repo, r) for r in reversed(repo.runs) if r.sha == c.sha
            ],
        }

    def pull(self, repo: FakeRepo, p: FakePull) -> JSON:
        org = self.org.org
        requests = [
            {
                "requestedReviewer": _actor(x)
                if kind == "user"
                else {
                    "__typename": "Team",
                    "slug": x,
                    "name": x.title(),
                    "combinedSlug": f"{org}/{x}",
                }
            }
            for kind, x in p.requests
        ]
        return {
            "__typename": "PullRequest",
            "id": f"PR_{p.head_sha[:12]}",
            "number": p.number,
            "title": p.title,
            "url": f"{WEB}/{repo.full_name}/pull/{p.number}",
            "state": "OPEN",
            "isDraft": p.draft,
            "createdAt": iso(p.created),
            "updatedAt": iso(p.updated),
            "additions": p.additions,
            "deletions": p.deletions,
            "changedFiles": p.changed_files,
            "headRefName": p.head_branch,
            "baseRefName": repo.default_branch,
            "headRefOid": p.head_sha,
            "author": _actor(p.author),
            "reviews": [
                {
                    "__typename": "PullRequestReview",
                    "author": _actor(r.author),
                    "state": r.state,
                    "submittedAt": iso(r.submitted_at),
                    "createdAt": iso(r.submitted_at),
                }
                for r in p.reviews
            ],
            "reviewRequests": requests,
            "labels": [{"__typename": "Label", "name": n, "color": "ededed"} for n in p.labels],
            "assignees": [_actor(a) for a in p.assignees],
            "commits": [
                {
                    "commit": {
                        "__typename": "Commit",
                        "oid": p.head_sha,
                        "statusCheckRollup": {"state": p.status},
                    }
                }
            ],
            "statusCheckRollup": {"__typename": "StatusCheckRollup", "state": p.status},
            "timelineItems": lambda **kw: (
                [{"__typename": "ReadyForReviewEvent", "createdAt": iso(p.ready_at)}]
                if p.ready_at
                and (not kw.get("itemTypes") or "READY_FOR_REVIEW_EVENT" in kw["itemTypes"])
                else []
            ),
        }

    def git_object(self, repo: FakeRepo, expression: str) -> JSON | None:
        ref, colon, path = expression.partition(":")
        if ref not in ("HEAD", repo.default_branch, repo.head.sha, ""):
            return None
        if not colon:
            return self.commit(repo, repo.head)
        return self.path_object(repo, path.strip("/"))

    def path_object(self, repo: FakeRepo, path: str) -> JSON | None:
        if path in repo.files:
            text = repo.files[path]
            return {
                "__typename": "Blob",
                "oid": sha_of("blob", repo.full_name, path, text),
                "text": text,
                "isBinary": False,
                "isTruncated": False,
                "byteSize": len(text.encode()),
            }
        if path and path not in repo.dirs:
            return None
        prefix = f"{path}/" if path else ""
        names = sorted(
            {
                p[len(prefix) :].split("/", 1)[0]
                for p in [*repo.files, *repo.dirs]
                if p.startswith(prefix) and p != path
            }
        )

        def entry(name: str) -> JSON:
            full = prefix + name
            blob = full in repo.files
            return {
                "__typename": "TreeEntry",
                "name": name,
                "path": full,
                "type": "blob" if blob else "tree",
                "mode": 33188 if blob else 16384,
                "oid": sha_of("entry", repo.full_name, full),
                "extension": ("." + name.rsplit(".", 1)[-1]) if blob and "." in name else None,
                "object": lambda **_: self.path_object(repo, full),
            }

        return {
            "__typename": "Tree",
            "oid": sha_of("tree", repo.full_name, path),
            "entries": lambda **_: [entry(n) for n in names],
        }


# -- one HTTP request -----------------------------------------------------------------------------


@dataclass
class Outcome:
    body: JSON
    points: int
    nodes: int
    errors: list[str]


def run(schema: GraphQLSchema, views: Views, payload: Any, rate: Callable[[int], JSON]) -> Outcome:
    """Parse, validate, cost and execute one ``{query, variables, operationName}`` payload."""
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return Outcome(
            {"errors": [{"message": "A query attribute must be specified"}]}, 0, 0, ["no query"]
        )
    variables = payload.get("variables") or {}
    operation = payload.get("operationName")
    try:
        doc = parse(payload["query"])
    except GraphQLError as exc:
        return Outcome({"errors": [exc.formatted]}, 0, 0, [exc.message])
    problems = validate(schema, doc)
    if problems:
        return Outcome(
            {"errors": [e.formatted for e in problems]}, 0, 0, [e.message for e in problems]
        )
    points = query_cost(schema, doc, variables, operation)
    result = execute_sync(
        schema,
        doc,
        root_value=views.root(lambda: rate(points)),
        variable_values=variables,
        operation_name=operation,
        field_resolver=resolve,
    )
    body: JSON = {"data": result.data}
    errors: list[str] = []
    if result.errors:
        formatted = []
        for err in result.errors:
            item = dict(err.formatted)
            if isinstance(err.original_error, NotFound):
                item["type"] = "NOT_FOUND"
            else:
                errors.append(err.message)
            formatted.append(item)
        body["errors"] = formatted
    return Outcome(body, points, count_nodes(result.data), errors)
