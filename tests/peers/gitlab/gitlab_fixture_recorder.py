"""pytest plugin: record every ``responses`` mock that python-gitlab's unit tests register.

The project's pinned copy of the team harness's recorder. python-gitlab's unit tests (in its sdist
on PyPI, ``tests/unit/``) describe GitLab API responses inline as
``responses.RequestsMock().add(method=..., url=..., json=..., status=...)`` calls; the bodies are
mostly GitLab documentation examples. Running those tests with this plugin dumps each registered
mock to a JSON corpus that ``replay_server.py --corpus-json`` serves over HTTP. ``build_corpus.py``
runs it; see there.

Output: a JSON list of ``{"method", "path", "status", "headers", "response", "body": null,
"file": "<test nodeid>"}``.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses  # type: ignore[import-not-found, unused-ignore]

_RECORDED: list[dict[str, Any]] = []
_CURRENT: dict[str, str | None] = {"nodeid": None}
_orig_init = responses.Response.__init__


def _recording_init(self: Any, method: str, url: Any, *args: Any, **kwargs: Any) -> None:
    _orig_init(self, method, url, *args, **kwargs)
    if not isinstance(url, str):  # regex URL patterns cannot be replayed
        return
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    body = self.body  # responses has already serialised json= into body
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    ctype = self.content_type if isinstance(self.content_type, str) else "text/plain"
    hdrs = [("Content-Type", ctype)] + [(k, str(v)) for k, v in (self.headers or {}).items()]
    _RECORDED.append(
        {
            "method": method,
            "path": path,
            "status": self.status,
            "headers": hdrs,
            "response": text,
            "body": None,
            "file": _CURRENT["nodeid"],
        }
    )


responses.Response.__init__ = _recording_init


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    _CURRENT["nodeid"] = item.nodeid
    yield


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    out = Path(os.environ.get("GITLAB_CORPUS_OUT", "gitlab-corpus.json"))
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(_RECORDED, indent=0), encoding="utf-8")
    tmp.replace(out)
    print(f"\ngitlab_fixture_recorder: wrote {len(_RECORDED)} mocked exchanges to {out}")
