"""What the outbox sender logs when a flush fails: a database outage (a PostgreSQL restart, a
SQLite file out of reach) is expected and retried, one WARNING line without a traceback; any
other error is a bug, an ERROR with its traceback. Both are retried at the next round, and so is
the recovery the sender starts with (a server restarted before its database is up)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import select, text

from infra.clock import FrozenClock
from infra.db import make_engine
from infra.uow import UnitOfWork, uow_factory_for
from routing.followups.service import resident_blocked
from routing.journey.records import OutgoingMessage, Resident
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


def _outage(
    backend: str, uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> tuple[Failure, str]:
    """A real outage, and the driver's error a log line names for it."""
    if backend == "postgresql":  # what a restart does to a connection in use: 57P01

        async def terminated() -> object:
            async with uow_factory() as uow:
                return await uow.session.execute(
                    text("SELECT pg_terminate_backend(pg_backend_pid())")
                )

        return terminated, "AdminShutdownError"
    # SQLite: the database file out of reach (its disk gone)
    gone = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'gone' / 'declic.sqlite3'}")
    (tmp_path / "gone").rmdir()  # made by make_engine, gone before the first connection

    async def unreachable() -> object:
        try:
            async with uow_factory_for(gone)() as uow:
                return await uow.session.execute(text("SELECT 1"))
        finally:
            await gone.dispose()

    return unreachable, "OperationalError"


def _bug(uow_factory: Callable[[], UnitOfWork]) -> Failure:
    async def bug() -> object:  # a duplicate primary key: the database is there, the code wrong
        async with uow_factory() as uow:
            return await uow.session.execute(
                text("INSERT INTO alembic_version SELECT version_num FROM alembic_version")
            )

    return bug


async def test_a_database_outage_is_one_warning_line_without_a_traceback(
    uow_factory: Callable[[], UnitOfWork],
    backend: str,
    clock: FrozenClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    outage, cause = _outage(backend, uow_factory, tmp_path)
    records = await _flush_logs(uow_factory, clock, outage, caplog)
    assert [(r.levelname, r.exc_info) for r in records] == [("WARNING", None)]
    message = records[0].getMessage()
    assert "database is unavailable" in message and "retrying" in message
    assert cause in message and "\n" not in message


async def test_an_unexpected_error_keeps_its_traceback(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    records = await _flush_logs(uow_factory, clock, _bug(uow_factory), caplog)
    assert [r.levelname for r in records] == ["ERROR"]
    assert records[0].getMessage() == "outbox flush failed; retrying"
    assert records[0].exc_info is not None
    assert type(records[0].exc_info[1]).__name__ == "IntegrityError"


async def test_a_missing_table_is_a_bug_with_its_traceback(
    uow_factory: Callable[[], UnitOfWork],
    backend: str,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """On SQLite "no such table" is an OperationalError, as "database is locked" is: its result
    code, not its class, makes it a bug (on PostgreSQL a ProgrammingError, 42P01)."""

    async def missing_table() -> object:
        async with uow_factory() as uow:
            return await uow.session.execute(text("SELECT * FROM outgoing_messages_gone"))

    records = await _flush_logs(uow_factory, clock, missing_table, caplog)
    assert [r.levelname for r in records] == ["ERROR"]
    assert records[0].exc_info is not None
    expected = "OperationalError" if backend == "sqlite" else "ProgrammingError"
    assert type(records[0].exc_info[1]).__name__ == expected


async def _start_logs(
    uow_factory: Callable[[], UnitOfWork],
    clock: FrozenClock,
    failure: Failure,
    caplog: pytest.LogCaptureFixture,
) -> list[logging.LogRecord]:
    """Start a sender whose first recovery meets ``failure`` with a message waiting: it must
    keep running, recover at a later round and send the message. The sender's log records."""
    async with uow_factory() as uow:
        resident = Resident(channel="telegram", external_id="1", chat_id="1", locale="fr",
                            created_at=clock.now(), last_seen_at=clock.now())  # fmt: skip
        uow.session.add(resident)
        await uow.session.flush()
        uow.session.add(OutgoingMessage(
            resident_id=resident.id, channel="telegram", chat_id="1", method="sendMessage",
            payload={"text": "bonjour"}, idempotency_key="k", status="pending", attempts=0,
            not_before=clock.now(), created_at=clock.now()))  # fmt: skip
        await uow.commit()
    stop = asyncio.Event()
    sent: list[str] = []

    async def deliver(row: OutgoingMessage) -> Delivered:
        sent.append(row.payload["text"])
        stop.set()
        return Delivered(1)

    sender = OutboxSender(
        uow_factory, clock, deliver, "telegram", 0.01, on_unreachable=resident_blocked
    )
    recover = sender.claims.recover
    recoveries: list[str] = []

    async def first_fails() -> int:
        recoveries.append("tried")
        if len(recoveries) == 1:  # the database not up yet when the sender starts
            await failure()
            raise AssertionError("the failure did not fail")
        return await recover()

    sender.claims.recover = first_fails  # type: ignore[method-assign]
    caplog.set_level(logging.WARNING, logger="routing.outbox.sender")
    await asyncio.wait_for(sender.run(stop), 30)  # returns once the message is sent
    assert sent == ["bonjour"]
    assert len(recoveries) == 2  # retried at the next round, then not before the 20th
    async with uow_factory() as uow:
        row = (await uow.session.scalars(select(OutgoingMessage))).one()
        assert row.status == "sent"
    return [r for r in caplog.records if r.name == "routing.outbox.sender"]


async def test_a_sender_started_during_an_outage_waits_for_the_database(
    uow_factory: Callable[[], UnitOfWork],
    backend: str,
    clock: FrozenClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    outage, cause = _outage(backend, uow_factory, tmp_path)
    records = await _start_logs(uow_factory, clock, outage, caplog)
    assert [(r.levelname, r.exc_info) for r in records] == [("WARNING", None)]
    message = records[0].getMessage()
    assert "database is unavailable" in message and cause in message and "\n" not in message


async def test_a_bug_in_the_start_up_recovery_keeps_its_traceback_and_the_sender(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    records = await _start_logs(uow_factory, clock, _bug(uow_factory), caplog)
    assert [r.levelname for r in records] == ["ERROR"]
    assert records[0].exc_info is not None
    assert type(records[0].exc_info[1]).__name__ == "IntegrityError"
