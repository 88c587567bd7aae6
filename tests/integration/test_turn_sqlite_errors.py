"""A turn failing on SQLite: a schema bug ("no such table", an OperationalError to sqlite3) is a
bug, so the resident's message is kept and they get the apology; an outage (the database read
only, as a disk remounted read only makes it) raises, keeps nothing, and the update delivered
again gets its ordinary answer (README, « If a turn fails »)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from infra.clock import FrozenClock
from infra.outage import database_unavailable
from infra.uow import UnitOfWork
from routing.journey.records import InboundUpdate, Message, OutgoingMessage
from tests.support.conversation import conversation_service
from tests.support.residents import ScriptedResident

IDEA = "On voudrait un jardin partagé aux Tanneurs"


async def _texts(uow_factory: Callable[[], UnitOfWork]) -> tuple[list[str], list[str]]:
    """The resident's messages kept, and the texts of the rows to send them."""
    async with uow_factory() as uow:
        kept = (await uow.session.scalars(select(Message.text).order_by(Message.id))).all()
        rows = (await uow.session.scalars(select(OutgoingMessage))).all()
    return [t or "" for t in kept], [r.payload.get("text", "") for r in rows]


async def _execute(uow_factory: Callable[[], UnitOfWork], statement: str) -> None:
    async with uow_factory() as uow:
        await uow.session.execute(text(statement))
        await uow.commit()


@pytest.mark.parametrize("backend", ["sqlite"])  # the schema broken for good: a file of its own
async def test_a_schema_bug_on_sqlite_keeps_the_message_and_apologises(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock, backend: str
) -> None:
    service = conversation_service(uow_factory, clock)
    resident = ScriptedResident(service, may_fail=True)
    await resident.says("/start")
    _, before = await _texts(uow_factory)
    # A migration gone wrong: the idea's milestone has nowhere to go ("no such table"); the
    # message and the apology go to tables that are still there.
    await _execute(uow_factory, "DROP TABLE journey_events")
    outcome = await resident.says(IDEA, update_id=701)
    assert outcome.handled and outcome.apologised
    kept, texts = await _texts(uow_factory)
    assert IDEA in kept
    apologies = texts[len(before) :]
    assert len(apologies) == 1 and "souci" in apologies[0]


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_sqlite_outage_mid_turn_is_still_delivered_again(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock, backend: str
) -> None:
    service = conversation_service(uow_factory, clock)
    resident = ScriptedResident(service)
    await resident.says("/start")
    kept_before, sent_before = await _texts(uow_factory)
    # The embedded default's one connection turned read only: "attempt to write a readonly
    # database" (SQLITE_READONLY) on the turn's first write.
    await _execute(uow_factory, "PRAGMA query_only = ON")
    with pytest.raises(OperationalError) as raised:
        await resident.says(IDEA, update_id=702)
    assert "readonly database" in str(raised.value) and database_unavailable(raised.value)
    assert await _texts(uow_factory) == (kept_before, sent_before)  # nothing kept, no apology
    async with uow_factory() as uow:
        claimed = select(func.count()).where(InboundUpdate.update_id == 702)
        assert await uow.session.scalar(claimed) == 0
    await _execute(uow_factory, "PRAGMA query_only = OFF")  # the disk is back
    again = await resident.says(IDEA, update_id=702)
    assert again.handled and not again.apologised
    kept, texts = await _texts(uow_factory)
    assert kept == [*kept_before, IDEA]
    assert len(texts) > len(sent_before) and not any("souci" in t for t in texts)
