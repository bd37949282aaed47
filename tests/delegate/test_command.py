"""Command automations: hostile item text arrives as literal data, tokens stay out, timeouts kill."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from delegate_helpers import make_config, make_item, make_runtime

from gluetui.config.schema import SourceConfig, automation
from gluetui.delegate import DelegationFailed, delegate
from gluetui.delegate.command import OUTPUT_LIMIT, command_env, run_command
from gluetui.model import Kind
from gluetui.textsafe import clean

RECORDER = """
import json, os, sys
data = {"argv": sys.argv[1:], "stdin": sys.stdin.read(), "env": dict(os.environ)}
with open(os.environ["RECORD_TO"], "w", encoding="utf-8") as f:
    json.dump(data, f)
print("opened https://github.com/acme/api/pull/99")
"""

HOSTILE = [
    "$(rm -rf ~)",
    "`touch /tmp/pwned`",
    "; echo pwned",
    "a\nb && echo pwned",
    "{braces} {title} {{x}}",
    "--help",
    "-rf",
    "' \" \\ *",
]


@pytest.fixture
def recorder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    script = tmp_path / "rec.py"
    script.write_text(RECORDER)
    out = tmp_path / "record.json"
    monkeypatch.setenv("RECORD_TO", str(out))
    return script, out


@pytest.mark.parametrize("title", HOSTILE)
async def test_hostile_titles_arrive_as_literal_argv_stdin_and_env(
    title: str, tmp_path: Path, recorder: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    script, out = recorder
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    monkeypatch.setenv("GITLAB_TOKEN", "glpat_secret")
    monkeypatch.setenv("MY_FORGE_TOKEN", "custom_secret")
    monkeypatch.setenv("HOOK_TOKEN", "hook_secret")
    monkeypatch.setenv("HARMLESS", "kept")
    autos = {
        "notify": automation(
            kind="command",
            fits=["stale_doc"],
            argv=[sys.executable, str(script), "{title}", "--", "{repo}", "x{title}y"],
        ),
        "hook": automation(
            kind="webhook",
            fits=["stale_doc"],
            url="https://h.test/",
            headers_env={"A": "HOOK_TOKEN"},
        ),
    }
    config = make_config(autos).model_copy(
        update={
            "sources": [
                SourceConfig(
                    name="gh", kind="github", repos=["acme/api"], token_env="MY_FORGE_TOKEN"
                )
            ]
        }
    )
    rt = make_runtime(tmp_path, config=config)
    item = make_item(Kind.STALE_DOC, title=title)
    outcome = await delegate(rt, item, "notify")
    assert outcome.ok
    record = json.loads(out.read_text())
    # Each value is one argv element, literal but for what a terminal would obey (the newline).
    shown = clean(title)
    assert shown == (title if "\n" not in title else title.replace("\n", " "))
    assert record["argv"] == [shown, "--", "acme/api", f"x{shown}y"]
    stdin = json.loads(record["stdin"])
    assert stdin["item"]["title"] == shown
    assert stdin["automation"] == "notify"
    assert stdin["idempotency_key"] == outcome.key
    env = record["env"]
    assert env["GLUETUI_TITLE"] == shown
    assert env["GLUETUI_ID"] == item.id
    assert env["GLUETUI_KIND"] == "stale_doc"
    assert env["GLUETUI_REPO"] == "acme/api"
    assert env["GLUETUI_URL"] == item.url
    assert env["GLUETUI_FILE"] == "README.md"
    assert env["HARMLESS"] == "kept"
    for secret in ("GITHUB_TOKEN", "GITLAB_TOKEN", "MY_FORGE_TOKEN", "HOOK_TOKEN"):
        assert secret not in env
    assert not Path("/tmp/pwned").exists()
    # The last URL the command printed is kept for the follow-up.
    assert outcome.url == "https://github.com/acme/api/pull/99"


async def test_nul_bytes_are_dropped_not_fatal(tmp_path: Path, recorder: tuple[Path, Path]) -> None:
    script, out = recorder
    env = command_env(make_item(title="a\x00b"), "n", "k", base=dict(os.environ))
    result = await run_command(
        [sys.executable, str(script), "a\x00b"], stdin=b"{}", env=env, timeout=30
    )
    assert result.ok
    record = json.loads(out.read_text())
    assert record["argv"] == ["ab"]
    assert record["env"]["GLUETUI_TITLE"] == "ab"


async def test_output_is_bounded_to_the_tail_and_cleaned(tmp_path: Path) -> None:
    code = "import sys; sys.stdout.write('x' * 100000 + '\\x1b[31mEND\\n'); sys.stdout.flush()"
    result = await run_command(
        [sys.executable, "-c", code], stdin=b"", env=dict(os.environ), timeout=30
    )
    assert result.ok
    assert len(result.output) <= OUTPUT_LIMIT
    assert result.output.endswith("END")
    assert "\x1b" not in result.output


async def test_failure_exit_is_journaled_and_raised(tmp_path: Path) -> None:
    autos = {
        "fail": automation(
            kind="command",
            fits=["stale_doc"],
            argv=[sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"],
        )
    }
    rt = make_runtime(tmp_path, config=make_config(autos))
    with pytest.raises(DelegationFailed) as info:
        await delegate(rt, make_item(Kind.STALE_DOC), "fail")
    assert "status 3" in info.value.title
    assert "boom" in info.value.hint
    (entry,) = rt.store.journal()
    assert entry.ok is False and "status 3" in entry.message


async def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    code = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pidfile)!r}, 'w').write(str(child.pid))\n"
        "print('started', flush=True)\n"
        "time.sleep(60)\n"
    )
    started = time.monotonic()
    result = await run_command(
        [sys.executable, "-c", code], stdin=b"", env=dict(os.environ), timeout=1.5
    )
    assert time.monotonic() - started < 20
    assert result.timed_out and not result.ok
    assert "started" in result.output
    child = int(pidfile.read_text())
    assert not _alive(child)


def _alive(pid: int) -> bool:
    for _ in range(50):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            return False
        if "State:\tZ" in status:
            return False
        time.sleep(0.05)
    return True


async def test_a_program_that_ignores_stdin_still_works(tmp_path: Path) -> None:
    result = await run_command(
        [sys.executable, "-c", "print('ok')"],
        stdin=b"x" * 1_000_000,
        env=dict(os.environ),
        timeout=30,
    )
    assert result.ok and result.output == "ok"
