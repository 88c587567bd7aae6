"""The demo directory of Rivebelle, loaded into an empty database by ``declic demo``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from infra.uow import UnitOfWork
from knowledge.city import city_version, import_city_file
from knowledge.importers import Batch, read_directory
from knowledge.store import ImportSummary, directory_version, import_batch
from knowledge.territory import Gazetteer, load_gazetteer

DEMO_DIRECTORY = Path(__file__).resolve().parent / "directory.yaml"
DEMO_TERRITORIES = Path(__file__).resolve().parent / "territories.yaml"
# The sprint panel and rooms' calendars (``declic sprint import`` format), loaded by declic.demo.
DEMO_SPRINTS = Path(__file__).resolve().parent / "sprints.yaml"


def demo_batch() -> Batch:
    return read_directory(DEMO_DIRECTORY, demo_city())


def demo_city() -> Gazetteer:
    """The demo town's territories, as `declic demo` imports them."""
    return load_gazetteer(DEMO_TERRITORIES)


async def load_demo_city(uow_factory: Callable[[], UnitOfWork], now: datetime) -> bool:
    """Import the demo town's territories into a database without a city (else False)."""
    async with uow_factory() as uow:
        if await city_version(uow):
            return False
        result = await import_city_file(uow, DEMO_TERRITORIES, now)
        if not result.ok:  # the demo file is ours: a problem is a bug, not a resident's
            raise ValueError([p.render() for p in result.problems.errors])
        await uow.commit()
    return True


async def load_demo_directory(
    uow_factory: Callable[[], UnitOfWork], now: datetime | None = None
) -> ImportSummary | None:
    """Import the demo directory unless a directory was already imported (then None); the demo
    town's territories come first when the database has no city yet."""
    await load_demo_city(uow_factory, now or datetime.now(UTC))
    async with uow_factory() as uow:
        if await directory_version(uow):
            return None
    return await import_batch(uow_factory, demo_batch(), now or datetime.now(UTC))
