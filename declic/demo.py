"""The demo: an SQLite file of its own under ./var/, with the demo directory loaded once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge.demo import load_demo_directory

if TYPE_CHECKING:
    from declic.runtime import Core

DEMO_DATABASE_URL = "sqlite+aiosqlite:///var/demo.sqlite3"


async def demo_setup(core: Core) -> None:
    """Load the demo directory into an empty database (a loaded one is left as it is)."""
    await load_demo_directory(core.uow_factory)
