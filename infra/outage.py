"""Telling a database outage from a bug: a turn that met one is redelivered, not apologised for."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# PostgreSQL error classes that mean "not now": connection exception, insufficient resources,
# operator intervention (a restart, "the database system is starting up").
UNAVAILABLE_SQLSTATE_CLASSES = frozenset({"08", "53", "57"})


def database_unavailable(exc: BaseException | None) -> bool:
    """The database (or the network to it) is down or restarting, not a bug: the update is
    never given up; it comes again until the database is back. A bug (a programming or
    integrity error) is not "unavailable"."""
    seen = 0
    while exc is not None and seen < 10:  # the chain of causes, bounded
        if isinstance(exc, OperationalError | InterfaceError | OSError | TimeoutError):
            return True
        if isinstance(exc, PoolTimeout):  # no connection free in time: the database is swamped
            return True
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return True
        code = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if isinstance(code, str) and code[:2] in UNAVAILABLE_SQLSTATE_CLASSES:
            return True
        orig = exc.orig if isinstance(exc, DBAPIError) else None
        exc = orig or exc.__cause__ or exc.__context__
        seen += 1
    return False


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
