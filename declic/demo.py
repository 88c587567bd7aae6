"""The demo: an SQLite file of its own under ./var/, with the demo town's territories, directory
and sprint panel loaded once. The demo town is data (knowledge/demo/), read only here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from infra.clock import SystemClock
from infra.db import make_engine
from infra.migrate import ensure_schema
from infra.settings import Settings
from infra.uow import UnitOfWork, uow_factory_for
from knowledge.demo import DEMO_SPRINTS, load_demo_city, load_demo_directory
from routing.sprints.importer import apply_sprint_data, has_panel, read_sprint_file

DEMO_DATABASE_URL = "sqlite+aiosqlite:///var/demo.sqlite3"


async def prepare_demo(settings: Settings) -> None:
    """Load the demo town into an empty database (a loaded one is left as it is), before the
    conversation reads the city."""
    await ensure_schema(settings.database_url, auto_upgrade=settings.is_sqlite)
    engine = make_engine(settings.database_url)
    try:
        uow_factory = uow_factory_for(engine)
        await load_demo_city(uow_factory, SystemClock(settings.tz).now())
        await load_demo_directory(uow_factory)
        await load_demo_sprints(uow_factory)
    finally:
        await engine.dispose()


async def load_demo_sprints(uow_factory: Callable[[], UnitOfWork]) -> bool:
    """Load the demo town's sprint panel and rooms once (a database with a panel is left)."""
    async with uow_factory() as uow:
        if await has_panel(uow):
            return False
        now = datetime.now(UTC)  # an instant for created_at/updated_at: no wall time read
        await apply_sprint_data(uow, read_sprint_file(DEMO_SPRINTS), now)
        await uow.commit()
    return True
