"""`gluetui items --refresh` against failing forges: one line per failed source, the documented code.

README: exit codes 5 forge, 6 token/auth, 7 rate limited; a refresh that partly failed still prints
every item it could get (the failed source's last good ones) and exits with the first failure's code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rel_fakes import GH_TOKEN, GL_TOKEN
from rel_server import Answer, LocalServer

from gluetui import cli


def write_config(path: Path, gh: LocalServer, gl: LocalServer) -> Path:
    path.write_text(
        f"""
[[sources]]
name = "gh"
kind = "github"
url = "{gh.url}"
token_env = "REL_GH_TOKEN"
repos = ["acme/app"]
timeout_seconds = 2

[[sources]]
name = "gl"
kind = "gitlab"
url = "{gl.url}"
token_env = "REL_GL_TOKEN"
repos = ["acme/lib"]
timeout_seconds = 2
""",
        encoding="utf-8",
    )
    return path


def run(capsys: pytest.CaptureFixture[str], config: Path) -> tuple[int, dict[str, Any], str]:
    code = cli.main(["--config", str(config), "items", "--refresh", "--json", "--all"])
    out, err = capsys.readouterr()
    for token in (GH_TOKEN, GL_TOKEN):
        assert token not in out and token not in err
    assert "\x1b" not in out and "\x1b" not in err
    assert "Traceback" not in err
    return code, json.loads(out), err


def sources(doc: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in doc["items"]:
        counts[item["source"]] = counts.get(item["source"], 0) + 1
    return counts


@pytest.mark.parametrize(
    ("kind", "answer", "code", "says"),
    [
        ("gh", Answer(401, {"message": "Bad credentials"}), 6, "REL_GH_TOKEN"),
        (
            "gh",
            Answer(
                403,
                {"message": "API rate limit exceeded"},
                {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4102444800"},
            ),
            7,
            "rate limit",
        ),
        ("gl", Answer(500, {"message": "500 Internal Server Error"}), 5, "500"),
        ("gl", Answer(401, {"message": "401 Unauthorized"}), 6, "REL_GL_TOKEN"),
    ],
    ids=["gh-401", "gh-rate-limited", "gl-500", "gl-401"],
)
def test_refresh_with_a_failing_source(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    gh_server: tuple[LocalServer, Any],
    gl_server: LocalServer,
    kind: str,
    answer: Answer,
    code: int,
    says: str,
) -> None:
    gh = gh_server[0]
    config = write_config(tmp_path / "config.toml", gh, gl_server)
    first, good, err = run(capsys, config)
    assert first == 0 and err == "" and sources(good) == {"gh": 2, "gl": 2}
    (gh if kind == "gh" else gl_server).fault = lambda req: answer
    second, doc, err = run(capsys, config)
    assert second == code
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gluetui: ") and says in lines[0], err
    # The failed source's last good items are still listed, not lost, not doubled.
    assert sources(doc) == {"gh": 2, "gl": 2}
    assert len({i["id"] for i in doc["items"]}) == len(doc["items"])


def test_refresh_with_every_source_unreachable_still_exits_cleanly(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    gh_server: tuple[LocalServer, Any],
    gl_server: LocalServer,
) -> None:
    config = write_config(tmp_path / "config.toml", gh_server[0], gl_server)
    gh_server[0].stop()
    gl_server.stop()
    code, doc, err = run(capsys, config)
    assert code == 5 and doc == {"items": []}
    assert len(err.strip().splitlines()) == 2 and "reach" in err.lower()
