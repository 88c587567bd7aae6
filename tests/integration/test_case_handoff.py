"""Handoff inside the conversation (SQLite and PostgreSQL): a resident asks for a person, an
agent claims the case, and while the agent holds it the bot answers commands only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from routing.cases import service as cases
from routing.cases import teams as case_teams
from routing.cases import views as case_views
from routing.cases.records import CaseEvent
from routing.conversation.inbound import Inbound
from routing.conversation.service import ConversationService
from routing.intake import AttachmentIn
from routing.journey.records import Case, Message, OutgoingMessage
from routing.staff import Actor
from routing.staff.records import StaffMember
from tests.support.conversation import conversation_service
from tests.support.residents import ScriptedResident

Factory = Callable[[], UnitOfWork]


@pytest.fixture
def service(uow_factory: Factory, clock: FrozenClock) -> ConversationService:
    return conversation_service(uow_factory, clock)


@pytest.fixture
async def awa(uow_factory: Factory, clock: FrozenClock) -> int:
    """An agent of the team that covers Les Tanneurs."""
    async with uow_factory() as uow:
        team = await case_teams.create_team(uow, "jardins", "Jardins & Nature", [], ["tanneurs"])
        staff = StaffMember(
            email="awa@ville.example",
            display_name="Awa Diallo",
            role="agent",
            password_hash="-",
            active=True,
            created_at=clock.now(),
        )
        uow.session.add(staff)
        await uow.session.flush()
        await case_teams.add_member(uow, team.id, staff.id)
        await uow.commit()
        return staff.id


async def _submit_idea(resident: ScriptedResident) -> None:
    await resident.submits(
        "On voudrait une grainothèque aux Tanneurs avec des voisins, il faut un local", start=None
    )


async def _texts(service: ConversationService, ids: tuple[int, ...]) -> str:
    async with service.uow_factory() as uow:
        rows = await uow.session.scalars(select(OutgoingMessage).where(OutgoingMessage.id.in_(ids)))
        return "\n".join(r.payload.get("text", "") for r in rows.all())


async def _the_case(service: ConversationService) -> Case:
    async with service.uow_factory() as uow:
        case = await uow.session.scalar(select(Case))
    assert case is not None
    return case


async def test_while_a_person_holds_the_case_the_bot_answers_only_commands(
    service: ConversationService, clock: FrozenClock, awa: int
) -> None:
    resident = ScriptedResident(service, user_id="77")
    await _submit_idea(resident)
    asked = await resident.says("/humain")
    assert "parler à une personne" in await _texts(service, asked.outbox_ids)
    case = await _the_case(service)
    assert (case.reason, case.source, case.status) == ("asked", "resident", "open")

    async with service.uow_factory() as uow:
        assert await cases.claim(uow, case.id, Actor(awa, "console"), clock.now())
        await uow.commit()
    async with service.uow_factory() as uow:
        notice = await uow.session.scalar(
            select(OutgoingMessage).order_by(OutgoingMessage.id.desc())
        )
    assert notice is not None and notice.chat_id == "77"
    assert "Je suis Awa, de l'équipe Jardins & Nature" in notice.payload["text"]

    plain = await resident.says("Bonjour, vous êtes là ? J'ai une question sur la salle")
    assert plain.handled and plain.outbox_ids == ()  # silence: the person answers, not the bot
    status = await service.handle(_voice(resident))
    assert status.handled and status.outbox_ids == ()

    suivi = await _texts(service, (await resident.says("/suivi")).outbox_ids)
    assert "Awa, de l'équipe Jardins & Nature, s'occupe de ta demande" in suivi
    assert "/recommencer" in await _texts(service, (await resident.says("/aide")).outbox_ids)
    again = await _texts(service, (await resident.says("/humain")).outbox_ids)
    assert "Awa, de l'équipe Jardins & Nature, s'occupe déjà de ta demande" in again
    assert "verra ta demande" not in again

    async with service.uow_factory() as uow:
        await cases.reply(
            uow, case.id, Actor(awa, "console"), "Oui, je suis là. Quelle salle ?", clock.now()
        )
        await uow.commit()
    async with service.uow_factory() as uow:
        said = await case_views.transcript(uow, case.id)
        events = (
            await uow.session.scalars(
                select(CaseEvent.kind).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
            )
        ).all()
        opened = await uow.session.scalar(select(Case.id).where(Case.id != case.id))
    assert [(m.direction, m.kind, m.text) for m in said][-7:] == [
        ("in", "text", "/humain"),
        ("in", "text", "Bonjour, vous êtes là ? J'ai une question sur la salle"),
        ("in", "voice", None),
        ("in", "text", "/suivi"),
        ("in", "text", "/aide"),
        ("in", "text", "/humain"),
        ("out", "agent", "Oui, je suis là. Quelle salle ?"),
    ]
    assert said[-1].direction == "out" and said[-1].author == "Awa Diallo"
    assert events == ["opened", "claimed", "resident_message", "resident_message", "replied"]
    assert opened is None  # the voice message and /humain joined the same case


async def test_handing_back_gives_the_conversation_back_to_the_bot(
    service: ConversationService, clock: FrozenClock, awa: int
) -> None:
    resident = ScriptedResident(service, user_id="78")
    await _submit_idea(resident)
    await resident.says("/humain")
    case = await _the_case(service)
    async with service.uow_factory() as uow:
        assert await cases.claim(uow, case.id, Actor(awa, "console"), clock.now())
        await uow.commit()
    assert (await resident.says("Encore là ?")).outbox_ids == ()
    async with service.uow_factory() as uow:
        await cases.hand_back(uow, case.id, Actor(awa, "console"), clock.now())
        await uow.commit()
    answer = await resident.says("Merci, et maintenant ?")
    assert answer.outbox_ids  # the bot speaks again
    suivi = await _texts(service, (await resident.says("/suivi")).outbox_ids)
    assert "s'occupe" not in suivi


async def test_a_voice_message_opens_a_case_for_someone_who_can_listen(
    service: ConversationService,
) -> None:
    """Once the resident agreed (here, with a submitted idea); before, see test_consent_hold."""
    resident = ScriptedResident(service, user_id="79")
    await _submit_idea(resident)
    await service.handle(_voice(resident))
    case = await _the_case(service)
    assert (case.reason, case.source, case.status) == ("voice", "dialogue", "open")


async def test_an_idea_that_nothing_in_the_directory_matches_opens_a_case(
    uow_factory: Factory, clock: FrozenClock
) -> None:
    service = conversation_service(uow_factory, clock, directory=True)
    resident = ScriptedResident(service, user_id="80")
    await _submit_idea(resident)  # the directory is empty
    case = await _the_case(service)
    assert (case.reason, case.source) == ("no_match", "dialogue")
    assert case.idea_id is not None


async def test_forgetting_closes_the_request_and_clears_staff_notes(
    service: ConversationService, clock: FrozenClock, awa: int
) -> None:
    resident = ScriptedResident(service, user_id="81")
    await _submit_idea(resident)
    await resident.says("/humain")
    case = await _the_case(service)
    async with service.uow_factory() as uow:
        assert await cases.claim(uow, case.id, Actor(awa, "console"), clock.now())
        await cases.transfer(
            uow, case.id, Actor(awa, "console"), clock.now(), to_staff_id=awa, note="Nina, 06…"
        )
        await uow.commit()
    await resident.says("/oublier")
    assert (await resident.presses("f", "yes")).erased
    case = await _the_case(service)
    async with service.uow_factory() as uow:
        notes = (await uow.session.scalars(select(CaseEvent.note))).all()
        kept = (await uow.session.scalars(select(Message))).all()
    assert (case.status, case.outcome, case.resident_id) == ("resolved", "erased", None)
    assert notes and all(n is None for n in notes)
    assert kept == []


def _voice(resident: ScriptedResident) -> Inbound:
    return resident._inbound(AttachmentIn("voice"), "voice", None)  # type: ignore[no-untyped-call]
