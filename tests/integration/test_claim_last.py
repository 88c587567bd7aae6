"""A known resident's turn on PostgreSQL is one read and one write, each a transaction of its own
(``routing.conversation.claim_last``: the claim, the kept message and the seen mark carried by
the save-and-send statement): no ``BEGIN`` and no ``COMMIT`` sent, yet every row written as
when the claim came first, and an update delivered again is still handled once. SQLite claims
first, as before: the same rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from asyncpg.transaction import Transaction
from sqlalchemy import func, select

from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from routing.journey.records import Conversation, InboundUpdate, Message, OutgoingMessage, Resident
from tests.support.conversation import TurnWatch, conversation_service
from tests.support.residents import ScriptedResident


async def _rows(uow_factory: Callable[[], UnitOfWork]) -> tuple[Any, ...]:
    async with uow_factory() as uow:
        session = uow.session
        claims = (await session.execute(
            select(InboundUpdate.update_id, InboundUpdate.kind).order_by(InboundUpdate.id)
        )).all()  # fmt: skip
        words = (await session.execute(
            select(Message.text, Message.idea_id, Message.kind).where(Message.direction == "in")
            .order_by(Message.id)
        )).all()  # fmt: skip
        seen = await session.scalar(select(Resident.last_seen_at))
        sent = await session.scalar(select(func.count()).select_from(OutgoingMessage))
    return [tuple(row) for row in claims], [tuple(row) for row in words], seen, sent


async def test_one_read_and_one_write(
    uow_factory: Callable[[], UnitOfWork],
    clock: FrozenClock,
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = conversation_service(uow_factory, clock)
    resident = ScriptedResident(service)
    await resident.says("/start", update_id=7001)
    await resident.says(
        "Avec des voisins on voudrait un jardin partagé aux Glycines, il nous faut un lieu et "
        "un peu d'argent pour les graines",
        update_id=7002,
    )
    claims, words, _, sent = await _rows(uow_factory)
    async with uow_factory() as uow:
        idea_id = await uow.session.scalar(select(Conversation.idea_id))
    assert idea_id is not None  # the draft's: the next words are kept linked to it

    transactions: list[str] = []  # BEGIN and COMMIT sent by the turns (not the test's reads)
    turns = TurnWatch()
    for name in ("start", "commit"):
        original = getattr(Transaction, name)

        async def counted(self: Transaction, _original: Any = original, _name: str = name) -> Any:
            if turns.now:
                transactions.append(_name)
            return await _original(self)

        monkeypatch.setattr(Transaction, name, counted)
    monkeypatch.setattr(service, "handle", turns.around(service.handle))
    clock.advance(timedelta(minutes=5))  # back after a pause: the turn marks them seen too
    assert (await resident.says("cet été", update_id=7003)).handled
    assert (await resident.presses("a", "yes")).handled
    if backend == "postgresql":
        assert transactions == []  # neither BEGIN nor COMMIT: each statement its own
    after = await _rows(uow_factory)
    assert after[0] == [*claims, (7003, "text"), (after[0][-1][0], "button")]
    assert after[1] == [*words, ("cet été", idea_id, "text")]  # the button keeps no words
    assert after[2] == clock.now()
    assert after[3] > sent

    again = await resident.says("cet été", update_id=7003)  # delivered again
    assert not again.handled
    assert await _rows(uow_factory) == after

    # After the submission, thanks: nothing to save, one reply, and still one read and one
    # write (the claim and the words carried by the outbox rows' INSERT).
    assert (await resident.presses("s", "ok")).handled
    transactions.clear()
    before = await _rows(uow_factory)
    assert (await resident.says("merci !", update_id=7004)).handled
    if backend == "postgresql":
        assert transactions == []
    thanked = await _rows(uow_factory)
    assert thanked[0] == [*before[0], (7004, "text")]
    assert thanked[1][-1][0] == "merci !"
    assert thanked[3] == before[3] + 1
