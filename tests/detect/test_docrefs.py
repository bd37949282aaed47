"""Reading doc text: mentioned paths, front matter, dates, globs."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gluetui.docrefs import front_matter, parse_date, referenced_paths, resolve
from gluetui.globs import glob_match, name_match

DOC = """---
title: Setup
last_reviewed: 2025-01-02
---
# Setup

Edit `src/app.py` (not `os.path`, `v1.2.3`, `--verbose` or `/etc/hosts`), see `docs/` and `Makefile`.
Read [the guide](guide.md#install), [up](../LICENSE), [root](/pyproject.toml "title"),
[site](https://example.com/x.md), [mail](mailto:a@b.c), [top](#setup) and ![logo](img/logo.png).

```sh
cat `src/inside_fence.py`
```

[ref]: ./images/diagram.svg
<a href="scripts/run.sh">run</a>
"""


def test_referenced_paths_finds_code_spans_and_relative_links() -> None:
    assert referenced_paths(DOC) == [
        "src/app.py",
        "docs/",
        "Makefile",
        "./guide.md",
        "../LICENSE",
        "/pyproject.toml",
        "./img/logo.png",
        "./images/diagram.svg",
        "./scripts/run.sh",
    ]


def test_resolve_reads_links_from_the_doc_dir_and_code_spans_from_the_root() -> None:
    resolved = [resolve(p, "docs/setup.md") for p in referenced_paths(DOC)]
    assert resolved == [
        "src/app.py",
        "docs",
        "Makefile",
        "docs/guide.md",
        "LICENSE",
        "pyproject.toml",
        "docs/img/logo.png",
        "docs/images/diagram.svg",
        "docs/scripts/run.sh",
    ]
    assert resolve("../../outside.md", "docs/setup.md") == ""
    assert resolve("./", "README.md") == ""


def test_front_matter_and_dates() -> None:
    meta = front_matter(DOC)
    assert meta == {"title": "Setup", "last_reviewed": "2025-01-02"}
    assert parse_date(meta["last_reviewed"]) == date(2025, 1, 2)
    assert parse_date("2025-02-30") is None and parse_date("soon") is None
    assert parse_date("2025-03-04T10:00:00Z") == date(2025, 3, 4)
    assert front_matter("# no front matter\nreview_by: 2020-01-01\n") == {}
    assert front_matter("---\nreview_by: 2020-01-01\n") == {}  # never closed
    assert front_matter("---\nreview_by: '2020-01-01'\nlist:\n  - x\n---\n") == {
        "review_by": "2020-01-01",
        "list": "",
    }


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("README.md", "README*", True),
        ("pkg/README.rst", "README*", True),
        ("docs/a/b/c.txt", "docs/**", True),
        ("docs", "docs/**", False),
        ("src/docs/x.md", "docs/**", False),
        ("src/x.md", "*.md", True),
        ("src/x.md", "src/*.md", True),
        ("src/a/x.md", "src/*.md", False),
        ("src/a/x.md", "src/**/*.md", True),
        ("src/x.md", "src/**/*.md", True),
        ("notes.txt", "*.md", False),
        ("docs/x1.md", "docs/x[0-9].md", True),
        ("docs/xa.md", "docs/x[!0-9].md", True),
    ],
)
def test_glob_match(path: str, pattern: str, expected: bool) -> None:
    assert glob_match(path, pattern) is expected


def test_name_match_treats_bot_logins_literally_and_ignores_case() -> None:
    assert name_match("dependabot[bot]", ["dependabot[bot]"])
    assert not name_match("dependabotb", ["x"])
    assert name_match("Nightly Fuzz", ["nightly*"])


@given(st.text(max_size=400))
def test_doc_parsing_never_raises(text: str) -> None:
    for raw in referenced_paths(text):
        assert isinstance(resolve(raw, "docs/a.md"), str)
    assert isinstance(front_matter(text), dict)


@pytest.mark.parametrize(
    "hostile",
    ["[" * 100_000, "[a](" * 25_000, "[a](b 'c" * 15_000, "<a href='" * 11_000, "![x](" * 20_000],
    ids=["brackets", "open-links", "open-titles", "open-attrs", "open-images"],
)
def test_hostile_doc_text_cannot_stall_detection(hostile: str) -> None:
    """A doc written to backtrack the link patterns (a ReDoS) is parsed in linear time.

    The alarm is a guard against a hang (the quadratic patterns took ~50 s here), not a speed target.
    """
    import signal

    def _hung(signum: int, frame: object) -> None:
        raise TimeoutError("referenced_paths backtracked on hostile input")

    old = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(10)
    try:
        assert referenced_paths(hostile + "\nsee [guide](docs/guide.md)") == ["./docs/guide.md"]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
