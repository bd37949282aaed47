"""Opening a link in a browser, and saying truthfully what happened (``o`` in the dashboard).

Python's :mod:`webbrowser` (which Textual's ``App.open_url`` calls and ignores the answer of) cannot
be taken at its word inside a full-screen terminal program:

- with no display (an SSH session, a container) it finds no browser, or only a *terminal* browser
  (``lynx``, ``w3m``, ``www-browser``...) that would take over the very terminal the dashboard is
  drawn in;
- ``xdg-open`` and ``$BROWSER`` programs inherit the terminal, so their complaints would be
  printed over the dashboard, and a program that fails still counts as "opened".

So the command :mod:`webbrowser` picked is run here with its output discarded and its exit status
watched for a moment: 0 is "opened", another status is "it failed", still running is "asked it to
open" (a browser that stays in the foreground). No browser, or only a terminal one, is said as
such, so the dashboard can offer ``y`` (copy the link) instead. The URL is one argv item, never a
shell string; callers pass only URLs :func:`gluetui.textsafe.safe_url` accepted.
"""

from __future__ import annotations

import os
import subprocess
import webbrowser
from dataclasses import dataclass
from pathlib import Path

#: Browsers that draw in the terminal they are started from: never run under the dashboard.
TERMINAL_BROWSERS = frozenset(
    {"www-browser", "links", "links2", "elinks", "lynx", "w3m", "browsh", "carbonyl"}
)
#: How long a launcher is given to say whether it worked.
WAIT_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class Opened:
    """What happened: ``ok`` and one sentence for the user."""

    ok: bool
    message: str


def _display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _command(controller: webbrowser.BaseBrowser, url: str) -> list[str] | None:
    """The argv a generic controller would run (``$BROWSER``, ``xdg-open``...), or None."""
    if not isinstance(controller, webbrowser.GenericBrowser):
        return None
    args = [arg.replace("%s", url).replace("%action", "") for arg in controller.args]
    if not any(url in arg for arg in args):
        args.append(url)
    return [controller.name, *[a for a in args if a]]


def open_url(url: str, *, wait: float = WAIT_SECONDS) -> Opened:
    """Open ``url`` in the user's browser, if there is one this terminal can use; say how it went.

    Blocking for up to ``wait`` seconds: call it off the UI thread.
    """
    try:
        controller = webbrowser.get()
    except webbrowser.Error:
        where = "" if _display() else " (no graphical display here)"
        return Opened(False, f"No web browser is available{where}.")
    name = Path(getattr(controller, "name", "") or type(controller).__name__).name
    if name in TERMINAL_BROWSERS:
        return Opened(
            False,
            f"The only browser here is {name}, which runs in this terminal and would take over "
            "the dashboard.",
        )
    argv = _command(controller, url)
    if argv is None:  # a platform controller (macOS, Windows, a named GUI browser): its answer
        try:
            ok = controller.open(url, new=2)
        except (OSError, webbrowser.Error) as exc:
            return Opened(False, f"The browser could not be started: {exc}.")
        shown = "the default browser" if name in ("default", "") else name
        return Opened(ok, f"Opened in {shown}." if ok else f"{shown} did not open it.")
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        return Opened(False, f"{name} could not be started: {exc.strerror or exc}.")
    try:
        code = proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        return Opened(True, f"Asked {name} to open it.")
    if code == 0:
        return Opened(True, f"Opened with {name}.")
    return Opened(False, f"{name} could not open it (exit status {code}).")
