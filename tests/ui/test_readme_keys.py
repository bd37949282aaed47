"""The README's key table is generated from the key plan; this keeps them equal."""

from __future__ import annotations

from pathlib import Path

from gluetui.keyplan import COMMANDS, Scope, key_table_markdown
from gluetui.ui.keys import bindings

README = Path(__file__).resolve().parents[2] / "README.md"
START, END = "<!-- keys:start -->", "<!-- keys:end -->"


def test_readme_key_table_matches_the_key_plan() -> None:
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, f"README.md lost its {START} ... {END} markers"
    block = text.split(START, 1)[1].split(END, 1)[0]
    assert block.strip() == key_table_markdown().strip(), (
        "README key table is out of date; paste gluetui.keyplan.key_table_markdown() between "
        "the markers"
    )


def test_readme_shows_the_screenshot_in_its_keys_section() -> None:
    text = README.read_text(encoding="utf-8")
    keys_section = text.split("## Keys", 1)[1].split("\n## ", 1)[0]
    assert "![gluetui demo](docs/screenshot.svg)" in keys_section
    svg = (README.parent / "docs" / "screenshot.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg")
    # The demo's main screen: the four panels with their counts (regenerate with
    # `.venv/bin/python scripts/screenshot.py`; `--check` tells whether it is current).
    for panel in ("Stale docs", "Broken CI", "Unreviewed PRs/MRs", "Flaky tests"):
        assert panel.replace(" ", "&#160;") in svg or panel in svg, panel


def test_every_command_has_a_unique_id_description_and_a_row() -> None:
    ids = [c.id for c in COMMANDS]
    assert len(ids) == len(set(ids))
    assert all(c.label and c.help for c in COMMANDS)
    table = key_table_markdown()
    assert all(f"`{c.id}`" in table for c in COMMANDS)
    for scope in Scope:
        live = {c.id for c in COMMANDS if scope in c.scopes and c.live}
        assert {b.id for b in bindings(scope)} == live


def test_the_batch_and_route_commands_are_bound_and_documented() -> None:
    """Issue 15 reserved them; they are live commands now, in the dashboard's own table."""
    wanted = {"mark", "mark_delegate", "mark_all", "accept", "hand_off"}
    assert not [c for c in COMMANDS if c.reserved]
    bound = {b.id for b in bindings(Scope.MAIN)}
    assert wanted <= bound
    table = key_table_markdown()
    assert "Reserved for features on their way" not in table
    main_table = table.split("On the other screens", 1)[0]
    assert all(f"`{c}`" in main_table for c in wanted)
    assert "| `A` | `accept` |" in main_table and "| `space` | `mark` |" in main_table
    assert "| `*` | `mark_delegate` |" in main_table and "| `b` | `hand_off` |" in main_table


def test_readme_filter_table_matches_the_filter_language() -> None:
    """``mine`` and the other filter words are documented where the keys are (issue 16)."""
    from gluetui.ui.filtering import filter_table_markdown

    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- filter:start -->", 1)[1].split("<!-- filter:end -->", 1)[0]
    assert block.strip() == filter_table_markdown().strip()
    assert "review is requested from you" in block
