"""How the capacity report and the ledger are written out: a terminal table, Markdown, JSON, TOML.

Every format parses back (JSON and TOML load; Markdown tables split on unescaped pipes with
:func:`parse_markdown_table`), and forge text (titles, repository names) is made inert on the way:
no terminal escapes, no Markdown or HTML, no table breaks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Literal

from gluetui import formatting
from gluetui.model import Kind
from gluetui.report.capacity import CapacityReport, forecast_line
from gluetui.report.ledger import Ledger
from gluetui.textsafe import cell_width, clean, clean_json, pad, safe_url

CapacityFormat = Literal["table", "markdown", "json", "toml"]
LedgerFormat = Literal["markdown", "json"]


def render_capacity(report: CapacityReport, fmt: CapacityFormat | str = "table") -> str:
    """The report as ``table`` (terminal), ``markdown``, ``json`` or ``toml``; each parses back."""
    if fmt == "json":
        return json.dumps(clean_json(report.to_json()), indent=2, ensure_ascii=True) + "\n"
    if fmt == "toml":
        import tomli_w

        return tomli_w.dumps(clean_json(report.to_json()))
    if fmt == "markdown":
        return _capacity_markdown(report)
    if fmt == "table":
        return _capacity_table(report)
    raise ValueError(f"unknown format {fmt!r}; use table, markdown, json or toml")


def _summary_rows(report: CapacityReport) -> list[tuple[str, str]]:
    b = report.budget
    return [
        ("Budget", formatting.hours(b.budget_hours)),
        ("Taken on myself", formatting.hours(b.self_hours)),
        ("Oversight of delegated work", formatting.hours(b.oversight_hours)),
        ("Carried over", formatting.hours(b.carry_over_hours)),
        ("Committed", formatting.hours(b.committed_hours)),
        ("Remaining", formatting.hours(b.remaining_hours)),
        ("Queued", f"{report.queued_items} items, {formatting.hours(report.queued_hours)}"),
        ("Incoming (last 4 weeks)", forecast_line(report.forecast)),
    ]


def _capacity_table(report: CapacityReport) -> str:
    lines = [
        f"Glue-work capacity, {report.sprint} sprint "
        f"{formatting.iso_range(report.start, report.last_day)}",
        "",
    ]
    lines += _columns(_summary_rows(report))
    for title, buckets in (
        ("Queued by kind", report.queued_by_kind),
        ("Queued by repository", report.queued_by_repo),
    ):
        if buckets:
            lines += ["", title]
            rows = [
                (_kind_label(b.name, title), str(b.items), formatting.hours(b.hours))
                for b in buckets
            ]
            lines += _columns([("NAME", "ITEMS", "HOURS"), *rows])
    if report.carry_over:
        lines += ["", "Carried over"]
        lines += _columns(
            [
                (clean(c.title, 60), formatting.hours(c.hours), c.taken_at.date().isoformat())
                for c in report.carry_over
            ]
        )
    for warning in report.warnings:
        lines += ["", f"! {warning}"]
    return "\n".join(lines).rstrip() + "\n"


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    # Cells, not characters: a CJK or emoji title must not push the next columns out of line.
    widths = [max(cell_width(r[c]) for r in rows) for c in range(len(rows[0]))]
    return [
        "  ".join(pad(cell, w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]


def _kind_label(name: str, title: str) -> str:
    if "kind" in title:
        try:
            return Kind(name).label
        except ValueError:
            return clean(name, 60)
    return clean(name, 60)


def _capacity_markdown(report: CapacityReport) -> str:
    out = [
        f"## Glue-work capacity: {report.sprint} sprint "
        f"({formatting.iso_range(report.start, report.last_day)})",
        "",
        "| Metric | Value |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in _summary_rows(report)),
    ]
    for title, buckets in (
        ("Queued by kind", report.queued_by_kind),
        ("Queued by repository", report.queued_by_repo),
    ):
        if buckets:
            out += ["", f"### {title}", "", "| Name | Items | Hours |", "| --- | --- | --- |"]
            out += [
                f"| {md_cell(_kind_label(b.name, title))} | {b.items} | {_num(b.hours)} |"
                for b in buckets
            ]
    if report.carry_over:
        out += ["", "### Carried over", "", "| Item | Hours | Taken |", "| --- | --- | --- |"]
        out += [
            f"| {md_cell(c.title)} | {_num(c.hours)} | {c.taken_at.date().isoformat()} |"
            for c in report.carry_over
        ]
    for warning in report.warnings:
        out += ["", f"> **Warning:** {md_text(warning)}"]
    return "\n".join(out) + "\n"


def _num(hours: float) -> str:
    """Hours in a column headed "Hours": the number only (``2.25``)."""
    return formatting.hours(hours).removesuffix(" h")


def md_text(text: str, limit: int = 300) -> str:
    """Forge text made inert in Markdown: no markup, no HTML, no table breaks."""
    s = clean(text, limit)
    for ch in "\\`*_[]<>|#!~":
        s = s.replace(ch, "\\" + ch)
    return s


def md_cell(text: str, limit: int = 80) -> str:
    return md_text(text, limit) or " "


def md_link(text: str, url: str, limit: int = 80) -> str:
    """``[text](url)`` for a valid http(s) URL (:func:`~gluetui.textsafe.safe_url`) without
    parentheses or brackets; plain text otherwise."""
    label = md_cell(text, limit)
    url = safe_url(url)
    if url and not any(c in url for c in "()[]"):
        return f"[{label}]({url})"
    return label


def parse_markdown_table(text: str, header: str) -> list[list[str]]:
    """The body rows of every Markdown table whose first header cell is ``header`` (tests, scripts)."""
    tables: list[list[list[str]]] = []
    previous_was_row = False
    for line in text.splitlines():
        is_row = line.startswith("|")
        if is_row:
            cells = [c.strip() for c in _CELL_SPLIT.split(line.strip()[1:-1])]
            if not previous_was_row:
                tables.append([])
            tables[-1].append(cells)
        previous_was_row = is_row
    return [row for table in tables if table[0][0] == header for row in table[2:]]


_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def render_ledger(report: Ledger, fmt: LedgerFormat | str = "markdown") -> str:
    """The ledger as ``markdown`` (for a 1:1) or ``json``."""
    if fmt == "json":
        return json.dumps(clean_json(report.to_json()), indent=2, ensure_ascii=True) + "\n"
    if fmt == "markdown":
        return _ledger_markdown(report)
    raise ValueError(f"unknown format {fmt!r}; use markdown or json")


def _ledger_markdown(report: Ledger) -> str:
    done = [w for w in report.work if w.status == "done"]
    going = [w for w in report.work if w.status == "in progress"]
    dropped = [w for w in report.work if w.status == "dropped"]
    ok = sum(1 for d in report.delegations if d.outcome == "done")
    how = [f"{ok} went through"]
    for outcome in ("failed", "unknown", "pending"):
        n = sum(1 for d in report.delegations if d.outcome == outcome)
        if n:
            how.append(f"{n} {outcome}")
    out = [
        f"## Glue work, {report.since.date().isoformat()} to {report.until.date().isoformat()}",
        "",
        f"- Finished myself: {_items(len(done))}, {formatting.hours(report.hours_done)}",
        f"- In progress: {_items(len(going))}, {formatting.hours(report.hours_in_progress)}",
        f"- Delegated: {_items(len(report.delegations))} ({', '.join(how)})",
    ]
    if report.left:
        out.append(f"- Left as suggested: {_items(len(report.left))}")
    if report.by_repo:
        repos = ", ".join(
            f"{md_text(b.name)} ({formatting.hours(b.hours)})" for b in report.by_repo
        )
        out.append(f"- Repositories: {repos}")
    for title, lines in (("Finished", done), ("In progress", going), ("Dropped", dropped)):
        if lines:
            out += [
                "",
                f"### {title}",
                "",
                "| Item | Repo | Kind | Hours | Date |",
                "| --- | --- | --- | --- | --- |",
            ]
            out += [
                f"| {md_link(w.title, w.url)} | {md_cell(w.repo)} | {_kind_text(w.kind)} | {_num(w.hours)} | "
                f"{(w.done_at or w.taken_at or report.since).date().isoformat()} |"
                for w in lines
            ]
    if report.delegations:
        out += [
            "",
            "### Delegated",
            "",
            "| Item | Repo | Automation | Outcome | Date |",
            "| --- | --- | --- | --- | --- |",
        ]
        for d in report.delegations:
            outcome = md_link(d.outcome, d.result_url) if d.result_url else d.outcome
            if d.undone:
                outcome += " (undone locally; the action stays on the forge)"
            out.append(
                f"| {md_link(d.title, d.url)} | {md_cell(d.repo)} | {md_cell(d.automation)} | "
                f"{outcome} | {d.at.date().isoformat()} |"
            )
    if report.left:
        out += ["", "### Left", "", "| Item | Repo | Why | Date |", "| --- | --- | --- | --- |"]
        out += [
            f"| {md_link(line.title, line.url)} | {md_cell(line.repo)} | "
            f"{md_cell(line.reason, 200)} | {line.at.date().isoformat()} |"
            for line in report.left
        ]
    if report.by_kind:
        out += ["", "### By kind", "", "| Kind | Items | Hours |", "| --- | --- | --- |"]
        out += [f"| {_kind_text(b.name)} | {b.items} | {_num(b.hours)} |" for b in report.by_kind]
    return "\n".join(out) + "\n"


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def _kind_text(kind: str) -> str:
    try:
        return Kind(kind).label
    except ValueError:
        return md_cell(kind)
