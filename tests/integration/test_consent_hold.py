"""Nothing before consent beyond what the conversation needs (issue 17), on SQLite and
PostgreSQL: a photo and a voice message sent before the consent question are held until the
answer; a refusal erases them with everything else (no row, and on SQLite no byte of the
database's files, holds them); a voice message opens a request for a person only once the
resident agrees, and the resident is told so."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from infra.clock import FrozenClock
from routing.conversation.inbound import Inbound
from routing.conversation.service import ConversationService
from routing.followups.service import resident_blocked
from routing.intake import AttachmentIn
from routing.journey.records import Case, Message, OutgoingMessage, Resident
from routing.outbox.outcomes import Delivered
from routing.outbox.sender import OutboxSender
from tests.support.conversation import conversation_service
from tests.support.residents import ScriptedResident
from tests.support.traces import sqlite_files, traces_in_files, traces_in_rows

WORDS = "grainothèque zéphyrine"
NAME = "Ondine-Zélie"
PHOTO = "AgACAgQAAxkBAAIBphotoOndineZelie"
VOICE = "AwACAgQAAxkBAAIBvoiceOndineZelie"
NEEDLES = tuple(n.encode() for n in (WORDS, "zéphyrine", "grainothèque", NAME, "Ondine",
                                      PHOTO, VOICE, "OndineZelie", "880077"))  # fmt: skip


@pytest.fixture
def service(uow_factory, clock: FrozenClock) -> ConversationService:
    return conversation_service(uow_factory, clock, quartier_names=False)


def _file(resident: ScriptedResident, kind: str, file_id: str) -> Inbound:
    inbound = resident._inbound(AttachmentIn(kind), kind, None)  # type: ignore[no-untyped-call]
    return Inbound(**{**inbound.__dict__, "file_id": file_id, "first_name": NAME})


async def _count(service: ConversationService, model, *where) -> int:  # type: ignore[no-untyped-def]
    async with service.uow_factory() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model).where(*where))


async def _texts(service: ConversationService, ids: tuple[int, ...]) -> str:
    async with service.uow_factory() as uow:
        rows = [await uow.session.get(OutgoingMessage, i) for i in ids]
    return "\n".join((r.payload or {}).get("text", "") for r in rows if r is not None)


async def _to_consent(service: ConversationService, resident: ScriptedResident) -> None:
    await resident.says("/start")
    await service.handle(_file(resident, "photo", PHOTO))
    held = await service.handle(_file(resident, "voice", VOICE))
    told = await _texts(service, held.outbox_ids)
    assert "si tu es d'accord, une personne de l'équipe l'écoutera" in told, told
    await resident.says(f"On voudrait une {WORDS} aux Tanneurs avec des voisins, il faut un local")
    await resident.says("dès que possible")
    assert await _count(service, Case) == 0, "no request for a person before consent"
    assert await _count(service, Message, Message.file_id.is_not(None)) == 2  # held meanwhile


async def test_photo_and_voice_then_a_refusal_leave_nothing(
    service: ConversationService, clock: FrozenClock, migrated_url: str
) -> None:
    resident = ScriptedResident(service, user_id="880077")
    await _to_consent(service, resident)
    refused = await resident.presses("a", "no")
    assert refused.erased
    assert "je ne garde pas" in await _texts(service, refused.outbox_ids)

    async def deliver(_row: OutgoingMessage) -> Delivered:
        return Delivered(1)

    sender = OutboxSender(
        service.uow_factory, clock, deliver, "telegram", on_unreachable=resident_blocked
    )
    assert await sender.flush() >= 1  # the refusal's answer leaves, then is wiped
    for model in (Resident, Message, Case):
        assert await _count(service, model) == 0, model
    assert await _count(service, OutgoingMessage, OutgoingMessage.status != "sent") == 0
    assert not await traces_in_rows(migrated_url, NEEDLES)
    if migrated_url.startswith("sqlite"):
        files = sqlite_files(migrated_url)
        assert not traces_in_files(files, NEEDLES), traces_in_files(files, NEEDLES)


async def test_a_held_voice_message_goes_to_a_person_once_the_resident_agrees(
    service: ConversationService,
) -> None:
    resident = ScriptedResident(service, user_id="880078")
    await _to_consent(service, resident)
    agreed = await resident.presses("a", "yes")
    assert "Ton message vocal est transmis" in await _texts(service, agreed.outbox_ids)
    async with service.uow_factory() as uow:
        case = await uow.session.scalar(select(Case))
    assert case is not None and (case.reason, case.status) == ("voice", "open")
    assert await _count(service, Message, Message.file_id.is_not(None)) == 2
    assert isinstance(clock_now := datetime.now(), datetime) and clock_now  # the rows stay
