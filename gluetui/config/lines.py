"""Where each key of a TOML document sits, so a config error can name its line.

``tomllib`` returns plain values without positions, and pydantic reports a key path such as
``("sources", 0, "kind")``. This scanner walks the text of a document that ``tomllib`` has already
accepted and maps every key path it meets to the line it starts on: table headers ``[a.b]``,
arrays of tables ``[[sources]]`` (numbered in order), dotted keys, inline tables and array
elements. It is best effort: whatever it cannot place is simply missing, and the error then names
the nearest enclosing key that it could place, or no line at all.
"""

from __future__ import annotations

import bisect
import contextlib
import re

KeyPath = tuple[str | int, ...]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(",]}\n#")


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map each key path in ``text`` to its 1-based line; never raises."""
    scanner = _Scanner(text)
    # Best effort by design: a document the scanner misreads still yields what it placed.
    with contextlib.suppress(IndexError, ValueError, RecursionError):
        scanner.document()
    return scanner.lines


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path``, else of its nearest placed ancestor (a missing key's table)."""
    for end in range(len(path), 0, -1):
        found = lines.get(path[:end])
        if found is not None:
            return found
    return None


class _Scanner:
    """A forgiving recursive-descent reader of already valid TOML that only records positions."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.lines: dict[KeyPath, int] = {}
        self._aot: dict[KeyPath, int] = {}
        self._newlines = [n for n, c in enumerate(text) if c == "\n"]

    def line(self) -> int:
        return bisect.bisect_left(self._newlines, self.i) + 1

    def peek(self, ahead: int = 0) -> str:
        j = self.i + ahead
        return self.s[j] if j < len(self.s) else ""

    def record(self, path: KeyPath, line: int) -> None:
        for end in range(1, len(path) + 1):
            self.lines.setdefault(path[:end], line)

    def document(self) -> None:
        prefix: KeyPath = ()
        while True:
            self.skip_blank(newlines=True)
            if self.i >= len(self.s):
                return
            start = self.i
            if self.peek() == "[":
                prefix = self.header()
            else:
                keys = self.key()
                self.record(prefix + keys, self.line())
                self.skip_blank()
                if self.peek() != "=":
                    return
                self.i += 1
                self.skip_blank()
                self.value(prefix + keys)
            if self.i <= start:
                return

    def header(self) -> KeyPath:
        line = self.line()
        array = self.s.startswith("[[", self.i)
        self.i += 2 if array else 1
        self.skip_blank()
        keys = self.key()
        self.skip_blank()
        self.i += 2 if array else 1
        if not array:
            path = self.resolve(keys)
            self.record(path, line)
            return path
        base = self.resolve(keys[:-1]) + keys[-1:]
        index = self._aot.get(base, -1) + 1
        self._aot[base] = index
        self.record((*base, index), line)
        return (*base, index)

    def resolve(self, keys: KeyPath) -> KeyPath:
        """Insert the current index after every key that names an array of tables."""
        out: KeyPath = ()
        for k in keys:
            out += (k,)
            if out in self._aot:
                out += (self._aot[out],)
        return out

    def key(self) -> KeyPath:
        parts: list[str | int] = []
        while True:
            self.skip_blank()
            c = self.peek()
            if c == '"':
                parts.append(self.basic_string())
            elif c == "'":
                end = self.s.index("'", self.i + 1)
                parts.append(self.s[self.i + 1 : end])
                self.i = end + 1
            else:
                start = self.i
                while self.peek() in _BARE:
                    self.i += 1
                if self.i == start:
                    raise ValueError("not a key")
                parts.append(self.s[start : self.i])
            self.skip_blank()
            if self.peek() != ".":
                return tuple(parts)
            self.i += 1

    def basic_string(self) -> str:
        out: list[str] = []
        self.i += 1
        while self.peek() not in ('"', ""):
            if self.peek() == "\\":
                self.i += 1
            out.append(self.peek())
            self.i += 1
        self.i += 1
        return "".join(out)

    def value(self, path: KeyPath) -> None:
        c = self.peek()
        if self.s.startswith('"""', self.i) or self.s.startswith("'''", self.i):
            self.multiline_string(self.s[self.i : self.i + 3])
        elif c == '"':
            self.basic_string()
        elif c == "'":
            self.i = self.s.index("'", self.i + 1) + 1
        elif c == "[":
            self.array(path)
        elif c == "{":
            self.inline_table(path)
        else:
            while self.peek() and self.peek() not in _SCALAR_END:
                self.i += 1

    def multiline_string(self, quote: str) -> None:
        self.i += 3
        while self.i < len(self.s):
            if quote == '"""' and self.peek() == "\\":
                self.i += 2
                continue
            if self.s.startswith(quote, self.i):
                self.i += 3
                while self.peek() == quote[0]:  # up to two quotes may close the content
                    self.i += 1
                return
            self.i += 1

    def array(self, path: KeyPath) -> None:
        self.i += 1
        index = 0
        while True:
            self.skip_blank(newlines=True)
            if self.peek() in ("]", ""):
                self.i += 1
                return
            self.record((*path, index), self.line())
            start = self.i
            self.value((*path, index))
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.i += 1
            elif self.i <= start:
                raise ValueError("stuck in an array")
            index += 1

    def inline_table(self, path: KeyPath) -> None:
        self.i += 1
        while True:
            self.skip_blank(newlines=True)
            if self.peek() in ("}", ""):
                self.i += 1
                return
            keys = self.key()
            self.record(path + keys, self.line())
            self.skip_blank()
            self.i += 1  # the "="
            self.skip_blank()
            self.value(path + keys)
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.i += 1

    def skip_blank(self, *, newlines: bool = False) -> None:
        """Skip spaces and tabs (and, between statements, newlines and comments)."""
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t" or (newlines and c in "\r\n"):
                self.i += 1
            elif c == "#" and newlines:
                end = self.s.find("\n", self.i)
                self.i = len(self.s) if end < 0 else end
            else:
                return


_HEADER = re.compile(r"^\s*\[(\[)?\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY_PART = r"(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')"
_ASSIGN = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=\s*(.*)$")


def key_at(text: str, line: int) -> tuple[KeyPath, str]:
    """The key path assigned on ``line`` (1-based) and the value's text, read line by line.

    For documents ``tomllib`` refused, where the scanner above cannot run: the error names a line,
    and this names the key on it (``capacity.sprint_start``), following ``[table]`` and
    ``[[array]]`` headers above it. Best effort: ``((), "")`` when the line assigns nothing.
    """
    rows = text.splitlines()
    if not 1 <= line <= len(rows):
        return (), ""
    prefix: KeyPath = ()
    counts: dict[KeyPath, int] = {}
    for raw in rows[: line - 1]:
        header = _HEADER.match(raw)
        if header is None:
            continue
        keys = _split_key(header.group(2))
        if header.group(1):
            counts[keys] = counts.get(keys, -1) + 1
            prefix = (*keys, counts[keys])
        else:
            prefix = keys
    assign = _ASSIGN.match(rows[line - 1])
    if assign is None:
        return (), ""
    value = assign.group(2).split("#", 1)[0].strip()
    return prefix + _split_key(assign.group(1)), value


def _split_key(text: str) -> KeyPath:
    return tuple(p.strip().strip("\"'") for p in re.findall(_KEY_PART, text))
