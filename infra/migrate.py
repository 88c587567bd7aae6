"""Run Alembic from code: `declic db upgrade` and the automatic upgrade of the default."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import migrations
from infra.db import make_engine

MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade_to_head(database_url: str) -> None:
    """Synchronous on purpose: called before any event loop runs (CLI, fixtures in threads)."""
    command.upgrade(alembic_config(database_url), "head")


async def current_revision(database_url: str) -> str | None:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda c: MigrationContext.configure(c).get_current_revision()
            )
    finally:
        await engine.dispose()


def head_revision(database_url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


async def ensure_schema(database_url: str, *, auto_upgrade: bool) -> None:
    """Upgrade the embedded default automatically; refuse to run a server database behind head."""
    if await current_revision(database_url) == head_revision(database_url):
        return
    if not auto_upgrade:
        raise RuntimeError("The database is not at the latest schema: run `declic db upgrade`.")
    await asyncio.to_thread(upgrade_to_head, database_url)
