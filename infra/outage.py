"""Telling a database outage from a bug: a turn that met one is redelivered, not apologised for."""

from __future__ import annotations

import logging
import sqlite3

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# PostgreSQL error classes that mean "not now": connection exception, insufficient resources,
# operator intervention (a restart, "the database system is starting up").
UNAVAILABLE_SQLSTATE_CLASSES = frozenset({"08", "53", "57"})
# SQLite's primary result codes that mean "not now": the file busy or locked by another
# connection, out of reach (unable to open it, a disk I/O error), read-only, or its disk full.
# Any other code is a bug of ours: SQLITE_ERROR is "no such table", "no such column", a syntax
# error... (every error from the library carries its code: sqlite_errorcode, Python 3.11+; the
# extended codes, e.g. SQLITE_IOERR_READ, keep the primary one in their low byte). An error
# without a code is judged by its class, as before.
UNAVAILABLE_SQLITE_CODES = frozenset(
    {
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_FULL,
    }
)


def database_unavailable(exc: BaseException | None) -> bool:
    """The database (or the network to it) is down or restarting, not a bug: the update is
    never given up; it comes again until the database is back. A bug (a programming or
    integrity error, SQLite's "no such table") is not "unavailable"."""
    seen = 0
    while exc is not None and seen < 10:  # the chain of causes, bounded
        code = _sqlite_code(exc)
        if code is not None and code & 0xFF in UNAVAILABLE_SQLITE_CODES:
            return True
        if isinstance(exc, OSError | TimeoutError):
            return True
        # SQLAlchemy's classes, unless SQLite's result code (the next link) says which
        coded = isinstance(exc, DBAPIError) and _sqlite_code(exc.orig) is not None
        if isinstance(exc, OperationalError | InterfaceError) and not coded:
            return True
        if isinstance(exc, PoolTimeout):  # no connection free in time: the database is swamped
            return True
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return True
        sqlstate = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if isinstance(sqlstate, str) and sqlstate[:2] in UNAVAILABLE_SQLSTATE_CLASSES:
            return True
        orig = exc.orig if isinstance(exc, DBAPIError) else None
        exc = orig or exc.__cause__ or exc.__context__
        seen += 1
    return False


def _sqlite_code(exc: BaseException | None) -> int | None:
    """SQLite's result code of an error from the library (its class says nothing: "no such
    table" is an OperationalError like "database is locked"); None for any other error,
    including those the sqlite3 module raises itself, which carry no code."""
    code = getattr(exc, "sqlite_errorcode", None) if isinstance(exc, sqlite3.Error) else None
    return code if isinstance(code, int) else None


def outage_name(exc: BaseException) -> str:
    """What a log line names for an outage: the error's type and, under SQLAlchemy's and the
    adapter's wrappers, the one the driver raised (``InternalError: AdminShutdownError`` for a
    PostgreSQL restart). Never the message, which can carry a statement's values."""
    root = exc
    for _ in range(10):  # the chain of causes, bounded
        below = root.orig if isinstance(root, DBAPIError) else root.__cause__
        if not isinstance(below, BaseException):
            break
        root = below
    if root is exc or type(root).__name__ == type(exc).__name__:
        return type(exc).__name__
    return f"{type(exc).__name__}: {type(root).__name__}"


def log_failure(log: logging.Logger, what: str, then: str, exc: BaseException) -> bool:
    """Log ``what`` failing with ``exc`` before a retry (``then`` says when): a database outage
    is expected, one WARNING line naming it (``outage_name``) without a traceback; anything else
    is a bug, an ERROR with its traceback. True for an outage (the outbox sender's rounds, the
    scheduler's jobs)."""
    if database_unavailable(exc):
        log.warning(
            "%s interrupted: the database is unavailable (%s); %s", what, outage_name(exc), then
        )
        return True
    log.error("%s failed; %s", what, then, exc_info=exc)
    return False
