#!/usr/bin/env python3
"""Derive a loopback-friendly copy of GitHub's OpenAPI description for Prism.

Why: Prism's static mode answers with the spec's examples, whose URLs point at
https://api.github.com/... .  PyGithub builds follow-up requests from those
URLs (repo.url + "/pulls", pr.url + "/reviews", ...) and refuses (AssertionError)
any host other than its base_url's, so every call after the first fails.
This script rewrites the API host in examples to the mock's base URL, and drops
the `Link` response header whose example points at a non-existent
/resource?page=2 (which would make every full PaginatedList iteration 404).

Further fixes, each for a request a real GitHub accepts but Prism refused:
  * `application/json` is moved first in every response's content map (Prism
    answers */* with the first media type; for GET /contents/{path} that was
    application/vnd.github.object, which it cannot serialize -> 500);
  * each JSON response also gets the media types GitHub clients put in Accept
    (application/vnd.github+json, ...v3+json, PyGithub's *-preview types), since
    Prism matches Accept literally and answered 406 (e.g. PyGithub's
    commit.get_check_runs sends Accept: application/vnd.github.v3+json);
  * `oneOf` in parameter schemas becomes `anyOf` (workflow_id is
    oneOf[integer,string], so a numeric id matched both -> 422);
  * the runs listing's `created` parameter is typed `date-time`, but GitHub documents it (in its
    own description) as a search-syntax range such as `>=2026-11-01`, which is what clients send;
    its `format` is dropped so Prism checks the type only;
  * request bodies that GitHub documents in prose but not in the schema are
    allowed: POST/PUT /issues/{n}/labels also accept a bare array of strings,
    which is what PyGithub's add_to_labels/set_labels send.

Copied from the team harness (shared/peers) so the project stands alone.

Usage: localize_github_spec.py SRC.json DST.json [--base-url http://127.0.0.1:4010]
Stdlib only; takes ~1 s and ~200 MB RAM on the 13 MB non-deref spec.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
from pathlib import Path

# Media types GitHub clients send in Accept.  Prism negotiates literally, so each
# JSON response is also offered under these names.  Every alias costs Prism
# startup time and memory (2 aliases: ~+3 s; all 28: 90 s and 2.3 GB), so by
# default only the two generic GitHub JSON types are added; --all-previews adds
# PyGithub 2.x's github.Consts preview types too.
ACCEPT_ALIASES = [
    "application/vnd.github+json",
    "application/vnd.github.v3+json",
]
PREVIEW_ALIASES = [
    "application/vnd.github.ant-man-preview+json",
    "application/vnd.github.baptiste-preview+json",
    "application/vnd.github.barred-rock-preview",
    "application/vnd.github.cloak-preview",
    "application/vnd.github.dazzler-preview+json",
    "application/vnd.github.dorian-preview+json",
    "application/vnd.github.echo-preview+json",
    "application/vnd.github.flash-preview+json",
    "application/vnd.github.giant-sentry-fist-preview+json",
    "application/vnd.github.groot-preview+json",
    "application/vnd.github.inertia-preview+json",
    "application/vnd.github.london-preview+json",
    "application/vnd.github.luke-cage-preview+json",
    "application/vnd.github.lydian-preview+json",
    "application/vnd.github.machine-man-preview+json",
    "application/vnd.github.mercy-preview+json",
    "application/vnd.github.mockingbird-preview",
    "application/vnd.github.nebula-preview+json",
    "application/vnd.github.sailor-v-preview+json",
    "application/vnd.github.squirrel-girl-preview",
    "application/vnd.github.symmetra-preview+json",
    "application/vnd.github.v3.repository+json",
    "application/vnd.github.v3.text-match+json",
    "application/vnd.github.wyandotte-preview+json",
    "application/vnd.github.zzzax-preview+json",
]


def _operations(spec):
    for path, path_item in spec.get("paths", {}).items():
        for method, op in path_item.items():
            if isinstance(op, dict) and method in (
                "get",
                "put",
                "post",
                "delete",
                "patch",
                "head",
                "options",
            ):
                yield path, method, op


def _responses(spec):
    for _, _, op in _operations(spec):
        for resp in op.get("responses", {}).values():
            if isinstance(resp, dict) and "$ref" not in resp:
                yield resp
    for resp in spec.get("components", {}).get("responses", {}).values():
        yield resp


def _oneof_to_anyof(schema):
    if isinstance(schema, dict):
        if "oneOf" in schema:
            schema["anyOf"] = schema.pop("oneOf")
        for v in schema.values():
            _oneof_to_anyof(v)
    elif isinstance(schema, list):
        for v in schema:
            _oneof_to_anyof(v)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--base-url", default="http://127.0.0.1:4010")
    ap.add_argument(
        "--keep-link", action="store_true", help="keep the Link response header examples"
    )
    ap.add_argument(
        "--all-previews",
        action="store_true",
        help="also alias PyGithub's *-preview Accept types (slow: Prism then needs ~90 s and ~2.3 GB)",
    )
    args = ap.parse_args()
    base = args.base_url.rstrip("/")

    text = Path(args.src).read_text(encoding="utf-8")
    n_https = text.count("https://api.github.com")
    n_http = text.count("http://api.github.com")
    text = text.replace("https://api.github.com", base).replace("http://api.github.com", base)
    spec = json.loads(text)
    spec["servers"] = [{"url": base}]

    aliases = ACCEPT_ALIASES + (PREVIEW_ALIASES if args.all_previews else [])
    dropped = reordered = aliased = params = bodies = fixed_b64 = 0
    for resp in _responses(spec):
        hdrs = resp.get("headers")
        if hdrs and not args.keep_link:
            for k in [k for k in hdrs if k.lower() == "link"]:
                del hdrs[k]
                dropped += 1
        content = resp.get("content")
        if content and "application/json" in content:
            if next(iter(content)) != "application/json":
                reordered += 1
            new = {"application/json": content["application/json"]}
            new.update((k, v) for k, v in content.items() if k != "application/json")
            for alias in aliases:
                if alias not in new:
                    new[alias] = content["application/json"]
                    aliased += 1
            resp["content"] = new

    for prm in list(spec.get("components", {}).get("parameters", {}).values()) + [
        prm
        for _, _, op in _operations(spec)
        for prm in op.get("parameters", [])
        if "$ref" not in prm
    ]:
        if "oneOf" in json.dumps(prm.get("schema", {})):
            _oneof_to_anyof(prm["schema"])
            params += 1

    created = spec.get("components", {}).get("parameters", {}).get("created", {})
    if created.get("schema", {}).get("format") == "date-time":
        del created["schema"]["format"]
        params += 1

    for path, method, op in _operations(spec):
        if path.endswith("/issues/{issue_number}/labels") and method in ("post", "put"):
            media = op.get("requestBody", {}).get("content", {}).get("application/json")
            if media and "schema" in media:
                media["schema"] = {
                    "anyOf": [media["schema"], {"type": "array", "items": {"type": "string"}}]
                }
                bodies += 1

    # Some examples carry base64 `content` that does not decode (a literal
    # backslash-n inside), so PyGithub's ContentFile.decoded_content raises.
    for ex in spec.get("components", {}).get("examples", {}).values():
        val = ex.get("value") if isinstance(ex, dict) else None
        for item in val if isinstance(val, list) else [val]:
            if (
                isinstance(item, dict)
                and item.get("encoding") == "base64"
                and isinstance(item.get("content"), str)
            ):
                try:
                    base64.b64decode(item["content"])
                except (binascii.Error, ValueError):
                    item["content"] = base64.encodebytes(b"# Hello from the Prism mock\n").decode()
                    fixed_b64 += 1

    with Path(args.dst).open("w", encoding="utf-8") as fh:
        json.dump(spec, fh, separators=(",", ":"))
    print(
        f"rewrote {n_https} https:// + {n_http} http:// api.github.com URLs -> {base}; "
        f"dropped {dropped} Link headers; json-first reordered {reordered}; "
        f"{aliased} Accept aliases; {params} oneOf params -> anyOf; {bodies} label bodies widened; "
        f"{fixed_b64} base64 examples fixed"
    )


if __name__ == "__main__":
    main()
