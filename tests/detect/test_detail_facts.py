"""What the detail pane needs from the detectors: a PR's facts, and a link to the breaking commit."""

from __future__ import annotations

from detect_helpers import ctx, data, pr, run

from gluetui.detect import broken_ci, unreviewed
from gluetui.detect.unreviewed import first_lines
from gluetui.model import Item, PullFacts


def test_an_unreviewed_pr_carries_what_a_reviewer_decides_on() -> None:
    body = "## What\n\n\nRetry with backoff.\n" + "\n".join(f"line {n}" for n in range(20))
    (item,) = unreviewed.detect(
        data(
            pulls=(
                pr(
                    7,
                    review_requests=("bob", "acme/core"),
                    labels=("payments",),
                    head_status="failure",
                    body=body,
                ),
            )
        ),
        ctx(),
    )
    assert item.pull == PullFacts(
        number=7,
        additions=100,
        deletions=20,
        changed_files=3,
        reviewers=("bob", "acme/core"),
        checks="failure",
        labels=("payments",),
        description=first_lines(body),
    )
    assert item.pull.description.startswith("## What\n\nRetry with backoff.")  # blank runs squeezed
    assert len([x for x in item.pull.description.splitlines() if x]) == unreviewed.DESCRIPTION_LINES
    # It goes through JSON (the store, items --json) and back unchanged.
    assert Item.from_json(item.to_json()).pull == item.pull
    assert item.to_json()["pull"]["reviewers"] == ["bob", "acme/core"]


def test_items_without_pull_facts_read_as_before() -> None:
    (item,) = unreviewed.detect(data(pulls=(pr(8),)), ctx())
    old = item.to_json()
    del old["pull"]  # a snapshot written before the field existed
    assert Item.from_json(old).pull is None


def test_broken_by_links_to_the_commit_not_the_run() -> None:
    url = "https://github.com/acme/api/commit/" + "0" * 39 + "2"
    runs = (
        run("1", "success", 30),
        run("2", "failure", 20, commit_url=url),
    )
    (item,) = broken_ci.detect(data(runs=runs), ctx())
    broken_by = next(e for e in item.evidence if e.label == "broken by")
    assert broken_by.url == url
    failing = next(e for e in item.evidence if e.label == "failing since")
    assert failing.url == "https://github.com/acme/api/actions/runs/2"
