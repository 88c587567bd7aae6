"""A new idea's first words on PostgreSQL: the idea's INSERT and its idea_received event carried
by the turn's save-and-send statement (``turn_rows.NEW_IDEA_SAVE_AND_SEND``, issue 18) leave the
same rows as the INSERT sent on its own first (``TurnEffects._sync_idea``, the way before), and
the conversation points to the new row: the next turn's words are linked to it and its draft
mirrored into it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import select, text

from infra.clock import FrozenClock
from infra.db import make_engine
from infra.uow import UnitOfWork, uow_factory_for
from routing.conversation.service import ConversationService
from routing.intake import DialogueState
from routing.journey import Conversation, Resident
from routing.journey.records import OutgoingMessage
from tests.support.conversation import conversation_service, statements_sent
from tests.support.residents import ScriptedResident

IDEA = (
    "Avec des voisins on voudrait un jardin partagé aux Glycines, "
    "il nous faut un lieu et un peu d'argent pour les graines"
)
# The rows of one resident's idea, without the columns that name rows (ids) or the resident.
SNAPSHOT = {
    "ideas": "SELECT status, text, title, neighbourhood, needs, themes, unmet_needs, group_type,"
    " timing, timing_words, source, locale, created_at, updated_at, submitted_at,"
    " ref LIKE 'D-______' FROM ideas WHERE id = :idea",
    "journey_events": "SELECT kind, occurred_at, data FROM journey_events WHERE idea_id = :idea"
    " ORDER BY id",
    "messages": "SELECT direction, kind, text, created_at FROM messages WHERE idea_id = :idea"
    " ORDER BY id",
    "conversations": "SELECT state, version, updated_at FROM conversations WHERE idea_id = :idea",
}


@pytest.fixture
async def postgres_uow(postgres_url: str) -> AsyncIterator[Callable[[], UnitOfWork]]:
    engine = make_engine(postgres_url)
    yield uow_factory_for(engine)
    await engine.dispose()


async def _inserted_first(
    self: ConversationService,
    uow: UnitOfWork,
    resident: Resident,
    conversation: Conversation,
    state: DialogueState,
    now: Any,
    outbox: list[dict[str, Any]],
) -> tuple[int, ...] | None:
    """The way before: the idea's INSERT and event on their own, then the turn's save."""
    await self._sync_idea(uow.session, resident, conversation, state.draft, now)
    return await self._save(uow, resident, conversation, state.draft, state, now, None, outbox)


async def _first_words(service: ConversationService, user_id: str) -> dict[str, Any]:
    """One resident's first words of an idea, then an answer; what was written, the first
    words' statements and replies."""
    resident = ScriptedResident(service, user_id=user_id)
    await resident.says("/start")
    async with statements_sent(service.uow_factory) as sent:
        first = await resident.says(IDEA)
    await resident.says("cet été")  # linked to the idea, and mirrored into its row
    async with service.uow_factory() as uow:
        session = uow.session
        idea = await session.scalar(
            select(Conversation.idea_id).where(Conversation.resident_id == first.resident_id)
        )
        assert idea is not None
        rows = {
            table: [tuple(row) for row in await session.execute(text(sql), {"idea": idea})]
            for table, sql in SNAPSHOT.items()
        }
        payloads = (
            await session.scalars(
                select(OutgoingMessage.payload)
                .where(OutgoingMessage.id.in_(first.outbox_ids))
                .order_by(OutgoingMessage.id)
            )
        ).all()
    replies = [{k: v for k, v in payload.items() if k != "chat_id"} for payload in payloads]
    return {"rows": rows, "replies": replies, "statements": list(sent)}


async def test_carried_insert_leaves_the_same_rows(
    postgres_uow: Callable[[], UnitOfWork], clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = conversation_service(postgres_uow, clock)
    carried = await _first_words(service, "42")
    monkeypatch.setattr(ConversationService, "_save_new_idea", _inserted_first)
    inserted_first = await _first_words(service, "43")

    assert carried["rows"] == inserted_first["rows"]
    assert carried["replies"] == inserted_first["replies"] != []
    rows = carried["rows"]
    assert rows["ideas"][0][0] == "draft" and rows["ideas"][0][-1] is True  # a ref of its own
    assert [event[0] for event in rows["journey_events"]] == ["idea_received"]
    assert [message[2] for message in rows["messages"]] == ["cet été"]  # the next turn's words
    assert len(rows["conversations"]) == 1
    # One round trip fewer: the INSERT went with the conversation's UPDATE and the replies.
    assert len(carried["statements"]) == len(inserted_first["statements"]) - 1
    assert "new_idea AS" in carried["statements"][-1]
    assert "outgoing_messages" in carried["statements"][-1]
