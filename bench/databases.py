"""Throw-away databases for the benches: an SQLite file, or a PostgreSQL database dropped after.

``DECLIC_BENCH_POSTGRES_URL`` (else ``DECLIC_TEST_POSTGRES_URL``) names the server; each run
creates its own database there, so a bench never touches data it did not make.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg

from infra.migrate import upgrade_to_head

POSTGRES_URL = os.environ.get(
    "DECLIC_BENCH_POSTGRES_URL",
    os.environ.get("DECLIC_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
)


async def admin(sql: str) -> None:
    conn = await asyncpg.connect("postgresql://" + POSTGRES_URL.split("://", 1)[1], timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def fresh_database(backend: str, directory: Path) -> AsyncIterator[str]:
    """An empty database at head: an SQLite file, or a PostgreSQL database dropped after."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / f'bench-{uuid.uuid4().hex[:6]}.sqlite3'}"
        await asyncio.to_thread(upgrade_to_head, url)
        yield url
        return
    name = f"declic_bench_{uuid.uuid4().hex[:10]}"
    await admin(f'CREATE DATABASE "{name}"')
    url = f"{POSTGRES_URL.rpartition('/')[0]}/{name}"
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        yield url
    finally:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
