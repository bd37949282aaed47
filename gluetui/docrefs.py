"""Reading doc text: which repository paths it mentions, and its front matter.

Pure string work shared by the stale-doc detector (dead references, review dates) and the forges
(which code paths a doc describes, to fetch their history). Heuristic on purpose: a doc is prose,
so a path is "something in backticks that looks like a file" or "a relative link target".
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

#: Extensions that make a backticked word a file name (``config.toml``) rather than code (``os.path``).
# fmt: off
FILE_EXTENSIONS = frozenset((
    "c", "cc", "cfg", "cpp", "cs", "css", "csv", "env", "gif", "go", "gradle", "h", "hpp", "html",
    "ini", "ipynb", "java", "jpeg", "jpg", "js", "json", "jsx", "kt", "lock", "md", "mjs", "mod",
    "pdf", "png", "proto", "py", "pyi", "rb", "rs", "rst", "scss", "sh", "sql", "sum", "svg",
    "swift", "tf", "toml", "ts", "tsx", "txt", "vue", "webp", "xml", "yaml", "yml",
))
# fmt: on

#: Extension-less files commonly named in docs.
KNOWN_FILES = frozenset(
    {
        "Makefile",
        "Dockerfile",
        "Justfile",
        "Procfile",
        "Gemfile",
        "Rakefile",
        "LICENSE",
        "CODEOWNERS",
    }
)

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
# Link text and target exclude brackets, so a hostile line of "[a](" repeated 25,000 times is
# scanned in linear time instead of once per bracket (seconds to minutes).
_LINK = re.compile(r"!?\[[^\[\]\n]*\]\([ \t]*<?([^()\s<>\[\]]+)>?(?:[ \t]+[\"'(][^()\n]*)?\)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s.*)?$", re.MULTILINE)
_HTML_ATTR = re.compile(
    r"<(?:a|img)\b[^<>]*?\b(?:href|src)\s*=\s*[\"']([^\"'<>]+)[\"']", re.IGNORECASE
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PATH_CHARS = re.compile(r"^[A-Za-z0-9_.@+\-/]+$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def referenced_paths(text: str) -> list[str]:
    """Repository paths the doc mentions, as written (``../src/x.py``), first mention first.

    Backticked file-like words (written from the repository root, as prose does) and relative link
    targets (markdown links, reference definitions, ``<a href>``/``<img src>``). Link targets are
    relative to the doc, so a bare ``guide.md`` comes back as ``./guide.md``: every caller can then
    resolve both kinds the same way (:func:`resolve`). URLs with a scheme, anchors and fenced code
    blocks are skipped.
    """
    body = _FENCE.sub("", _strip_front_matter(text))
    found: list[str] = []
    for match in _INLINE_CODE.finditer(body):
        word = match.group(1).strip()
        if _looks_like_path(word):
            found.append(word)
    for pattern in (_LINK, _REF_DEF, _HTML_ATTR):
        for match in pattern.finditer(body):
            target = _link_target(match.group(1))
            if target:
                found.append(target)
    return list(dict.fromkeys(found))


def is_doc(path: str, globs: Sequence[str]) -> bool:
    """Whether a path is a doc: ``*.md``-style globs match the file name anywhere, others the path."""
    return _is_doc(path, tuple(globs))


@lru_cache(maxsize=16384)
def _is_doc(path: str, globs: tuple[str, ...]) -> bool:
    # Remembered: an organisation's repositories share most paths (README.md, docs/index.md...),
    # and a refresh asks about every file of every tree.
    name = path.rsplit("/", 1)[-1]
    return any(
        fnmatch.fnmatchcase(path, g) or ("/" not in g and fnmatch.fnmatchcase(name, g))
        for g in globs
    )


def resolve(raw: str, doc_path: str) -> str:
    """A path from :func:`referenced_paths` as a path from the repository root; "" if it leaves it.

    ``./x`` and ``../x`` are relative to the doc's directory, ``/x`` and bare ``x`` to the root (the
    way the forges' own path normalisation reads them).
    """
    path = raw.split("#", 1)[0].split("?", 1)[0].strip()
    if path.startswith(("./", "../")):
        joined = posixpath.join(posixpath.dirname(doc_path), path)
    else:
        joined = path.lstrip("/")
    normal = posixpath.normpath(joined) if joined else ""
    if normal in ("", ".", "..") or normal.startswith("../"):
        return ""
    return normal


def front_matter(text: str) -> dict[str, str]:
    """Simple ``key: value`` lines of a ``---`` block at the very top of the doc.

    Nested YAML, lists and multi-line values are ignored: only flat keys (dates) matter here, and
    not depending on a YAML parser keeps a stranger's doc from being more than text.
    """
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    out: dict[str, str] = {}
    for line in lines[1:]:
        if line.strip() in ("---", "..."):
            return out
        if not line or line[0] in " \t-#" or ":" not in line:
            continue
        key, _, value = line.partition(":")
        out[key.strip().lower()] = value.strip().strip("\"'")
    return {}  # never closed: not front matter


def parse_date(value: str) -> date | None:
    """``YYYY-MM-DD`` (optionally followed by a time) as a date; None otherwise."""
    match = _DATE.match(value.strip())
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _strip_front_matter(text: str) -> str:
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return text
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "".join(lines[i + 1 :])
    return text


def _link_target(raw: str) -> str:
    target = raw.strip()
    if not target or target.startswith("#") or _SCHEME.match(target) or target.startswith("//"):
        return ""
    target = target.split("#", 1)[0].split("?", 1)[0]
    if not target or "{" in target:
        return ""
    return target if target.startswith(("/", "./", "../")) else f"./{target}"


def _looks_like_path(word: str) -> bool:
    if not _PATH_CHARS.match(word) or word.startswith(("-", "@", "/")) or "//" in word:
        return False
    name = word.rstrip("/").rsplit("/", 1)[-1]
    if name in KNOWN_FILES:
        return True
    stem, dot, ext = name.rpartition(".")
    if dot and stem and ext.lower() in FILE_EXTENSIONS:
        return True
    if "/" not in word:
        return False
    # A slash path without a file extension: a directory (``src/``, ``docs/guides``), as long as
    # no segment looks like a version number or an org/team slug with an ``@``.
    segments = [s for s in word.split("/") if s]
    return bool(segments) and all(not s.replace(".", "").isdigit() for s in segments)


def existing_paths(tree: frozenset[str]) -> frozenset[str]:
    """Every file in the tree and every directory above one (a link to ``src/`` is fine)."""
    out = set(tree)
    for path in tree:
        parts = path.rstrip("/").split("/")
        for i in range(1, len(parts)):
            out.add("/".join(parts[:i]))
    return frozenset(p.rstrip("/") for p in out)
