"""Migrations reach head on an empty database and match the models exactly (both backends)."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from infra.db import make_engine
from infra.migrate import current_revision, head_revision, upgrade_to_head
from migrations.models import Base


async def test_upgrade_to_head_leaves_no_difference_with_the_models(database_url: str) -> None:
    """On a fresh database, not the test run's template: this tests the migrations themselves."""
    await asyncio.to_thread(upgrade_to_head, database_url)
    assert await current_revision(database_url) == head_revision(database_url)
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:

            def diff(sync_conn):  # type: ignore[no-untyped-def]
                context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
                return compare_metadata(context, Base.metadata)

            differences = await conn.run_sync(diff)
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    assert differences == []
    assert {"residents", "ideas", "journey_events", "outgoing_messages"} <= tables


async def test_sqlite_runs_with_wal_foreign_keys_and_secure_delete(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'p.sqlite3'}")
    try:
        async with engine.connect() as conn:
            values = {
                name: (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "secure_delete")
            }
    finally:
        await engine.dispose()
    assert values == {"journal_mode": "wal", "foreign_keys": 1, "secure_delete": 1}
