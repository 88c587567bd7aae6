"""A turn's connection is checked out and its transaction committed without a greenlet when
nothing there would await (``infra.db.idle_connection``, ``infra.driver.commit_awaits_nothing``):
SQLite's in-loop connection, and on PostgreSQL a turn whose statements each went without
``BEGIN`` (``routing.conversation.claim_last``). The connection held by another unit of work, a
connection to open again after an invalidation, or ORM changes to flush at the commit go through
SQLAlchemy's asyncio layer as before (issue 18)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import greenlet
import pytest
from sqlalchemy import func, select

from infra import driver
from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from routing.conversation.service import ConversationService, Outcome
from routing.journey.records import Idea, InboundUpdate, JourneyEvent, OutgoingMessage
from tests.support.conversation import TurnWatch, conversation_service
from tests.support.residents import ScriptedResident

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@contextmanager
def switches(service: ConversationService) -> Iterator[list[Any]]:
    """The greenlet switches the service's turns make inside the block (the test's own reads,
    the buttons' lookup, are not counted)."""
    seen: list[Any] = []
    turns, handle = TurnWatch(), service.handle

    def trace(event: str, args: Any) -> None:
        if turns.now:
            seen.append(event)

    before = greenlet.settrace(trace)
    service.handle = turns.around(handle)  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        greenlet.settrace(before)
        service.handle = handle  # type: ignore[method-assign]


def answered(outcome: Outcome) -> bool:
    """Handled by the dialogue, with its replies, not by the apology after a failed turn
    (ScriptedResident raises on that one already)."""
    return outcome.handled and not outcome.apologised and bool(outcome.replies)


async def _count(uow_factory: Callable[[], UnitOfWork], model: Any) -> int:
    async with uow_factory() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)))


async def test_a_known_residents_turn_switches_no_greenlet(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock
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
        assert answered(await resident.says("cet été"))
    with switches(service) as pressed:
        assert answered(await resident.presses("a", "yes"))
    assert await _count(uow_factory, OutgoingMessage) > sent  # its replies written
    assert typed == [] and pressed == []


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
    assert answered(await turn)


async def test_a_turn_after_the_connection_was_invalidated(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock
) -> None:
    resident = ScriptedResident(conversation_service(uow_factory, clock))
    await resident.says("/start")
    async with uow_factory() as uow:
        connection = await uow.session.connection()
        await connection.invalidate()  # back in the pool closed: the next checkout opens one
    assert answered(await resident.says("On voudrait un jardin partagé"))
    assert answered(await resident.says("cet été"))


async def test_a_commit_with_changes_to_flush(uow_factory: Callable[[], UnitOfWork]) -> None:
    async with uow_factory() as uow:
        await driver.rows(uow.session, select(func.count()).select_from(InboundUpdate), {})
        uow.session.add(InboundUpdate(channel="telegram", update_id=9, kind="text",
                                      received_at=NOW))  # fmt: skip
        await uow.commit()  # flushed by the commit, then committed
    assert await _count(uow_factory, InboundUpdate) == 1


async def test_a_new_ideas_first_words_switch_no_greenlet(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock
) -> None:
    """SQLite: the idea's row and its ``idea_received`` event are written on the driver too
    (PostgreSQL: by the save-and-send statement)."""
    service = conversation_service(uow_factory, clock)
    resident = ScriptedResident(service)
    await resident.says("/start")
    with switches(service) as told:
        assert answered(await resident.says("Une fête de rue à Saint-Éloi avec les voisins"))
    async with uow_factory() as uow:
        idea = (await uow.session.execute(select(Idea.id, Idea.text))).one()
        events = (await uow.session.execute(select(JourneyEvent.idea_id, JourneyEvent.kind))).all()
    assert idea.text == "Une fête de rue à Saint-Éloi avec les voisins"
    assert [tuple(event) for event in events] == [(idea.id, "idea_received")]
    assert told == []


async def test_a_turn_when_the_pool_recycles_its_connection(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    resident = ScriptedResident(conversation_service(uow_factory, clock))
    await resident.says("/start")
    async with uow_factory() as uow:
        pool = uow.engine.sync_engine.pool
    monkeypatch.setattr(pool, "_recycle", 0)  # every connection too old: closed, opened again
    assert answered(await resident.says("On voudrait un jardin partagé"))
    assert answered(await resident.says("cet été"))
