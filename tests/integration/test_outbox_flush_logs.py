"""What the outbox sender logs when a flush fails: a database outage (a PostgreSQL restart, a
SQLite file out of reach) is expected and retried, one WARNING line without a traceback; any
other error is a bug, an ERROR with its traceback. Both are retried at the next round."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from infra.clock import FrozenClock
from infra.db import make_engine
from infra.uow import UnitOfWork, uow_factory_for
from routing.followups.service import resident_blocked
from routing.outbox.outcomes import Delivered
from routing.outbox.sender import OutboxSender

Failure = Callable[[], Awaitable[object]]


async def _flush_logs(
    uow_factory: Callable[[], UnitOfWork],
    clock: FrozenClock,
    failure: Failure,
    caplog: pytest.LogCaptureFixture,
) -> list[logging.LogRecord]:
    """Run the sender for one round whose claim meets ``failure``; the sender's log records."""

    async def deliver(row: object) -> Delivered:
        return Delivered(1)

    sender = OutboxSender(uow_factory, clock, deliver, "telegram", on_unreachable=resident_blocked)
    stop = asyncio.Event()

    async def claim(limit: int) -> tuple[str, list[tuple[int, str | None]]]:
        stop.set()  # one round
        await failure()
        raise AssertionError("the failure did not fail")

    sender.claims.claim = claim  # type: ignore[method-assign]
    caplog.set_level(logging.WARNING, logger="routing.outbox.sender")
    await asyncio.wait_for(sender.run(stop), 30)  # the failure does not stop the sender
    return [r for r in caplog.records if r.name == "routing.outbox.sender"]


async def test_a_database_outage_is_one_warning_line_without_a_traceback(
    uow_factory: Callable[[], UnitOfWork],
    backend: str,
    clock: FrozenClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if backend == "postgresql":  # what a restart does to a connection in use: 57P01

        async def outage() -> object:
            async with uow_factory() as uow:
                return await uow.session.execute(
                    text("SELECT pg_terminate_backend(pg_backend_pid())")
                )

        cause = "AdminShutdownError"
    else:  # the database file out of reach (its disk gone)
        gone = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'gone' / 'declic.sqlite3'}")
        (tmp_path / "gone").rmdir()  # made by make_engine, gone before the first connection

        async def outage() -> object:
            try:
                async with uow_factory_for(gone)() as uow:
                    return await uow.session.execute(text("SELECT 1"))
            finally:
                await gone.dispose()

        cause = "OperationalError"
    records = await _flush_logs(uow_factory, clock, outage, caplog)
    assert [(r.levelname, r.exc_info) for r in records] == [("WARNING", None)]
    message = records[0].getMessage()
    assert "database is unavailable" in message and "retrying" in message
    assert cause in message and "\n" not in message


async def test_an_unexpected_error_keeps_its_traceback(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    async def bug() -> object:  # a duplicate primary key: the database is there, the code wrong
        async with uow_factory() as uow:
            return await uow.session.execute(
                text("INSERT INTO alembic_version SELECT version_num FROM alembic_version")
            )

    records = await _flush_logs(uow_factory, clock, bug, caplog)
    assert [r.levelname for r in records] == ["ERROR"]
    assert records[0].getMessage() == "outbox flush failed; retrying"
    assert records[0].exc_info is not None
    assert type(records[0].exc_info[1]).__name__ == "IntegrityError"
