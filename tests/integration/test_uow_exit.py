"""infra.uow.UnitOfWork's exit: whatever was not committed is rolled back and the connection goes
back to the pool; the objects it loaded stay readable, detached (another unit of work may take
them). With no transaction left, the exit only expunges them (issue 18: ``Session.close`` cost a
greenlet and its machinery for that)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, func, inspect, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from infra.db import _writes_after_with
from routing.journey import InboundUpdate, Resident
from tests.support.rows import resident_and_idea

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


async def _locale(uow_factory, resident_id: int) -> str:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        return str(await uow.session.scalar(select(Resident.locale).filter_by(id=resident_id)))


async def test_a_committed_unit_of_work_leaves_its_objects_detached(uow_factory) -> None:  # type: ignore[no-untyped-def]
    resident_id, _ = await resident_and_idea(uow_factory, NOW, ref="T-1", status="draft")
    async with uow_factory() as uow:
        resident = await uow.session.get(Resident, resident_id)
        assert resident is not None
        resident.locale = "en"
        await uow.commit()
    assert inspect(resident).detached and resident.locale == "en"
    assert uow.engine.sync_engine.pool.checkedout() == 0
    async with uow_factory() as later:  # another unit of work takes the object
        later.session.add(resident)
        resident.display_name = "Awa"
        await later.commit()
    assert await _locale(uow_factory, resident_id) == "en"


async def test_what_was_not_committed_is_rolled_back(uow_factory) -> None:  # type: ignore[no-untyped-def]
    resident_id, _ = await resident_and_idea(uow_factory, NOW, ref="T-1", status="draft")
    english = update(Resident).filter_by(id=resident_id).values(locale="en")
    async with uow_factory() as uow:
        resident = await uow.session.get(Resident, resident_id)
        await uow.session.execute(english)
    assert inspect(resident).detached
    assert uow.engine.sync_engine.pool.checkedout() == 0
    assert await _locale(uow_factory, resident_id) == "fr"
    # Committed, then written again in the transaction the session begins by itself.
    async with uow_factory() as uow:
        await uow.session.scalar(select(func.count()).select_from(Resident))
        await uow.commit()
        await uow.session.execute(english)
    assert uow.engine.sync_engine.pool.checkedout() == 0
    assert await _locale(uow_factory, resident_id) == "fr"


async def test_a_write_after_with_is_rolled_back_too(uow_factory) -> None:  # type: ignore[no-untyped-def]
    """sqlite3 opens the transaction before a statement that starts with INSERT, UPDATE, DELETE
    or REPLACE, not before ``WITH … INSERT``: the cursor sends the BEGIN itself
    (``infra.db._writes_after_with``), or such a write would be committed at once."""
    write = text(
        "WITH v AS (SELECT 1 AS x) INSERT INTO inbound_updates (channel, update_id, kind,"
        " received_at) SELECT 'telegram', 1, 'text', :now FROM v"
    ).bindparams(bindparam("now", type_=InboundUpdate.__table__.c.received_at.type))
    async with uow_factory() as uow:
        await uow.session.execute(write, {"now": NOW})
        assert await uow.session.scalar(select(func.count()).select_from(InboundUpdate)) == 1
    async with uow_factory() as uow:  # not committed: rolled back
        assert await uow.session.scalar(select(func.count()).select_from(InboundUpdate)) == 0


def test_which_statements_open_the_transaction_themselves() -> None:
    assert _writes_after_with(
        "WITH t AS (SELECT a FROM b WHERE c IN (?, ?)) INSERT INTO d VALUES (1)"
    )
    assert _writes_after_with(" with \"insert\" AS (SELECT ')' AS p) DELETE FROM t")
    assert _writes_after_with("WITH a AS (SELECT 1), b AS (SELECT 2) UPDATE t SET x = 1")
    assert not _writes_after_with(
        "WITH a AS (INSERT INTO x VALUES (1) RETURNING id) SELECT id FROM a"
    )
    assert not _writes_after_with("WITH RECURSIVE r(n) AS (SELECT 1) SELECT n FROM r")
    assert not _writes_after_with("INSERT INTO t VALUES (1)")  # sqlite3 opens it


async def test_a_flush_with_nothing_pending_sends_nothing_and_skips_the_session(  # type: ignore[no-untyped-def]
    uow_factory, monkeypatch
) -> None:
    resident_id, _ = await resident_and_idea(uow_factory, NOW, ref="T-1", status="draft")
    flushed: list[object] = []
    flush = AsyncSession.flush

    async def counted(self: AsyncSession, objects: object = None) -> None:
        flushed.append(self)
        await flush(self)

    monkeypatch.setattr(AsyncSession, "flush", counted)
    async with uow_factory() as uow:
        resident = await uow.session.get(Resident, resident_id)
        assert resident is not None
        await uow.flush()  # nothing changed: AsyncSession.flush (its greenlet) not called
        assert flushed == []
        resident.locale = "en"
        await uow.flush()  # a change: flushed
        assert flushed == [uow.session]
        assert not uow.session.dirty
        await uow.commit()
    assert await _locale(uow_factory, resident_id) == "en"
