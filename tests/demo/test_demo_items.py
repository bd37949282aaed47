"""The demo organisation, seen through the real detectors."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from demo_helpers import NOW, items_of

from gluetui.config.checks import config_problems
from gluetui.forges.demo.forge import DemoForge, demo_config, demo_forges
from gluetui.model import Item, Kind


async def _all_items(now=NOW) -> list[Item]:  # type: ignore[no-untyped-def]
    out: list[Item] = []
    for forge in demo_forges(now):
        out.extend(await items_of(forge, now))
    return out


async def test_the_demo_yields_plenty_of_every_kind() -> None:
    items = await _all_items()
    kinds = Counter(i.kind for i in items)
    assert len(items) >= 50
    assert set(kinds) == set(Kind) and min(kinds.values()) >= 5
    assert any(i.accountable for i in items) and not all(i.accountable for i in items)
    assert any(i.mine for i in items)
    assert {i.source for i in items} == {"demo-github", "demo-gitlab"}
    assert len({i.id for i in items}) == len(items)
    for item in items:
        assert item.evidence and item.fingerprint and item.effort_hours > 0 and item.impact > 0
        assert item.since <= NOW
    # Every kind has an automation that fits it in the demo config.
    assert all(any(i.automations for i in items if i.kind is k) for k in Kind)


async def test_each_source_has_every_kind() -> None:
    for forge in demo_forges(NOW):
        kinds = {i.kind for i in await items_of(forge)}
        assert kinds == set(Kind), forge.name


async def test_the_demo_is_deterministic_for_a_fixed_now() -> None:
    first = [i.to_json() for i in await _all_items()]
    second = [i.to_json() for i in await _all_items()]
    assert first == second
    # Ages are relative to now: a week later the same items exist, just older.
    later = NOW + timedelta(days=7)
    shifted = await _all_items(later)
    assert {i.id for i in shifted} == {i["id"] for i in first}


async def test_the_demo_carries_awkward_text_for_the_ui_to_defend_against() -> None:
    items = await _all_items()
    titles = [i.title for i in items]
    assert any(len(t) > 300 for t in titles)
    assert any("[bold]not bold[/bold]" in t for t in titles)
    assert any("[link=https://evil.example]x[/link]" in t for t in titles)
    assert any("🚀" in t for t in titles)
    assert any("\u0627" <= c <= "\u064a" for t in titles for c in t)  # Arabic letters
    assert any("\x1b[31m" in i.where.get("branch", "") for i in items)


async def test_fetch_reports_progress_per_repository() -> None:
    forge = demo_forges(NOW)[0]
    seen: list[tuple[int, int, str]] = []
    data = await forge.fetch(NOW, lambda done, total, repo: seen.append((done, total, repo)))
    assert [s[0] for s in seen] == list(range(1, len(data.repos) + 1))
    assert {s[1] for s in seen} == {len(data.repos)}
    assert [s[2] for s in seen] == [r.repo.full_name for r in data.repos]
    assert data.viewer == "dana" and data.errors == ()


def test_demo_config_matches_the_forges() -> None:
    cfg = demo_config()
    forges = demo_forges(NOW)
    assert [s.name for s in cfg.sources] == [f.name for f in forges]
    assert [s.host for s in cfg.sources] == [f.host for f in forges]
    assert all(isinstance(f, DemoForge) and f.kind == "demo" for f in forges)
    assert 4 <= len(cfg.automations) <= 10
    # The routes `gluetui init` writes: every automation they name is one of the demo's.
    named = {n for rules in cfg.routes.values() for r in rules for n in r.candidates}
    assert named <= set(cfg.automations)
    assert config_problems(cfg) == []
    flavours = {a.kind.split(".")[0] for a in cfg.automations.values()}
    assert flavours == {"github", "gitlab"}
    for forge in forges:
        mine = [a for a in cfg.automations.values() if a.kind.startswith(forge.dialect + ".")]
        assert all(a.kind.split(".")[1] in forge.action_specs() for a in mine)


async def test_demo_prs_have_descriptions_and_broken_ci_links_to_the_commit() -> None:
    items = await _all_items()
    prs = [i for i in items if i.kind is Kind.UNREVIEWED_PR]
    assert prs and all(i.pull is not None and i.pull.description for i in prs)
    for item in (i for i in items if i.kind is Kind.BROKEN_CI):
        broken_by = next(e for e in item.evidence if e.label == "broken by")
        assert broken_by.url and "/commit/" in broken_by.url
        assert broken_by.url.endswith(item.where["first_bad_commit"])
