"""The followup query: what the details answer made askable, for a batch, in one round trip.

Once a batch's details are in, two things remain that depend on them: the code history since
each stale-enough doc changed (the paths come from the docs' texts, :mod:`docs`), and what failed
in each run the check suites named (:mod:`jobs`). Both go into one document, so a batch costs
three queries (details, followup, and the whole runs a detector needs with their failed tests,
when there are any) however many repositories it holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gluetui.forges.github import graphql as gql
from gluetui.forges.github.jobs import failures_parts


def followup_query(
    asks: Mapping[str, Sequence[gql.SinceAsk]],
    exists: Mapping[str, Sequence[str]],
    checks: Mapping[str, Sequence[str]],
    *,
    first: int,
) -> tuple[str, dict[str, Any], list[str], list[tuple[str, list[str]]]]:
    """History asks and deep-path checks (``r0``...) beside what failed in runs (``j0``...).

    Returns the document, its variables, the repositories of the ``r`` aliases in order and the
    (repository, run node ids) of the ``j`` aliases in order.
    """
    params, fields, variables, repos = gql.since_parts(asks, exists, first=first)
    more_params, more_fields, more_variables, order = failures_parts(checks)
    doc = (
        f"query Followup({', '.join(params + more_params)}) {{\n"
        + "\n".join(fields + more_fields)
        + "\n}"
    )
    return gql.with_fragments(doc), {**variables, **more_variables}, repos, order
