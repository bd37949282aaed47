"""``[keymap]`` is checked against the one key plan (:mod:`gluetui.keyplan`), headless.

The one-line messages for each fixture are in ``test_config_errors.py``; here: the CLI's exit code
and line, the plan's own consistency, and that checking never imports Textual.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gluetui.cli import main
from gluetui.keyplan import (
    COMMANDS,
    COMMANDS_BY_ID,
    Scope,
    effective_keys,
    keymap_problems,
    normalize_key,
)
from gluetui.model import Kind

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_default_plan_has_no_clash_and_unique_ids() -> None:
    assert len({c.id for c in COMMANDS}) == len(COMMANDS)
    assert keymap_problems({}) == []
    # Within every scope no key is given twice, reserved commands included.
    keys = effective_keys({})
    for scope in Scope:
        seen: dict[str, str] = {}
        for c in COMMANDS:
            if scope not in c.scopes:
                continue
            for key in keys[c.id]:
                assert key not in seen, f"{key} on {seen.get(key)} and {c.id} in {scope}"
                seen[key] = c.id


def test_panel_keys_come_from_kind() -> None:
    panels = [c for c in COMMANDS if c.id.startswith("panel_")]
    assert [c.label for c in panels] == [k.label for k in Kind]
    assert [c.keys for c in panels] == [str(n) for n in range(1, len(Kind) + 1)]


@pytest.mark.parametrize(
    ("fixture", "line", "needle"),
    [
        ("keymap_unknown_id", 3, "did you mean 'delegate'"),
        ("keymap_clash", 4, "'quit'"),
        ("keymap_bad_key", 3, "crtl"),
        ("keymap_mark_key", 4, "'mark'"),
    ],
)
def test_config_check_refuses_with_exit_3_file_and_line(
    fixture: str, line: int, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = FIXTURES / f"{fixture}.toml"
    assert main(["config", "check", str(path)]) == 3
    err = capsys.readouterr().err
    assert f"{path}:{line}: keymap." in err and needle in err
    assert "Traceback" not in err


def test_moving_a_key_away_first_is_no_clash() -> None:
    # take moves to d only because done moves away from it: the effective keys decide.
    assert keymap_problems({"done": "D", "take": "d"}) == []
    assert [p.id for p in keymap_problems({"take": "d"})] == ["take"]


def test_keys_in_other_scopes_do_not_clash() -> None:
    # n answers "no" in a question and flips the sprint on the capacity screen; q closes help.
    assert keymap_problems({"snooze": "n"}) == []
    assert keymap_problems({"modal_no": "n", "capacity_next": "n"}) == []
    # ...but a movement key is live on the capacity screen too.
    assert [p.id for p in keymap_problems({"down": "n"})] == ["down"]


def test_textual_keys_and_the_palette_are_refused() -> None:
    problems = keymap_problems({"refresh": "ctrl+q", "command_palette": "ctrl+k"})
    assert {p.id for p in problems} == {"refresh", "command_palette"}


def test_key_names_are_spelled_as_textual_spells_them() -> None:
    assert normalize_key("?") == "question_mark"
    assert normalize_key("/") == "slash"
    assert normalize_key("*") == "asterisk"
    assert normalize_key("Ctrl+d") == "ctrl+d"
    assert normalize_key("PageDown") == "pagedown"
    assert keymap_problems({"help": "?"}) == []  # the default, written as a character
    assert COMMANDS_BY_ID["help"].keys == "question_mark"


def test_checking_a_keymap_imports_no_textual() -> None:
    code = (
        "import sys\n"
        "from gluetui.config.loader import load_config, ConfigInvalid\n"
        "from pathlib import Path\n"
        f"try:\n    load_config(Path({str(FIXTURES / 'keymap_clash.toml')!r}))\n"
        "except ConfigInvalid:\n    pass\n"
        "print('textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
