"""A recognisable token is planted in the environment; every output is grepped for it.

Failing refreshes (including servers that echo the Authorization header back in their error
text), CLI commands in every format, reports, failed delegations, the store file and its WAL,
every log record at DEBUG level and a dashboard screenshot: the token appears in none of them.
HTTP goes only to the configured host (no Authorization on a redirect elsewhere), TLS is verified
and a CA bundle can be configured.
"""

from __future__ import annotations

import logging
import ssl
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from rel_fakes import GH_TOKEN, GL_TOKEN, aclose, config, runtime, source
from rel_server import Answer, LocalServer, Request

from gluetui import cli
from gluetui.config.schema import SourceConfig
from gluetui.delegate import delegate
from gluetui.delegate.engine import DelegationFailed
from gluetui.errors import ConfigError
from gluetui.forges.http import tls_verify
from gluetui.model import Kind
from gluetui.sync import sync_all

if TYPE_CHECKING:  # a type only: `from conftest` would depend on collection order
    from conftest import World

TOKENS = (GH_TOKEN, GL_TOKEN)


def assert_clean(where: str, text: str | bytes) -> None:
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    for token in TOKENS:
        assert token.encode() not in data, f"token leaked into {where}"
        # Not even a long piece of it.
        assert token[4:24].encode() not in data, f"part of the token leaked into {where}"


def echo(status: int) -> Any:
    """A server that repeats the credentials it was sent in its error message."""

    def fault(req: Request) -> Answer:
        secret = req.headers.get("authorization", "") + " " + req.headers.get("private-token", "")
        return Answer(status, {"message": f"Bad request from {secret}", "error": secret})

    return fault


FAULTS = [
    lambda req: Answer(401, {"message": "Bad credentials"}),
    echo(400),
    echo(401),
    echo(403),
    echo(404),
    echo(422),
    echo(500),
    lambda req: Answer(200, "<html>captive portal</html>", {"Content-Type": "text/html"}),
    lambda req: Answer(200, {"data": "x" * 300}, truncate=True),
]


async def test_failing_refreshes_and_delegations_leak_nothing(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    outputs: list[str] = []
    items = {s: world.rt.store.load_items([s]) for s in ("gh", "gl")}
    for fault in FAULTS:
        world.gh.fault = world.gl.fault = fault
        for report in await sync_all(world.rt):
            outputs.append(f"{report.error_title} {report.error_hint} {report.repo_errors}")
        for name, automation in (("gh", "rerun"), ("gl", "retry"), ("gh", "comment")):
            fits = Kind.BROKEN_CI if automation != "comment" else Kind.UNREVIEWED_PR
            item = next(i for i in items[name] if i.kind is fits)
            try:
                outcome = await delegate(world.rt, item, automation)
                outputs.append(repr(outcome))
            except DelegationFailed as exc:
                outputs.append(f"{exc} {exc.title} {exc.hint} {exc.outcome!r} {exc!r}")
    world.gh.fault = world.gl.fault = None
    assert_clean("sync reports and delegation errors", "\n".join(outputs))
    assert_clean("log records", caplog.text)
    assert_clean("log record args", repr([(r.msg, r.args) for r in caplog.records]))
    store = world.rt.store
    assert_clean("journal", repr(store.journal()))
    assert_clean("events", repr(store.events()))
    assert_clean("sync runs", repr(store.last_syncs()))
    path = store.path
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():
            assert_clean(f"store file {file.name}", file.read_bytes())


def _write_config(path: Path, gh: LocalServer, gl: LocalServer) -> Path:
    path.write_text(
        "\n".join(
            [
                "[[sources]]",
                'name = "gh"',
                'kind = "github"',
                f'url = "{gh.url}"',
                'token_env = "REL_GH_TOKEN"',
                'repos = ["acme/app"]',
                "[[sources]]",
                'name = "gl"',
                'kind = "gitlab"',
                f'url = "{gl.url}"',
                'token_env = "REL_GL_TOKEN"',
                'repos = ["acme/lib"]',
                "",
            ]
        ),
        encoding="utf-8",
    )
    return path


def test_cli_outputs_leak_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    gh_server: tuple[LocalServer, Any],
    gl_server: LocalServer,
) -> None:
    cfg = str(_write_config(tmp_path / "config.toml", gh_server[0], gl_server))
    runs = [
        ["items", "--refresh", "--json"],
        ["items", "--refresh"],
        ["capacity", "--refresh", "--format", "json"],
        ["capacity", "--format", "toml"],
        ["capacity", "--format", "markdown"],
        ["report", "--refresh", "--format", "json"],
        ["report", "--format", "markdown"],
        ["config", "check"],
        ["config", "path"],
    ]
    seen = ""
    for fault in (None, echo(401), echo(404)):
        gh_server[0].fault = gl_server.fault = fault
        for argv in runs:
            cli.main(["--config", cfg, *argv])
            out, err = capsys.readouterr()
            seen += out + err
    assert "gluetui: " in seen  # the failures were reported
    assert_clean("CLI output", seen)


async def test_dashboard_screenshot_leaks_nothing(
    tmp_path: Path, gh_server: tuple[LocalServer, Any], gl_server: LocalServer
) -> None:
    pytest.importorskip("textual")
    from gluetui.ui.app import make_app

    gh_server[0].fault = echo(401)
    gl_server.fault = echo(500)
    cfg = config([source("github", gh_server[0].url), source("gitlab", gl_server.url)])
    with runtime(cfg, tmp_path / "ui.sqlite3") as rt:
        app = make_app(rt)
        try:
            async with app.run_test(size=(160, 48)) as pilot:
                for _ in range(50):
                    await pilot.pause(0.05)
                    if all(w.is_finished for w in app.workers):
                        break
                await pilot.pause()
                svg = app.export_screenshot()
                notes = " ".join(n.message for n in app._notifications)
        finally:
            await aclose(rt)
    assert "gh" in svg  # the screen did render the sources
    assert_clean("dashboard screenshot", svg)
    assert_clean("dashboard notifications", notes)


# ---------------------------------------------------------------------------------- transport


@pytest.fixture
def elsewhere() -> Any:
    """Another host (localhost, not 127.0.0.1) that records what it is sent."""
    server = LocalServer(lambda req: Answer(200, {"login": "x", "id": 1, "username": "x"})).start()
    yield server
    server.stop()


@pytest.mark.parametrize("kind", ["github", "gitlab"])
async def test_redirect_to_another_host_carries_no_token(
    tmp_path: Path,
    kind: str,
    elsewhere: LocalServer,
    gh_server: tuple[LocalServer, Any],
    gl_server: LocalServer,
) -> None:
    server = gh_server[0] if kind == "github" else gl_server
    target = f"http://localhost:{elsewhere.port}/stolen"
    server.fault = lambda req: Answer(302, b"", {"Location": target})
    cfg = config([source(kind, server.url)])
    with runtime(cfg, tmp_path / "s.sqlite3") as rt:
        try:
            await sync_all(rt)
        finally:
            await aclose(rt)
    for req in elsewhere.requests:
        headers = " ".join(f"{k}: {v}" for k, v in req.headers.items())
        assert_clean(f"a request redirected to another host ({kind})", headers)


def test_tls_is_verified_and_a_ca_bundle_is_configurable(tmp_path: Path) -> None:
    assert "ca_bundle" in SourceConfig.model_fields
    assert tls_verify("") is True
    ctx = tls_verify(ssl.get_default_verify_paths().cafile or "")
    if ctx is not True:
        assert isinstance(ctx, ssl.SSLContext) and ctx.verify_mode is ssl.CERT_REQUIRED
        assert ctx.check_hostname
    bad = tmp_path / "not-a-bundle.pem"
    bad.write_text("nonsense")
    with pytest.raises(ConfigError) as info:
        tls_verify(str(bad))
    assert "ca_bundle" in info.value.hint


async def test_forges_use_the_ca_bundle_and_verify(tmp_path: Path) -> None:
    cafile = ssl.get_default_verify_paths().cafile
    if not cafile or not Path(cafile).exists():
        pytest.skip("no system CA file to stand in for a private CA bundle")
    cfg = config(
        [
            source("github", "https://ghe.example.com", ca_bundle=cafile),
            source("gitlab", "https://gl.example.com", ca_bundle=cafile),
        ]
    )
    with runtime(cfg, tmp_path / "s.sqlite3") as rt:
        gh, gl = rt.forges
        client: httpx.AsyncClient = gh.session.client  # type: ignore[attr-defined]
        pool = client._transport._pool  # type: ignore[attr-defined]
        assert pool._ssl_context.verify_mode is ssl.CERT_REQUIRED
        session = gl._client.gl.session  # type: ignore[attr-defined]
        assert gl._client.gl.ssl_verify == cafile  # type: ignore[attr-defined]
        assert session is not None
        await aclose(rt)
