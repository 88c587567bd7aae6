"""A turn's few hot statements run on the pooled connection's driver, in the session's
transaction, without SQLAlchemy's execution layer (issue 18).

Why: on PostgreSQL a statement executed through the session costs, on top of asyncpg's own work,
about 0.065 ms of CPU for the compiled-cache lookup (the statement's cache key, a large nested
tuple, hashed again), about 0.11 ms for the execution context (parameters, bind processors,
result set-up) and the result's objects (bench/README.md, session 9); a common turn sends two
statements. Here each statement is compiled once per dialect and set of parameter names, as
SQLAlchemy's execution compiles it (``column_keys``: the same SQL to the character), with its
parameters' order, fixed values and bind processors, and its columns' result processors; an
execution is then a list of arguments, the driver's call (asyncpg's own prepared-statement
cache on PostgreSQL, the in-loop sqlite3 connection on SQLite, ``infra.db``) and plain tuples.

What stays as through the session: the statement runs on the session's connection, inside its
transaction (on PostgreSQL the adapter's ``BEGIN`` is sent first if the transaction has not
begun, and the adapter is told, so that SQLAlchemy commits or rolls it back as its own); the
session's pending ORM changes are flushed first (the autoflush); the engine's
``before_cursor_execute`` and ``after_cursor_execute`` listeners see the statement (tests and
benches count statements that way, or make one fail; no cursor and no execution context are
given to them); a driver error is raised as SQLAlchemy raises it (``IntegrityError`` for
a duplicate key, ``connection_invalidated`` and the connection invalidated for a lost one).
A statement whose execution would compute a column's Python-side default is refused (compile
time): the driver would not compute it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import exc
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection as _Asyncpg
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import ClauseElement, Executable

from infra.db import idle_connection, in_loop, in_loop_rows

_Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    statement: Executable  # held, so that its id is not reused while cached
    sql: str
    names: tuple[str, ...]  # the driver's arguments, in order (a name may come back on SQLite)
    fixed: dict[str, Any]  # literal values rendered as parameters (``literal('in')``)
    binds: tuple[_Processor, ...]  # by argument
    results: tuple[_Processor, ...] | None  # by column; None: no processor at all
    # ``_arguments``' plan: the parameters' values (``given``, a tuple) then the fixed ones,
    # picked into the arguments' order (``pick``), then the arguments with a bind processor
    # processed (``processed``: their indexes and processors)
    given: Callable[[dict[str, Any]], tuple[Any, ...]]
    fixed_values: tuple[Any, ...]
    pick: Callable[[tuple[Any, ...]], tuple[Any, ...]]
    processed: tuple[tuple[int, Callable[[Any], Any]], ...]


_COMPILED: dict[tuple[int, str, tuple[str, ...]], _Compiled] = {}


def _compiled(statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled:
    key = (id(statement), dialect.name, keys)
    found = _COMPILED.get(key)
    if found is not None:
        return found
    if not isinstance(statement, ClauseElement):
        raise TypeError(f"{type(statement).__name__} is not a statement SQLAlchemy compiles")
    compiled: Any = statement.compile(dialect=dialect, column_keys=list(keys))
    if compiled.insert_prefetch or compiled.update_prefetch:
        raise ValueError("a statement with Python-side defaults cannot run on the driver")
    names = tuple(compiled.positiontup or ())
    fixed = {name: compiled.binds[name].effective_value for name in names if name not in keys}
    processors = compiled._bind_processors
    binds = tuple(processors.get(name) for name in names)
    results = tuple(
        entry.type._cached_result_processor(dialect, None) for entry in compiled._result_columns
    )
    given = tuple(dict.fromkeys(name for name in names if name in keys))
    order = {name: i for i, name in enumerate((*given, *fixed))}
    processed = tuple((i, process) for i, process in enumerate(binds) if process is not None)
    found = _Compiled(
        statement, compiled.string, names, fixed, binds,
        results if any(results) else None,
        _tuple_of(given), tuple(fixed.values()), _tuple_of([order[name] for name in names]),
        processed,
    )  # fmt: skip
    _COMPILED[key] = found
    return found


def _tuple_of(keys: Sequence[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """``keys``' items of what it is given, as a tuple (``operator.itemgetter``'s, which gives
    the item alone for one key)."""
    if len(keys) == 1:
        key = keys[0]
        return lambda source: (source[key],)
    if not keys:
        return lambda source: ()
    getter: Callable[[Any], tuple[Any, ...]] = itemgetter(*keys)
    return getter


def _arguments(compiled: _Compiled, parameters: dict[str, Any]) -> tuple[Any, ...]:
    """The driver's arguments: each parameter's value, or its fixed one, in the SQL's order,
    through its bind processor if it has one (``itemgetter``, not a loop over every name:
    the claim on SQLite has 44)."""
    values = compiled.pick(compiled.given(parameters) + compiled.fixed_values)
    if not compiled.processed:
        return values
    arguments = list(values)
    for index, process in compiled.processed:
        arguments[index] = process(arguments[index])
    return tuple(arguments)


_HELD = "infra.driver"  # ``session.info``'s key: the transaction, its connection, the pool's


async def connection_of(session: AsyncSession) -> tuple[AsyncConnection, PoolProxiedConnection]:
    """The session's connection (its transaction begun) and the pool's connection under it.

    The second statement of a transaction on: the pair the first one got, held while the
    session's transaction is the same and active (one transaction keeps its connection; an
    invalidated one leaves the transaction inactive), instead of ``AsyncSession.connection``'s
    greenlet (about 25 µs a call, the pair being there already)."""
    held = session.info.get(_HELD)
    if held is not None:
        transaction, connection, raw = held
        current = session.sync_session.get_transaction()
        if current is not None and transaction is current and current.is_active:
            return connection, raw
    sync_session = session.sync_session
    bind = sync_session.get_bind()
    if isinstance(bind, Engine) and idle_connection(bind.pool):
        # Nothing in the checkout, nor the begin, awaits (``idle_connection``), so no greenlet
        # either: ``AsyncSession.connection`` and ``get_raw_connection`` each spawn one, and the
        # first after the loop idled cost a turn about 50 µs.
        sync = sync_session.connection()
        connection = AsyncConnection._retrieve_proxy_for_target(sync)
        raw = sync.connection
    else:
        connection = await session.connection()
        raw = await connection.get_raw_connection()
    session.info[_HELD] = (sync_session.get_transaction(), connection, raw)
    return connection, raw


def commit_awaits_nothing(session: AsyncSession) -> bool:
    """Whether ``session``'s commit may run without a greenlet: nothing to flush, its
    transaction the one whose connection ``connection_of`` holds (no savepoint), and that
    connection's commit, and the rollback and return to the pool that follow, await nothing:
    an in-loop SQLite connection (``infra.db._InLoopConnection``), or asyncpg's adapter with no
    transaction begun (a turn whose statements each went without ``BEGIN``, ``rows``'
    ``begin=False``: its commit sends nothing). A unit of work's session is bound to one
    engine (``uow_factory_for``), so that connection is its only one."""
    held = session.info.get(_HELD)
    if held is None:
        return False
    adapted = held[2].dbapi_connection
    if not (in_loop(adapted) or (isinstance(adapted, _Asyncpg) and adapted._transaction is None)):
        return False
    if session.new or session.dirty or session.deleted:
        return False
    transaction = session.sync_session.get_transaction()
    return (
        transaction is not None
        and held[0] is transaction
        and not transaction.nested
        and transaction.is_active
    )


async def rows(
    session: AsyncSession,
    statement: Executable,
    parameters: dict[str, Any],
    *,
    begin: bool = True,
) -> list[tuple[Any, ...]]:
    """``statement``'s rows (plain tuples, every column processed as the session's result
    would), run with ``parameters`` on the session's connection in its transaction.

    ``begin=False`` (PostgreSQL): when no transaction has begun on the connection yet, the
    statement is sent without the ``BEGIN`` before it, so it is a transaction of its own
    (committed when it ends, two round trips fewer than ``BEGIN`` … ``COMMIT``). For a read
    whose writes are all made later, or for the last write of a transaction that has made no
    other (the caller promises both: a write after it would not be in the same transaction);
    the session's commit then has nothing to send. Inside a transaction it changes nothing."""
    if session.new or session.dirty or session.deleted:  # the autoflush
        await session.flush()
    connection, raw = await connection_of(session)
    dialect = connection.dialect
    compiled = _compiled(statement, dialect, tuple(parameters))
    sql, arguments = compiled.sql, _arguments(compiled, parameters)
    adapted: Any = raw.dbapi_connection
    try:
        sync = connection.sync_connection
        if sync is not None and sync.dispatch.before_cursor_execute:
            for listener in sync.dispatch.before_cursor_execute:
                sql, arguments = listener(sync, None, sql, arguments, None, False)
        if dialect.name == "postgresql":
            driver: Any = raw.driver_connection
            if begin and adapted._transaction is None and adapted.isolation_level != "autocommit":
                # the adapter's BEGIN, as it sends it before its transaction's first statement
                transaction = driver.transaction(
                    isolation=adapted.isolation_level,
                    readonly=adapted.readonly,
                    deferrable=adapted.deferrable,
                )
                await transaction.start()
                adapted._transaction = transaction
            found: Sequence[Sequence[Any]] = await driver.fetch(sql, *arguments)
        else:
            found = in_loop_rows(adapted, sql, arguments)
    except Exception as error:
        raise await _raised(connection, adapted, error, sql, arguments) from error
    if sync is not None and sync.dispatch.after_cursor_execute:
        for listener in sync.dispatch.after_cursor_execute:
            listener(sync, None, sql, arguments, None, False)
    results = compiled.results
    if results is None:
        return [tuple(row) for row in found]
    return [
        tuple(
            value if process is None else process(value)
            for value, process in zip(row, results, strict=True)
        )
        for row in found
    ]


async def _raised(
    connection: AsyncConnection, adapted: Any, error: Exception, sql: str, arguments: Any
) -> Exception:
    """``error`` as SQLAlchemy raises a driver's error: the DB-API's (the adapter translates
    asyncpg's), wrapped in ``sqlalchemy.exc`` 's class of it; a lost connection invalidated."""
    dialect = connection.dialect
    dbapi: Any = dialect.loaded_dbapi
    translated: BaseException = error
    if not isinstance(error, dbapi.Error):
        try:
            adapted._handle_exception(error)
        except Exception as adapter_error:  # the adapter raises its translation
            translated = adapter_error
    if not isinstance(translated, dbapi.Error):
        return error
    lost = dialect.is_disconnect(translated, adapted, None)
    wrapped: Exception = exc.DBAPIError.instance(
        sql, arguments, translated, dbapi.Error, connection_invalidated=lost, dialect=dialect
    )
    if lost:
        await connection.invalidate(wrapped)
    return wrapped
