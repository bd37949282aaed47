"""The details query: everything GraphQL reads of a batch of repositories in one round trip.

GitHub charges a query by what its connections *may* return (``first``), not by what they do.
A page of 50 repositories that each asked for 50 pull requests cost 126 points whatever they
held; here each repository asks for exactly what the listing said it has (:class:`DetailAsk`):
its open pull requests, the commits of the runs window (each with its check suites, the workflow
runs: :mod:`suites`), and, when the listing carried the tree, each doc's text and last commit.
A typical repository costs a quarter of a point instead of two and a half.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gluetui.forges.github import convert as conv
from gluetui.forges.github.graphql import split_repo, with_fragments

#: Check suites read per commit (only the commits' connection is charged, not its size).
SUITES_PER_COMMIT = 20
#: Commits of the runs window read per repository (REST listed at most 100 runs).
MAX_COMMITS = 50
#: Commits asked for when the window's size is unknown (a changed repository on a later refresh).
DEFAULT_COMMITS = 20

_PULLS = "states: OPEN, orderBy: { field: UPDATED_AT, direction: DESC }"
_CLOSED = "states: [MERGED, CLOSED], orderBy: { field: UPDATED_AT, direction: DESC }"
#: Merged or closed pull requests read per changed repository: an agent's pull request that was
#: merged since the last refresh is among the newest (a merge changes the open ones' stamp).
CLOSED_PULLS = 10
_TEAMS = (
    "  viewer { organizations(first: 100) { nodes { login "
    "teams(first: 100, userLogins: [$login]) { nodes { combinedSlug } } } } }"
)

JSON = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class DetailAsk:
    """What one repository's part of a details query reads."""

    full: str
    #: Open pull requests to read (the first page; 0: none).
    pulls: int = 0
    #: Default-branch commits of the runs window to read with their suites (0: none).
    commits: int = 0
    #: Read the head commit's suites (a scheduled run on an old head).
    head: bool = True
    #: Doc paths whose text and last commit to read (the listing carried the tree).
    docs: tuple[str, ...] = ()
    #: Read the tree here (no listing carried it): the docs are read in a later round.
    tree: bool = False


@dataclass
class DetailNode:
    """The parts of one repository's answer, split out of the alias structure."""

    node: JSON
    head: JSON = field(default_factory=dict)
    commits: list[JSON] = field(default_factory=list)


def details_query(
    asks: Sequence[DetailAsk],
    *,
    doc_dirs: Sequence[str] = (),
    since: str = "",
    with_teams: bool = False,
) -> tuple[str, dict[str, Any]]:
    """One ``r{i}`` alias per repository, each sized by its :class:`DetailAsk`; with
    ``with_teams`` also the viewer's teams (``$login`` is the caller's to set)."""
    params: list[str] = []
    fields: list[str] = []
    variables: dict[str, Any] = {}
    if any(a.commits for a in asks):
        params.append("$since: GitTimestamp!")
        variables["since"] = since
    deep: list[str] = []
    if any(a.tree for a in asks):
        for k, path in enumerate(doc_dirs):
            params.append(f"$d{k}: String!")
            variables[f"d{k}"] = f"HEAD:{path}"
            deep.append(f"d{k}: object(expression: $d{k}) {{ ...DeepTree }}")
    for i, ask in enumerate(asks):
        owner, name = split_repo(ask.full)
        params += [f"$o{i}: String!", f"$n{i}: String!"]
        variables[f"o{i}"], variables[f"n{i}"] = owner, name
        target: list[str] = ["oid"]
        if ask.head:
            target.append(
                f"messageHeadline author {{ name }} head: checkSuites(first: {SUITES_PER_COMMIT}) "
                "{ nodes { ...SuiteFields } }"
            )
        if ask.commits:
            size = max(1, min(MAX_COMMITS, ask.commits))
            target.append(
                f"runs: history(first: {size}, since: $since) {{ nodes {{ ...RunCommit }} }}"
            )
        parts = ["...RepoFields"]
        texts: list[str] = []
        for j, path in enumerate(ask.docs):
            params += [f"$e{i}_{j}: String!", f"$p{i}_{j}: String!"]
            variables[f"e{i}_{j}"], variables[f"p{i}_{j}"] = f"HEAD:{path}", path
            texts.append(
                f"f{j}: object(expression: $e{i}_{j}) {{ ... on Blob {{ text isBinary byteSize }} }}"
            )
            target.append(
                f"h{j}: history(first: 1, path: $p{i}_{j}) {{ nodes {{ ...CommitFields }} }}"
            )
        parts.append(
            f"defaultBranchRef {{ name target {{ ... on Commit {{ {' '.join(target)} }} }} }}"
        )
        if ask.pulls:
            size = max(1, min(100, ask.pulls))
            parts.append(f"pullRequests(first: {size}, {_PULLS}) {{ ...PullPage }}")
        parts.append(
            f"closedPulls: pullRequests(first: {CLOSED_PULLS}, {_CLOSED}) {{ nodes {{ ...ClosedPullFields }} }}"
        )
        if ask.tree:
            parts += ['tree: object(expression: "HEAD:") { ...ShallowTree }', *deep]
        parts += texts
        fields.append(f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ {' '.join(parts)} }}")
    if with_teams:
        params.append("$login: String!")
        fields.append(_TEAMS)
    doc = f"query Details({', '.join(params)}) {{\n" + "\n".join(fields) + "\n}"
    return with_fragments(doc), variables


def split(node: JSON) -> DetailNode:
    """A repository's answer as its parts: the node, its head commit, the window's commits."""
    target = conv.obj(conv.obj(node.get("defaultBranchRef")).get("target"))
    head = dict(target)
    if "head" in head:
        head["checkSuites"] = head.pop("head")
    commits = conv.nodes(target.get("runs"))
    return DetailNode(node, head if "checkSuites" in head else {}, commits)
