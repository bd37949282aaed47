"""The ``/`` filter language, parsed by a pure function so it can be tested without a terminal.

Free words must all appear (case-insensitively) in an item's title, repository, author or id;
``repo:``, ``kind:`` and ``author:`` narrow by field (several values of one field are alternatives;
one given no value is ignored, and the user told so, rather than hiding everything), ``mine`` keeps
what asks for the user (a pull/merge request whose review is requested from you or your team),
``new`` what appeared since the last look. A kind may be
written by its value (``broken_ci``) or a word of its value or label (``ci``, ``docs``, ``pr``,
``mr``, ``flaky``), derived from :class:`~gluetui.model.Kind` so a new kind needs no edit here.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from fnmatch import fnmatchcase

from gluetui.model import Item, Kind


def _words(kind: Kind) -> set[str]:
    """The words a person may call a kind by: those of its value and of its label, the label's
    plurals also singular (``flaky_test`` / "Flaky tests": flaky, test, tests; "PRs/MRs": prs, pr,
    mrs, mr)."""
    words = set(kind.value.split("_"))
    label = {w for w in re.split(r"[^a-z0-9]+", kind.label.casefold()) if w}
    return words | label | {w.removesuffix("s") for w in label if len(w) > 2}


def _kind_aliases() -> dict[str, Kind]:
    """Every word of one kind only (a word two kinds share names neither), plus a few synonyms.

    Derived from :class:`Kind`, so a new kind is filterable by its own words at once.
    """
    seen: dict[str, set[Kind]] = {}
    for kind in Kind:
        for word in _words(kind):
            seen.setdefault(word, set()).add(kind)
    aliases = {w: next(iter(ks)) for w, ks in seen.items() if len(ks) == 1}
    for word, kind in _SYNONYMS.items():
        aliases.setdefault(word, kind)
    return aliases


#: Words people use that are in neither the value nor the label of the kind they mean.
_SYNONYMS: dict[str, Kind] = {
    "review": Kind.UNREVIEWED_PR,
    "reviews": Kind.UNREVIEWED_PR,
    "flake": Kind.FLAKY_TEST,
    "flakes": Kind.FLAKY_TEST,
}

KIND_ALIASES: dict[str, Kind] = _kind_aliases()

#: The fields a filter narrows by, with an example value (said when one is given empty).
FIELDS: dict[str, str] = {"repo": "repo:acme/api", "kind": "kind:ci", "author": "author:alice"}

#: What each filter word does, for the help screen and the README (one place).
FILTER_HELP: tuple[tuple[str, str], ...] = (
    ("words", "items whose title, repository, author or id contain every word"),
    ("repo:NAME", "repositories whose name contains NAME (or matches a glob: repo:acme/*)"),
    ("kind:KIND", "one kind: ci, docs, pr, mr, flaky... or its name (kind:broken_ci)"),
    ("author:NAME", "items by that author"),
    (
        "mine",
        "what asks for you: pull/merge requests whose review is requested from you or your team",
    ),
    ("new", "items that appeared since your last look (● in the row)"),
)


def filter_table_markdown() -> str:
    """The README's filter table (a test keeps them equal)."""
    rows = "\n".join(f"| `{word}` | {meaning} |" for word, meaning in FILTER_HELP)
    return f"| Filter | What it keeps |\n| --- | --- |\n{rows}\n"


@dataclass(frozen=True, slots=True)
class Filter:
    """A parsed filter; the empty filter keeps everything."""

    words: tuple[str, ...] = ()
    repos: tuple[str, ...] = ()
    kinds: frozenset[Kind] = frozenset()
    authors: tuple[str, ...] = ()
    mine: bool = False
    new: bool = False
    #: Tokens that could not be understood (an unknown kind); shown to the user, not ignored.
    problems: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.words or self.repos or self.kinds or self.authors or self.mine or self.new)

    def matches(self, item: Item, *, is_new: bool = False) -> bool:
        """Whether ``item`` passes; ``is_new`` says whether it appeared since the last look."""
        if self.mine and not item.mine:
            return False
        if self.new and not is_new:
            return False
        if self.kinds and item.kind not in self.kinds:
            return False
        if self.repos and not any(_field_match(p, item.repo) for p in self.repos):
            return False
        if self.authors and not any(_field_match(p, item.author or "") for p in self.authors):
            return False
        if self.words:
            hay = " ".join((item.title, item.repo, item.author or "", item.id)).casefold()
            return all(w in hay for w in self.words)
        return True


def _field_match(pattern: str, value: str) -> bool:
    value = value.casefold()
    if any(ch in pattern for ch in "*?["):
        return fnmatchcase(value, pattern)
    return pattern in value


def parse_kind(text: str) -> Kind | None:
    """A kind from its value, its alias, or an unambiguous prefix of its value."""
    text = text.casefold().replace("-", "_")
    if text in KIND_ALIASES:
        return KIND_ALIASES[text]
    found = [k for k in Kind if k.value == text or k.value.startswith(text)]
    return found[0] if len(found) == 1 else None


def parse_filter(text: str) -> Filter:
    """Parse the filter box; quotes group words (``"build cache"``), an unclosed quote is tolerated."""
    try:
        tokens = shlex.split(text)
    except ValueError:
        tokens = text.replace('"', " ").replace("'", " ").split()
    words: list[str] = []
    repos: list[str] = []
    authors: list[str] = []
    kinds: set[Kind] = set()
    problems: list[str] = []
    mine = new = False
    for token in tokens:
        name, sep, value = token.partition(":")
        name = name.casefold()
        value = value.strip().casefold()
        if sep and name in FIELDS and not value:
            # "repo:" alone would otherwise be a word no item contains, and hide everything.
            problems.append(f"{name}: needs a value (e.g. {FIELDS[name]}); ignored")
        elif sep and name in FIELDS:
            if name == "repo":
                repos.append(value)
            elif name == "author":
                authors.append(value.lstrip("@"))
            elif (kind := parse_kind(value)) is not None:
                kinds.add(kind)
            else:
                problems.append(f"unknown kind {value!r}")
        elif token.casefold() == "mine":
            mine = True
        elif token.casefold() == "new":
            new = True
        elif token.strip():
            words.append(token.casefold())
    return Filter(
        words=tuple(words),
        repos=tuple(repos),
        kinds=frozenset(kinds),
        authors=tuple(authors),
        mine=mine,
        new=new,
        problems=tuple(problems),
    )
