"""Fixtures shared by every layer. Database fixtures run each test on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from infra.clock import FrozenClock
from infra.db import make_engine
from infra.migrate import upgrade_to_head
from infra.uow import UnitOfWork, uow_factory_for
from tests.support.databases import BACKENDS, throwaway_database

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, once on SQLite and once on PostgreSQL."""
    with throwaway_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def migrated_url(database_url: str) -> str:
    upgrade_to_head(database_url)
    return database_url


@pytest.fixture
async def uow_factory(migrated_url: str) -> AsyncIterator[Callable[[], UnitOfWork]]:
    engine = make_engine(migrated_url)
    yield uow_factory_for(engine)
    await engine.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 23, 10, 0, tzinfo=PARIS))
