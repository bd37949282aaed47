"""Strings a stranger can put in a PR title, a branch, an author, a job or a test name.

Each one tries to make the terminal, Rich, a shell, a template or a parser obey it. ``CORPUS`` is a
list of ``(label, text)``; the labels make test ids readable.
"""

from __future__ import annotations

ESC = "\x1b"

CORPUS: list[tuple[str, str]] = [
    ("rich-bold", "[bold red]URGENT[/bold red] merge me"),
    ("rich-link", "[link=https://evil.example/x]click[/link] here"),
    ("rich-at-click", "[@click=app.quit]quit[/] or [@click=app.bell]"),
    ("rich-unclosed", "[/] [bold [ ] \\[escaped] [red"),
    ("rich-emoji", ":skull: :warning: [blink]x[/blink]"),
    ("csi-color", f"{ESC}[31mred{ESC}[0m title"),
    ("csi-clear", f"{ESC}[2J{ESC}[H{ESC}[3Jwiped"),
    ("csi-cursor", f"ok{ESC}[1A{ESC}[2Koverwritten"),
    ("csi-8bit", "\x9b31mred via C1\x9b0m"),
    ("osc8-link", f"{ESC}]8;;https://evil.example{ESC}\\innocent{ESC}]8;;{ESC}\\"),
    ("osc8-bel", f"{ESC}]8;;https://evil.example\x07click\x07{ESC}]8;;\x07"),
    ("osc52-clip", f"{ESC}]52;c;cm0gLXJmIH4K\x07copied"),
    ("osc-title", f"{ESC}]0;pwned title\x07after"),
    ("dcs", f"{ESC}Pq#0;2;0;0;0#0~~@@vv@@~~{ESC}\\sixel"),
    ("apc", f"{ESC}_Gf=100;AAAA{ESC}\\kitty image"),
    ("bidi-rlo", "fix \u202eexe.txt\u202c readme"),
    ("bidi-isolates", "a\u2066b\u2067c\u2068d\u2069e"),
    ("zero-width", "re\u200bv\u200ci\u200de\u2060w\ufeff me"),
    ("nul", "null\x00byte\x00title"),
    ("c0-controls", "bell\x07back\x08space\x7fdel\x0bvt\x0cff"),
    ("cr-overwrite", "harmless\rEVIL"),
    ("newlines", "line one\nline two\r\nline three"),
    ("lone-surrogate", "broken \ud800 surrogate \udfff end"),
    ("huge", "A" * 100_000),
    ("huge-escapes", f"{ESC}[31m" * 20_000),
    ("rtl-arabic", "مرحبا بالعالم — إصلاح الاختبار"),
    ("rtl-hebrew", "תיקון בדיקה שבורה"),
    ("emoji-zwj", "👩\u200d💻 fix 🏳️\u200d🌈 ci"),
    ("combining", "Z\u0351\u0352\u0353a\u0354\u0355l\u0356\u0357g\u0358o"),
    ("shell-subst", "$(touch /tmp/gluetui-pwned) `id` ${HOME}"),
    ("shell-meta", "x; rm -rf ~ && echo pwned | sh > /dev/null &"),
    ("argv-option", "--exec=/bin/sh"),
    ("dash", "-rf"),
    ("template", "{title} {url} {0} {__class__} {item.__init__.__globals__}"),
    ("format-spec", "{title!r:>99999999}"),
    ("jinja", "{{ 7*7 }} {% for x in y %}"),
    ("percent", "%s %(title)s %n %x"),
    ("json-breaker", '"}], "items": [{"id": "forged"'),
    ("html", "<script>alert(1)</script><img src=x onerror=alert(1)>"),
    ("sql", "'); DROP TABLE events; --"),
    ("path-traversal", "../../../../etc/passwd"),
    ("backslashes", "C:\\Windows\\System32\\\\?\\"),
    ("only-whitespace", " \t \u3000 \u00a0 "),
    ("empty", ""),
]

#: Strings safe to use as a git ref / URL path segment in fixtures (no slashes or NULs needed).
SHORT = [(label, text) for label, text in CORPUS if len(text) < 1000]


def ids() -> list[str]:
    return [label for label, _ in CORPUS]


def has_control(text: str) -> bool:
    """Whether ``text`` holds anything a terminal would act on (ESC, C0/C1 controls, bidi)."""
    for ch in text:
        code = ord(ch)
        if code < 0x20 and ch not in "\n\t":
            return True
        if code == 0x7F or 0x80 <= code <= 0x9F:
            return True
        if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            return True
    return False
