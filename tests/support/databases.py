"""Throw-away databases: an SQLite file per test, or a fresh PostgreSQL database per test.

In CI (``CI`` set) a PostgreSQL server that cannot be reached fails the run instead of skipping.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import pytest

POSTGRES_URL = os.environ.get(
    "DECLIC_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")


def _dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(_dsn(POSTGRES_URL), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def postgres_reachable() -> bool:
    try:
        asyncio.run(_admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    return True


def require_postgres() -> None:
    if postgres_reachable():
        return
    message = f"PostgreSQL is not reachable at {POSTGRES_URL}"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must test PostgreSQL, not skip it", pytrace=False)
    pytest.skip(message)


@contextmanager
def throwaway_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """Yield an async SQLAlchemy URL to an empty database, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'declic.sqlite3'}"
        return
    require_postgres()
    name = f"declic_t_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    base, _, _ = POSTGRES_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
