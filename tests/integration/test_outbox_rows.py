"""routing.outbox.write_rows on the driver (issue 18): the statement the session sent before
(the same SQL, the same arguments), the ids in the rows' order, in the caller's transaction,
and a duplicate key still SQLAlchemy's IntegrityError."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from routing.journey import OutgoingMessage
from routing.outbox import Recipient, Text, messages, pending_rows, write_rows
from tests.support.rows import resident_and_idea

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def _rows(resident_id: int | None, key: str, count: int) -> list[dict[str, Any]]:
    to = Recipient("telegram", "42", resident_id)
    return pending_rows(to, [Text(f"mot {i}", "fr") for i in range(count)], key, NOW)


async def _stored(uow_factory) -> list[tuple[Any, ...]]:  # type: ignore[no-untyped-def]
    table = OutgoingMessage.__table__
    async with uow_factory() as uow:
        found = await uow.session.execute(select(table).order_by(table.c.id))
        return [tuple(row) for row in found]


@pytest.mark.parametrize("count", [1, 2, 3, messages.DRIVER_ROWS + 1])
async def test_the_same_statement_and_ids_as_the_sessions(  # type: ignore[no-untyped-def]
    uow_factory, backend: str, count: int
) -> None:
    resident_id, _idea = await resident_and_idea(uow_factory, NOW, ref="T-1", status="draft")
    sent: list[tuple[str, tuple[Any, ...]]] = []

    def seen(_conn: object, _cursor: object, sql: str, arguments: Any, *_args: object) -> None:
        sent.append((sql, tuple(arguments)))

    async with uow_factory() as uow:
        event.listen(uow.engine.sync_engine, "before_cursor_execute", seen)
        try:  # the way before: through the session (an executemany for several rows)
            before = _rows(resident_id, "a", count)
            result = await uow.session.execute(messages._INSERT, before if count > 1 else before[0])
            before_ids = messages.json_row_ids(result.all(), before)
            ids = await write_rows(uow.session, _rows(resident_id, "b", count))
        finally:
            event.remove(uow.engine.sync_engine, "before_cursor_execute", seen)
        await uow.commit()
    (session_sql, session_arguments), (sql, arguments) = sent
    assert sql == session_sql
    assert arguments == tuple(
        value.replace("a:", "b:") if isinstance(value, str) else value
        for value in session_arguments
    )
    assert before_ids == tuple(range(1, count + 1))
    assert ids == tuple(range(count + 1, 2 * count + 1))  # in the rows' order
    stored = await _stored(uow_factory)
    assert [row[1:] for row in stored[count:]] == [
        tuple(value.replace("a:", "b:") if isinstance(value, str) else value for value in row[1:])
        for row in stored[:count]
    ]  # the same columns written, the keys aside
    assert [row[6] for row in stored[count:]] == [f"b:{i}" for i in range(count)]


@pytest.mark.parametrize("end", ["commit", "rollback"])
async def test_in_the_callers_transaction(uow_factory, backend: str, end: str) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        await write_rows(uow.session, _rows(None, "a", 2))
        if end == "commit":
            await uow.commit()
    assert len(await _stored(uow_factory)) == (2 if end == "commit" else 0)
    assert uow.engine.sync_engine.pool.checkedout() == 0


async def test_rows_written_twice_are_an_integrity_error(uow_factory, backend: str) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        await write_rows(uow.session, _rows(None, "a", 2))
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(IntegrityError):
            await write_rows(uow.session, _rows(None, "a", 1))
        await uow.session.rollback()
        (row_id,) = await write_rows(uow.session, _rows(None, "b", 1))  # the session goes on
        await uow.commit()
    stored = await _stored(uow_factory)
    assert [(row[0], row[6]) for row in stored[2:]] == [(row_id, "b:0")]
    assert [row[6] for row in stored] == ["a:0", "a:1", "b:0"]
