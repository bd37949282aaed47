"""The fields the detail pane shows that GitHub gives: a PR's description, a run's commit page."""

from __future__ import annotations

from gluetui.forges.github.convert import pull_record, run_records

SHA = "9486fb208ef7d496fbd0881ad70cd36d8fa42635"


def test_a_pull_request_keeps_the_start_of_its_description_as_data() -> None:
    node = {
        "number": 3,
        "title": "t",
        "createdAt": "2026-11-20T10:00:00Z",
        "bodyText": "Line one\n\x1b[2J\u202eLine two\n" * 100,
    }
    pull = pull_record("acme/api", node)
    assert pull is not None
    assert pull.body.startswith("Line one\nLine two\n") and len(pull.body) <= 1000
    assert "\x1b" not in pull.body and "\u202e" not in pull.body


def test_a_run_links_to_its_head_commit() -> None:
    run = {
        "id": 9400000009,
        "name": "CI",
        "head_sha": SHA,
        "head_branch": "main",
        "created_at": "2026-11-20T10:00:00Z",
        "html_url": "https://github.com/acme/api/actions/runs/9400000009",
        "repository": {"html_url": "https://github.com/acme/api"},
    }
    (latest,) = run_records("acme/api", run, None, {})
    assert latest.commit_url == f"https://github.com/acme/api/commit/{SHA}"
    # Without the repository object, the run's own page says where the repository is.
    (bare,) = run_records("acme/api", {**run, "repository": None}, None, {})
    assert bare.commit_url == latest.commit_url
