"""The comparison point: the straightforward PyGithub script a user would write instead of gluetui.

It gathers the same information gluetui's GitHub refresh does, the obvious way: for every repository
of the organisation, the open pull requests and each one's reviews; the default branch's recent
workflow runs and the jobs of each failed or re-run one (every attempt); the tree, and for each doc
(README*, CONTRIBUTING*, docs/**.md) its text, its last commit, and the commits since then to each
code path it mentions in backticks.

It is not sabotaged: ``per_page=100`` (PyGithub's default is 30), PyGithub's pacing is off
(``seconds_between_requests=None``, ``seconds_between_writes=None``), nothing is fetched twice, and
PyGithub's lazy objects are only read for fields the listing already carries. It is sequential,
because that is what a PyGithub script is unless its author adds threads.

Requests are counted on the client (a handler on PyGithub's request logger, which sees every raw
request, pagination included), independently of the server's counters.
"""

from __future__ import annotations

import argparse
import logging
import re
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from github import Auth, Github

from bench.fakeforge.model import ANCHOR, ORG

#: Paths in backticks that look like repository files (``src/pkg/core.py``).
CODE_REF = re.compile(r"`([\w.-]+(?:/[\w.-]+)+)`")
#: Commits of each mentioned code path listed per doc (the first page).
RUN_WINDOW_DAYS = 14


@dataclass
class BaselineResult:
    """What the script found and what it cost."""

    repos: int = 0
    pulls: int = 0
    reviews: int = 0
    runs: int = 0
    runs_with_jobs: int = 0
    jobs: int = 0
    docs: int = 0
    doc_commits: int = 0
    code_commits: int = 0
    #: HTTP requests PyGithub sent (counted on the client).
    requests: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0


class _RequestCounter(logging.Handler):
    """Counts PyGithub's per-request debug records without formatting them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def is_doc(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return (
        name.startswith(("README", "CONTRIBUTING"))
        or (path.startswith("docs/") and name.endswith(".md"))
        or ("/" not in path and name.endswith(".md"))
    )


def run_baseline(
    base_url: str,
    org_name: str = ORG,
    *,
    token: str = "bench-token",
    now: datetime = ANCHOR,
) -> BaselineResult:
    """Run the script against ``base_url`` and return its counts, wall time and CPU time."""
    logger = logging.getLogger("github.Requester")
    counter = _RequestCounter()
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    result = BaselineResult()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    try:
        gh = Github(
            base_url=base_url,
            auth=Auth.Token(token),
            per_page=100,
            seconds_between_requests=None,
            seconds_between_writes=None,
        )
        _scan(gh, org_name, now, result)
        gh.close()
    finally:
        result.wall_s = time.perf_counter() - wall0
        result.cpu_s = time.process_time() - cpu0
        result.requests = counter.count
        logger.removeHandler(counter)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
    return result


def _scan(gh: Github, org_name: str, now: datetime, result: BaselineResult) -> None:
    since = (now - timedelta(days=RUN_WINDOW_DAYS)).date().isoformat()
    for repo in gh.get_organization(org_name).get_repos():
        if repo.archived or repo.fork:
            continue
        result.repos += 1
        branch = repo.default_branch
        # Pull requests waiting for review.
        for pull in repo.get_pulls(state="open"):
            result.pulls += 1
            result.reviews += sum(1 for _ in pull.get_reviews())
        # Broken CI and flaky runs on the default branch.
        # PyGithub documents a branch name as accepted here; its type hint names only Branch.
        runs = repo.get_workflow_runs(branch=branch, created=f">={since}")  # type: ignore[arg-type]
        for run in runs:
            result.runs += 1
            if run.conclusion in ("failure", "timed_out") or run.run_attempt > 1:
                result.runs_with_jobs += 1
                result.jobs += sum(1 for _ in run.jobs("all" if run.run_attempt > 1 else "latest"))
        # Stale docs: each doc's text and last commit, then code commits since then.
        tree = repo.get_git_tree(branch, recursive=True)
        files = {e.path for e in tree.tree if e.type == "blob"}
        for path in sorted(p for p in files if is_doc(p)):
            result.docs += 1
            text = repo.get_contents(path, ref=branch)
            body = text.decoded_content.decode() if not isinstance(text, list) else ""
            last = repo.get_commits(sha=branch, path=path).get_page(0)
            if not last:
                continue
            result.doc_commits += 1
            changed = last[0].commit.author.date
            for ref in dict.fromkeys(CODE_REF.findall(body)):
                if ref in files:
                    later = repo.get_commits(
                        sha=branch, path=ref, since=changed + timedelta(seconds=1)
                    )
                    result.code_commits += len(later.get_page(0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the PyGithub baseline against a fake forge.")
    parser.add_argument("base_url", help="e.g. the URL `python -m bench.fakeforge` printed")
    parser.add_argument("--org", default=ORG)
    args = parser.parse_args(argv)
    for key, value in asdict(run_baseline(args.base_url, args.org)).items():
        print(f"{key:>16}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
