"""What counts as the database being unavailable (the turn is redelivered, not apologised for)
and what is a bug (kept and apologised for, as before)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError, InternalError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from infra.outage import database_unavailable


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
