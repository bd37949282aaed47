"""Glob matching for repository paths and names, shared by the forges and the detectors.

It sits below both layers so that a forge choosing which docs to fetch and a detector choosing which
docs to judge agree on one meaning of ``docs/**`` without either importing the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=512)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """``**`` spans directories, ``*`` and ``?`` stay inside one segment, ``[...]`` is a class."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            out.append(("[^" if negate else "[") + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def glob_match(path: str, pattern: str) -> bool:
    """Whether ``path`` matches ``pattern``; a pattern without ``/`` matches the file name anywhere.

    So ``*.md`` and ``README*`` find docs in every directory (as the forges choose docs), while
    ``docs/**`` means everything below ``docs``.
    """
    if glob_regex(pattern).match(path):
        return True
    return "/" not in pattern and bool(glob_regex(pattern).match(path.rsplit("/", 1)[-1]))


def name_match(name: str, patterns: Iterable[str]) -> bool:
    """Whether a name (author, workflow, job, test) equals or matches any glob, ignoring case.

    Equality first: ``dependabot[bot]`` is a login, but as a glob ``[bot]`` is a character class.
    """
    low = name.lower()
    return any(low == p.lower() or glob_regex(p.lower()).match(low) for p in patterns)
