"""The error types the rest of gluetui catches.

Library exceptions (PyGithub, python-gitlab, httpx, sqlite3, pydantic) are translated into these where
they enter, so the UI and the CLI only ever handle our own types. Every error carries a one-sentence
title and a hint that says what the user can do, and a distinct exit code for the CLI.
"""

from __future__ import annotations

from datetime import datetime


class GluetuiError(Exception):
    """Base of every error a user may see: a title, a hint and an exit code, never a traceback."""

    exit_code = 1

    def __init__(self, title: str, hint: str = "") -> None:
        super().__init__(title)
        self.title = title
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.title} {self.hint}".strip()


class UsageError(GluetuiError):
    """The command line itself is wrong."""

    exit_code = 2


class ConfigError(GluetuiError):
    """The config file is missing, unreadable or invalid."""

    exit_code = 3


class StoreError(GluetuiError):
    """The local SQLite store could not be opened or written."""

    exit_code = 4


class ForgeError(GluetuiError):
    """A forge (GitHub, GitLab) answered with an error or could not be reached."""

    exit_code = 5

    def __init__(self, title: str, hint: str = "", *, status: int | None = None) -> None:
        super().__init__(title, hint)
        self.status = status


class AuthError(ForgeError):
    """The token is missing, wrong, expired or lacks a scope."""

    exit_code = 6


class RateLimited(ForgeError):
    """The forge's rate limit is spent; ``reset_at`` says when it comes back (never slept through)."""

    exit_code = 7

    def __init__(
        self,
        title: str,
        hint: str = "",
        *,
        reset_at: datetime | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(title, hint, status=status)
        self.reset_at = reset_at


class ActionError(GluetuiError):
    """A delegation (forge action, command, webhook) failed."""

    exit_code = 8
