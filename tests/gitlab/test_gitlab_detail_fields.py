"""The fields the detail pane shows that GitLab gives: an MR's description, a pipeline's commit page."""

from __future__ import annotations

from gluetui.forges.gitlab import convert as conv
from gluetui.forges.gitlab import gql_convert

T0 = "2026-11-20T10:00:00Z"
SHA = "9486fb208ef7d496fbd0881ad70cd36d8fa42635"


def test_a_merge_request_keeps_the_start_of_its_description_as_data() -> None:
    mr = {
        "iid": 5,
        "title": "t",
        "created_at": T0,
        "description": "Why:\n\x1b]52;c;eA==\x07fix " * 200,
    }
    pull = conv.to_pull("g/p", mr)
    assert pull is not None
    assert pull.body.startswith("Why:\nfix Why:") and "\x1b" not in pull.body
    assert len(pull.body) <= 1000


def test_graphql_merge_requests_carry_the_description_too() -> None:
    node = {"iid": "6", "title": "t", "createdAt": T0, "description": "Body text"}
    pull = gql_convert.to_pull("g/p", node)
    assert pull is not None and pull.body == "Body text"


def test_a_pipeline_links_to_its_commit() -> None:
    pipeline = {
        "id": 48208,
        "sha": SHA,
        "status": "failed",
        "created_at": T0,
        "web_url": "https://gitlab.example.com/platform/auth/-/pipelines/48208",
    }
    run = conv.to_run("platform/auth", pipeline)
    assert run is not None
    assert run.commit_url == f"https://gitlab.example.com/platform/auth/-/commit/{SHA}"
    odd = conv.to_run("p", {**pipeline, "web_url": "javascript:alert(1)/-/pipelines/1"})
    assert odd is not None and odd.commit_url == ""
