"""infra.uow.UnitOfWork's exit: whatever was not committed is rolled back and the connection goes
back to the pool; the objects it loaded stay readable, detached (another unit of work may take
them). With no transaction left, the exit only expunges them (issue 18: ``Session.close`` cost a
greenlet and its machinery for that)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, inspect, select, update

from routing.journey import Resident
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
