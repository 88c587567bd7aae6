"""Database engines: SQLite tuned for safety (WAL, foreign keys, secure_delete), PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections import deque
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

from infra.settings import Settings


class _OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A statement in one trip to aiosqlite's thread instead of four.

    SQLAlchemy's aiosqlite cursor awaits the thread to open a cursor, to execute, to fetch the
    rows and to close: four queue puts, thread wake-ups and GIL hand-overs per statement, the
    largest CPU cost of a resident's turn on SQLite. Here the worker thread does all four in
    one call and hands back the rows with the cursor's facts (description, rowcount,
    lastrowid). Results are fetched whole, as the stock (non server-side) cursor does; server-
    side cursors (``stream``) keep SQLAlchemy's class.
    """

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @staticmethod
    def _run(conn: sqlite3.Connection, many: bool, operation: Any, parameters: Any) -> Any:
        # In aiosqlite's thread: the sqlite3 objects never leave it.
        cursor = conn.cursor()
        try:
            if many:
                cursor.executemany(operation, parameters)
            elif parameters is None:
                cursor.execute(operation)
            else:
                cursor.execute(operation, parameters)
            description = cursor.description
            rows = cursor.fetchall() if description else ()
            return description, rows, cursor.rowcount, cursor.lastrowid
        finally:
            cursor.close()

    async def _call(self, many: bool, operation: Any, parameters: Any) -> None:
        async with self._adapt_connection._execute_mutex:
            description, rows, rowcount, lastrowid = await self._connection._execute(
                self._run, self._connection._conn, many, operation, parameters
            )
        self._description, self._rowcount, self._lastrowid = description, rowcount, lastrowid
        self._rows = deque(rows)

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            return await_(self._call(False, operation, parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            return await_(self._call(True, operation, seq_of_parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    async def _async_soft_close(self) -> None:
        return None  # the sqlite3 cursor is already closed; rows and description stay

    def close(self) -> None:
        self._rows.clear()


class _OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _OneHopCursor


class _OneHopDbapi(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DB-API shim, with connections that use ``_OneHopCursor``."""

    def connect(self, *arg: Any, **kw: Any) -> _OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return _OneHopConnection(self, adapted._connection)


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
        engine = create_async_engine(
            url,
            echo=echo,
            connect_args={"timeout": 30},
            module=_OneHopDbapi(aiosqlite, sqlite3),
            **pooling,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # pool_recycle rather than pool_pre_ping: no extra round trip on every checkout; a dropped
    # connection fails one turn, which is retried (the update is not confirmed).
    return create_async_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_recycle=1800)


def engine_from_settings(settings: Settings) -> AsyncEngine:
    return make_engine(settings.database_url)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)
