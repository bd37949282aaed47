"""Running every enabled detector over one source's fetched data.

The one place that knows the list of detectors. A detector that raises on one repository (they are
pure and should not, but forge data is a stranger's) loses only that repository's items of that
kind; everything else is still reported.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from gluetui.detect import DetectContext, broken_ci, flaky, stale_docs, unreviewed
from gluetui.model import Item, Kind
from gluetui.records import RepoData, SourceData

log = logging.getLogger(__name__)

Detector = Callable[[RepoData, DetectContext], list[Item]]

#: Every detector, in panel order.
DETECTORS: Sequence[tuple[Kind, Detector]] = (
    (Kind.STALE_DOC, stale_docs.detect),
    (Kind.BROKEN_CI, broken_ci.detect),
    (Kind.UNREVIEWED_PR, unreviewed.detect),
    (Kind.FLAKY_TEST, flaky.detect),
)


def with_viewer(data: SourceData, ctx: DetectContext) -> DetectContext:
    """The context with the forge's idea of the viewer when the config did not name one."""
    if ctx.viewer:
        return ctx
    return replace(ctx, viewer=data.viewer, viewer_teams=ctx.viewer_teams or data.viewer_teams)


def detect_all(data: SourceData, ctx: DetectContext) -> list[Item]:
    """Items of every enabled kind for every repository of the source, highest impact first."""
    ctx = with_viewer(data, ctx)
    kinds = ctx.settings.enabled_kinds()
    found: dict[str, Item] = {}
    for repo_data in data.repos:
        for kind, detector in DETECTORS:
            if kind not in kinds:
                continue
            try:
                items = detector(repo_data, ctx)
            except Exception:  # one odd repository must not cost the others their items
                log.exception("%s detector failed on %s", kind.value, repo_data.repo.full_name)
                continue
            for item in items:
                current = found.get(item.id)
                if current is None or item.impact > current.impact:
                    found[item.id] = item
    return sorted(found.values(), key=lambda i: (-i.impact, i.id))
