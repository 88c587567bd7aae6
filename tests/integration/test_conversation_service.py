"""The conversation service on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from base64 import b64decode
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from infra.clock import FrozenClock
from routing.conversation.service import ConversationService
from routing.journey.records import (
    Case,
    Conversation,
    Idea,
    InboundUpdate,
    JourneyEvent,
    Message,
    OutgoingMessage,
    Resident,
)
from tests.support.conversation import LISTENING, OFFICE, conversation_service
from tests.support.residents import ScriptedResident

PHRASE = "grainothèque zéphyrine"


@pytest.fixture
def service(uow_factory, clock: FrozenClock) -> ConversationService:
    return conversation_service(uow_factory, clock)


async def _count(service: ConversationService, model, *where) -> int:  # type: ignore[no-untyped-def]
    async with service.uow_factory() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model).where(*where))


async def _submit_idea(resident: ScriptedResident) -> None:
    await resident.submits(
        f"On voudrait une {PHRASE} aux Tanneurs avec des voisins, il faut un local",
        start="/start affiche-tanneurs",
    )


async def test_an_update_delivered_twice_is_handled_once(service: ConversationService) -> None:
    resident = ScriptedResident(service)
    first = await resident.says("Bonjour", update_id=7)
    again = await resident.says("Bonjour", update_id=7)
    assert first.handled and first.outbox_ids
    assert not again.handled
    assert await _count(service, InboundUpdate) == 1
    assert await _count(service, OutgoingMessage) == len(first.outbox_ids)
    assert await _count(service, Message) == 1


async def test_a_submitted_idea_keeps_its_facts_source_and_milestones(
    service: ConversationService,
) -> None:
    resident = ScriptedResident(service)
    await _submit_idea(resident)
    async with service.uow_factory() as uow:
        idea = await uow.session.scalar(select(Idea))
        kinds = (await uow.session.scalars(select(JourneyEvent.kind))).all()
        person = await uow.session.scalar(select(Resident))
    assert idea is not None and person is not None
    assert idea.status == "submitted"
    assert (idea.neighbourhood, idea.group_type, idea.source) == (
        "tanneurs",
        "informal",
        "affiche-tanneurs",
    )
    assert idea.needs == ["place"] and idea.timing == "asap"
    assert person.consent_at is not None and person.neighbourhood == "tanneurs"
    assert kinds == ["idea_received", "intake_completed"]


async def test_a_resident_who_comes_back_continues_at_the_same_question(
    service: ConversationService,
) -> None:
    resident = ScriptedResident(service)
    await resident.says("On aimerait organiser une fête de rue")
    async with service.uow_factory() as uow:
        before = await uow.session.scalar(select(Conversation))
    assert before is not None and before.state["pending"] == "neighbourhood"
    outcome = await resident.says("/start")
    async with service.uow_factory() as uow:
        last = await uow.session.get(OutgoingMessage, outcome.outbox_ids[-1])
    assert last is not None
    buttons = [b["callback_data"] for row in last.payload["reply_markup"]["inline_keyboard"]
               for b in row]  # fmt: skip
    assert any(":tanneurs:" in data for data in buttons)


async def test_my_data_sends_a_json_document_with_my_words(service: ConversationService) -> None:
    resident = ScriptedResident(service)
    await _submit_idea(resident)
    outcome = await resident.says("/mesdonnees")
    async with service.uow_factory() as uow:
        rows = [await uow.session.get(OutgoingMessage, i) for i in outcome.outbox_ids]
    documents = [r for r in rows if r is not None and r.method == "sendDocument"]
    assert len(documents) == 1
    content = json.loads(b64decode(documents[0].payload["content_b64"]))
    assert PHRASE in content["ideas"][0]["text"]
    assert documents[0].erase_after_send


async def test_forgetting_erases_words_and_identity_but_keeps_anonymous_events(
    service: ConversationService,
) -> None:
    resident = ScriptedResident(service)
    await _submit_idea(resident)
    await resident.says("/humain")
    await resident.says("/oublier")
    outcome = await resident.presses("f", "yes")
    assert outcome.erased
    assert await _count(service, Resident) == 0
    assert await _count(service, Message) == 0
    assert await _count(service, Conversation) == 0
    assert await _count(service, Idea, Idea.text.is_not(None)) == 0
    assert await _count(service, Case, Case.resident_id.is_not(None)) == 0
    assert await _count(service, JourneyEvent, JourneyEvent.kind == "intake_completed") == 1
    async with service.uow_factory() as uow:
        texts = [r.payload.get("text", "") for r in (await uow.session.scalars(
            select(OutgoingMessage))).all()]  # fmt: skip
    assert len(texts) == 1 and PHRASE not in texts[0]


async def test_the_apology_speaks_the_towns_register(uow_factory, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    """DECLIC_DEFAULT_REGISTER=vous (the renderer's and the listening's default, as
    declic.runtime wires them): a new resident's failing turn is apologised for in « vous »."""

    class BrokenDialogue:
        def step(self, *_args, **_kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("dialogue exploded")

    vous = {"office": replace(OFFICE, register="vous"),
            "listening": replace(LISTENING, default_register="vous")}  # fmt: skip
    service = conversation_service(uow_factory, clock, **vous)
    service.dialogue = BrokenDialogue()  # type: ignore[assignment]
    outcome = await ScriptedResident(service, may_fail=True).says("Bonjour", update_id=98)
    assert outcome.apologised
    async with service.uow_factory() as uow:
        apology = await uow.session.get(OutgoingMessage, outcome.outbox_ids[0])
    assert apology is not None and "votre message" in apology.payload["text"]


async def test_a_failing_turn_keeps_the_message_and_apologises(
    service: ConversationService,
) -> None:
    class BrokenDialogue:
        def step(self, *_args, **_kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("dialogue exploded")

    resident = ScriptedResident(service, may_fail=True)
    working, service.dialogue = service.dialogue, BrokenDialogue()  # type: ignore[assignment]
    outcome = await resident.says(f"Mon idée : une {PHRASE}", update_id=99)
    service.dialogue = working
    assert outcome.handled and outcome.apologised and outcome.replies == ()
    async with service.uow_factory() as uow:
        kept = (await uow.session.scalars(select(Message.text))).all()
        apology = await uow.session.get(OutgoingMessage, outcome.outbox_ids[0])
        # the new resident's conversation is stored as it was made, as by a turn that worked
        stored = select(Conversation.resident_id, Conversation.state, Conversation.version)
        conversations = (await uow.session.execute(stored)).all()
    assert kept == [f"Mon idée : une {PHRASE}"]
    assert apology is not None and "souci" in apology.payload["text"]
    assert conversations == [(outcome.resident_id, {}, 0)]
    again = await resident.says("again", update_id=99)
    assert not again.handled and not again.apologised


async def test_a_scripted_residents_failed_turn_is_not_taken_for_a_handled_one(
    service: ConversationService,
) -> None:
    """The apology counts as handled for the transport (``handled``), so ScriptedResident
    raises on it: a test asking only ``.handled`` cannot pass when the turn failed."""

    class BrokenDialogue:
        def step(self, *_args, **_kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("dialogue exploded")

    service.dialogue = BrokenDialogue()  # type: ignore[assignment]
    with pytest.raises(AssertionError, match="failed and was apologised for"):
        await ScriptedResident(service).says("Bonjour", update_id=97)


async def test_every_turn_writes_its_outbox_rows_whole_and_in_sending_order(
    service: ConversationService,
) -> None:
    # On PostgreSQL most turns write their rows with the conversation's UPDATE (SAVE_AND_SEND,
    # from a JSON array): the rows must be the ones enqueue writes, ids in sending order.
    resident = ScriptedResident(service)
    outcomes = [await resident.says("/start")]
    outcomes.append(await resident.says(f"On voudrait une {PHRASE} aux Tanneurs"))
    outcomes.append(await resident.says("avec des voisins, il faut un local"))
    outcomes.append(await resident.says("dès que possible"))
    outcomes.append(await resident.says("/mesdonnees"))
    assert max(len(o.outbox_ids) for o in outcomes) >= 2, "a turn with several replies"
    async with service.uow_factory() as uow:
        person = await uow.session.scalar(select(Resident))
        assert person is not None
        for outcome in outcomes:
            assert outcome.outbox_ids == tuple(sorted(outcome.outbox_ids))
            rows = [await uow.session.get(OutgoingMessage, i) for i in outcome.outbox_ids]
            for index, row in enumerate(rows):
                assert row is not None
                assert row.idempotency_key.endswith(f":{index}")
                assert (row.resident_id, row.channel, row.chat_id) == (person.id, "telegram", "42")
                assert (row.status, row.attempts, row.uncertain) == ("pending", 0, False)
                assert row.not_before == row.created_at
                assert row.erase_after_send == (row.method == "sendDocument")  # the export
                assert row.payload and row.method
