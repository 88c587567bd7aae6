"""SQLite: a turn's connection is checked out and its transaction committed without a greenlet
(``infra.db.idle_in_loop_connection``, ``infra.driver.in_loop_commit``), and only when nothing
there would await: the connection held by another unit of work, a connection to open again
after an invalidation, or ORM changes to flush at the commit go through SQLAlchemy's asyncio
layer as before (issue 18). PostgreSQL: as before."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import greenlet
from sqlalchemy import func, select

from infra import driver
from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from routing.conversation.service import ConversationService
from routing.journey.records import Idea, InboundUpdate, JourneyEvent, OutgoingMessage
from tests.support.conversation import conversation_service
from tests.support.residents import ScriptedResident

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@contextmanager
def switches(service: ConversationService) -> Iterator[list[Any]]:
    """The greenlet switches the service's turns make inside the block (the test's own reads,
    the buttons' lookup, are not counted)."""
    seen: list[Any] = []
    turning = False
    handle = service.handle

    async def turn(inbound: Any) -> Any:
        nonlocal turning
        turning = True
        try:
            return await handle(inbound)
        finally:
            turning = False

    def trace(event: str, args: Any) -> None:
        if turning:
            seen.append(event)

    before = greenlet.settrace(trace)
    service.handle = turn  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        greenlet.settrace(before)
        service.handle = handle  # type: ignore[method-assign]


async def _count(uow_factory: Callable[[], UnitOfWork], model: Any) -> int:
    async with uow_factory() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)))


async def test_a_known_residents_turn_switches_no_greenlet(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock, backend: str
) -> None:
    service = conversation_service(uow_factory, clock)
    resident = ScriptedResident(service)
    await resident.says("/start")
    await resident.says(
        "Avec des voisins on voudrait un jardin partagé aux Glycines, il nous faut un lieu et "
        "un peu d'argent pour les graines"
    )
    sent = await _count(uow_factory, OutgoingMessage)
    with switches(service) as typed:
        assert (await resident.says("cet été")).handled
    with switches(service) as pressed:
        assert (await resident.presses("a", "yes")).handled
    assert await _count(uow_factory, OutgoingMessage) > sent  # its replies written
    if backend == "sqlite":
        assert typed == [] and pressed == []
    else:  # asyncpg's adapter awaits through SQLAlchemy's greenlets
        assert typed and pressed


async def test_a_turn_waits_for_the_connection_another_unit_of_work_holds(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock, backend: str
) -> None:
    resident = ScriptedResident(conversation_service(uow_factory, clock))
    await resident.says("/start")
    async with uow_factory() as holder:
        await holder.session.execute(select(1))  # SQLite's one connection, checked out
        turn = asyncio.create_task(resident.says("On voudrait un jardin partagé"))
        await asyncio.sleep(0.05)
        if backend == "sqlite":
            assert not turn.done()  # waiting for it
        await holder.commit()
    assert (await turn).handled


async def test_a_turn_after_the_connection_was_invalidated(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock
) -> None:
    resident = ScriptedResident(conversation_service(uow_factory, clock))
    await resident.says("/start")
    async with uow_factory() as uow:
        connection = await uow.session.connection()
        await connection.invalidate()  # back in the pool closed: the next checkout opens one
    assert (await resident.says("On voudrait un jardin partagé")).handled
    assert (await resident.says("cet été")).handled


async def test_a_commit_with_changes_to_flush(uow_factory: Callable[[], UnitOfWork]) -> None:
    async with uow_factory() as uow:
        await driver.rows(uow.session, select(func.count()).select_from(InboundUpdate), {})
        uow.session.add(InboundUpdate(channel="telegram", update_id=9, kind="text",
                                      received_at=NOW))  # fmt: skip
        await uow.commit()  # flushed by the commit, then committed
    assert await _count(uow_factory, InboundUpdate) == 1


async def test_a_new_ideas_first_words_switch_no_greenlet(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock, backend: str
) -> None:
    """SQLite: the idea's row and its ``idea_received`` event are written on the driver too."""
    service = conversation_service(uow_factory, clock)
    resident = ScriptedResident(service)
    await resident.says("/start")
    with switches(service) as told:
        assert (await resident.says("Une fête de rue à Saint-Éloi avec les voisins")).handled
    async with uow_factory() as uow:
        idea = (await uow.session.execute(select(Idea.id, Idea.text))).one()
        events = (await uow.session.execute(select(JourneyEvent.idea_id, JourneyEvent.kind))).all()
    assert idea.text == "Une fête de rue à Saint-Éloi avec les voisins"
    assert [tuple(event) for event in events] == [(idea.id, "idea_received")]
    if backend == "sqlite":
        assert told == []
