"""The embedded demo organisation: a forge with no network, for ``gluetui demo`` and tests.

Two sources imitate a GitHub account (orgs ``acme`` and ``orbital``) and a self-hosted GitLab
(group ``platform``). They serve records, never items: the real detectors find the glue work, so
the demo shows what gluetui would find on a real forge. Actions change the in-memory records, and
the next fetch shows the effect (a re-run turns the build green, a review request brings a review,
an agent opens a pull request), which is what delegation's follow-up looks for.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from gluetui.config.routes import DEFAULT_ROUTES, RouteRule
from gluetui.config.schema import AutomationConfig, Config, SourceConfig, automation
from gluetui.errors import ActionError
from gluetui.forges.base import (
    ActionRequest,
    ActionResult,
    ActionSpec,
    Forge,
    Progress,
    describe_params,
)
from gluetui.forges.demo.build import Builder, RepoState, sha
from gluetui.forges.demo.data import GITLAB_REPOS, REPOS, VIEWER, RepoSpec
from gluetui.records import Job, PullRequest, RepoData, Review, Run, SourceData, TestResult

_RUN = ActionSpec(("run_id",), "workflow run")
_PULL = ActionSpec(("number",), "pull request")
_MR = ActionSpec(("number",), "merge request", "!")
_REPO = ActionSpec()

#: What the demo does when it imitates GitHub: (where the target is, what it does, in words).
GITHUB_ACTIONS: Mapping[str, tuple[ActionSpec, str]] = {
    "rerun_failed_jobs": (_RUN, "re-run the failed jobs of run {t}"),
    "rerun_workflow": (_RUN, "re-run every job of run {t}"),
    "dispatch_workflow": (_REPO, "dispatch a workflow"),
    "assign": (_PULL, "assign #{t}"),
    "request_review": (_PULL, "request a review of #{t}"),
    "add_labels": (_PULL, "label #{t}"),
    "comment": (_PULL, "comment on #{t}"),
    "create_issue": (_REPO, "open an issue"),
}
#: ... and GitLab.
GITLAB_ACTIONS: Mapping[str, tuple[ActionSpec, str]] = {
    "retry_pipeline": (ActionSpec(("pipeline_id", "run_id"), "pipeline"), "retry pipeline {t}"),
    "retry_job": (ActionSpec(("job_id",), "job"), "retry job {t}"),
    "trigger_pipeline": (_REPO, "start a pipeline"),
    "assign": (_MR, "assign {t}"),
    "set_reviewers": (_MR, "set the reviewers of {t}"),
    "add_labels": (_MR, "label {t}"),
    "note": (_MR, "leave a note on {t}"),
    "create_issue": (_REPO, "open an issue"),
}

#: The coding agent that answers issues and assignments in the demo.
AGENT = "copilot-swe-agent[bot]"

_Handler = Callable[[RepoState, ActionRequest], ActionResult]

#: Agents a demo comment hands work to by mentioning them (``@claude fix this``).
_MENTION = re.compile(r"(?<![\w@])@(claude|codex|copilot)\b", re.IGNORECASE)


@dataclass
class AgentJob:
    """An agent at work in the demo: each refresh moves it one step, as a real agent would over
    minutes — a draft pull request, then ready for your review with green checks, then merged."""

    state: RepoState
    #: The issue (or pull request) the hand-off was about: the agent's PR says "Fixes #N".
    about: int
    title: str
    agent: str
    step: int = 0
    pull: int = 0


class DemoForge(Forge):
    """One demo source; its state lives in this instance, in memory."""

    kind = "demo"

    def __init__(
        self,
        name: str,
        host: str,
        dialect: str,
        repos: Sequence[RepoSpec],
        now: datetime,
        *,
        viewer: str = VIEWER,
        viewer_teams: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.host = host
        #: Which forge it imitates: ``github.*`` or ``gitlab.*`` automations run on it.
        self.dialect = dialect
        self.viewer = viewer
        self.viewer_teams = viewer_teams
        self._now = now
        self._build = Builder(host, dialect, now)
        self._repos = {s.full_name: self._build.repo(s) for s in repos}
        self._done: dict[str, ActionResult] = {}
        self._jobs: list[AgentJob] = []
        self._ticks = 0
        self._handlers: dict[str, _Handler] = {
            "rerun_failed_jobs": self._rerun,
            "rerun_workflow": self._rerun,
            "retry_pipeline": self._rerun,
            "retry_job": self._retry_job,
            "dispatch_workflow": self._dispatch,
            "trigger_pipeline": self._dispatch,
            "create_issue": self._create_issue,
            "assign": self._assign,
            "request_review": self._review,
            "set_reviewers": self._review,
            "add_labels": self._add_labels,
            "comment": self._comment,
            "note": self._comment,
        }

    async def fetch(self, now: datetime, progress: Progress | None = None) -> SourceData:
        self._now = max(self._now, now)
        for job in self._jobs:
            self._advance(job)
        out: list[RepoData] = []
        total = len(self._repos)
        for done, state in enumerate(self._repos.values(), start=1):
            out.append(
                RepoData(
                    repo=state.repo,
                    pulls=tuple(state.pulls),
                    runs=tuple(state.runs),
                    docs=state.docs,
                    tree=state.tree,
                    closed_pulls=tuple(reversed(state.closed)),
                )
            )
            if progress is not None:
                progress(done, total, state.repo.full_name)
            await asyncio.sleep(0)
        return SourceData(
            source=self.name,
            host=self.host,
            repos=tuple(out),
            viewer=self.viewer,
            viewer_teams=self.viewer_teams,
            stats={"repos": total, "requests": 0},
        )

    def _vocabulary(self) -> Mapping[str, tuple[ActionSpec, str]]:
        return GITHUB_ACTIONS if self.dialect == "github" else GITLAB_ACTIONS

    def action_specs(self) -> Mapping[str, ActionSpec]:
        return {name: spec for name, (spec, _) in self._vocabulary().items()}

    def describe(self, request: ActionRequest) -> str:
        """What the demo will do, in words: it imitates the forge, it sends nothing."""
        known = self._vocabulary().get(request.kind)
        what = known[1] if known else request.kind
        line = f"demo {self.dialect}: {what.format(t=request.target)} in {request.repo}"
        details = describe_params(request.params)
        if details:
            line += f" ({details})"
        return line + " [demo organisation: nothing leaves this machine]"

    async def perform(self, request: ActionRequest) -> ActionResult:
        key = request.idempotency_key
        if key and key in self._done:
            return self._done[key]  # a repeat: the forge already did it
        handler = self._handlers.get(request.kind)
        if handler is None:
            raise ActionError(
                f"The demo organisation cannot '{request.kind}'.",
                f"It can: {', '.join(sorted(self._vocabulary()))}.",
            )
        state = self._repos.get(request.repo)
        if state is None:
            raise ActionError(
                f"The demo source '{self.name}' has no repository '{request.repo}'.",
                "Refresh; the demo organisation is rebuilt on each start.",
            )
        result = handler(state, request)
        if key:
            self._done[key] = result
        return result

    async def find_action(self, request: ActionRequest) -> ActionResult | None:
        key = request.idempotency_key
        return self._done.get(key) if key else None

    # -- helpers -------------------------------------------------------------------------------

    def _tick(self) -> datetime:
        """The time of an action: after everything the organisation already holds, in order."""
        self._ticks += 1
        return self._now + timedelta(seconds=self._ticks)

    def _pull(self, state: RepoState, target: str) -> tuple[int, PullRequest]:
        number = target.lstrip("!#")
        for i, pr in enumerate(state.pulls):
            if str(pr.number) == number:
                return i, pr
        raise ActionError(
            f"{state.repo.full_name} has no open pull/merge request {target!r}.",
            "It may have been merged or closed; refresh.",
        )

    def _latest_attempt(self, state: RepoState, run_id: str) -> Run:
        attempts = [r for r in state.runs if r.id == run_id]
        if not attempts:
            raise ActionError(
                f"{state.repo.full_name} has no run {run_id!r}.", "Refresh and try again."
            )
        return max(attempts, key=lambda r: (r.attempt, r.updated_at))

    def _advance(self, job: AgentJob) -> None:
        """One refresh's worth of the agent's work."""
        state = job.state
        job.step += 1
        if job.step == 1:
            pr = self._open_pull(state, job.title, str(job.about), author=job.agent)
            job.pull = pr.number
            return
        found = [(i, p) for i, p in enumerate(state.pulls) if p.number == job.pull]
        if not found:
            return
        i, pr = found[0]
        at = self._tick()
        if job.step == 2:  # out of draft, checks green, your review asked for
            state.pulls[i] = replace(
                pr,
                draft=False,
                ready_at=at,
                updated_at=at,
                head_status="success",
                review_requests=(self.viewer,),
            )
        elif job.step == 3:  # merged
            del state.pulls[i]
            state.closed.append(replace(pr, state="merged", closed_at=at, updated_at=at))

    def _start_agent(self, state: RepoState, about: int, title: str, agent: str) -> None:
        self._jobs.append(AgentJob(state, about, title, agent))

    def _open_pull(
        self, state: RepoState, title: str, body_ref: str, *, author: str = AGENT
    ) -> PullRequest:
        number = state.next_number
        state.next_number += 1
        at = self._tick()
        pr = PullRequest(
            repo=state.repo.full_name,
            number=number,
            title=title if title.lower().startswith("fix") else f"Fix: {title}",
            url=self._build.urls(state.repo.full_name).pull(number),
            author=author,
            created_at=at,
            updated_at=at,
            draft=True,
            author_is_bot=author.endswith("[bot]"),
            head_status="pending",
            body=f"Fixes #{body_ref}.\n\nWorking on it: {title}",
            additions=42,
            deletions=7,
            changed_files=2,
            head_branch=f"{author.split('-')[0].split('[')[0]}/fix-{body_ref}",
            base_branch=state.repo.default_branch,
            head_sha=sha(random.Random(f"{state.repo.full_name}#{number}")),  # noqa: S311
            labels=("agent",),
        )
        state.pulls.append(pr)
        return pr

    # -- actions -------------------------------------------------------------------------------

    def _rerun(self, state: RepoState, request: ActionRequest) -> ActionResult:
        run = self._latest_attempt(state, request.target)
        at = self._tick()
        urls = self._build.urls(state.repo.full_name)
        if self.dialect == "gitlab":
            jobs = list(run.jobs)
            for job in run.jobs:
                if not job.retried and job.conclusion not in ("success", ""):
                    jobs[jobs.index(job)] = replace(job, retried=True)
                    jobs.append(self._passed(state, job, run.id, at))
            new = replace(
                run,
                conclusion="success",
                status="completed",
                updated_at=at,
                jobs=tuple(jobs),
                tests=_passed_tests(run.tests),
            )
            state.runs[state.runs.index(run)] = new
            return ActionResult(True, f"Retried pipeline {run.id}: it passed.", new.url, run.id)
        attempt = run.attempt + 1
        rerun = tuple(
            self._passed(state, j, run.id, at, attempt)
            if j.conclusion != "success"
            else replace(j, attempt=attempt)
            for j in run.jobs
        )
        new = replace(
            run,
            attempt=attempt,
            status="completed",
            conclusion="success",
            updated_at=at,
            url=f"{urls.run(run.id)}/attempts/{attempt}",
            jobs=rerun,
            tests=_passed_tests(run.tests),
        )
        state.runs.append(new)
        what = "the failed jobs of" if request.kind == "rerun_failed_jobs" else "all jobs of"
        return ActionResult(
            True, f"Re-ran {what} run {run.id} (attempt {attempt}): it passed.", new.url, run.id
        )

    def _passed(
        self, state: RepoState, job: Job, run_id: str, at: datetime, attempt: int | None = None
    ) -> Job:
        """A passing retry of ``job`` (the demo's re-runs always pass: its failures are flaky)."""
        job_id = self._build.job_id()
        return replace(
            job,
            conclusion="success",
            id=job_id,
            url=self._build.urls(state.repo.full_name).job(run_id, job_id),
            retried=False,
            attempt=attempt if attempt is not None else job.attempt + 1,
            started_at=at,
            completed_at=at,
        )

    def _retry_job(self, state: RepoState, request: ActionRequest) -> ActionResult:
        for i, run in enumerate(state.runs):
            for job in run.jobs:
                if job.id != request.target or job.retried:
                    continue
                at = self._tick()
                retry = self._passed(state, job, run.id, at)
                jobs = [replace(j, retried=True) if j is job else j for j in run.jobs] + [retry]
                still_red = any(not j.retried and j.conclusion not in ("success", "") for j in jobs)
                state.runs[i] = replace(
                    run,
                    jobs=tuple(jobs),
                    updated_at=at,
                    conclusion=run.conclusion if still_red else "success",
                )
                return ActionResult(
                    True, f"Retried job {job.name!r} ({job.id}): it passed.", retry.url, retry.id
                )
        raise ActionError(
            f"{state.repo.full_name} has no job {request.target!r} to retry.", "Refresh."
        )

    def _dispatch(self, state: RepoState, request: ActionRequest) -> ActionResult:
        ref = str(request.params.get("ref") or state.repo.default_branch)
        workflow = str(request.params.get("workflow") or "")
        on_ref = sorted((r for r in state.runs if r.branch == ref), key=lambda r: r.created_at)
        template = next(
            (r for r in reversed(on_ref) if not workflow or r.workflow == workflow), None
        )
        at = self._tick()
        run_id = self._build.run_id()
        urls = self._build.urls(state.repo.full_name)
        new = Run(
            repo=state.repo.full_name,
            id=run_id,
            workflow=workflow or (template.workflow if template else "pipeline"),
            branch=ref,
            head_sha=template.head_sha if template else "0" * 40,
            status="queued",
            conclusion="",
            created_at=at,
            updated_at=at,
            url=urls.run(run_id),
            event="workflow_dispatch" if self.dialect == "github" else "api",
            commit_title=template.commit_title if template else "",
            commit_author=template.commit_author if template else "",
        )
        state.runs.append(new)
        what = "Dispatched workflow" if self.dialect == "github" else "Triggered a pipeline"
        return ActionResult(
            True, f"{what} {new.workflow} on {ref} (run {run_id}).", new.url, run_id
        )

    def _create_issue(self, state: RepoState, request: ActionRequest) -> ActionResult:
        title = str(request.params.get("title") or "Glue work")
        assignees = [str(a) for a in request.params.get("assignees") or ()]
        number = state.next_number
        state.next_number += 1
        url = self._build.urls(state.repo.full_name).issue(number)
        state.notes.append(f"issue #{number}: {title}")
        agents = [a for a in assignees if _is_agent(a)]
        if not agents:
            who = f", assigned to {', '.join(assignees)}" if assignees else ""
            return ActionResult(True, f"Created issue #{number}{who}.", url, str(number))
        self._start_agent(state, number, title, AGENT)
        return ActionResult(
            True,
            f"Created issue #{number} and assigned it to {agents[0]}; {AGENT} starts working "
            "(refresh with r to follow it).",
            url,
            str(number),
        )

    def _assign(self, state: RepoState, request: ActionRequest) -> ActionResult:
        i, pr = self._pull(state, request.target)
        assignees = [str(a) for a in request.params.get("assignees") or ()]
        state.notes.append(f"#{pr.number} assigned to {', '.join(assignees)}")
        # The forge remembers who has it, so the next refresh reads it back (assign_on_take).
        people = tuple(a.lstrip("@") for a in assignees if not _is_agent(a))
        state.pulls[i] = replace(pr, assignees=tuple(dict.fromkeys((*pr.assignees, *people))))
        if any(_is_agent(a) for a in assignees):
            self._start_agent(state, pr.number, pr.title, AGENT)
            return ActionResult(
                True,
                f"Assigned #{pr.number} to {AGENT}; it starts working (refresh with r to follow).",
                pr.url,
                str(pr.number),
            )
        return ActionResult(
            True,
            f"Assigned #{pr.number} to {', '.join(assignees) or 'nobody'}.",
            pr.url,
            str(pr.number),
        )

    def _review(self, state: RepoState, request: ActionRequest) -> ActionResult:
        i, pr = self._pull(state, request.target)
        people = [str(r) for r in request.params.get("reviewers") or ()]
        teams = [str(t) for t in request.params.get("team_reviewers") or ()]
        asked = people + teams
        if not asked:
            raise ActionError("No reviewers to request.", "Set reviewers in the automation.")
        at = self._tick()
        state.pulls[i] = replace(
            pr,
            review_requests=tuple(dict.fromkeys((*pr.review_requests, *asked))),
            reviews=(*pr.reviews, Review(asked[0], "COMMENTED", at)),
            updated_at=at,
        )
        return ActionResult(
            True,
            f"Requested a review of #{pr.number} from {', '.join(asked)}; {asked[0]} reviewed it.",
            pr.url,
            str(pr.number),
        )

    def _add_labels(self, state: RepoState, request: ActionRequest) -> ActionResult:
        i, pr = self._pull(state, request.target)
        labels = [str(label) for label in request.params.get("labels") or ()]
        state.pulls[i] = replace(pr, labels=tuple(dict.fromkeys((*pr.labels, *labels))))
        state.notes.append(f"#{pr.number} labelled {', '.join(labels)}")
        return ActionResult(
            True, f"Added label(s) {', '.join(labels)} to #{pr.number}.", pr.url, str(pr.number)
        )

    def _comment(self, state: RepoState, request: ActionRequest) -> ActionResult:
        _, pr = self._pull(state, request.target)
        body = str(request.params.get("body") or "")
        state.notes.append(f"#{pr.number} comment: {body}")
        noun = "note" if request.kind == "note" else "comment"
        mention = _MENTION.search(body)
        if mention:  # "@claude fix this": the agent answers the mention with a pull request
            agent = mention.group(1).lower()
            self._start_agent(state, pr.number, pr.title, AGENT if agent == "copilot" else agent)
        return ActionResult(
            True,
            f"Posted a {noun} on #{pr.number} ({len(body)} characters).",
            pr.url,
            str(pr.number),
        )

    def notes(self, repo: str) -> tuple[str, ...]:
        """What actions recorded on ``repo`` that no record shows (for tests and the curious)."""
        state = self._repos.get(repo)
        return tuple(state.notes) if state is not None else ()


def _is_agent(login: str) -> bool:
    low = login.lower()
    return "copilot" in low or low.endswith("[bot]") or "agent" in low


def _passed_tests(tests: tuple[TestResult, ...]) -> tuple[TestResult, ...]:
    return tuple(
        replace(t, status="passed") if t.status in ("failed", "error") else t for t in tests
    )


def demo_forges(now: datetime) -> list[DemoForge]:
    """The demo organisation's two sources, as it looks at ``now``."""
    return [
        DemoForge(
            "demo-github",
            "github.com",
            "github",
            REPOS,
            now,
            viewer_teams=("acme/platform", "orbital/maintainers"),
        ),
        DemoForge("demo-gitlab", "gitlab.example.com", "gitlab", GITLAB_REPOS, now),
    ]


def demo_config() -> Config:
    """The configuration the demo runs with: its two sources, accountability and automations."""
    return Config(
        sources=[
            SourceConfig(name="demo-github", kind="github", orgs=["acme", "orbital"]),
            SourceConfig(
                name="demo-gitlab",
                kind="gitlab",
                url="https://gitlab.example.com",
                groups=["platform"],
            ),
        ],
        accountable=["acme/api", "acme/payments", "gitlab.example.com/platform/auth-*"],
        automations=_automations(),
        # The routes `gluetui init` writes: every automation they name is configured below.
        routes={
            kind: [RouteRule.model_validate(rule) for rule in rules]
            for kind, rules in DEFAULT_ROUTES.items()
        },
    )


def _automations() -> dict[str, AutomationConfig]:
    return {
        # Re-runs are safe to repeat, so accepting one (A) needs no question.
        "rerun-failed": automation(
            kind="github.rerun_failed_jobs",
            fits=["broken_ci", "flaky_test"],
            description="Re-run the failed jobs of the latest run",
            oversight_hours=0.1,
            confirm=False,
        ),
        "retry-pipeline": automation(
            kind="gitlab.retry_pipeline",
            fits=["broken_ci", "flaky_test"],
            description="Retry the failed jobs of the pipeline",
            oversight_hours=0.1,
            confirm=False,
        ),
        "doc-issue": automation(
            kind="github.create_issue",
            fits=["stale_doc"],
            description="Open an issue for the doc and assign it to the Copilot coding agent",
            title="Update {file} in {repo}",
            body="gluetui found this doc out of date: {url}\n\nRepository: {repo}.",
            assignees=["Copilot"],
            labels=["documentation", "glue-work"],
            oversight_hours=0.25,
        ),
        "doc-issue-gitlab": automation(
            kind="gitlab.create_issue",
            fits=["stale_doc"],
            description="Open an issue to bring the doc up to date",
            title="Update {file} in {repo}",
            body="gluetui found this doc out of date: {url}\n\nProject: {repo}.",
            labels=["documentation", "glue-work"],
            oversight_hours=0.25,
        ),
        "ask-review": automation(
            kind="github.request_review",
            fits=["unreviewed_pr"],
            description="Ask the maintainers team for a first review",
            team_reviewers=["maintainers"],
            oversight_hours=0.0,
        ),
        "copilot-fix": automation(
            kind="github.create_issue",
            fits=["stale_doc", "broken_ci", "flaky_test"],
            description="Open an issue and assign it to the Copilot coding agent",
            title="Fix: {title}",
            body="gluetui found this glue work: {url}\n\nRepository: {repo}, kind: {kind}.",
            assignees=["Copilot"],
            labels=["glue-work"],
            oversight_hours=0.5,
        ),
        "review-bot": automation(
            kind="github.request_review",
            fits=["unreviewed_pr"],
            description="Ask the review bot for a first review",
            reviewers=["review-bot"],
            oversight_hours=0.25,
        ),
        "needs-review": automation(
            kind="github.add_labels",
            fits=["unreviewed_pr"],
            description="Label it needs-review for the weekly review rota",
            labels=["needs-review"],
            oversight_hours=0.0,
        ),
        "nudge-mr": automation(
            kind="gitlab.note",
            fits=["unreviewed_pr"],
            description="Post a friendly nudge asking for a first review",
            body="This MR has waited for a first review ({url}). Could someone take a look?",
            oversight_hours=0.1,
        ),
    }
