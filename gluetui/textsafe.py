"""Text from a forge is data: the one place that makes it inert before it leaves gluetui.

Everything a stranger can write (PR titles, branches, authors, job, test and *file* names, URLs in
forge and webhook replies) is stored as it came, because gluetui talks back to the forge with the
real value (a doc whose name holds odd characters is fetched by that name; item ids stay stable).
Everything that *leaves* the program goes through this module first:

- :func:`clean` — the screen, reports, templates, argv, ``GLUETUI_*`` variables, messages: no
  escape sequence, no C0/C1 control, no bidi override or other invisible formatting character, no
  line or paragraph separator, no lone surrogate, bounded length;
- :func:`safe_url` — a URL is only shown, copied (``y``), opened (``o``) or printed when it is an
  http(s) URL with a host and nothing a terminal, a browser or a reader could be fooled by;
- :func:`clean_json` — the JSON gluetui prints or sends (``items --json``, reports, a command's
  stdin, webhook bodies): every human-readable string cleaned, every URL validated, ids exact.

Rich markup escaping is the UI's job (it uses ``rich.text.Text``); :func:`cell_width` measures text
the way Rich does, so the headless tables (``gluetui items``, ``capacity``) line up like the UI's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_MAX = 300
#: Longest string kept in JSON output (titles are at most a few hundred characters on a forge).
JSON_MAX = 4000
#: Longest URL shown, copied or opened (browsers and forges stop well before).
URL_MAX = 2048
#: Combining marks kept on one character: enough for any script, not for "Zalgo" text that
#: spills over the rows above and below.
MAX_MARKS = 4

# Complete sequences are removed whole; an unterminated string sequence (OSC, DCS...) loses only
# its introducer, so the text after it stays visible instead of blanking the rest of a title.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI (colours, cursor moves, bracketed paste ESC[200~ / ESC[201~)
    r"|\x1b\][^\x00-\x1f\x7f-\x9f]*(?:\x07|\x1b\\|\x9c)"  # OSC: titles (0), links (8), clipboard (52)
    r"|\x1b[PX^_][^\x00-\x1f\x7f-\x9f]*(?:\x1b\\|\x9c)"  # DCS, SOS, PM, APC strings
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|[\x90\x98\x9d\x9e\x9f][^\x00-\x1f\x7f-\x9f]*(?:\x07|\x9c|\x1b\\)"  # 8-bit OSC/DCS/...
    r"|\x1b[ -/]*[0-~]?"  # any other escape, or the introducer of an unterminated one
)

_ZWJ = "\u200d"
_BLACK_FLAG = "\U0001f3f4"
_CANCEL_TAG = "\U000e007f"
#: Characters that end a line for a reader, whatever the terminal does with them.
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
#: Extended_Pictographic, as ranges (emoji and the symbols emoji sequences are built from).
_PICTOGRAPHIC = (
    (0x00A9, 0x00A9),
    (0x00AE, 0x00AE),
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
    (0x2194, 0x21AA),
    (0x231A, 0x23FF),
    (0x24C2, 0x24C2),
    (0x25AA, 0x27BF),
    (0x2934, 0x2935),
    (0x2B05, 0x2B55),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3299),
    (0x1F000, 0x1FAFF),
    (0x1FC00, 0x1FFFD),
)


def clean(
    text: object, max_len: int = DEFAULT_MAX, *, single_line: bool = True, squeeze: bool = True
) -> str:
    """Return ``text`` safe to show in a terminal cell, paste, or hand to a program.

    Removes escape sequences (complete ones whole), C0/C1 controls, bidi controls, zero-width and
    other invisible format characters (tag characters too, which can smuggle text an AI agent
    reads but a person does not see), variation selectors and emoji skin-tone modifiers (terminals
    disagree about their width, which pushes a table's border out of line), and combining marks
    beyond :data:`MAX_MARKS` per character. A zero-width joiner between two emoji stays (it makes
    one emoji of them), as does a subdivision flag's tag sequence. Line and paragraph separators
    (``\\n``, CR, U+2028, U+2029, NEL...) become spaces, or ``\\n`` when ``single_line`` is False
    (tabs stay then, too). Lone surrogates and code points this Python's Unicode tables do not
    know become U+FFFD. On one line, runs of spaces are squeezed into one and the ends trimmed
    (for cells), unless ``squeeze`` is False (JSON keeps the spacing it was given). The result is
    at most ``max_len`` characters, with an ellipsis when cut, never cut inside an emoji
    sequence.
    """
    s = str(text) if text is not None else ""
    if len(s) > max_len * 4 + 64:
        # Bound the work done on hostile 100k-character strings before the regexes run.
        s = s[: max_len * 4 + 64]
    if not (s.isascii() and s.isprintable()):
        if s.isascii() and not _ASCII_CONTROLS.search(s):
            # Printable ASCII with newlines and tabs only (most docs and descriptions): what
            # _inert would make of it, without walking every character.
            if single_line:
                s = s.replace("\n", " ").replace("\t", " ")
        else:
            s = _inert(encodable(s), single_line)
    if single_line and squeeze:
        s = " ".join(s.split()) if "  " in s or not s.isprintable() else s.strip()
    return _cut(s, max_len)


#: ASCII controls other than tab and newline (escape sequences start with one).
_ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _inert(s: str, single_line: bool) -> str:
    s = _ESCAPES.sub("", s.replace("\r\n", "\n"))
    out: list[str] = []
    marks = 0
    base = ""  # the last character that was not a mark: decides whether a ZWJ joins two emoji
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        i += 1
        if ch in _LINE_BREAKS:
            out.append(" " if single_line else "\n")
            base, marks = " ", 0
            continue
        if ch == "\t":
            out.append(" " if single_line else "\t")
            base, marks = " ", 0
            continue
        if ch == _ZWJ:
            if _pictographic(base) and i < n and _pictographic(s[i]):
                out.append(ch)
            continue
        if ch == _BLACK_FLAG:
            end = _tag_sequence_end(s, i)
            out.append(s[i - 1 : end])
            i, base, marks = end, ch, 0
            continue
        code = ord(ch)
        if _dropped(code):
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            continue
        if category in ("Mn", "Me"):
            if marks < MAX_MARKS:
                out.append(ch)
            marks += 1
            continue
        if category == "Cn":
            # Unassigned here (or a noncharacter, or an emoji newer than this Python's Unicode
            # tables): terminals draw it 0, 1 or 2 cells wide (tmux: 0, Rich: 2), which breaks
            # the table's columns. It shows as U+FFFD, one cell everywhere.
            ch = "\ufffd"
        out.append(ch)
        base, marks = ch, 0
    return "".join(out)


def _dropped(code: int) -> bool:
    """Variation selectors (text/emoji presentation, invisible "variation selector smuggling")
    and skin-tone modifiers: invisible or width-changing in ways terminals do not agree on."""
    return (
        0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0000 <= code <= 0xE007F  # tag characters outside a flag's sequence
    )


def _tag_sequence_end(s: str, start: int) -> int:
    """Where a subdivision flag's tags (``🏴`` + a-z/0-9 tags + cancel tag) end; ``start`` if none."""
    j = start
    while (
        j < len(s)
        and j - start < 6
        and ("\U000e0030" <= s[j] <= "\U000e0039" or "\U000e0061" <= s[j] <= "\U000e007a")
    ):
        j += 1
    if j > start and j < len(s) and s[j] == _CANCEL_TAG:
        return j + 1
    return start


@lru_cache(maxsize=1024)
def _pictographic(ch: str) -> bool:
    if not ch:
        return False
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _PICTOGRAPHIC)


def _cut(s: str, max_len: int) -> str:
    if len(s) <= max_len:
        return s
    cut = max(0, max_len - 1)
    # Never split an emoji sequence or a character from its marks: that would leave a dangling
    # joiner (which Rich counts as joining the ellipsis) or half a flag.
    while cut > 0 and (_continues(s[cut]) or s[cut - 1] == _ZWJ):
        cut -= 1
    return s[:cut].rstrip() + "…"


def _continues(ch: str) -> bool:
    return (
        ch == _ZWJ or "\U000e0000" <= ch <= "\U000e007f" or unicodedata.category(ch) in ("Mn", "Me")
    )


# ---------------------------------------------------------------------------------------------
# URLs

#: Never raw in a URL (RFC 3986), and each breaks out of a Markdown link, HTML or a shell word.
_NOT_IN_URLS = frozenset('\\"<>`')
_HOST = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", re.I
)


def safe_url(url: object) -> str:
    """``url`` if it can be shown, copied or opened as it is; ``""`` otherwise.

    Accepted: ``http``/``https`` with a host name or IP address, no user name or password (which
    make ``https://github.com@evil.example/`` read as github.com), no backslash (browsers read it
    as ``/``), no quote or angle bracket, no whitespace, no control, format or separator
    character anywhere, at most :data:`URL_MAX` characters. A host written in another script comes back in its ASCII
    (punycode) form, so a look-alike of ``github.com`` does not read as github.com.
    """
    s = str(url) if url is not None else ""
    if not s or len(s) > URL_MAX or any(ch in _NOT_IN_URLS for ch in s):
        return ""
    if any(ch.isspace() or unicodedata.category(ch)[0] in "CZ" for ch in s):
        return ""
    try:
        parts = urlsplit(s)
        port = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or "@" in parts.netloc:
        return ""
    host = parts.hostname or ""
    if not host:
        return ""
    if host.startswith("[") or ":" in host:
        return s if _is_ipv6(host) else ""
    ascii_host = _ascii_host(host)
    if not ascii_host:
        return ""
    if ascii_host == host.lower() and parts.netloc.lower().startswith(host):
        return s
    netloc = ascii_host + (f":{port}" if port is not None else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _ascii_host(host: str) -> str:
    host = host.rstrip(".").lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return ""
    return host if _HOST.match(host) else ""


def _is_ipv6(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.IPv6Address(host.strip("[]"))
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# JSON output

#: Keys whose values are machine keys, printed exactly (``ensure_ascii`` makes them inert).
EXACT_KEYS = frozenset({"id", "item_id", "idempotency_key", "fingerprint"})


def clean_json(value: Any, *, exact: Collection[str] = EXACT_KEYS, key: str = "") -> Any:
    """``value`` (parsed JSON) with every human-readable string cleaned and every URL validated.

    A string under a key named ``url`` or ``*_url`` goes through :func:`safe_url` (an invalid one
    becomes ``""``); one under a key in ``exact`` (ids) stays exact (bar a lone surrogate, which
    no encoding can carry) — print it with ``ensure_ascii=True`` so that no character of it
    reaches a terminal raw; every other string, mapping keys included, goes through
    :func:`clean` (one line, spacing kept).
    """
    if isinstance(value, str):
        if key in exact:
            return encodable(value)
        if key == "url" or key.endswith("_url"):
            return safe_url(value)
        return clean(value, JSON_MAX, squeeze=False)
    if isinstance(value, Mapping):
        return {
            (k if k in exact else clean(k, JSON_MAX, squeeze=False)): clean_json(
                v, exact=exact, key=str(k)
            )
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [clean_json(v, exact=exact, key=key) for v in value]
    return value


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PORT = r"(?::(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|\d{1,4}))?"
#: A URL value that safe_url might change: anything but "" or a plain http(s) URL (ASCII host
#: name, no user info, a port in range), found with one search per row.
_UNPLAIN_URL = re.compile(  # a literal first: the regex engine skips ahead to each "url"
    rf'url":"(?!"|https?://(?:{_LABEL}\.)*{_LABEL}{_PORT}(?:[/?#][^"<>` ]*)?")'
)


def plain_json(text: str, limit: int | None = JSON_MAX) -> bool:
    """Whether the compact JSON ``text`` is certainly unchanged by :func:`clean_json`: printable
    ASCII without any escape, no string longer than :data:`JSON_MAX`, and no URL
    :func:`safe_url` would change. Cheap (about 1.4 µs for a stored item): ``items --json`` asks
    it of every stored row, and parses and cleans only the rows it cannot vouch for. ``limit``
    None leaves the length to the caller (rows checked together, each measured on its own).
    """
    if (limit is not None and len(text) > limit) or "\\" in text:
        return False
    try:
        data = text.encode("ascii")
    except UnicodeEncodeError:
        return False
    if data.translate(None, _PRINTABLE_ASCII):
        return False  # a control character or DEL
    return _UNPLAIN_URL.search(text) is None


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


# ---------------------------------------------------------------------------------------------
# Width


@lru_cache(maxsize=4096)
def _char_width(ch: str) -> int:
    code = ord(ch)
    if code < 0x20 or 0x7F <= code < 0xA0 or 0x1160 <= code <= 0x11FF:
        return 0
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Cf", "Zl", "Zp") or 0x1F3FB <= code <= 0x1F3FF:
        return 0
    if category == "Cn":
        return 1  # clean() shows it as U+FFFD
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes, counted as Rich counts them (``rich.cells.cell_len``).

    East Asian wide and full-width characters take two cells, marks and format characters none,
    and a zero-width joiner makes the emoji after it part of the one before. On text that went
    through :func:`clean` this agrees with terminals that join emoji sequences (tmux, kitty,
    WezTerm, iTerm2, Windows Terminal); a terminal that draws each emoji of a sequence apart shows
    such a row two cells wider.
    """
    if text.isascii() and text.isprintable():
        return len(text)
    width = 0
    joined = False
    for ch in text:
        if joined:
            joined = False
            continue
        if ch == _ZWJ:
            joined = True
            continue
        width += _char_width(ch)
    return width


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` cells (by :func:`cell_width`, not ``len``)."""
    return text + " " * max(0, width - cell_width(text))


# ---------------------------------------------------------------------------------------------
# Encoding


def encodable(text: str) -> str:
    """``text`` as UTF-8 can carry it: a lone surrogate (valid in a Python str, not in UTF-8, and
    forge JSON may carry ``"\\ud800"`` escapes) becomes U+FFFD; surrogate pairs are joined into the
    character they stand for. Everything that writes forge text out (store, argv, request bodies)
    goes through here rather than failing on one bad branch name."""
    if not _has_surrogates(text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _has_surrogates(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
