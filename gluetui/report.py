"""The capacity check and the glue-work ledger: pure functions over what the store remembers.

``gluetui capacity`` answers "can I take more glue work this sprint?" (exit code 9 when
over-committed, so a script or a prompt can react); ``gluetui report`` answers "what glue work did
I do?" in a form ready to paste into a 1:1. Both are computed from (config, decision log, journal,
snapshot, now) only, so they are the same in the UI, the CLI and the tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from gluetui.budget import budget_status
from gluetui.delegate.plan import is_unknown
from gluetui.events import Event, EventAction, effective_events
from gluetui.model import Item, Kind, State
from gluetui.textsafe import cell_width, clean, clean_json, pad, safe_url
from gluetui.triage import apply_triage, triage_states

if TYPE_CHECKING:
    from gluetui.config.schema import Config
    from gluetui.store import JournalEntry

EXIT_OK = 0
#: ``gluetui capacity`` exits with this when committed hours exceed the budget.
EXIT_OVER_COMMITTED = 9

CapacityFormat = Literal["table", "markdown", "json", "toml"]
LedgerFormat = Literal["markdown", "json"]

FORECAST_WEEKS = 4


@dataclass(frozen=True, slots=True)
class Bucket:
    """Items and hours under one name (a kind, a repository)."""

    name: str
    items: int
    hours: float

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "items": self.items, "hours": round(self.hours, 2)}


@dataclass(frozen=True, slots=True)
class CarryOver:
    """An item taken in an earlier sprint and not done yet: its hours count in this one."""

    item_id: str
    title: str
    hours: float
    taken_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "title": self.title,
            "hours": round(self.hours, 2),
            "taken_at": self.taken_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Forecast:
    """Incoming glue work, from when the items in the snapshot started (``Item.since``)."""

    weeks: tuple[Bucket, ...]
    items_per_week: float
    hours_per_week: float
    hours_per_sprint: float

    def to_json(self) -> dict[str, Any]:
        return {
            "weeks": [w.to_json() for w in self.weeks],
            "items_per_week": round(self.items_per_week, 2),
            "hours_per_week": round(self.hours_per_week, 2),
            "hours_per_sprint": round(self.hours_per_sprint, 2),
        }


@dataclass(frozen=True, slots=True)
class CapacityReport:
    """Where the sprint's glue-work budget stands; ``end`` is the first day after the sprint."""

    sprint: str
    start: date
    end: date
    budget_hours: float
    self_hours: float
    oversight_hours: float
    carry_over_hours: float
    carry_over: tuple[CarryOver, ...]
    queued_items: int
    queued_hours: float
    queued_by_kind: tuple[Bucket, ...]
    queued_by_repo: tuple[Bucket, ...]
    forecast: Forecast
    warnings: tuple[str, ...]
    generated_at: datetime

    @property
    def committed_hours(self) -> float:
        return round(self.self_hours + self.oversight_hours + self.carry_over_hours, 2)

    @property
    def remaining_hours(self) -> float:
        return round(self.budget_hours - self.committed_hours, 2)

    @property
    def over(self) -> bool:
        return self.committed_hours > self.budget_hours + 1e-9

    def to_json(self) -> dict[str, Any]:
        """JSON- and TOML-ready (no None anywhere: TOML has no null)."""
        return {
            "sprint": self.sprint,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "generated_at": self.generated_at.isoformat(),
            "budget_hours": round(self.budget_hours, 2),
            "self_hours": round(self.self_hours, 2),
            "oversight_hours": round(self.oversight_hours, 2),
            "carry_over_hours": round(self.carry_over_hours, 2),
            "committed_hours": self.committed_hours,
            "remaining_hours": self.remaining_hours,
            "over_committed": self.over,
            "carry_over": [c.to_json() for c in self.carry_over],
            "queued": {
                "items": self.queued_items,
                "hours": round(self.queued_hours, 2),
                "by_kind": [b.to_json() for b in self.queued_by_kind],
                "by_repo": [b.to_json() for b in self.queued_by_repo],
            },
            "forecast": self.forecast.to_json(),
            "warnings": list(self.warnings),
        }


def _sprint_name(offset: int) -> str:
    return {0: "current", 1: "next", -1: "previous"}.get(offset, f"{offset:+d}")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def estimated_hours(cfg: Config, item: Item) -> float:
    """The item's estimate, or the configured default for its kind when the detector gave none."""
    if item.effort_hours > 0:
        return item.effort_hours
    return float(getattr(cfg.capacity.effort, item.kind.value, 0.0))


def capacity_report(
    cfg: Config,
    events: Iterable[Event],
    items: Sequence[Item],
    now: datetime,
    sprint_offset: int = 0,
) -> CapacityReport:
    """The budget of the sprint containing ``now`` (``sprint_offset`` 1: the next one)."""
    log = list(events)
    status = budget_status(cfg, log, now, sprint_offset)
    # Carried-over items may have left the snapshot; the decision recorded their title.
    titles = {e.item_id: str(e.data["title"]) for e in log if e.data.get("title")}
    titles.update({i.id: i.title for i in items})
    carried = tuple(
        CarryOver(c.item_id, titles.get(c.item_id, c.item_id), c.self_hours, c.at)
        for c in status.carried
    )
    current = apply_triage(items, triage_states(log, now), now)
    queued = [i for i in current if i.state is State.OPEN]
    forecast = _forecast(cfg, items, now)
    report = CapacityReport(
        sprint=_sprint_name(sprint_offset),
        start=status.start,
        end=status.end,
        budget_hours=status.budget_hours,
        self_hours=status.self_hours,
        oversight_hours=status.oversight_hours,
        carry_over_hours=status.carry_over_hours,
        carry_over=carried,
        queued_items=len(queued),
        queued_hours=round(sum(estimated_hours(cfg, i) for i in queued), 2),
        queued_by_kind=_buckets(cfg, queued, lambda i: i.kind.value),
        queued_by_repo=_buckets(cfg, queued, lambda i: i.repo),
        forecast=forecast,
        warnings=(),
        generated_at=now,
    )
    return _with_warnings(report)


def _buckets(cfg: Config, items: Iterable[Item], key: Any) -> tuple[Bucket, ...]:
    counts: dict[str, list[float]] = {}
    for item in items:
        counts.setdefault(str(key(item)), []).append(estimated_hours(cfg, item))
    buckets = [Bucket(name, len(h), round(sum(h), 2)) for name, h in counts.items()]
    return tuple(sorted(buckets, key=lambda b: (-b.hours, -b.items, b.name)))


def _forecast(cfg: Config, items: Iterable[Item], now: datetime) -> Forecast:
    first = now - timedelta(weeks=FORECAST_WEEKS)
    weeks: list[list[float]] = [[] for _ in range(FORECAST_WEEKS)]
    for item in items:
        if first <= item.since < now:
            index = min(FORECAST_WEEKS - 1, int((item.since - first) / timedelta(weeks=1)))
            weeks[index].append(estimated_hours(cfg, item))
    buckets = tuple(
        Bucket((first + timedelta(weeks=n)).date().isoformat(), len(h), round(sum(h), 2))
        for n, h in enumerate(weeks)
    )
    per_week = sum(b.hours for b in buckets) / FORECAST_WEEKS
    return Forecast(
        weeks=buckets,
        items_per_week=sum(b.items for b in buckets) / FORECAST_WEEKS,
        hours_per_week=round(per_week, 2),
        hours_per_sprint=round(per_week * cfg.capacity.sprint_days / 7, 2),
    )


def _with_warnings(report: CapacityReport) -> CapacityReport:
    warnings: list[str] = []
    if report.over:
        carried = (
            f" (incl. {report.carry_over_hours:g} h carried over)"
            if report.carry_over_hours
            else ""
        )
        warnings.append(
            f"Over-committed: {report.committed_hours:g} h committed{carried} against a budget "
            f"of {report.budget_hours:g} h."
        )
    elif report.queued_hours > report.remaining_hours:
        warnings.append(
            f"Queued glue work ({report.queued_hours:g} h) exceeds what is left "
            f"({report.remaining_hours:g} h): delegate, snooze or dismiss some of it."
        )
    if report.forecast.hours_per_sprint > report.budget_hours:
        warnings.append(
            f"Incoming glue work (about {report.forecast.hours_per_sprint:g} h per sprint) outpaces "
            f"the budget ({report.budget_hours:g} h)."
        )
    return CapacityReport(**{**_fields(report), "warnings": tuple(warnings)})


def _fields(report: CapacityReport) -> dict[str, Any]:
    return {name: getattr(report, name) for name in report.__dataclass_fields__}


def capacity_exit_code(report: CapacityReport) -> int:
    """0 within budget, 9 over-committed (``gluetui capacity``)."""
    return EXIT_OVER_COMMITTED if report.over else EXIT_OK


# ---------------------------------------------------------------------------------------------
# Rendering the capacity report


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


def _last_day(report: CapacityReport) -> date:
    return report.end - timedelta(days=1)


def _summary_rows(report: CapacityReport) -> list[tuple[str, str]]:
    return [
        ("Budget", f"{report.budget_hours:g} h"),
        ("Taken on myself", f"{report.self_hours:g} h"),
        ("Oversight of delegated work", f"{report.oversight_hours:g} h"),
        ("Carried over", f"{report.carry_over_hours:g} h"),
        ("Committed", f"{report.committed_hours:g} h"),
        ("Remaining", f"{report.remaining_hours:g} h"),
        ("Queued", f"{report.queued_items} items, {report.queued_hours:g} h"),
        (
            "Incoming (last 4 weeks)",
            f"{report.forecast.items_per_week:g} items, "
            f"{report.forecast.hours_per_week:g} h per week",
        ),
    ]


def _capacity_table(report: CapacityReport) -> str:
    lines = [
        f"Glue-work capacity, {report.sprint} sprint "
        f"{report.start.isoformat()} to {_last_day(report).isoformat()}",
        "",
    ]
    lines += _columns(_summary_rows(report))
    for title, buckets in (
        ("Queued by kind", report.queued_by_kind),
        ("Queued by repository", report.queued_by_repo),
    ):
        if buckets:
            lines += ["", title]
            rows = [(_kind_label(b.name, title), str(b.items), f"{b.hours:g} h") for b in buckets]
            lines += _columns([("NAME", "ITEMS", "HOURS"), *rows])
    if report.carry_over:
        lines += ["", "Carried over"]
        lines += _columns(
            [
                (clean(c.title, 60), f"{c.hours:g} h", c.taken_at.date().isoformat())
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
        f"({report.start.isoformat()} to {_last_day(report).isoformat()})",
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
                f"| {md_cell(_kind_label(b.name, title))} | {b.items} | {b.hours:g} |"
                for b in buckets
            ]
    if report.carry_over:
        out += ["", "### Carried over", "", "| Item | Hours | Taken |", "| --- | --- | --- |"]
        out += [
            f"| {md_cell(c.title)} | {c.hours:g} | {c.taken_at.date().isoformat()} |"
            for c in report.carry_over
        ]
    for warning in report.warnings:
        out += ["", f"> **Warning:** {md_text(warning)}"]
    return "\n".join(out) + "\n"


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


# ---------------------------------------------------------------------------------------------
# The ledger


@dataclass(frozen=True, slots=True)
class WorkLine:
    """An item the user took on: how many hours and whether it is done."""

    item_id: str
    title: str
    repo: str
    kind: str
    url: str
    status: Literal["done", "in progress", "dropped"]
    hours: float
    taken_at: datetime | None
    done_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "title": self.title,
            "repo": self.repo,
            "kind": self.kind,
            "url": self.url,
            "status": self.status,
            "hours": round(self.hours, 2),
            "taken_at": self.taken_at.isoformat() if self.taken_at else None,
            "done_at": self.done_at.isoformat() if self.done_at else None,
        }


@dataclass(frozen=True, slots=True)
class DelegationLine:
    """An item handed to an automation, and how it went according to the journal."""

    item_id: str
    title: str
    repo: str
    kind: str
    url: str
    automation: str
    at: datetime
    outcome: Literal["done", "failed", "unknown", "pending", "not journaled"]
    message: str
    result_url: str
    oversight_hours: float

    def to_json(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "title": self.title,
            "repo": self.repo,
            "kind": self.kind,
            "url": self.url,
            "automation": self.automation,
            "at": self.at.isoformat(),
            "outcome": self.outcome,
            "message": self.message,
            "result_url": self.result_url,
            "oversight_hours": round(self.oversight_hours, 2),
        }


@dataclass(frozen=True, slots=True)
class Ledger:
    """The glue work of a period: what the user did, what they delegated, where the hours went."""

    since: datetime
    until: datetime
    work: tuple[WorkLine, ...]
    delegations: tuple[DelegationLine, ...]
    by_repo: tuple[Bucket, ...]
    by_kind: tuple[Bucket, ...]

    @property
    def hours_done(self) -> float:
        return round(sum(w.hours for w in self.work if w.status == "done"), 2)

    @property
    def hours_in_progress(self) -> float:
        return round(sum(w.hours for w in self.work if w.status == "in progress"), 2)

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "hours_done": self.hours_done,
            "hours_in_progress": self.hours_in_progress,
            "work": [w.to_json() for w in self.work],
            "delegations": [d.to_json() for d in self.delegations],
            "by_repo": [b.to_json() for b in self.by_repo],
            "by_kind": [b.to_json() for b in self.by_kind],
        }


def _facts(
    item_id: str, items: Mapping[str, Item], recorded: Mapping[str, Any] | None = None
) -> tuple[str, str, str, str]:
    """(title, repo, kind, url) from the snapshot, else from what a decision recorded, else the id.

    Items leave the snapshot when they are resolved, which is exactly when they matter here.
    """
    item = items.get(item_id)
    if item is not None:
        return _safe(item.title, item.repo, item.kind.value, item.url)
    # Ids are host/owner/name#kind/key (gluetui.model.make_item_id).
    left, _, right = item_id.partition("#")
    repo = left.split("/", 1)[1] if "/" in left else left
    kind = right.split("/", 1)[0]
    facts = recorded or {}
    return _safe(
        str(facts.get("title") or item_id),
        str(facts.get("repo") or repo),
        str(facts.get("kind") or kind),
        str(facts.get("url") or ""),
    )


def _safe(title: str, repo: str, kind: str, url: str) -> tuple[str, str, str, str]:
    """Forge text in a ledger is pasted into terminals and documents: no controls, bounded, and
    only a valid http(s) URL."""
    return clean(title, 300), clean(repo, 200), clean(kind, 40), safe_url(url)


def _as_datetime(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return _midnight(value)


def ledger(
    cfg: Config,
    events: Iterable[Event],
    journal: Iterable[JournalEntry],
    items: Sequence[Item],
    since: date | datetime,
    now: datetime,
) -> Ledger:
    """What the user took, finished and delegated between ``since`` and ``now``."""
    start = _as_datetime(since)
    snapshot = {i.id: i for i in items}
    by_key = {e.key: e for e in journal}
    work: dict[str, dict[str, Any]] = {}
    delegations: list[DelegationLine] = []
    for e in effective_events(events):
        if e.at > now:
            continue
        current = work.get(e.item_id)
        if e.action is EventAction.TAKEN:
            work[e.item_id] = {
                "taken_at": e.at,
                "hours": e.hours or 0.0,
                "done_at": None,
                "status": "in progress",
                "facts": e.data,
            }
        elif e.action is EventAction.DONE and (current is None or current["status"] != "delegated"):
            line = current or {"taken_at": None, "hours": 0.0, "facts": {}}
            hours = e.hours if e.hours is not None else line["hours"]
            facts = {**line.get("facts", {}), **e.data}
            work[e.item_id] = {
                **line,
                "hours": hours,
                "done_at": e.at,
                "status": "done",
                "facts": facts,
            }
        elif e.action is EventAction.DELEGATED:
            work[e.item_id] = {"status": "delegated"}
            if e.at >= start:
                delegations.append(_delegation(e, by_key, snapshot))
        elif (
            e.action in (EventAction.SNOOZED, EventAction.DISMISSED, EventAction.REOPENED)
            and current is not None
            and current["status"] == "in progress"
        ):
            work[e.item_id] = {**current, "status": "dropped"}
    lines = [
        WorkLine(
            item_id,
            *_facts(item_id, snapshot, w.get("facts")),
            w["status"],
            float(w["hours"]),
            w["taken_at"],
            w["done_at"],
        )
        for item_id, w in work.items()
        if w["status"] != "delegated" and _in_period(w, start, now)
    ]
    lines.sort(key=lambda w: (w.status != "done", w.done_at or w.taken_at or start, w.item_id))
    counted = [w for w in lines if w.status != "dropped"]
    return Ledger(
        since=start,
        until=now,
        work=tuple(lines),
        delegations=tuple(delegations),
        by_repo=_sum_by(counted, lambda w: w.repo),
        by_kind=_sum_by(counted, lambda w: w.kind),
    )


def _in_period(line: Mapping[str, Any], start: datetime, now: datetime) -> bool:
    stamps = [line.get("taken_at"), line.get("done_at")]
    return any(s is not None and start <= s <= now for s in stamps)


def _sum_by(lines: Iterable[WorkLine], key: Any) -> tuple[Bucket, ...]:
    sums: dict[str, list[float]] = {}
    for line in lines:
        sums.setdefault(str(key(line)), []).append(line.hours)
    buckets = [Bucket(name, len(h), round(sum(h), 2)) for name, h in sums.items()]
    return tuple(sorted(buckets, key=lambda b: (-b.hours, b.name)))


def _delegation(
    e: Event, by_key: Mapping[str, JournalEntry], snapshot: Mapping[str, Item]
) -> DelegationLine:
    entry = by_key.get(str(e.data.get("key", "")))
    outcome: Literal["done", "failed", "unknown", "pending", "not journaled"]
    if entry is None:
        outcome, message, url = "not journaled", "", ""
    else:
        # A reply's URL and message came from a forge or a webhook receiver: data, not commands.
        message, url = clean(entry.message, 500), safe_url(entry.url)
        if entry.pending:
            outcome = "pending"
        elif is_unknown(entry):
            outcome = "unknown"
        else:
            outcome = "done" if entry.ok else "failed"
    oversight = e.data.get("oversight_hours", 0.0)
    return DelegationLine(
        e.item_id,
        *_facts(e.item_id, snapshot, e.data),
        automation=e.automation,
        at=e.at,
        outcome=outcome,
        message=message,
        result_url=url,
        oversight_hours=float(oversight) if isinstance(oversight, int | float) else 0.0,
    )


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
    out = [
        f"## Glue work, {report.since.date().isoformat()} to {report.until.date().isoformat()}",
        "",
        f"- Finished myself: {_items(len(done))}, {report.hours_done:g} h",
        f"- In progress: {_items(len(going))}, {report.hours_in_progress:g} h",
        f"- Delegated: {_items(len(report.delegations))} ({ok} went through)",
    ]
    if report.by_repo:
        repos = ", ".join(f"{md_text(b.name)} ({b.hours:g} h)" for b in report.by_repo)
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
                f"| {md_link(w.title, w.url)} | {md_cell(w.repo)} | {_kind_text(w.kind)} | {w.hours:g} | "
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
            out.append(
                f"| {md_link(d.title, d.url)} | {md_cell(d.repo)} | {md_cell(d.automation)} | "
                f"{outcome} | {d.at.date().isoformat()} |"
            )
    if report.by_kind:
        out += ["", "### By kind", "", "| Kind | Items | Hours |", "| --- | --- | --- |"]
        out += [f"| {_kind_text(b.name)} | {b.items} | {b.hours:g} |" for b in report.by_kind]
    return "\n".join(out) + "\n"


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def _kind_text(kind: str) -> str:
    try:
        return Kind(kind).label
    except ValueError:
        return md_cell(kind)
