"""Database engines: SQLite tuned for safety (WAL, foreign keys, secure_delete), PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from infra.settings import Settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # secure_delete: erased words must not linger in free pages (see /oublier).
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA secure_delete=ON",
        "PRAGMA busy_timeout=10000",
        "PRAGMA synchronous=NORMAL",
    ):
        cursor.execute(pragma)
    cursor.close()


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # One connection: the embedded default serves one process, and SQLite has one writer
        # anyway. Turns queue for the connection instead of failing with "database is locked"
        # when a read transaction tries to become a write transaction (WAL's BUSY_SNAPSHOT).
        pooling: dict[str, Any] = (
            {"pool_size": 1, "max_overflow": 0, "pool_timeout": 120}
            if path and path != ":memory:"
            else {}
        )
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30}, **pooling)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # pool_recycle rather than pool_pre_ping: no extra round trip on every checkout; a dropped
    # connection fails one turn, which is retried (the update is not confirmed).
    return create_async_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_recycle=1800)


def engine_from_settings(settings: Settings) -> AsyncEngine:
    return make_engine(settings.database_url)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)
