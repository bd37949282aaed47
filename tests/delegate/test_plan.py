"""Plans say exactly what will happen, and refuse what cannot work before anything is sent."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from delegate_helpers import NOW, make_config, make_item, make_runtime

from gluetui.config.schema import automation
from gluetui.delegate.engine import plan_for
from gluetui.delegate.plan import idempotency_key
from gluetui.delegate.templates import TemplateError
from gluetui.errors import ActionError
from gluetui.model import Kind


def test_rerun_plan_names_the_exact_call(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    p = plan_for(rt, make_item(), "rerun")
    assert p.summary == (
        "POST https://api.github.com/repos/acme/api/actions/runs/123/rerun-failed-jobs",
    )
    assert p.request is not None
    assert (p.request.kind, p.request.repo, p.request.target) == (
        "rerun_failed_jobs",
        "acme/api",
        "123",
    )
    assert p.request.idempotency_key == p.key
    assert not p.dry_run
    assert p.forge == "gh"


def test_key_is_stable_and_depends_on_item_automation_and_fingerprint(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    item = make_item()
    assert plan_for(rt, item, "rerun").key == plan_for(rt, item, "rerun").key
    assert plan_for(rt, item, "rerun").key == idempotency_key(item, "rerun")
    assert idempotency_key(item, "issue") != idempotency_key(item, "rerun")
    assert idempotency_key(make_item(fingerprint="fp2"), "rerun") != idempotency_key(item, "rerun")


def test_review_plan_targets_the_pr_number(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    p = plan_for(rt, make_item(Kind.UNREVIEWED_PR, key="7"), "review")
    assert p.request is not None and p.request.target == "7"
    assert p.summary[0].startswith(
        "POST https://api.github.com/repos/acme/api/pulls/7/requested_reviewers"
    )
    assert "reviewers: alice" in p.summary[0]


def test_templated_params_are_rendered(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    item = make_item(Kind.STALE_DOC, title="README {url} drifted")
    p = plan_for(rt, item, "issue")
    assert p.request is not None
    assert p.request.target == ""
    assert p.request.params["title"] == "Glue: README {url} drifted"
    assert p.request.params["body"] == "See https://github.com/acme/api (stale_doc) {literal}"
    assert p.request.params["labels"] == ["glue", "kind:stale_doc"]


def test_gitlab_pipeline_retry_uses_the_pipeline_id(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    item = make_item(
        source="gl", host="gitlab.example.com", repo="g/p", where={"pipeline_id": "99"}
    )
    p = plan_for(rt, item, "retry")
    assert p.summary == (
        "POST https://gitlab.example.com/api/v4/projects/g%2Fp/pipelines/99/retry",
    )


def test_gitlab_mr_targets_are_bang_numbers(tmp_path: Path) -> None:
    autos = {"note": automation(kind="gitlab.note", fits=["unreviewed_pr"], body="ping {title}")}
    rt = make_runtime(tmp_path, config=make_config(autos))
    item = make_item(
        Kind.UNREVIEWED_PR,
        key="5",
        source="gl",
        host="gitlab.example.com",
        repo="g/p",
        where={"number": "5"},
    )
    p = plan_for(rt, item, "note")
    assert p.request is not None and p.request.target == "!5"
    assert "merge_requests/5/notes" in p.summary[0]


def test_refuses_an_automation_that_does_not_fit(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    with pytest.raises(ActionError) as info:
        plan_for(rt, make_item(Kind.STALE_DOC), "rerun")
    assert "does not fit" in info.value.title
    assert "fits" in info.value.hint


def test_refuses_github_action_on_gitlab_item(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    item = make_item(source="gl", host="gitlab.example.com", repo="g/p")
    with pytest.raises(ActionError) as info:
        plan_for(rt, item, "rerun")
    assert "github action" in info.value.title
    assert "gitlab" in info.value.hint


def test_refuses_when_the_run_id_is_missing(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    with pytest.raises(ActionError) as info:
        plan_for(rt, make_item(where={"branch": "main"}), "rerun")
    assert "workflow run id" in info.value.title
    assert "branch" in info.value.hint


def test_refuses_pr_actions_on_items_without_a_number(tmp_path: Path) -> None:
    autos = {"label": automation(kind="github.add_labels", fits=["stale_doc"], labels=["x"])}
    rt = make_runtime(tmp_path, config=make_config(autos))
    with pytest.raises(ActionError) as info:
        plan_for(rt, make_item(Kind.STALE_DOC), "label")
    assert "create_issue" in info.value.hint


def test_unknown_automation_lists_configured_ones(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    with pytest.raises(ActionError) as info:
        plan_for(rt, make_item(), "nope")
    assert "rerun" in info.value.hint


def test_unknown_placeholder_is_refused_at_plan_time(tmp_path: Path) -> None:
    autos = {"c": automation(kind="github.create_issue", fits=["broken_ci"], title="{titel}")}
    rt = make_runtime(tmp_path, config=make_config(autos))
    with pytest.raises(TemplateError) as info:
        plan_for(rt, make_item(), "c")
    assert "'c'" in info.value.title and "{titel}" in info.value.title


def test_dry_run_global_or_per_automation(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path, config=make_config(dry_run=True))
    assert plan_for(rt, make_item(), "rerun").dry_run
    autos = {"r": automation(kind="github.rerun_workflow", fits=["broken_ci"], dry_run=True)}
    rt2 = make_runtime(tmp_path / "b", config=make_config(autos))
    assert plan_for(rt2, make_item(), "r").dry_run


def test_command_plan_shows_argv_and_refuses_templated_program(tmp_path: Path) -> None:
    autos = {
        "notify": automation(
            kind="command", fits=["stale_doc"], argv=[sys.executable, "{repo}", "{title}"]
        ),
        "bad": automation(kind="command", fits=["stale_doc"], argv=["{title}"]),
        "missing": automation(kind="command", fits=["stale_doc"], argv=["/nonexistent/x"]),
    }
    rt = make_runtime(tmp_path, config=make_config(autos))
    item = make_item(Kind.STALE_DOC, title="Fix the README")
    p = plan_for(rt, item, "notify")
    assert p.summary[0] == f"run: {[sys.executable, 'acme/api', 'Fix the README']!r}"
    assert p.argv == (sys.executable, "acme/api", "Fix the README")
    with pytest.raises(ActionError, match="argv\\[0\\]"):
        plan_for(rt, item, "bad")
    with pytest.raises(ActionError, match="not found"):
        plan_for(rt, item, "missing")


def test_webhook_plan_names_header_sources_and_needs_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    autos = {
        "hook": automation(
            kind="webhook",
            fits=["broken_ci"],
            url="https://hooks.example/x",
            headers_env={"Authorization": "HOOK_TOKEN"},
        ),
        "ftp": automation(kind="webhook", fits=["broken_ci"], url="ftp://hooks.example/x"),
    }
    rt = make_runtime(tmp_path, config=make_config(autos))
    with pytest.raises(ActionError, match="HOOK_TOKEN"):
        plan_for(rt, make_item(), "hook")
    monkeypatch.setenv("HOOK_TOKEN", "Bearer s3cret")
    p = plan_for(rt, make_item(), "hook")
    assert p.summary[0] == (
        "POST https://hooks.example/x (item JSON, headers: Authorization from $HOOK_TOKEN)"
    )
    assert "s3cret" not in repr(p.journal_request())
    with pytest.raises(ActionError, match="http"):
        plan_for(rt, make_item(), "ftp")


def test_plan_does_not_touch_the_store(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    plan_for(rt, make_item(), "rerun")
    assert rt.store.journal() == [] and rt.store.events() == []
    assert NOW  # the fixed clock is what the runtime reads


def test_summary_lines_are_clean_single_lines(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    item = make_item(Kind.STALE_DOC, title="evil\x1b]52;c;aGk=\x07 title\nsecond line")
    p = plan_for(rt, item, "issue")
    assert all("\x1b" not in line and "\n" not in line for line in p.summary)
    # What the forge receives went through the one exit function: the characters, not the escapes.
    assert p.request is not None and p.request.params["title"] == "Glue: evil title second line"
