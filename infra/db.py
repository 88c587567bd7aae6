"""Database engines: SQLite tuned for safety (WAL, foreign keys, secure_delete), PostgreSQL."""

from __future__ import annotations

import sqlite3
import time
from collections import deque
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import event, make_url
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, Pool
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

from infra.settings import Settings
from infra.wal import BACKSTOP_PAGES, WalCheckpoints


async def _done() -> None:
    return None


_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE"})


@lru_cache(maxsize=512)
def _writes_after_with(operation: str) -> bool:
    """Whether ``operation`` is ``WITH … INSERT`` (or UPDATE, DELETE, REPLACE).

    sqlite3 opens the transaction (its implicit ``BEGIN``) before a statement that starts with
    one of those words, not before one that starts with ``WITH``: such a write would run in
    autocommit mode, committed at once whatever the unit of work does next. The cursor then
    sends the ``BEGIN`` itself. Read from the statement's words outside parentheses (the CTEs'
    bodies) and quotes; SQLAlchemy's statements are few, so the answer is cached.
    """
    text = operation.lstrip()
    if text[:4].upper() != "WITH":
        return False
    depth, i, end = 0, 4, len(text)
    while i < end:
        char = text[i]
        if char in "'\"":  # a string or a quoted name: to its closing quote
            i = text.find(char, i + 1)
            if i < 0:
                return False
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and (char.isalpha() or char == "_"):
            start = i
            while i < end and (text[i].isalnum() or text[i] == "_"):
                i += 1
            word = text[start:i].upper()
            if word in _WRITES:
                return True
            if word in ("SELECT", "VALUES"):
                return False
            continue
        i += 1
    return False


def _begin_before_with(connection: sqlite3.Connection, cursor: sqlite3.Cursor, sql: str) -> None:
    """The transaction's ``BEGIN`` before a ``WITH … INSERT`` (see ``_writes_after_with``)."""
    if (
        not connection.in_transaction
        and connection.isolation_level is not None
        and _writes_after_with(sql)
    ):
        cursor.execute(f"BEGIN {connection.isolation_level}")


def in_loop_rows(adapted: object, sql: str, arguments: Sequence[Any]) -> list[Any]:
    """``sql``'s rows, run with ``arguments`` on ``adapted`` (a pooled connection's DB-API
    connection, an ``_InLoopConnection``) in the loop's thread as ``_InLoopCursor`` runs a
    statement, in its transaction (``infra.driver``: a turn's hot statements)."""
    if not isinstance(adapted, _InLoopConnection):
        raise TypeError(f"{type(adapted).__name__} is not an in-loop SQLite connection")
    connection: sqlite3.Connection = adapted._connection._conn
    cursor = connection.cursor()
    try:
        _begin_before_with(connection, cursor, sql)
        cursor.execute(sql, arguments)
        return cursor.fetchall() if cursor.description else []
    finally:
        cursor.close()


class _InLoopCursor(AsyncAdapt_aiosqlite_cursor):
    """A statement run in the event loop's thread, on the connection's sqlite3 object.

    SQLAlchemy's aiosqlite cursor sends each statement to aiosqlite's thread and awaits it
    four times (open a cursor, execute, fetch, close). Every trip is a queue put, a thread
    wake-up and a GIL hand-over, and on a busy machine a wait for the scheduler: it was most of
    a turn's time on SQLite, spent while holding the only connection. SQLite in WAL mode with
    ``synchronous=NORMAL`` answers a statement in microseconds and fsyncs only at checkpoints,
    so the statement runs here, synchronously, and the turn keeps the connection for the time
    of its own CPU. The price: a writer lock held by another process (the console, a one-off
    command) blocks the loop up to ``busy_timeout`` instead of blocking this connection, which
    every turn waits for anyway (one connection). Results are fetched whole, as the stock (non
    server-side) cursor does; server-side cursors (``stream``) keep SQLAlchemy's class.
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

    def _run(self, many: bool, operation: Any, parameters: Any) -> None:
        connection = self._connection._conn
        cursor = connection.cursor()
        try:
            _begin_before_with(connection, cursor, operation)
            if many:
                cursor.executemany(operation, parameters)
            elif parameters is None:
                cursor.execute(operation)
            else:
                cursor.execute(operation, parameters)
            self._description = description = cursor.description
            self._rows = deque(cursor.fetchall() if description else ())
            self._rowcount, self._lastrowid = cursor.rowcount, cursor.lastrowid
        finally:
            cursor.close()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            self._run(False, operation, parameters)
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        # SQLAlchemy's AsyncConnection checks that an async driver awaited something: a
        # coroutine that returns at once does, with two greenlet switches and no loop turn.
        await_(_done())

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            self._run(True, operation, seq_of_parameters)
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        await_(_done())

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


class _InLoopConnection(AsyncAdapt_aiosqlite_connection):
    """Statements, commits and rollbacks in the loop's thread (see ``_InLoopCursor``); opening
    and closing the connection still go through aiosqlite's thread."""

    __slots__ = ("wal",)
    _cursor_cls = _InLoopCursor
    wal: WalCheckpoints | None  # the file's checkpoints (``infra.wal``); None in memory

    def commit(self) -> None:
        self._end(sqlite3.Connection.commit)
        if self.wal is not None:
            self.wal.committed()

    def rollback(self) -> None:
        self._end(sqlite3.Connection.rollback)

    def _end(self, end: Callable[[sqlite3.Connection], None]) -> None:
        """End the transaction (``end``: commit or rollback) on the sqlite3 object itself, in
        the loop's thread; a closed connection has nothing to end."""
        if self._connection._connection:
            try:
                end(self._connection._conn)
            except Exception as error:
                self._handle_exception(error)


def in_loop(adapted: object) -> bool:
    """Whether ``adapted`` (a pooled connection's DB-API connection) is an in-loop SQLite one."""
    return isinstance(adapted, _InLoopConnection)


def idle_connection(pool: Pool) -> bool:
    """Whether a checkout from ``pool`` now would await nothing: an asyncio queue pool
    (``make_engine``'s) whose next idle connection is open and that the checkout would neither
    recycle nor reconnect first, with no ping and no checkout listener. SQLAlchemy's asyncio
    layer awaits (a greenlet's switch) only to wait for a connection, to open or close one; the
    transaction's begin awaits nothing either (SQLite's is implicit, asyncpg's adapter begins at
    its first statement). So ``Session.connection`` may then be called without a greenlet
    (``infra.driver.connection_of``). Read from the pool's and its queue's own attributes
    (SQLAlchemy's ``QueuePool._do_get`` and ``_ConnectionRecord.get_connection``)."""
    if not isinstance(pool, AsyncAdaptedQueuePool) or pool._pre_ping or pool.dispatch.checkout:
        return False
    queue: Any = pool._pool
    idle = queue._queue._queue  # the asyncio.Queue's deque: the idle connections' records
    if not idle:
        return False
    record = idle[-1] if queue.use_lifo else idle[0]
    if pool._recycle > -1 and time.time() - record.starttime > pool._recycle:
        return False
    return (
        record.dbapi_connection is not None
        and pool._invalidate_time <= record.starttime
        and record._soft_invalidate_time <= record.starttime
    )


class _InLoopDbapi(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DB-API shim, with connections that use ``_InLoopCursor``, whose
    commits hand the file's checkpoints to ``wal`` (``infra.wal``)."""

    def __init__(self, wal: WalCheckpoints | None) -> None:
        super().__init__(aiosqlite, sqlite3)
        self.wal = wal

    def connect(self, *arg: Any, **kw: Any) -> _InLoopConnection:
        # The sqlite3 object is made in aiosqlite's thread and used in the loop's.
        adapted = super().connect(*arg, **{**kw, "check_same_thread": False})
        connection = _InLoopConnection(self, adapted._connection)
        connection.wal = self.wal
        return connection


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # secure_delete: erased words must not linger in free pages (see /oublier).
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA secure_delete=ON",
        "PRAGMA busy_timeout=10000",
        "PRAGMA synchronous=NORMAL",
        # checkpoints run off the loop (``infra.wal``); this bounds the WAL should they not
        f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}",
    ):
        cursor.execute(pragma)
    cursor.close()


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if url.startswith("sqlite"):
        path = make_url(url).database or ""
        on_file = bool(path) and path != ":memory:"
        if on_file:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # One connection: the embedded default serves one process, and SQLite has one writer
        # anyway. Turns queue for the connection instead of failing with "database is locked"
        # when a read transaction tries to become a write transaction (WAL's BUSY_SNAPSHOT).
        pooling: dict[str, Any] = (
            {"pool_size": 1, "max_overflow": 0, "pool_timeout": 120} if on_file else {}
        )
        engine = create_async_engine(
            url,
            echo=echo,
            connect_args={"timeout": 30},
            module=_InLoopDbapi(WalCheckpoints(Path(path)) if on_file else None),
            **pooling,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # pool_recycle rather than pool_pre_ping: no extra round trip on every checkout; a dropped
    # connection fails one turn, which is retried (the update is not confirmed). The bot's
    # turns and outbox steps take at most DECLIC_TURN_SLOTS (at most 10) connections at once,
    # so the pool's 10 serve them without its overflow: an overflow connection is opened for one
    # checkout and closed when it comes back to a full pool, and every statement is prepared
    # again on each (asyncpg), which cost a turn more than its own work.
    return create_async_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_recycle=1800)


def engine_from_settings(settings: Settings) -> AsyncEngine:
    return make_engine(settings.database_url)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)
