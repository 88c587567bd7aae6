"""The demo directory of Rivebelle, loaded into an empty database by ``declic demo``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from infra.uow import UnitOfWork
from knowledge.importers import Batch, read_directory
from knowledge.store import ImportSummary, directory_version, import_batch

DEMO_DIRECTORY = Path(__file__).resolve().parent / "directory.yaml"
# The sprint panel and rooms' calendars (``declic sprint import`` format), loaded by declic.demo.
DEMO_SPRINTS = Path(__file__).resolve().parent / "sprints.yaml"


def demo_batch() -> Batch:
    return read_directory(DEMO_DIRECTORY)


async def load_demo_directory(
    uow_factory: Callable[[], UnitOfWork], now: datetime | None = None
) -> ImportSummary | None:
    """Import the demo directory unless a directory was already imported (then None)."""
    async with uow_factory() as uow:
        if await directory_version(uow):
            return None
    return await import_batch(uow_factory, demo_batch(), now or datetime.now(UTC))
