"""Safe templating of automation parameters from an item's facts.

Automations say ``"Fix {title}"`` or ``["notify", "{repo}", "{url}"]``. The renderer is a regex over
``{name}``, not :meth:`str.format`: ``str.format`` evaluates ``{x.__class__}`` and ``{x[0]}``, which
would let a config file (or a value someone pasted into one) reach into Python objects. Here a
placeholder is a bare lower-case name from a fixed list; anything else with a brace is an error,
``{{`` and ``}}`` are literal braces, and values are inserted once, literally — a PR titled
``{url}`` stays the text ``{url}``.

Values are forge text on its way out of gluetui (into a comment, an issue, an argv element, a
``GLUETUI_*`` variable), so they go through :func:`gluetui.textsafe.clean` (one line, no control
or escape sequence) and ``{url}`` through :func:`~gluetui.textsafe.safe_url`. Whether a template
may hand a value to a shell or an interpreter as code is checked with the config
(:mod:`gluetui.config.shellcheck`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from gluetui.errors import ConfigError
from gluetui.model import Item, Kind
from gluetui.textsafe import clean, safe_url

#: Every placeholder an automation may use, and what it means (shown in errors).
PLACEHOLDERS: Mapping[str, str] = {
    "title": "the item's title",
    "url": "the item's web URL",
    "repo": "owner/name (GitLab: group/project)",
    "kind": "the item's kind: " + ", ".join(k.value for k in Kind),
    "id": "the item's stable id",
    "number": "the PR/MR number",
    "branch": "the branch",
    "workflow": "the workflow or pipeline name",
    "job": "the failing or flaky job",
    "file": "the doc file",
    "test": "the flaky test",
    "commit": "the commit SHA",
    "author": "the author",
    "host": "the forge host",
    "source": "the configured source name",
}

# One token at a time: an escaped brace, a placeholder, or any other brace (an error).
_TOKEN = re.compile(r"\{\{|\}\}|\{([a-z_]+)\}|[{}]")


class TemplateError(ConfigError):
    """An automation's template uses a placeholder that does not exist or a stray brace.

    ``reason`` is the problem without the automation's name (``unknown placeholder {filename}``),
    for a config error that names the file, line and key itself.
    """

    def __init__(self, title: str, hint: str = "", *, reason: str = "") -> None:
        super().__init__(title, hint)
        self.reason = reason or title


def item_number(item: Item) -> str:
    """The PR/MR number of an item, from ``where["number"]`` or the id's key (``...#kind/123``)."""
    number = str(item.where.get("number", "")).lstrip("#!")
    if number.isdigit():
        return number
    if item.kind is Kind.UNREVIEWED_PR:
        key = item.id.rsplit("/", 1)[-1].lstrip("#!")
        if key.isdigit():
            return key
    return ""


#: Longest value a placeholder inserts (titles are at most a few hundred characters).
VALUE_MAX = 1000


def item_values(item: Item) -> dict[str, str]:
    """The value of every placeholder for ``item`` ("" when the item has no such fact), inert.

    Each is one line without control characters, escape sequences, bidi overrides or lone
    surrogates (which no request body, argv or environment can carry), so a file named
    ``x<ESC>[201~<LF>touch ~/p`` reaches a program as plain characters; ``{url}`` is ``""``
    unless the item's URL is a valid http(s) URL.
    """
    values = {name: clean(value, VALUE_MAX) for name, value in _values(item).items()}
    values["url"] = safe_url(item.url)
    return values


def _values(item: Item) -> dict[str, str]:
    where = item.where
    return {
        "title": item.title,
        "url": item.url,
        "repo": item.repo,
        "kind": item.kind.value,
        "id": item.id,
        "number": item_number(item),
        "branch": str(where.get("branch", "")),
        "workflow": str(where.get("workflow", "")),
        "job": str(where.get("job", "")),
        "file": str(where.get("file", "")),
        "test": str(where.get("test", "")),
        "commit": str(where.get("commit", "")),
        "author": item.author or "",
        "host": item.host,
        "source": item.source,
    }


def check(template: str, *, automation: str, field: str) -> None:
    """Raise :class:`TemplateError` if ``template`` has an unknown placeholder or a stray brace."""
    render(template, dict.fromkeys(PLACEHOLDERS, ""), automation=automation, field=field)


def render(template: str, values: Mapping[str, str], *, automation: str, field: str) -> str:
    """Replace each ``{name}`` in ``template`` by ``values[name]``, literally and once.

    ``automation`` and ``field`` only name the culprit in the error.
    """
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(template):
        out.append(template[pos : match.start()])
        pos = match.end()
        token = match.group(0)
        name = match.group(1)
        if token in ("{{", "}}"):
            out.append(token[0])
        elif name is not None and name in values:
            out.append(values[name])
        else:
            raise _error(template, match.start(), name, automation=automation, field=field)
    out.append(template[pos:])
    return "".join(out)


def _error(
    template: str, at: int, name: str | None, *, automation: str, field: str
) -> TemplateError:
    known = ", ".join("{" + n + "}" for n in PLACEHOLDERS)
    if name is not None:
        return TemplateError(
            f"Automation '{automation}': unknown placeholder {{{name}}} in {field}.",
            f"Known placeholders: {known}.",
            reason=f"unknown placeholder {{{name}}}",
        )
    snippet = template[at : at + 24]
    return TemplateError(
        f"Automation '{automation}': invalid placeholder near {snippet!r} in {field}.",
        f"A placeholder is a bare name such as {{title}}; write {{{{ or }}}} for a literal brace. "
        f"Known placeholders: {known}.",
        reason=f"invalid placeholder near {snippet!r}",
    )
