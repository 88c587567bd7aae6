"""infra.driver: a statement run on the pooled connection's driver is the statement SQLAlchemy
would send (the same SQL, the same arguments, the same rows), in the session's transaction
(committed or rolled back with it), and its errors are SQLAlchemy's (issue 18)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from infra import driver
from routing.conversation.claim_first import (
    CLAIM_AND_LOAD,
    CLAIM_KEEP_AND_LOAD,
    CLAIM_RETURNING_LOAD,
    LAST_SEEN_STEP,
)
from routing.journey import Conversation, InboundUpdate
from tests.support.rows import resident_and_idea

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def _claim(backend: str, update_id: int, external_id: str) -> tuple[Any, dict[str, Any]]:
    parameters: dict[str, Any] = {"update_id": update_id, "kind": "text", "received_at": NOW}
    parameters |= {"of_channel": "telegram", "of_external_id": external_id}
    if backend == "sqlite":
        return CLAIM_RETURNING_LOAD, parameters
    parameters |= {"seen_before": NOW - LAST_SEEN_STEP, "text": "bonjour", "file_id": None,
                   "channel_message_id": 7, "needs_human": False}  # fmt: skip
    return CLAIM_KEEP_AND_LOAD if backend == "postgresql" else CLAIM_AND_LOAD, parameters


async def _claimed(uow_factory) -> int:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(InboundUpdate)))


async def test_the_same_statement_as_the_session_sends(uow_factory, backend: str) -> None:  # type: ignore[no-untyped-def]
    resident_id, idea_id = await resident_and_idea(uow_factory, NOW, ref="T-1", status="draft")
    async with uow_factory() as uow:  # read back: its state as JSON, instants, booleans
        uow.session.add(Conversation(resident_id=resident_id, idea_id=idea_id, version=3,
                                     state={"step": "timing", "draft": {"text": "un jardin"}},
                                     updated_at=NOW))  # fmt: skip
        await uow.commit()
    sent: list[tuple[str, tuple[Any, ...]]] = []

    def seen(_conn: object, _cursor: object, sql: str, arguments: Any, *_args: object) -> None:
        sent.append((sql, tuple(arguments)))

    async with uow_factory() as uow:
        event.listen(uow.engine.sync_engine, "before_cursor_execute", seen)
        try:
            statement, parameters = _claim(backend, 1, "7")
            session_rows = (await uow.session.execute(statement, parameters)).all()
            statement, parameters = _claim(backend, 2, "7")
            driver_rows = await driver.rows(uow.session, statement, parameters)
        finally:
            event.remove(uow.engine.sync_engine, "before_cursor_execute", seen)
        await uow.commit()
    (session_sql, session_arguments), (driver_sql, driver_arguments) = sent
    assert driver_sql == session_sql
    assert driver_arguments == tuple(2 if value == 1 else value for value in session_arguments)
    assert len(session_rows) == len(driver_rows) == 1
    assert all(type(row) is tuple for row in driver_rows)
    # the resident's and conversation's columns, the held case's id (PostgreSQL: then the
    # "seen" and the kept message's id, which differs)
    assert driver_rows[0][:19] == tuple(session_rows[0])[:19]
    resident, conversation = driver_rows[0][:13], driver_rows[0][13:18]
    assert resident[0] == resident_id and resident[11] == NOW  # an aware instant
    assert conversation[:4] == (resident_id, idea_id, {"step": "timing",
                                "draft": {"text": "un jardin"}}, 3)  # fmt: skip
    assert await _claimed(uow_factory) == 2


@pytest.mark.parametrize("end", ["commit", "rollback"])
async def test_in_the_sessions_transaction(uow_factory, backend: str, end: str) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        statement, parameters = _claim(backend, 1, "nobody")
        await driver.rows(uow.session, statement, parameters)
        statement, parameters = _claim(backend, 2, "nobody")
        await uow.session.execute(statement, parameters)  # the session's way, after it
        if end == "commit":
            await uow.commit()
    assert await _claimed(uow_factory) == (2 if end == "commit" else 0)
    assert uow.engine.sync_engine.pool.checkedout() == 0


async def test_a_duplicate_update_is_sqlalchemys_integrity_error(uow_factory, backend: str) -> None:  # type: ignore[no-untyped-def]
    statement, parameters = _claim(backend, 1, "nobody")
    async with uow_factory() as uow:
        await driver.rows(uow.session, statement, parameters)
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(IntegrityError):
            await driver.rows(uow.session, statement, parameters)
        await uow.session.rollback()
        statement, parameters = _claim(backend, 2, "nobody")
        await driver.rows(uow.session, statement, parameters)  # the session goes on
        await uow.commit()
    assert await _claimed(uow_factory) == 2
