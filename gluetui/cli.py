"""The ``gluetui`` command line.

Every command builds what it needs through :mod:`gluetui.factory`. User errors print one clear
sentence plus what to do, with a distinct exit code (see :mod:`gluetui.errors`) — never a traceback.
``gluetui items`` on the stored snapshot imports neither Textual nor the config schema, so it
answers as fast as Python starts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from gluetui import __version__, paths
from gluetui.errors import ConfigError, GluetuiError, UsageError
from gluetui.model import Item, Kind, State

if TYPE_CHECKING:
    from gluetui.factory import Runtime
    from gluetui.store import Store
    from gluetui.sync import SyncReport

EXIT_INTERRUPTED = 130

KIND_CHOICES = [k.value for k in Kind]


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of exiting, so main() owns every exit."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}.", f"See `{self.prog} --help`.")


_CONFIG_HELP = "config file (default: see `config path`)"


def _add_config_option(parser: argparse.ArgumentParser) -> None:
    """``--config`` after a subcommand too (``gluetui items --config FILE``); SUPPRESS keeps a
    ``--config`` given before the subcommand when none is given after it."""
    parser.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help=_CONFIG_HELP)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gluetui",
        description="A terminal dashboard for triaging glue work from GitHub and GitLab.",
    )
    parser.add_argument("--version", action="version", version=f"gluetui {__version__}")
    parser.add_argument("--config", metavar="PATH", help=_CONFIG_HELP)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    parser.set_defaults(config=None)

    dashboard = sub.add_parser("dashboard", help="open the dashboard (the default)")
    dashboard.add_argument(
        "--demo", action="store_true", help="on the embedded demo organisation (as `gluetui demo`)"
    )
    sub.add_parser("demo", help="open the dashboard on the embedded demo organisation")

    items = sub.add_parser("items", help="list glue-work items")
    items.add_argument("--kind", choices=KIND_CHOICES, action="append", help="only this kind")
    items.add_argument("--json", action="store_true", help='print {"items": [...]} as JSON')
    items.add_argument("--demo", action="store_true", help="use the embedded demo organisation")
    items.add_argument("--refresh", action="store_true", help="refresh every source first")
    items.add_argument(
        "--all", action="store_true", help="include snoozed, dismissed and done items"
    )

    capacity = sub.add_parser(
        "capacity", help="the sprint's glue-work budget: committed, remaining, queued"
    )
    capacity.add_argument(
        "--sprint", choices=["current", "next"], default="current", help="which sprint"
    )
    capacity.add_argument(
        "--format", choices=["table", "markdown", "json", "toml"], default="table"
    )
    capacity.add_argument("--demo", action="store_true", help="use the embedded demo organisation")
    capacity.add_argument("--refresh", action="store_true", help="refresh every source first")

    report = sub.add_parser("report", help="the glue-work ledger: what you took, did and delegated")
    report.add_argument(
        "--since",
        default="30d",
        metavar="DATE",
        help="YYYY-MM-DD, or a span back from today such as 14d or 2w (default: 30d)",
    )
    report.add_argument("--format", choices=["markdown", "json"], default="markdown")
    report.add_argument("--demo", action="store_true", help="use the embedded demo organisation")
    report.add_argument("--refresh", action="store_true", help="refresh every source first")

    plan = sub.add_parser(
        "plan", help="the morning plan: what the suggestions would delegate, take and leave"
    )
    plan.add_argument("--format", choices=["table", "markdown", "json"], default="table")
    plan.add_argument("--demo", action="store_true", help="use the embedded demo organisation")
    plan.add_argument("--refresh", action="store_true", help="refresh every source first")

    config = sub.add_parser("config", help="check the config or show where it is")
    config_sub = config.add_subparsers(dest="config_command", parser_class=_Parser, required=True)
    check = config_sub.add_parser("check", help="validate a config file")
    check.add_argument("path", nargs="?", help="file to check (default: the one in use)")
    config_sub.add_parser("path", help="print where the config is looked for")

    init = sub.add_parser("init", help="write a starter config")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.add_argument("--path", help="where to write it (default: the config path)")
    for leaf in (*sub.choices.values(), *config_sub.choices.values()):
        _add_config_option(leaf)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return _dispatch(args)
    except GluetuiError as exc:
        _print_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _print_error(exc: GluetuiError, stream: TextIO | None = None) -> None:
    from gluetui.textsafe import clean

    def shown(line: str) -> str:
        # An error may quote forge text or a config value: the last exit before the terminal.
        return clean(line, 4000, squeeze=False)

    stream = stream or sys.stderr
    problems: list[str] = list(getattr(exc, "problems", []) or [])
    print(f"gluetui: {shown(exc.title)}", file=stream)
    for line in problems[1:] if problems and problems[0] in exc.title else problems:
        print(f"  {shown(line)}", file=stream)
    if exc.hint:
        print(f"  {shown(exc.hint)}", file=stream)


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command or "dashboard"
    if args.config and command != "init" and getattr(args, "config_command", "") != "path":
        _require_config(Path(args.config).expanduser())
    if command == "items":
        return _items(args)
    if command == "config":
        return _config(args)
    if command in ("capacity", "report"):
        return _planning(args)
    if command == "plan":
        return _plan(args)
    if command == "init":
        return _init(args)
    if command == "demo" or getattr(args, "demo", False):
        return _dashboard(args, demo=True)
    return _dashboard(args, demo=False)


def _require_config(path: Path) -> None:
    """A ``--config`` the user named must exist: silently using no config (or the stored items of
    another) would answer a question they did not ask."""
    if not path.is_file():
        what = "is a directory, not a config file" if path.is_dir() else "does not exist"
        raise ConfigError(
            f"--config {path} {what}.",
            "Check the path, or run `gluetui init --path PATH` to write a config there.",
        )


def _dashboard(args: argparse.Namespace, *, demo: bool) -> int:
    from gluetui.factory import build_runtime

    if not demo and not paths.config_path(args.config).exists():
        raise ConfigError(
            f"No config at {paths.config_path(args.config)}.",
            "Run `gluetui init` to write one, or `gluetui demo` to try the demo organisation.",
        )
    rt = build_runtime(args.config, demo=demo)
    try:
        from gluetui.ui.app import make_app

        make_app(rt).run()
    finally:
        rt.close()
    return 0


def _items(args: argparse.Namespace) -> int:
    from gluetui import items_json

    kinds = {Kind(k) for k in args.kind} if args.kind else set(Kind)
    code = 0
    if args.json and not (args.demo or args.refresh):
        items_json.write(_stored_json({k.value for k in kinds}, args.all), sys.stdout)
        return 0
    if args.demo or args.refresh:
        items, code, failed = _refreshed_items(args)
    else:
        items, failed = _stored_items()
    shown = [i for i in items if i.kind in kinds and (args.all or i.state is State.OPEN)]
    shown.sort(key=lambda i: (-i.impact, i.id))
    if args.json:
        items_json.write((items_json.item_line(i.to_json()) for i in shown), sys.stdout)
    elif shown:
        _print_table(shown, datetime.now(UTC))
    else:
        print(_nothing_found(failed, refreshed=args.demo or args.refresh))
    return code


def _nothing_found(failed: Sequence[tuple[str, str]], *, refreshed: bool) -> str:
    """What an empty list says: "No glue work found." only when every source refreshed fine;
    a failed refresh (no token, no network) is named instead of passing for "nothing to do"."""
    from gluetui.textsafe import clean

    if not failed:
        return "No glue work found."
    names = ", ".join(clean(name, 40) for name, _ in failed)
    if refreshed:
        return (
            f"No items to show: the refresh of {names} failed (see above) and nothing was "
            "stored from it before."
        )
    why = clean(failed[0][1], 200).rstrip(".")
    return (
        f"No items to show: the last refresh of {names} failed"
        f"{f' ({why})' if why else ''}. Fix it, then run `gluetui items --refresh`."
    )


def _failed_sources(store: Store) -> list[tuple[str, str]]:
    """(source, error) of each source whose latest refresh failed."""
    return [(name, run.error) for name, run in store.last_syncs().items() if run.ok is False]


def _stored_json(kinds: set[str], include_hidden: bool) -> list[str]:
    """The lines ``_stored_items`` + ``to_json`` would give, without parsing undecided rows."""
    from gluetui import items_json
    from gluetui.budget import SprintBudget, sprint_budget
    from gluetui.store import Store
    from gluetui.triage import apply_triage, triage_states

    path = _snapshot_path()
    now = datetime.now(UTC)
    with Store.open(path) as store:
        _warn_recovered(store)
        rows = items_json.stored_rows(store)
        events = store.events()
        states = triage_states(events, now)
        sprint = SprintBudget.from_text(store.get_setting(SprintBudget.SETTING))
    remaining = None if sprint is None else sprint_budget(sprint, events, now).remaining_hours
    return items_json.select(
        rows,
        kinds,
        include_hidden,
        states,
        lambda i: apply_triage([i], states, now)[0].state,
        remaining,
    )


def _warn_recovered(store: Store) -> None:
    """Say so when the store was damaged and rebuilt: the old file is kept, not silently lost."""
    if store.recovered_from is not None:
        print(
            f"gluetui: the store was damaged; it was moved aside to {store.recovered_from} and a"
            " fresh one was built. Refresh to fill it (`gluetui items --refresh`); decisions made"
            " before are in the moved file.",
            file=sys.stderr,
        )


def _snapshot_path() -> Path:
    path = paths.store_path()
    if not path.exists():
        raise GluetuiError(
            f"No stored snapshot yet at {path}.",
            "Open the dashboard once, or run `gluetui items --refresh` (or --demo).",
        )
    return path


def _stored_items() -> tuple[list[Item], list[tuple[str, str]]]:
    """The stored snapshot with triage and the budget applied — no config, no forge, no Textual —
    and the sources whose last refresh failed."""
    from gluetui.budget import SprintBudget, apply_budget, sprint_budget
    from gluetui.store import Store
    from gluetui.triage import apply_triage, triage_states

    path = _snapshot_path()
    now = datetime.now(UTC)
    with Store.open(path) as store:
        _warn_recovered(store)
        events = store.events()
        items = apply_triage(store.load_items(), triage_states(events, now), now)
        sprint = SprintBudget.from_text(store.get_setting(SprintBudget.SETTING))
        failed = _failed_sources(store)
    if sprint is None:
        return items, failed
    return apply_budget(items, sprint_budget(sprint, events, now).remaining_hours), failed


def _refreshed_items(
    args: argparse.Namespace,
) -> tuple[list[Item], int, list[tuple[str, str]]]:
    """Refresh every source, then the items (a failed source keeps its last good items).

    The exit code is the first failed source's (5 forge, 6 token, 7 rate limited), so a script
    notices a partial refresh while still getting every item that could be had. Also the sources
    that failed.
    """
    from gluetui.factory import build_runtime
    from gluetui.sync import suggested_items

    rt = build_runtime(args.config, demo=args.demo)
    try:
        _warn_recovered(rt.store)
        code = _refresh_all(rt)
        return suggested_items(rt), code, _failed_sources(rt.store)
    finally:
        _close(rt)


def _refresh_all(rt: Runtime) -> int:
    """Refresh every source; print what failed to stderr; return the first failure's exit code.

    A failed source gets one line (its error and hint). A source that refreshed in part gets one
    line per repository or owner that did not (what and why) and one line saying how much that
    is; its exit code is the forge's (5, or 7 when it stopped at a rate limit), never 0.
    """
    from gluetui.sync import sync_all

    async def refresh() -> list[SyncReport]:
        # One event loop for the refresh and the closing of its connections: closing kept-alive
        # httpx connections from a second loop fails with "Event loop is closed".
        try:
            return await sync_all(rt, _waiting_notice())
        finally:
            await _aclose_forges(rt)

    import asyncio  # only here: `items --json` from the store starts without it (~25 ms)

    return _report_syncs(asyncio.run(refresh()))


def _report_syncs(reports: Sequence[SyncReport]) -> int:
    code = 0
    for report in reports:
        if not report.ok:
            _print_sync_error(report.error_title, report.error_hint)
            code = code or report.exit_code
            continue
        if not report.repo_errors:
            continue
        for line in report.failure_lines():
            print(f"gluetui: {line}", file=sys.stderr)
        until = (
            f" The next refresh after {report.paused_until.astimezone():%H:%M} continues;"
            " nothing read so far is read again."
            if report.paused_until is not None
            else ""
        )
        print(
            f"gluetui: {report.source}: refreshed in part ({report.summary()}); the last items "
            f"of what failed are kept, marked stale.{until}",
            file=sys.stderr,
        )
        code = code or report.exit_code
    return code


def _print_sync_error(title: str, hint: str) -> None:
    from gluetui.textsafe import clean

    print(f"gluetui: {clean(f'{title} {hint}', 4000, squeeze=False)}".rstrip(), file=sys.stderr)


def _waiting_notice() -> Callable[[int, int, str], None]:
    """Progress for a terminal: silent, but for a wait on a rate limit (said once per wait)."""
    said: set[str] = set()

    def progress(done: int, total: int, what: str) -> None:
        if what.startswith("waiting") and what not in said:
            said.add(what)
            print(f"gluetui: {what} ({done:,} of {total:,} read)", file=sys.stderr)

    return progress


def _planning(args: argparse.Namespace) -> int:
    """`capacity` and `report`: the budget and the ledger, from the store (or a demo run)."""
    from gluetui import report
    from gluetui.factory import build_runtime
    from gluetui.sync import current_items

    since = _since(args.since) if args.command == "report" else None
    rt = build_runtime(args.config, demo=args.demo)
    try:
        refresh_code = 0
        if args.demo or args.refresh:
            refresh_code = _refresh_all(rt)
        if args.demo:
            from gluetui.demo_history import seed_history

            seed_history(rt.store, rt.config, current_items(rt), rt.clock())
        items = rt.store.load_items()
        now = rt.clock()
        if args.command == "capacity":
            offset = 1 if args.sprint == "next" else 0
            cap = report.stored_capacity_report(rt.config, rt.store, items, now, offset)
            sys.stdout.write(report.render_capacity(cap, args.format))
            return refresh_code or report.capacity_exit_code(cap)
        assert since is not None
        led = report.ledger(rt.config, rt.store.events(), rt.store.journal(), items, since, now)
        sys.stdout.write(report.render_ledger(led, args.format))
        return refresh_code
    finally:
        _close(rt)


def _plan(args: argparse.Namespace) -> int:
    """`plan`: every open item's suggested route and the budget after them; nothing is done.

    With ``--demo`` the demo organisation is planned as the dashboard shows it (`gluetui demo`),
    without the sample history `capacity --demo` adds.
    """
    from gluetui.factory import build_runtime
    from gluetui.report.plan import morning_plan, render_plan
    from gluetui.sync import current_items

    rt = build_runtime(args.config, demo=args.demo)
    code = 0
    try:
        _warn_recovered(rt.store)
        if args.demo or args.refresh:
            code = _refresh_all(rt)  # a partial refresh says so too
        plan = morning_plan(rt.config, rt.store.events(), current_items(rt), rt.clock())
        sys.stdout.write(render_plan(plan, args.format))
        return code
    finally:
        _close(rt)


def _since(text: str) -> datetime:
    """``--since``: a date, or a span back from now (``14d``, ``2w``)."""
    from datetime import date, timedelta

    value = text.strip().lower()
    units = {"d": 1, "w": 7}
    if value[-1:] in units and value[:-1].isdigit():
        return datetime.now(UTC) - timedelta(days=int(value[:-1]) * units[value[-1]])
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"--since {text!r} is neither a date nor a span.",
            "Use a date such as 2026-11-01, or a span back from today such as 14d or 2w.",
        ) from None
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


async def _aclose_forges(rt: Runtime) -> None:
    for forge in rt.forges:
        await forge.aclose()


def _close(rt: Runtime) -> None:
    import asyncio

    asyncio.run(_aclose_forges(rt))
    rt.close()


def _print_table(items: Sequence[Item], now: datetime) -> None:
    from gluetui import formatting
    from gluetui.textsafe import cell_width, clean, pad

    rows = [
        (
            i.kind.value,
            clean(i.repo, 30),
            clean(i.title, 70),
            # The dashboard's own ages and hours (one formatting module for both).
            formatting.age(i.since, now),
            formatting.hours_cell(i.effort_hours),
            i.state.value,
            _route_cell(i),
        )
        for i in items
    ]
    header = ("KIND", "REPO", "TITLE", "AGE", "EFFORT", "STATE", "SUGGESTED")
    # Cells, not characters: a CJK or emoji title must not push the next columns out of line.
    widths = [max(cell_width(r[c]) for r in [header, *rows]) for c in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _route_cell(item: Item) -> str:
    """``delegate: rerun-failed``, ``take``, ``leave``; "" before the first refresh with routes."""
    s = item.suggestion
    if s is None:
        return ""
    return f"{s.route.value}: {s.automation}" if s.automation else s.route.value


def _config(args: argparse.Namespace) -> int:
    if args.config_command == "path":
        for i, (why, path) in enumerate(paths.config_candidates(args.config)):
            marker = "*" if i == 0 else " "
            state = "exists" if path.exists() else "missing"
            print(f"{marker} {path}  ({why}, {state})")
        print(f"  store: {paths.store_path()}")
        return 0
    from gluetui.config.lines import key_lines, line_of
    from gluetui.config.loader import ConfigInvalid, Problem, config_warnings, load_config
    from gluetui.config.problems import dotted
    from gluetui.delegate.plan import template_problems

    path = Path(args.path) if args.path else paths.config_path(args.config)
    cfg = load_config(path)
    found = [p for name, a in cfg.automations.items() for p in template_problems(name, a)]
    if found:
        lines = key_lines(path.read_text(encoding="utf-8-sig"))
        raise ConfigInvalid([Problem(str(path), line_of(lines, k), dotted(k), m) for k, m in found])
    for warning in config_warnings(cfg):
        print(f"{path}: warning: {warning}", file=sys.stderr)
    print(
        f"{path}: OK — {len(cfg.sources)} source(s), {len(cfg.automations)} automation(s), "
        f"{cfg.capacity.hours_per_sprint:g} h per {cfg.capacity.sprint_days}-day sprint."
    )
    return 0


def _init(args: argparse.Namespace) -> int:
    from gluetui.config.starter import ASSIGN_ME, starter_config, write_config
    from gluetui.forges.registry import LOGIN_PROBES

    path = Path(args.path) if args.path else paths.config_path(args.config)
    data = starter_config(logins=LOGIN_PROBES)
    written = write_config(path, data, force=args.force)
    me = data.get("automations", {}).get(ASSIGN_ME)
    if me is not None:
        print(f"Signed in as {me['assignees'][0]} ({me['kind'].split('.')[0]}).")
    print(f"Wrote {written}. Edit it, then run `gluetui config check` and `gluetui`.")
    return 0
