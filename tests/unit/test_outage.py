"""What counts as the database being unavailable (the turn is redelivered, not apologised for)
and what is a bug (kept and apologised for, as before)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, InternalError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from infra.db import make_engine
from infra.outage import database_unavailable
from tests.support.databases import POSTGRES_URL, _dsn, require_postgres


class _AdminShutdown(Exception):
    sqlstate = "57P01"  # terminating connection due to administrator command (a restart)


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("SELECT 1", {}, ConnectionRefusedError()),
        InternalError("SELECT 1", {}, _AdminShutdown()),
        PoolTimeout("QueuePool limit of size 5 overflow 10 reached"),
        ConnectionResetError(),
        TimeoutError(),
    ],
)
def test_an_outage_is_unavailable(exc: BaseException) -> None:
    assert database_unavailable(exc)


def test_an_outage_behind_another_error_is_seen() -> None:
    outer = RuntimeError("while saving the turn")
    outer.__cause__ = ConnectionResetError("server closed the connection")
    assert database_unavailable(outer)


@pytest.mark.parametrize(
    "exc", [ValueError("a bug"), IntegrityError("INSERT", {}, Exception("duplicate key")), None]
)
def test_a_bug_is_not(exc: BaseException | None) -> None:
    assert not database_unavailable(exc)


# -- real errors from real statements: SQLite's result code, PostgreSQL's SQLSTATE -------------


def _sqlite_error(statement: Callable[[], object]) -> sqlite3.Error:
    try:
        statement()
    except sqlite3.Error as exc:
        return exc
    raise AssertionError("the statement did not fail")


def _memory() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (a)")
    return connection


def _locked(tmp_path: Path) -> sqlite3.Error:
    """Another connection holds the write lock (and no busy timeout): "database is locked"."""
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, timeout=0, isolation_level=None)
    holder.execute("CREATE TABLE t (a)")
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0)
    try:
        return _sqlite_error(lambda: other.execute("INSERT INTO t VALUES (1)"))
    finally:
        other.close()
        holder.close()


def _table_locked(tmp_path: Path) -> sqlite3.Error:
    """Two connections sharing a cache, one writing: "database table is locked"."""
    uri = f"file:{tmp_path.name}?mode=memory&cache=shared"
    writer = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None)
    reader = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None)
    writer.execute("CREATE TABLE t (a)")
    writer.execute("BEGIN")
    writer.execute("INSERT INTO t VALUES (1)")
    try:
        return _sqlite_error(lambda: reader.execute("SELECT * FROM t").fetchall())
    finally:
        reader.close()
        writer.close()


def _disk_io(tmp_path: Path) -> sqlite3.Error:
    """The database file's descriptor made to read a directory, as a failing disk reads
    nothing: "disk I/O error" (SQLITE_IOERR_READ, an extended code)."""
    path = tmp_path / "io.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (a)")
    connection.commit()
    real = os.path.realpath(path)
    fds = [int(fd) for fd in os.listdir("/proc/self/fd")
           if os.path.realpath(f"/proc/self/fd/{fd}") == real]  # fmt: skip
    directory = os.open(tmp_path, os.O_RDONLY)
    try:
        os.dup2(directory, fds[0])
        return _sqlite_error(lambda: connection.execute("SELECT * FROM t").fetchall())
    finally:
        os.close(directory)
        connection.close()


def _full() -> sqlite3.Error:
    connection = _memory()
    connection.execute("PRAGMA max_page_count = 2")
    return _sqlite_error(lambda: connection.execute("INSERT INTO t VALUES (zeroblob(100000))"))


SQLITE_OUTAGES: dict[str, Callable[[Path], sqlite3.Error]] = {
    "SQLITE_BUSY": _locked,
    "SQLITE_LOCKED_SHAREDCACHE": _table_locked,
    "SQLITE_CANTOPEN": lambda tmp: _sqlite_error(
        lambda: sqlite3.connect(tmp / "gone" / "x.sqlite3").execute("SELECT 1")
    ),
    "SQLITE_IOERR_READ": _disk_io,
    "SQLITE_READONLY": lambda tmp: _sqlite_error(
        lambda: sqlite3.connect(f"file:{_file_to_read(tmp)}?mode=ro", uri=True).execute(
            "INSERT INTO t VALUES (1)"
        )
    ),
    "SQLITE_FULL": lambda tmp: _full(),
}
SQLITE_BUGS: dict[str, Callable[[], sqlite3.Error]] = {
    "no such table": lambda: _sqlite_error(lambda: _memory().execute("SELECT * FROM nope")),
    "no such column": lambda: _sqlite_error(lambda: _memory().execute("SELECT b FROM t")),
    "syntax error": lambda: _sqlite_error(lambda: _memory().execute("SELEC 1")),
}


def _file_to_read(tmp_path: Path) -> Path:
    path = tmp_path / "ro.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE t (a)").connection.close()
    return path


@pytest.mark.parametrize("name", SQLITE_OUTAGES)
def test_sqlite_outages_are_unavailable(name: str, tmp_path: Path) -> None:
    error = SQLITE_OUTAGES[name](tmp_path)
    assert error.sqlite_errorname == name
    assert database_unavailable(error)
    wrapped = OperationalError("SELECT 1", {}, error)  # as SQLAlchemy raises it
    assert database_unavailable(wrapped)


@pytest.mark.parametrize("name", SQLITE_BUGS)
def test_sqlite_bugs_are_not_outages(name: str) -> None:
    """SQLite's "no such table" is an OperationalError like "database is locked": the result
    code tells them apart (SQLITE_ERROR is ours), not the class."""
    error = SQLITE_BUGS[name]()
    assert name in str(error)
    assert not database_unavailable(error)
    assert isinstance(error, sqlite3.OperationalError)
    assert not database_unavailable(OperationalError("SELECT 1", {}, error))


def test_a_sqlite3_error_without_a_code_is_judged_by_its_class() -> None:
    """One the sqlite3 module raises itself (no result code): SQLAlchemy's class decides, as
    before (tests/integration/test_observability.py simulates its outage so)."""
    uncoded = sqlite3.OperationalError("simulated outage")
    assert not hasattr(uncoded, "sqlite_errorcode")
    assert database_unavailable(OperationalError("SELECT 1", {}, uncoded))
    assert not database_unavailable(IntegrityError("SELECT 1", {}, sqlite3.IntegrityError("x")))


async def _through_sqlalchemy(url: str, *statements: str) -> DBAPIError:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    except DBAPIError as exc:
        return exc
    finally:
        await engine.dispose()
    raise AssertionError("the statements did not fail")


async def test_sqlite_through_the_product_engine(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'declic.sqlite3'}"
    bug = await _through_sqlalchemy(url, "SELECT * FROM journey_events")
    assert isinstance(bug, OperationalError) and "no such table" in str(bug)
    assert not database_unavailable(bug)
    readonly = await _through_sqlalchemy(
        url, "CREATE TABLE t (a)", "PRAGMA query_only = ON", "INSERT INTO t VALUES (1)"
    )
    assert "readonly database" in str(readonly)
    assert database_unavailable(readonly)


@pytest.fixture
def postgres() -> str:
    require_postgres()
    return POSTGRES_URL


async def test_postgresql_bugs_and_outages(postgres: str) -> None:
    """PostgreSQL's SQLSTATE decides (unchanged): a missing table (42P01) is a bug; a connection
    terminated as a restart terminates it (57P01, then 08003) and a refused connection are
    outages."""
    for statement in ("SELECT * FROM journey_events_nope", "SELECT nope FROM pg_class", "SELEC 1"):
        bug = await _through_sqlalchemy(postgres, statement)
        assert not database_unavailable(bug), statement
    terminated = await _through_sqlalchemy(
        postgres, "SELECT pg_terminate_backend(pg_backend_pid())"
    )
    assert database_unavailable(terminated)
    base, _, name = postgres.rpartition("/")
    host, _, _port = base.rpartition(":")
    refused_engine = make_engine(f"{host}:1/{name}")
    try:
        with pytest.raises(ConnectionRefusedError) as refused:
            async with refused_engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    finally:
        await refused_engine.dispose()
    assert database_unavailable(refused.value)
    connection = await asyncpg.connect(_dsn(postgres), timeout=5)
    try:
        with pytest.raises(asyncpg.UndefinedTableError) as raised:
            await connection.execute("SELECT * FROM journey_events_nope")
    finally:
        await connection.close()
    assert not database_unavailable(raised.value)
