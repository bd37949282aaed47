"""The capacity check and the glue-work ledger: pure functions over what the store remembers.

``gluetui capacity`` answers "can I take more glue work this sprint?" (exit code 9 when
over-committed, so a script or a prompt can react): :mod:`.capacity`. ``gluetui report`` answers
"what glue work did I do?" in a form ready to paste into a 1:1: :mod:`.ledger`. :mod:`.formats`
writes both out. Everything is computed from (config, decision log, journal, snapshot, now) only,
so it is the same in the UI, the CLI and the tests.
"""

from gluetui.report.capacity import (
    EXIT_OK,
    EXIT_OVER_COMMITTED,
    Bucket,
    CapacityReport,
    CarryOver,
    Forecast,
    capacity_exit_code,
    capacity_report,
    forecast_line,
    stored_capacity_report,
)
from gluetui.report.formats import (
    md_cell,
    md_link,
    md_text,
    parse_markdown_table,
    render_capacity,
    render_ledger,
)
from gluetui.report.ledger import DelegationLine, Ledger, LeftLine, WorkLine, ledger

__all__ = [
    "EXIT_OK",
    "EXIT_OVER_COMMITTED",
    "Bucket",
    "CapacityReport",
    "CarryOver",
    "DelegationLine",
    "Forecast",
    "Ledger",
    "LeftLine",
    "WorkLine",
    "capacity_exit_code",
    "capacity_report",
    "forecast_line",
    "ledger",
    "md_cell",
    "md_link",
    "md_text",
    "parse_markdown_table",
    "render_capacity",
    "render_ledger",
    "stored_capacity_report",
]
