"""Text from a forge is data: strip what a terminal would obey, bound what would flood it.

Everything a stranger can write (PR titles, branch, author, job and test names) passes through
:func:`clean` before it is shown. Rich markup escaping is the UI's job (it uses ``rich.text.Text``),
this module only removes control sequences and invisible formatting characters and truncates.
"""

from __future__ import annotations

import re
import unicodedata

# CSI, OSC (terminated by BEL or ST), DCS/SOS/PM/APC strings, and lone ESC + one char.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (hyperlinks, clipboard writes, titles)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"  # 8-bit OSC
)

#: Bidi overrides/isolates and zero-width characters that can make text read differently than it is.
_INVISIBLE = dict.fromkeys(
    [
        *range(0x202A, 0x202F),  # LRE, RLE, PDF, LRO, RLO
        *range(0x2066, 0x206A),  # LRI, RLI, FSI, PDI
        0x200B,  # zero width space
        0x200C,
        0x200D,
        0x200E,
        0x200F,
        0x2060,  # word joiner
        0xFEFF,  # BOM / zero width no-break space
        0x061C,  # arabic letter mark
    ]
)

DEFAULT_MAX = 300


def clean(text: object, max_len: int = DEFAULT_MAX, *, single_line: bool = True) -> str:
    """Return ``text`` safe to show in a terminal cell.

    Removes escape sequences and C0/C1 control characters (keeping newlines when
    ``single_line`` is False), bidi controls and zero-width characters, replaces lone surrogates,
    and truncates to ``max_len`` characters with an ellipsis.
    """
    s = str(text) if text is not None else ""
    if len(s) > max_len * 4 + 64:
        # Bound the work done on hostile 100k-character strings before the regexes run.
        s = s[: max_len * 4 + 64]
    s = s.encode("utf-8", "replace").decode("utf-8", "replace") if _has_surrogates(s) else s
    s = _ESCAPES.sub("", s)
    s = s.translate(_INVISIBLE)
    out = []
    for ch in s:
        if ch in "\n\t" and not single_line:
            out.append(ch)
        elif ch in "\n\r\t\v\f":
            out.append(" ")
        elif unicodedata.category(ch) == "Cc":
            continue
        else:
            out.append(ch)
    s = "".join(out)
    if single_line:
        s = " ".join(s.split()) if "  " in s else s.strip()
    if len(s) > max_len:
        s = s[: max_len - 1].rstrip() + "…"
    return s


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
