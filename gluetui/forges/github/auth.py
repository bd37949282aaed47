"""What GitHub's refusals mean for the token, in words that say what to change.

A 401 means the token itself is wrong; a 403 means the token works but lacks something: a classic
scope, a fine-grained permission, SAML authorisation, or rights on the repository ("Must have
admin rights to Repository"). Each gets a message that names the missing piece, never the token.
"""

from __future__ import annotations

from collections.abc import Callable

from gluetui.config.schema import SourceConfig
from gluetui.errors import AuthError, GluetuiError
from gluetui.forges.http import Reply, server_message


def auth_hint(source: SourceConfig) -> str:
    """How to fix a rejected token, naming where this source takes it from (never the token)."""
    where = (
        f"the environment variable {source.token_env}"
        if source.token_env
        else (
            "the output of token_command"
            if source.token_command
            else "GITHUB_TOKEN (or GH_TOKEN), or set token_env / token_command "
            '(e.g. ["gh", "auth", "token"])'
        )
    )
    return (
        f"Put a valid token in {where}. Create one at https://{source.host}/settings/tokens: "
        f"classic with the repo and read:org scopes, or fine-grained with read access to Actions, "
        f"Contents, Metadata and Pull requests."
    )


#: GitHub's words for "you are who you say, but may not do this here" -> the right it names.
_RIGHTS = {
    "must have admin rights": "admin rights on the repository",
    "must have push access": "push (write) access to the repository",
    "must have write access": "write access to the repository",
}


def classify(source: SourceConfig) -> Callable[[Reply, str], GluetuiError | None]:
    """GitHub's 403s that are about the token (missing scope or permission), as AuthError."""

    def check(reply: Reply, what: str) -> GluetuiError | None:
        if reply.status != 403:
            return None
        accepted = reply.headers.get("x-accepted-oauth-scopes", "")
        granted = {s.strip() for s in reply.headers.get("x-oauth-scopes", "").split(",")}
        needed = [s.strip() for s in accepted.split(",") if s.strip()]
        if needed and not any(s in granted for s in needed):
            return AuthError(
                f"The token for source '{source.name}' lacks the {' or '.join(needed)} scope "
                f"GitHub needs for {what} (403).",
                auth_hint(source),
                status=403,
            )
        text = reply.body[:2000].decode("utf-8", "replace").lower()
        for words, right in _RIGHTS.items():
            if words in text:
                said = server_message(reply.body)
                return AuthError(
                    f"The token for source '{source.name}' lacks {right}, which GitHub needs "
                    f"for {what} (403: {said or words}).",
                    "The token itself is valid: its owner needs that access to the repository "
                    "(ask an admin), or leave the repository out of the source.",
                    status=403,
                )
        if "resource not accessible" in text:
            return AuthError(
                f"The token for source '{source.name}' lacks a permission GitHub needs for {what} "
                "(403).",
                "A fine-grained token needs read access to Actions, Contents, Metadata and Pull "
                "requests (and write access to Actions, Issues and Pull requests for actions).",
                status=403,
            )
        if "saml" in text:
            return AuthError(
                f"GitHub needs the token for source '{source.name}' authorised for SAML SSO "
                f"({what}).",
                f"Authorise the token for the organisation at https://{source.host}/settings/tokens.",
                status=403,
            )
        return None

    return check
