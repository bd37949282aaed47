"""Running the demo organisation through the real detectors, as a refresh would."""

from __future__ import annotations

from datetime import UTC, datetime

from gluetui.config.loader import is_accountable
from gluetui.detect import DetectContext
from gluetui.detect.run import detect_all
from gluetui.forges.demo.forge import DemoForge, demo_config
from gluetui.model import Item
from gluetui.records import SourceData

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def context(forge: DemoForge, data: SourceData, now: datetime = NOW) -> DetectContext:
    cfg = demo_config()
    return DetectContext(
        now=now,
        source=forge.name,
        host=forge.host,
        settings=cfg.detectors,
        capacity=cfg.capacity,
        accountable=frozenset(
            r.repo.full_name
            for r in data.repos
            if is_accountable(cfg, forge.host, r.repo.full_name)
        ),
        automations=cfg.automations,
    )


async def items_of(forge: DemoForge, now: datetime = NOW) -> list[Item]:
    data = await forge.fetch(now)
    return detect_all(data, context(forge, data, now))
