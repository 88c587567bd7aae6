"""The demo: an SQLite file of its own under ./var/, with the demo directory and sprint panel
loaded once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from infra.clock import SystemClock
from infra.uow import UnitOfWork
from knowledge.demo import DEMO_SPRINTS, load_demo_directory
from routing.sprints.importer import apply_sprint_data, has_panel, read_sprint_file

if TYPE_CHECKING:
    from declic.runtime import Core

DEMO_DATABASE_URL = "sqlite+aiosqlite:///var/demo.sqlite3"


async def demo_setup(core: Core) -> None:
    """Load the demo directory into an empty database (a loaded one is left as it is)."""
    await load_demo_directory(core.uow_factory)
    await load_demo_sprints(core.uow_factory)


async def load_demo_sprints(uow_factory: Callable[[], UnitOfWork]) -> bool:
    """Load Rivebelle's sprint panel and rooms once (a database with a panel is left as it is)."""
    async with uow_factory() as uow:
        if await has_panel(uow):
            return False
        await apply_sprint_data(uow, read_sprint_file(DEMO_SPRINTS), SystemClock().now())
        await uow.commit()
    return True
