"""The config loader under hostile values and unreadable files (extends tests/config/test_config_fuzz.py).

test_config_fuzz.py fuzzes TOML structure with plain scalars. Here the values are the hostile
corpus (escape sequences, bidi, 100,000 characters...) at real key paths, and the file itself is
unreadable in the ways a disk can make it. The loader answers with a Config or a ConfigError whose
message carries no control character (it is printed to the terminal) and never echoes a token.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st
from rel_hostile import CORPUS, has_control

from gluetui import cli
from gluetui.config.loader import load_config, load_config_text
from gluetui.errors import ConfigError

TOKEN = "ghp_PLANTEDconfigTOKEN0123456789abcdefXYZ"  # a recognisable fake
GL_TOKEN = "glpat-PLANTEDconfigTOKEN01234"

# TOML cannot hold a lone surrogate or a NUL; everything else in the corpus can.
WRITABLE = [t for _, t in CORPUS if "\ud800" not in t and "\x00" not in t]
PATHS = [
    ("refresh_minutes",),
    ("user",),
    ("theme",),
    ("accountable",),
    ("sources", 0, "name"),
    ("sources", 0, "url"),
    ("sources", 0, "repos"),
    ("sources", 0, "token_env"),
    ("sources", 0, "token_command"),
    ("sources", 0, "ca_bundle"),
    ("automations", "a", "body"),
    ("automations", "a", "argv"),
    ("automations", "a", "url"),
    ("automations", "a", "headers_env"),
    ("capacity", "sprint_start"),
    ("detectors", "stale_doc", "doc_globs"),
    ("keymap", "quit"),
]


def _document(path: tuple[str | int, ...], value: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "sources": [{"name": "gh", "kind": "github", "repos": ["acme/app"]}],
        "automations": {"a": {"kind": "command", "fits": ["broken_ci"], "argv": ["true"]}},
    }
    node: object = doc
    for key in path[:-1]:
        if isinstance(node, list):
            node = node[int(key)]
        else:
            assert isinstance(node, dict)
            node = node.setdefault(str(key), {})
    assert isinstance(node, dict)
    node[str(path[-1])] = value
    return doc


def _check_refusal(exc: ConfigError) -> None:
    text = f"{exc.title} {exc.hint} {' '.join(getattr(exc, 'problems', []) or [])}"
    assert exc.title
    assert not has_control(text.replace("\n", " ")), repr(text[:300])
    assert TOKEN not in text and GL_TOKEN not in text


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(PATHS),
    st.sampled_from(WRITABLE),
    st.sampled_from(["str", "list", "table"]),
)
def test_hostile_values_at_real_keys(path: tuple[str | int, ...], text: str, shape: str) -> None:
    value: object = text if shape == "str" else [text] if shape == "list" else {text or "k": text}
    try:
        load_config_text(tomli_w.dumps(_document(path, value)), "hostile.toml")
    except ConfigError as exc:
        _check_refusal(exc)


@pytest.mark.parametrize(
    "where",
    [
        ("sources", 0, "token"),
        ("sources", 0, "token_env"),
        ("sources", 0, "url"),
        ("automations", "a", "body"),
        ("automations", "a", "argv"),
        ("automations", "a", "headers_env"),
        ("user",),
    ],
)
@pytest.mark.parametrize("token", [TOKEN, GL_TOKEN])
def test_a_literal_token_anywhere_is_refused_with_advice(
    where: tuple[str | int, ...], token: str
) -> None:
    value: object = token
    if where[-1] == "argv":
        value = ["notify", token]
    elif where[-1] == "headers_env":
        value = {"Authorization": f"Bearer {token}"}
    elif where[-1] == "url":
        value = f"https://x:{token}@github.example.com"
    with pytest.raises(ConfigError) as info:
        load_config_text(tomli_w.dumps(_document(where, value)), "config.toml")
    _check_refusal(info.value)
    text = f"{info.value} {' '.join(getattr(info.value, 'problems', []) or [])}"
    assert "never go in the config file" in text
    assert "_env" in text or "token_command" in text  # says where the secret goes instead


def _unreadable(kind: str, path: Path) -> None:
    if kind == "directory":
        path.mkdir()
    elif kind == "no-permission":
        path.write_text("refresh_minutes = 5\n")
        path.chmod(0)
    elif kind == "symlink-loop":
        path.symlink_to(path)
    elif kind == "dangling-symlink":
        path.symlink_to(path.with_name("gone.toml"))
    elif kind == "utf16":
        path.write_bytes("refresh_minutes = 5\n".encode("utf-16"))
    elif kind == "latin1":
        path.write_bytes('user = "m\xfcller"\n'.encode("latin-1"))
    elif kind == "fifo-free-garbage":
        path.write_bytes(os.urandom(64) + b"\x00\xff\xfe")


@pytest.mark.parametrize(
    "kind",
    [
        "directory",
        "no-permission",
        "symlink-loop",
        "dangling-symlink",
        "utf16",
        "latin1",
        "fifo-free-garbage",
    ],
)
def test_unreadable_files_are_config_errors(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    _unreadable(kind, path)
    if kind == "no-permission" and os.access(path, os.R_OK):
        pytest.skip("running as root: permissions do not apply")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    _check_refusal(info.value)
    # The CLI says the same in one clear block, exit code 3, no traceback.
    assert cli.main(["config", "check", str(path)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("gluetui: ") and "Traceback" not in err
