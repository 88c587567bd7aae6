"""SQLite keeps old page versions in its WAL until a checkpoint: after erasing, fold it in."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine


async def sqlite_checkpoint(engine: AsyncEngine, attempts: int = 5) -> bool:
    """Fold the WAL into the main file and truncate it, so erased pages do not linger there
    (``secure_delete`` zeroes what the main file frees). Nothing to do on other databases.

    Returns False if readers kept the checkpoint from completing after a few short tries.
    """
    if engine.dialect.name != "sqlite":
        return True
    for attempt in range(attempts):
        async with engine.connect() as conn:
            row = (await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")).one()
        if not row[0]:  # (busy, log pages, checkpointed pages)
            return True
        await asyncio.sleep(0.05 * (attempt + 1))
    return False
