"""``residents.last_seen_at`` (retention counts silence from it, issue 17) moves with a
resident's messages, to the minute: a message within a minute of the last one leaves it, a later
one moves it, and what else the turn changes about the resident is stored with it (SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select

from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from routing.intake import TextIn
from routing.journey.records import Resident
from tests.support.conversation import conversation_service
from tests.support.residents import ScriptedResident


async def _stored(uow_factory: Callable[[], UnitOfWork]) -> tuple[datetime, str | None]:
    async with uow_factory() as uow:
        row = (
            await uow.session.execute(
                select(Resident.last_seen_at, Resident.chat_id).where(Resident.external_id == "42")
            )
        ).one()
    return row.last_seen_at, row.chat_id


async def test_last_seen_moves_to_the_minute(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock
) -> None:
    resident = ScriptedResident(conversation_service(uow_factory, clock))
    first = clock.now()
    await resident.says("/start")
    assert await _stored(uow_factory) == (first, "42")

    clock.advance(timedelta(seconds=50))
    await resident.says("Bonjour")
    assert await _stored(uow_factory) == (first, "42")  # within the minute: left as it was

    clock.advance(timedelta(minutes=3))
    await resident.says("On voudrait un jardin partagé aux Tanneurs")
    assert await _stored(uow_factory) == (clock.now(), "42")

    # Back after a pause from another chat: both changes are stored by the same turn.
    clock.advance(timedelta(hours=2))
    inbound = resident._inbound(TextIn("merci"), "text", "merci")
    await resident.service.handle(replace(inbound, chat_id="43"))
    assert await _stored(uow_factory) == (clock.now(), "43")
