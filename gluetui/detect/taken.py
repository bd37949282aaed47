"""Who else has an item on the forge: its assignees and the glue labels that name a teammate.

The forge is the team's shared state (``assign_on_take`` writes it when you take an item), so
reading it back is how two people running gluetui avoid picking up the same work. Pure: the
records' assignees and labels, the viewer's login and the config's ``taken_labels`` in, the
other people's logins out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gluetui.textsafe import clean

#: What stands for the teammate in a ``taken_labels`` pattern.
LOGIN = "{login}"


def label_login(label: str, patterns: Sequence[str]) -> str:
    """The login a glue label names (``taken-by:@alice`` -> ``alice``), or "" if none does."""
    low = label.strip().lower()
    for pattern in patterns:
        before, _, after = pattern.lower().partition(LOGIN)
        if len(low) <= len(before) + len(after):
            continue
        if low.startswith(before) and low.endswith(after):
            login = label.strip()[len(before) : len(label.strip()) - len(after)].strip()
            return clean(login.lstrip("@"), 100)
    return ""


def others(
    assignees: Iterable[str], labels: Iterable[str], viewer: str, patterns: Sequence[str]
) -> tuple[str, ...]:
    """Logins other than ``viewer`` who have it: assigned first, then named by a label.

    With no known viewer every assignee counts as someone else (better a question too many
    than two people on one broken build).
    """
    me = viewer.strip().lstrip("@").lower()
    found: dict[str, str] = {}
    named = [label_login(lb, patterns) for lb in labels]
    for login in (*assignees, *named):
        login = clean(login.strip().lstrip("@"), 100)
        if login and login.lower() != me:
            found.setdefault(login.lower(), login)
    return tuple(found.values())
