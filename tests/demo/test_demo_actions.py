"""Every demo action has a visible effect on the next fetch, and repeats are recognised."""

from __future__ import annotations

import pytest
from demo_helpers import NOW, items_of

from gluetui.errors import ActionError
from gluetui.forges.base import ActionRequest
from gluetui.forges.demo.forge import AGENT, DemoForge, demo_forges
from gluetui.model import Item, Kind
from gluetui.records import RepoData


@pytest.fixture
def github() -> DemoForge:
    return demo_forges(NOW)[0]


@pytest.fixture
def gitlab() -> DemoForge:
    return demo_forges(NOW)[1]


async def _item(forge: DemoForge, kind: Kind, repo: str) -> Item:
    return next(i for i in await items_of(forge) if i.kind is kind and i.repo == repo)


async def _repo(forge: DemoForge, name: str) -> RepoData:
    data = await forge.fetch(NOW)
    return next(r for r in data.repos if r.repo.full_name == name)


async def _ids(forge: DemoForge) -> set[str]:
    return {i.id for i in await items_of(forge)}


@pytest.mark.parametrize("kind", ["rerun_failed_jobs", "rerun_workflow"])
async def test_github_rerun_turns_the_build_green(github: DemoForge, kind: str) -> None:
    broken = await _item(github, Kind.BROKEN_CI, "acme/api")
    result = await github.perform(ActionRequest(kind, "acme/api", broken.where["run_id"]))
    assert result.ok and "passed" in result.message and "/attempts/2" in result.url
    after = await items_of(github)
    assert broken.id not in {i.id for i in after}
    runs = [r for r in (await _repo(github, "acme/api")).runs if r.id == broken.where["run_id"]]
    assert [(r.attempt, r.conclusion) for r in runs] == [(1, "failure"), (2, "success")]
    # Failed then passed on the same commit: the failing jobs now show up as flaky.
    flaky = {
        i.where.get("job") for i in after if i.kind is Kind.FLAKY_TEST and i.repo == "acme/api"
    }
    assert {"test (3.11)", "test (3.12)"} <= flaky


async def test_gitlab_retry_pipeline_turns_it_green(gitlab: DemoForge) -> None:
    broken = await _item(gitlab, Kind.BROKEN_CI, "platform/auth-service")
    result = await gitlab.perform(
        ActionRequest("retry_pipeline", "platform/auth-service", broken.where["run_id"])
    )
    assert result.ok and result.url.endswith(f"/-/pipelines/{broken.where['run_id']}")
    assert broken.id not in await _ids(gitlab)


async def test_gitlab_retry_job_fixes_one_job_at_a_time(gitlab: DemoForge) -> None:
    repo = "platform/auth-service"
    broken = await _item(gitlab, Kind.BROKEN_CI, repo)
    assert broken.metrics["failing_jobs"] == 2
    await gitlab.perform(ActionRequest("retry_job", repo, broken.where["job_id"]))
    still = await _item(gitlab, Kind.BROKEN_CI, repo)
    assert still.metrics["failing_jobs"] == 1 and still.fingerprint != broken.fingerprint
    result = await gitlab.perform(ActionRequest("retry_job", repo, still.where["job_id"]))
    assert result.ok and "/-/jobs/" in result.url
    assert broken.id not in await _ids(gitlab)


@pytest.mark.parametrize(
    ("forge_index", "kind", "params"),
    [(0, "dispatch_workflow", {"workflow": "CI"}), (1, "trigger_pipeline", {})],
)
async def test_dispatch_and_trigger_add_a_run(forge_index: int, kind: str, params: dict) -> None:  # type: ignore[type-arg]
    forge = demo_forges(NOW)[forge_index]
    repo = (await forge.fetch(NOW)).repos[0]
    before = len(repo.runs)
    result = await forge.perform(ActionRequest(kind, repo.repo.full_name, "", params))
    after = await _repo(forge, repo.repo.full_name)
    assert result.ok and len(after.runs) == before + 1
    new = after.runs[-1]
    assert new.id == result.ref and new.status == "queued" and new.branch == "main"


async def test_create_issue_for_the_agent_opens_a_fix_pr(github: DemoForge) -> None:
    """The agent works one refresh at a time: a draft, then ready for review, then merged."""
    doc = await _item(github, Kind.STALE_DOC, "acme/api")
    params = {"title": f"Fix: {doc.title}", "assignees": ["Copilot"], "body": "please"}
    result = await github.perform(ActionRequest("create_issue", "acme/api", "", params))
    assert "/issues/" in result.url and result.ref.isdigit()
    pulls = (await _repo(github, "acme/api")).pulls  # the next refresh: a draft
    fix = next(p for p in pulls if p.author == AGENT)
    assert fix.title == f"Fix: {doc.title}" and fix.draft and fix.head_status == "pending"
    assert fix.author_is_bot and f"Fixes #{result.ref}" in fix.body
    # Ready for review on the next refresh; not itself glue work (a bot authored it).
    items = await items_of(github)
    assert all(i.author != AGENT for i in items)
    merged = next(
        p for p in (await _repo(github, "acme/api")).closed_pulls if p.number == fix.number
    )
    assert not merged.draft and merged.head_status == "success" and merged.review_requests
    assert merged.state == "merged" and merged.closed_at is not None


async def test_create_issue_without_an_agent_only_files_the_issue(gitlab: DemoForge) -> None:
    repo = "platform/ci-templates"
    params = {"title": "Docs are stale", "assignees": ["jonas"]}
    result = await gitlab.perform(ActionRequest("create_issue", repo, "", params))
    assert "/-/issues/" in result.url and "assigned to jonas" in result.message
    assert all(p.author != AGENT for p in (await _repo(gitlab, repo)).pulls)
    assert gitlab.notes(repo) == (f"issue #{result.ref}: Docs are stale",)


async def test_assign_to_the_agent_or_to_a_person(github: DemoForge) -> None:
    pr = await _item(github, Kind.UNREVIEWED_PR, "acme/web")
    number = pr.where["number"]
    human = await github.perform(
        ActionRequest("assign", "acme/web", number, {"assignees": ["gus"]})
    )
    assert human.url == pr.url and "gus" in human.message
    agent = await github.perform(
        ActionRequest("assign", "acme/web", number, {"assignees": ["Copilot"]})
    )
    assert agent.url == pr.url and AGENT in agent.message
    fix = next(p for p in (await _repo(github, "acme/web")).pulls if p.author == AGENT)
    assert fix.title.startswith("Fix: ") and f"Fixes #{number}" in fix.body
    # The person is the PR's assignee on the forge (read back: "taken by @gus" elsewhere).
    assert (
        "gus"
        in next(
            p for p in (await _repo(github, "acme/web")).pulls if str(p.number) == number
        ).assignees
    )


@pytest.mark.parametrize(
    ("forge_index", "kind", "repo", "target_prefix"),
    [
        (0, "request_review", "acme/payments", ""),
        (1, "set_reviewers", "platform/auth-service", "!"),
    ],
)
async def test_review_requests_bring_a_review(
    forge_index: int, kind: str, repo: str, target_prefix: str
) -> None:
    forge = demo_forges(NOW)[forge_index]
    pr = await _item(forge, Kind.UNREVIEWED_PR, repo)
    target = target_prefix + pr.where["number"]
    result = await forge.perform(ActionRequest(kind, repo, target, {"reviewers": ["review-bot"]}))
    assert result.ok and "review-bot" in result.message
    assert pr.id not in await _ids(forge)
    reviewed = next(
        p for p in (await _repo(forge, repo)).pulls if str(p.number) == pr.where["number"]
    )
    assert reviewed.reviews[-1].author == "review-bot" and "review-bot" in reviewed.review_requests


async def test_labels_and_comments_are_recorded(github: DemoForge, gitlab: DemoForge) -> None:
    pr = await _item(github, Kind.UNREVIEWED_PR, "acme/api")
    number = pr.where["number"]
    labelled = await github.perform(
        ActionRequest("add_labels", "acme/api", number, {"labels": ["needs-review"]})
    )
    assert "needs-review" in labelled.message
    pulls = (await _repo(github, "acme/api")).pulls
    assert "needs-review" in next(p for p in pulls if str(p.number) == number).labels
    commented = await github.perform(ActionRequest("comment", "acme/api", number, {"body": "ping"}))
    assert "comment" in commented.message and f"#{number} comment: ping" in github.notes("acme/api")
    assert pr.id in await _ids(github)  # a comment is not a review
    mr = await _item(gitlab, Kind.UNREVIEWED_PR, "platform/ci-templates")
    noted = await gitlab.perform(
        ActionRequest("note", mr.repo, "!" + mr.where["number"], {"body": "nudge"})
    )
    assert "note" in noted.message and mr.id in await _ids(gitlab)


async def test_a_known_idempotency_key_is_never_performed_twice(github: DemoForge) -> None:
    broken = await _item(github, Kind.BROKEN_CI, "acme/payments")
    request = ActionRequest(
        "rerun_failed_jobs", "acme/payments", broken.where["run_id"], idempotency_key="k-1"
    )
    assert await github.find_action(request) is None
    first = await github.perform(request)
    assert await github.find_action(request) == first
    assert await github.perform(request) == first
    runs = [
        r for r in (await _repo(github, "acme/payments")).runs if r.id == broken.where["run_id"]
    ]
    assert len(runs) == 2  # one re-run, not two
    assert await github.find_action(ActionRequest("comment", "acme/api", "1")) is None


async def test_bad_requests_raise_action_errors(github: DemoForge) -> None:
    with pytest.raises(ActionError):
        await github.perform(ActionRequest("explode", "acme/api", "1"))
    with pytest.raises(ActionError):
        await github.perform(ActionRequest("comment", "nobody/nothing", "1", {"body": "x"}))
    with pytest.raises(ActionError):
        await github.perform(ActionRequest("comment", "acme/api", "999999", {"body": "x"}))
    with pytest.raises(ActionError):
        await github.perform(ActionRequest("rerun_workflow", "acme/api", "123"))
    with pytest.raises(ActionError):
        await github.perform(ActionRequest("request_review", "acme/api", "1", {}))


async def test_actions_advertise_the_imitated_forge(github: DemoForge, gitlab: DemoForge) -> None:
    assert "rerun_failed_jobs" in github.action_specs()
    assert "retry_pipeline" not in github.action_specs()
    assert "retry_pipeline" in gitlab.action_specs() and "note" in gitlab.action_specs()
    assert (github.dialect, gitlab.dialect) == ("github", "gitlab")
    assert gitlab.action_specs()["note"].target_prefix == "!"


async def test_instances_do_not_share_state() -> None:
    a, b = demo_forges(NOW)[0], demo_forges(NOW)[0]
    broken = await _item(a, Kind.BROKEN_CI, "acme/api")
    await a.perform(ActionRequest("rerun_workflow", "acme/api", broken.where["run_id"]))
    assert broken.id not in await _ids(a) and broken.id in await _ids(b)
