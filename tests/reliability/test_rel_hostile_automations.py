"""The hostile corpus through command, webhook and forge-comment automations.

A stranger's title, branch or job name reaches a command as literal argv elements, JSON on stdin
and ``GLUETUI_*`` variables (never through a shell); a webhook receiver gets it as JSON; a forge
comment gets it as the JSON body of one request. Templates insert it once and literally. What
leaves gluetui went through the one exit function (``textsafe.clean``): the same characters, minus
anything a terminal would obey. The marker files that ``$(touch ...)`` or ``; rm`` would create
never appear.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from rel_fakes import GH_TOKEN, NOW, aclose, build_forges, config, source
from rel_hostile import CORPUS, has_control, ids
from rel_server import Answer, LocalServer

from gluetui.config.schema import Config, automation
from gluetui.delegate import delegate
from gluetui.delegate.templates import VALUE_MAX, render
from gluetui.factory import Runtime
from gluetui.model import Item, Kind
from gluetui.store import Store
from gluetui.textsafe import JSON_MAX, clean

RECORDER = """
import json, os, sys
data = {"argv": sys.argv[1:], "stdin": sys.stdin.read(),
        "env": {k: v for k, v in os.environ.items() if k.startswith("GLUETUI_") or "TOKEN" in k}}
with open(os.environ["REL_RECORD_TO"], "w", encoding="utf-8", errors="surrogateescape") as f:
    json.dump(data, f)
"""

MARKER = Path("/tmp/gluetui-pwned")  # what the shell-substitution string would create


def item(text: str) -> Item:
    return Item(
        id=f"github.com/acme/api#unreviewed_pr/{abs(hash(text)) % 10_000}",
        kind=Kind.UNREVIEWED_PR,
        source="gh",
        host="127.0.0.1",
        repo="acme/app",
        title=text,
        url="https://github.com/acme/app/pull/1",
        since=NOW,
        updated_at=NOW,
        where={"number": "1", "branch": text, "job": text},
        author=text,
        fingerprint="fp",
    )


def runtime(tmp_path: Path, cfg: Config, forges: list[object] | None = None) -> Runtime:
    store = Store.open(tmp_path / "s.sqlite3")
    return Runtime(config=cfg, forges=list(forges or []), store=store, clock=lambda: NOW)  # type: ignore[arg-type]


# NUL cannot be in argv or the environment (the OS forbids it); command.py drops it.
COMMAND_CORPUS = [(label, t) for label, t in CORPUS if "\x00" not in t]


@pytest.mark.parametrize(
    "text", [t for _, t in COMMAND_CORPUS], ids=[lbl for lbl, _ in COMMAND_CORPUS]
)
async def test_command_gets_hostile_text_as_literal_data(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "rec.py"
    script.write_text(RECORDER)
    record = tmp_path / "record.json"
    monkeypatch.setenv("REL_RECORD_TO", str(record))
    cfg = Config(
        sources=[source("github", "http://127.0.0.1:9")],
        automations={
            "notify": automation(
                kind="command",
                fits=["unreviewed_pr"],
                argv=[sys.executable, str(script), "--", "{title}", "b={branch}", "{job}"],
            )
        },
    )
    rt = runtime(tmp_path, cfg)
    try:
        it = item(text)
        outcome = await delegate(rt, it, "notify")
        assert outcome.ok, outcome.message
        got = json.loads(record.read_text(encoding="utf-8", errors="surrogateescape"))
        shown = clean(text, VALUE_MAX)
        assert got["argv"] == ["--", shown, f"b={shown}", shown]  # one element each, literal
        assert got["env"]["GLUETUI_TITLE"] == got["env"]["GLUETUI_BRANCH"] == shown
        assert json.loads(got["stdin"])["item"]["title"] == clean(text, JSON_MAX, squeeze=False)
        assert got["stdin"].isascii()
        for value in [
            *got["argv"],
            *got["env"].values(),
            json.loads(got["stdin"])["item"]["title"],
        ]:
            assert not has_control(value), repr(value[:80])
        # The configured source's token is withheld from the program.
        assert "REL_GH_TOKEN" not in got["env"] and GH_TOKEN not in json.dumps(got)
        assert not MARKER.exists()
    finally:
        rt.close()


@pytest.mark.parametrize("text", [t for _, t in CORPUS], ids=ids())
def test_templates_insert_hostile_values_once_and_literally(text: str) -> None:
    values = {"title": text, "url": "U", "author": text}
    out = render("Ping {author}: {title} ({url}) {{x}}", values, automation="a", field="body")
    assert out == f"Ping {text}: {text} (U) {{x}}"


@pytest.fixture
def receiver() -> LocalServer:
    server = LocalServer(lambda req: Answer(201, {"ok": True})).start()
    yield server  # type: ignore[misc]
    server.stop()


async def test_webhook_and_forge_comment_carry_hostile_text_as_json(
    tmp_path: Path, receiver: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One POST per delegation, the exact text in the JSON body, the token only where it belongs."""
    monkeypatch.setenv("REL_HOOK", "hook-secret-value")
    cfg = config([source("github", receiver.url)])
    cfg = cfg.model_copy(
        update={
            "automations": {
                **cfg.automations,
                "hook": automation(
                    kind="webhook",
                    fits=["unreviewed_pr"],
                    url=f"{receiver.url}/hook",
                    headers_env={"X-Hook-Auth": "REL_HOOK"},
                    retries=0,
                ),
            }
        }
    )
    store = Store.open(tmp_path / "s.sqlite3")
    forges = build_forges(cfg, store)
    rt = Runtime(config=cfg, forges=forges, store=store, clock=lambda: NOW)
    try:
        for n, (_, text) in enumerate(CORPUS):
            it = replace(item(text), id=f"github.com/acme/app#unreviewed_pr/{n}")
            receiver.clear()
            await delegate(rt, it, "hook")
            await delegate(rt, it, "comment")
            posts = [r for r in receiver.requests if r.method == "POST"]
            assert len(posts) == 2, [r.path for r in receiver.requests]
            hook, comment = posts
            assert hook.bare_path == "/hook"
            assert hook.headers["x-hook-auth"] == "hook-secret-value"
            assert "authorization" not in hook.headers  # the forge token never goes to a webhook
            assert hook.body.isascii()
            body = json.loads(hook.body)
            assert body["item"]["title"] == clean(text, JSON_MAX, squeeze=False)
            assert not any(has_control(str(v)) for v in body["item"].values())
            assert comment.bare_path.endswith("/issues/1/comments")
            # PyGithub's token auth (GitHub takes "token" and "Bearer" alike).
            assert comment.headers["authorization"] == f"token {GH_TOKEN}"
            sent = json.loads(comment.body)["body"]
            assert sent.startswith("Ping ")
            assert not has_control(sent), repr(sent[:80])  # the forge gets the characters only
    finally:
        await aclose(rt)
        rt.close()
