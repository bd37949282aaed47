"""Webhooks: item JSON with an Idempotency-Key, headers from env, retries only where safe."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from delegate_helpers import make_config, make_item, make_runtime

from gluetui.config.schema import automation
from gluetui.delegate import DelegationFailed, delegate
from gluetui.delegate.webhook import header_values, post_webhook
from gluetui.errors import ActionError


async def _no_sleep(_: float) -> None:
    return None


def _transport(statuses: list[int | Exception], seen: list[httpx.Request]) -> httpx.MockTransport:
    answers = iter(statuses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer, json={"pr_url": "https://github.com/acme/api/pull/5"})

    return httpx.MockTransport(handler)


async def test_retries_5xx_with_the_same_idempotency_key() -> None:
    seen: list[httpx.Request] = []
    result = await post_webhook(
        "https://hooks.test/x",
        {"item": {"id": "i"}},
        key="k1",
        headers={"Authorization": "Bearer t"},
        timeout=5,
        retries=2,
        transport=_transport([500, 503, 202], seen),
        sleep=_no_sleep,
    )
    assert result.status == 202 and result.attempts == 3
    assert result.url == "https://github.com/acme/api/pull/5"
    assert [r.headers["Idempotency-Key"] for r in seen] == ["k1", "k1", "k1"]
    assert all(r.headers["Authorization"] == "Bearer t" for r in seen)
    assert json.loads(seen[0].content) == {"item": {"id": "i"}}


async def test_retries_connection_errors() -> None:
    seen: list[httpx.Request] = []
    result = await post_webhook(
        "https://hooks.test/x",
        {},
        key="k",
        headers={},
        timeout=5,
        retries=1,
        transport=_transport([httpx.ConnectError("refused"), 200], seen),
        sleep=_no_sleep,
    )
    assert result.attempts == 2


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422])
async def test_never_retries_4xx(status: int) -> None:
    seen: list[httpx.Request] = []
    with pytest.raises(ActionError, match=str(status)):
        await post_webhook(
            "https://hooks.test/x",
            {},
            key="k",
            headers={},
            timeout=5,
            retries=3,
            transport=_transport([status, 200], seen),
            sleep=_no_sleep,
        )
    assert len(seen) == 1


async def test_gives_up_after_the_retries_with_bounded_backoff() -> None:
    seen: list[httpx.Request] = []
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    with pytest.raises(ActionError, match="3 attempt"):
        await post_webhook(
            "https://hooks.test/x",
            {},
            key="k",
            headers={},
            timeout=5,
            retries=2,
            transport=_transport([500, 500, 500], seen),
            sleep=sleep,
        )
    assert len(seen) == 3
    assert slept == [0.5, 1.0]


def test_missing_header_env_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ActionError) as info:
        header_values({"Authorization": "HOOK_TOKEN"}, automation="hook")
    assert "$HOOK_TOKEN" in info.value.title and "hook" in info.value.title
    monkeypatch.setenv("HOOK_TOKEN", "v")
    assert header_values({"Authorization": "HOOK_TOKEN"}, automation="hook") == {
        "Authorization": "v"
    }


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]]
    statuses: list[int]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append({"headers": dict(self.headers), "body": json.loads(body)})
        status = self.statuses.pop(0) if self.statuses else 200
        payload = b'{"ok": true}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Handler", (_Receiver,), {"received": [], "statuses": [500]})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


async def test_delegate_posts_item_json_to_a_local_receiver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, receiver: tuple[str, type[_Receiver]]
) -> None:
    url, handler = receiver
    monkeypatch.setenv("HOOK_TOKEN", "Bearer abc")
    monkeypatch.setattr("gluetui.delegate.webhook.BACKOFF", 0.01)
    autos = {
        "hook": automation(
            kind="webhook",
            fits=["broken_ci"],
            url=url,
            headers_env={"Authorization": "HOOK_TOKEN"},
            retries=2,
        )
    }
    rt = make_runtime(tmp_path, config=make_config(autos))
    item = make_item()
    outcome = await delegate(rt, item, "hook")
    assert outcome.ok
    assert len(handler.received) == 2  # the 500 was retried once
    keys = {r["headers"]["Idempotency-Key"] for r in handler.received}
    assert keys == {outcome.key}
    last = handler.received[-1]
    assert last["headers"]["Authorization"] == "Bearer abc"
    assert last["body"]["item"] == item.to_json()
    assert last["body"]["automation"] == "hook"
    assert last["body"]["idempotency_key"] == outcome.key
    (entry,) = rt.store.journal()
    assert entry.ok is True
    assert "abc" not in json.dumps(entry.request)


async def test_delegate_webhook_4xx_is_a_journaled_failure(
    tmp_path: Path, receiver: tuple[str, type[_Receiver]]
) -> None:
    url, handler = receiver
    handler.statuses[:] = [422]
    autos = {"hook": automation(kind="webhook", fits=["broken_ci"], url=url)}
    rt = make_runtime(tmp_path, config=make_config(autos))
    with pytest.raises(DelegationFailed, match="422"):
        await delegate(rt, make_item(), "hook")
    assert len(handler.received) == 1
    (entry,) = rt.store.journal()
    assert entry.ok is False
