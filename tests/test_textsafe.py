"""The one exit function for forge text: clean, safe_url, clean_json, cell_width."""

from __future__ import annotations

import json

import pytest

from gluetui.textsafe import (
    JSON_MAX,
    MAX_MARKS,
    URL_MAX,
    cell_width,
    clean,
    clean_json,
    pad,
    plain_json,
    safe_url,
)

ESC = "\x1b"
ZWJ = "\u200d"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (f"{ESC}[31mred{ESC}[0m", "red"),
        (f"x{ESC}[201~\ntouch ~/p\n.md", "x touch ~/p .md"),  # bracketed-paste end, newlines
        (f"{ESC}]52;c;dG91Y2g=\x07copied", "copied"),  # OSC 52 (clipboard)
        (f"{ESC}]8;;https://evil{ESC}\\link{ESC}]8;;{ESC}\\", "link"),  # OSC 8 (hyperlink)
        (f"{ESC}]0;title\x07after", "after"),  # OSC 0 (window title)
        (f"keep {ESC}]0;unterminated", "keep 0;unterminated"),  # not a blank title
        (f"{ESC}Pq#0~~{ESC}\\sixel", "sixel"),  # DCS
        ("\x9b2J\x9d0;t\x9c8-bit", "8-bit"),  # C1 CSI and OSC
        ("a\x00b\x07c\x7fd", "abcd"),  # NUL, BEL, DEL
        ("one\u2028two\u2029three\x85four", "one two three four"),
        ("harmless\rEVIL", "harmless EVIL"),
        ("fix \u202eexe.txt\u202c", "fix exe.txt"),  # bidi override
        ("a\u2066b\u2069c\u200ed\u200fe\u061cf", "abcdef"),  # isolates and marks
        ("re\u200bv\u2060i\ufeffew\u00ad", "review"),  # zero-width, BOM, soft hyphen
        ("fix" + "".join(chr(0xE0000 + ord(c)) for c in "ignore"), "fix"),  # tag smuggling
        ("ok" + "".join(chr(0xE0100 + n) for n in range(8)), "ok"),  # variation selectors
        ("broken \ud800 end", "broken \ufffd end"),  # lone surrogate
        ("\U000103ff", "\ufffd"),  # unassigned here: one cell everywhere
        ("   spaced \t out  ", "spaced out"),
    ],
)
def test_clean_leaves_the_characters_and_drops_what_a_terminal_obeys(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_zwj_stays_inside_an_emoji_sequence_only() -> None:
    assert clean(f"👩{ZWJ}💻 dev") == f"👩{ZWJ}💻 dev"
    assert clean(f"🏳️{ZWJ}🌈") == f"🏳{ZWJ}🌈"  # the variation selector goes, the join stays
    assert clean(f"a{ZWJ}b {ZWJ}x 👩{ZWJ}") == "ab x 👩"


def test_a_subdivision_flag_keeps_its_tags() -> None:
    scotland = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert clean(f"{scotland} flag") == f"{scotland} flag"
    assert clean("🏴\U000e0067\U000e0062 no cancel tag") == "🏴 no cancel tag"


def test_width_changing_emoji_parts_are_dropped() -> None:
    assert clean("👍🏽 ❤️ 1️⃣") == "👍 ❤ 1\u20e3"


def test_combining_marks_are_capped() -> None:
    zalgo = "Z" + "\u0300" * 50 + "a"
    assert clean(zalgo) == "Z" + "\u0300" * MAX_MARKS + "a"
    assert clean("e\u0301") == "e\u0301"


def test_multi_line_keeps_newlines_and_tabs() -> None:
    assert clean("a\r\nb\u2028c\td", single_line=False) == "a\nb\nc\td"


def test_length_is_bounded_and_never_splits_an_emoji() -> None:
    assert clean("a" * 500, 10) == "a" * 9 + "…"
    cut = clean(f"ab👩{ZWJ}💻cd", 4)
    assert not cut.rstrip("…").endswith(ZWJ) and cut == "ab…"
    assert len(clean("x" * 200_000)) <= 300


def test_clean_is_idempotent() -> None:
    for raw in (f"{ESC}]0;t\x07a\u2028b", f"👩{ZWJ}💻 x", "Z" + "\u0300" * 9, "\ud800"):
        assert clean(clean(raw)) == clean(raw)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/acme/api/pull/1",
        "http://127.0.0.1:8080/x?y=1#z",
        "https://[::1]/",
        "https://gitlab.example.com/g/p/-/blob/main/docs/x%1B%5B201~.md",
        "HTTPS://GitHub.com/A",
    ],
)
def test_safe_url_accepts_http_urls_with_a_host(url: str) -> None:
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "",
        "javascript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "ftp://example.com/",
        "https:///no-host",
        "https:evil.example",
        "https://github.com@evil.example/",
        "https://user:pw@github.com/",
        "https://evil.example\\@github.com/",
        "https://github.com:99999/",
        f"https://github.com/x{ESC}]0;t\x07",
        "https://github.com/a\nb",
        "https://github.com/a b",
        " https://github.com/",
        "https://github.com/\u202e",
        "https://github.com/\u2028",
        'https://github.com/"onmouseover',
        "https://github.com/<script>",
        "https://%65vil.example/",
        "https://github.com/" + "a" * URL_MAX,
    ],
)
def test_safe_url_refuses_anything_else(url: str) -> None:
    assert safe_url(url) == ""


def test_safe_url_shows_a_look_alike_host_in_ascii() -> None:
    assert safe_url("https://g\u0456thub.com/x") == "https://xn--gthub-n2e.com/x"


def test_clean_json_cleans_text_validates_urls_and_keeps_ids() -> None:
    data = {
        "id": f"h/r#stale_doc/x{ESC}.md",
        "title": f"x{ESC}]0;t\x07y",
        "url": "javascript:alert(1)",
        "evidence": [{"label": "a\u202eb", "detail": "c\nd", "url": "https://ok.example/"}],
        "where": {"file\u2028": f"x{ESC}[201~"},
        "metrics": {"n": 1.5},
        "author": None,
    }
    out = clean_json(data)
    assert out["id"] == data["id"]
    assert out["title"] == "xy" and out["url"] == ""
    assert out["evidence"] == [{"label": "ab", "detail": "c d", "url": "https://ok.example/"}]
    assert out["where"] == {"file ": "x"} and out["metrics"] == {"n": 1.5}  # spacing kept
    assert out["author"] is None


def test_plain_json_vouches_only_for_what_clean_json_leaves_alone() -> None:
    plain = {"id": "a", "title": "Fix it", "url": "https://github.com/a/b", "e": [{"url": None}]}
    text = json.dumps(plain, separators=(",", ":"))
    assert plain_json(text) and clean_json(plain) == plain
    assert plain_json(json.dumps({"title": " spacing  kept "}, separators=(",", ":")))
    for bad in (
        {"title": "a\u00e9"},
        {"title": "a\x7fb"},
        {"title": 'a"b'},
        {"title": "a\\b"},
        {"url": "javascript:x"},
        {"url": "https://u@h.example/"},
        {"title": "x" * (JSON_MAX + 1)},
    ):
        assert not plain_json(json.dumps(bad, separators=(",", ":"))), bad


@pytest.mark.parametrize(
    ("text", "cells"),
    [
        ("abc", 3),
        ("日本", 4),
        ("ｆｕｌｌ", 8),
        ("e\u0301", 1),
        (f"👩{ZWJ}💻", 2),
        ("🇫🇷", 2),
        ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", 2),
    ],
)
def test_cell_width_counts_terminal_cells(text: str, cells: int) -> None:
    assert cell_width(text) == cells


def test_cell_width_agrees_with_rich_on_cleaned_text() -> None:
    from rich.cells import cell_len

    samples = [
        "👩\u200d💻 fix 🏳️\u200d🌈 ci",
        "👍🏽 ❤️ 🇫🇷 1️⃣",
        "日本語 ｆｕｌｌ　ｗｉｄｔｈ",
        "Z\u0351\u0352a",
    ]
    for raw in samples:
        shown = clean(raw)
        assert cell_width(shown) == cell_len(shown), shown


def test_pad_uses_cells() -> None:
    assert pad("日本", 6) == "日本  " and pad("abc", 2) == "abc"
