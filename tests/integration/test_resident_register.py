"""Messages written outside the resident's own turn speak as their conversation does (issue
14, SQLite and PostgreSQL): follow-ups sent by the scheduler, retention notices and a person's
words from the console use the resident's « tu » or « vous » and language, not the city's
default; the city's default is stored at the first turn, so it reaches them too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.render import Renderer
from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from routing.cases import service as cases
from routing.conversation.service import ConversationService
from routing.followups.delivery import enqueue_due
from routing.followups.policy import Policy
from routing.followups.service import Planner
from routing.journey.records import Case, Conversation, OutgoingMessage, Resident
from routing.outbox import RenderContext
from routing.privacy.retention import enforce_retention
from routing.staff import Actor
from routing.staff.records import StaffMember
from tests.support.conversation import LISTENING, OFFICE, RULES, conversation_service
from tests.support.residents import ScriptedResident

PARIS = ZoneInfo("Europe/Paris")
POLICY = Policy(tz=PARIS, holidays_country="FR", holidays_subdivision=None)
IDEA = "On voudrait une grainothèque aux Tanneurs avec des voisins, il faut un local"
Factory = Callable[[], UnitOfWork]


def _service(uow_factory: Factory, clock: FrozenClock, default: str) -> ConversationService:
    return conversation_service(
        uow_factory,
        clock,
        office=replace(OFFICE, register=default),
        followup_planner=Planner(POLICY),
        listening=replace(LISTENING, default_register=default),
    )


async def _submit(resident: ScriptedResident) -> None:
    await resident.submits(IDEA)


async def _resident_id(service: ConversationService, chat: str) -> int:
    async with service.uow_factory() as uow:
        found = await uow.session.scalar(select(Resident.id).where(Resident.chat_id == chat))
    assert found is not None
    return found


async def _speaks(service: ConversationService, resident_id: int, register: str) -> None:
    """The resident is addressed in ``register`` from now on (as after a formal message)."""
    async with service.uow_factory() as uow:
        conversation = await uow.session.get(Conversation, resident_id)
        assert conversation is not None
        conversation.state = {**conversation.state, "register": register}
        await uow.commit()


async def _texts_to(service: ConversationService, resident_id: int, ids: list[int]) -> str:
    async with service.uow_factory() as uow:
        rows = await uow.session.scalars(
            select(OutgoingMessage).where(
                OutgoingMessage.id.in_(ids), OutgoingMessage.resident_id == resident_id
            )
        )
        return "\n".join(r.payload.get("text", "") for r in rows.all())


def _vous(text: str) -> bool:
    padded = f" {text.lower()} "
    return (" vous " in padded or " votre " in padded) and not any(
        f" {w} " in padded for w in ("tu", "ton", "ta", "tes")
    )


def _tu(text: str) -> bool:
    padded = f" {text.lower()} "
    return " ton " in padded or " tu " in padded


async def _nudges(service: ConversationService, clock: FrozenClock) -> list[int]:
    clock.advance(timedelta(days=8))
    return await enqueue_due(service.uow_factory, clock, service.renderer, POLICY, "test")


async def test_follow_ups_speak_each_residents_register(
    uow_factory: Factory, clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 11, 25, 10, tzinfo=PARIS))
    service = _service(uow_factory, clock, "tu")
    await _submit(ScriptedResident(service, "501"))
    await _submit(ScriptedResident(service, "502"))
    await _submit(ScriptedResident(service, "503", language_code="en"))
    tutoyee, vouvoyee, english = [await _resident_id(service, c) for c in ("501", "502", "503")]
    await _speaks(service, vouvoyee, "vous")
    await _speaks(service, english, "vous")
    ids = await _nudges(service, clock)
    assert _tu(await _texts_to(service, tutoyee, ids))
    formal = await _texts_to(service, vouvoyee, ids)
    assert formal and _vous(formal), formal
    assert (
        "idea" in (await _texts_to(service, english, ids)).lower()
    )  # English, whatever the register


async def test_the_city_default_reaches_scheduled_messages(
    uow_factory: Factory, clock: FrozenClock
) -> None:
    """A city that says « vous »: stored with the conversation at the first turn, so the
    scheduler's messages say « vous » too."""
    clock.set(datetime(2026, 11, 25, 10, tzinfo=PARIS))
    service = _service(uow_factory, clock, "vous")
    await _submit(ScriptedResident(service, "601"))
    resident_id = await _resident_id(service, "601")
    async with service.uow_factory() as uow:
        conversation = await uow.session.get(Conversation, resident_id)
        assert conversation is not None and conversation.state["register"] == "vous"
    nudge = await _texts_to(service, resident_id, await _nudges(service, clock))
    assert nudge and _vous(nudge), nudge


async def test_retention_notice_speaks_the_residents_register(
    uow_factory: Factory, clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 1, 5, 10, tzinfo=PARIS))
    service = _service(uow_factory, clock, "tu")
    await ScriptedResident(service, "701").says("/start")
    resident_id = await _resident_id(service, "701")
    await _speaks(service, resident_id, "vous")
    clock.set(datetime(2027, 12, 20, 10, tzinfo=PARIS))  # 23½ months later: the notice is due
    report = await enforce_retention(
        service.uow_factory, clock.now(), 24, service.renderer, rules=RULES
    )
    assert len(report.noticed) == 1
    notice = await _texts_to(service, resident_id, list(report.noticed))
    assert notice and _vous(notice), notice


async def test_a_persons_words_from_the_console_speak_the_residents_register(
    uow_factory: Factory, clock: FrozenClock
) -> None:
    """Claimed by a person (the console's « Je m'occupe de votre demande ») and closed with
    the default sentence: both in the resident's « vous »."""
    clock.set(datetime(2026, 12, 3, 10, tzinfo=PARIS))
    service = _service(uow_factory, clock, "tu")
    resident = ScriptedResident(service, "801")
    await resident.says("/start")
    await resident.says("/humain")
    resident_id = await _resident_id(service, "801")
    await _speaks(service, resident_id, "vous")
    async with uow_factory() as uow:
        staff = StaffMember(
            email="awa@ville.example",
            display_name="Awa Diallo",
            role="coordinator",  # takes any case (this one reached no team)
            password_hash="-",
            active=True,
            created_at=clock.now(),
        )
        uow.session.add(staff)
        await uow.session.flush()
        case = await uow.session.scalar(select(Case))
        assert case is not None
        before = await uow.session.scalar(
            select(OutgoingMessage.id).order_by(OutgoingMessage.id.desc())
        )
        assert await cases.claim(uow, case.id, Actor(staff.id, "console"), clock.now())
        await cases.resolve(uow, case.id, Actor(staff.id, "console"), "answered", "", clock.now())
        await uow.commit()
        ids = (
            await uow.session.scalars(select(OutgoingMessage.id).where(OutgoingMessage.id > before))
        ).all()
    told = await _texts_to(service, resident_id, list(ids))
    assert "Awa" in told and "votre demande" in told, told
    assert _vous(told), told


async def test_the_renderer_uses_the_city_default_when_no_register_is_known() -> None:
    from routing.intake import Say

    vous = Renderer(office=replace(OFFICE, register="vous"))
    text = vous([Say("submitted")], RenderContext("fr"))[0].payload["text"]
    assert "votre idée" in text.lower() or "vous" in text, text
    tu = vous([Say("submitted")], RenderContext("fr", register="tu"))[0].payload["text"]
    assert "ton idée" in tu.lower(), tu
