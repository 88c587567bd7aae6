"""The Telegram staff group on a real database (SQLite and PostgreSQL): a new case is posted
as an outbox row without the resident's personal data; « Je prends » claims it exactly as the
console does; escalations and cases back in the queue are posted too."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from bot.callbacks import pack_claim
from bot.wire import telegram_call
from infra.clock import FrozenClock
from infra.settings import Settings
from infra.uow import UnitOfWork
from knowledge.demo import load_demo_city
from routing.cases import service as cases
from routing.cases import service_levels, staff_group
from routing.cases import teams as case_teams
from routing.cases.group_posts import StaffGroup
from routing.conversation.service import ConversationService
from routing.journey.records import Case, OutgoingMessage
from routing.staff import Actor
from routing.staff.accounts import link_telegram
from routing.staff.records import AuditEntry, StaffMember
from routing.staff.views import StaffError
from tests.support.conversation import RULES, conversation_service
from tests.support.residents import ScriptedResident

Factory = Callable[[], UnitOfWork]
GROUP_ID = -1001234567890
GROUP = StaffGroup(GROUP_ID, "fr", RULES.tz)
IDEA = "On voudrait une grainothèque aux Tanneurs avec des voisins, il faut un local"
AWA_TG, BRUNO_TG = 5001, 5002


def _service(uow_factory: Factory, clock: FrozenClock) -> ConversationService:
    return conversation_service(uow_factory, clock, staff_group=GROUP)


@pytest.fixture
async def team(uow_factory: Factory, clock: FrozenClock) -> tuple[int, int]:
    """The team that covers Les Tanneurs: Awa (Telegram linked) and Bruno (linked too); the
    demo town's territories in the database (the group post names the quartier)."""
    await load_demo_city(uow_factory, clock.now())
    async with uow_factory() as uow:
        team = await case_teams.create_team(uow, "jardins", "Jardins & Nature", [], ["tanneurs"])
        ids = []
        for email, name in (("awa@ville.example", "Awa Diallo"), ("bruno@ville.example", "Bruno")):
            row = StaffMember(
                email=email,
                display_name=name,
                role="agent",
                password_hash="-",
                active=True,
                created_at=clock.now(),
            )
            uow.session.add(row)
            await uow.session.flush()
            await case_teams.add_member(uow, team.id, row.id)
            ids.append(row.id)
        await link_telegram(uow, "awa@ville.example", AWA_TG, clock.now())
        await link_telegram(uow, "bruno@ville.example", BRUNO_TG, clock.now())
        await uow.commit()
    return ids[0], ids[1]


async def _group_rows(uow_factory: Factory) -> list[OutgoingMessage]:
    async with uow_factory() as uow:
        rows = await uow.session.scalars(
            select(OutgoingMessage)
            .where(OutgoingMessage.chat_id == str(GROUP_ID))
            .order_by(OutgoingMessage.id)
        )
        return list(rows.all())


async def _case(uow_factory: Factory) -> Case:
    async with uow_factory() as uow:
        case = await uow.session.scalar(select(Case))
    assert case is not None
    return case


async def test_a_new_case_is_posted_to_the_group_without_personal_data(
    uow_factory: Factory, clock: FrozenClock, team: tuple[int, int]
) -> None:
    service = _service(uow_factory, clock)
    resident = ScriptedResident(service, user_id="77")
    await resident.says(IDEA)
    await resident.says("/humain")
    await resident.says("/humain")  # asking twice is one request: posted once
    case = await _case(uow_factory)

    [post] = await _group_rows(uow_factory)
    method, call = telegram_call(post.method, post.payload)  # what Telegram will be asked
    assert (method, post.channel, post.resident_id) == ("sendMessage", "telegram", None)
    text = call["text"]
    assert f"#{case.id}" in text and "Les Tanneurs" in text and "Jardins & Nature" in text
    assert "parler à quelqu'un" in text  # the reason, in words
    for personal in ("Awa", "grainothèque", "voisins", "77"):  # name, words, chat id
        assert personal not in text, text
    [[button]] = call["reply_markup"]["inline_keyboard"]
    assert button == {"text": "Je prends", "callback_data": pack_claim(case.id)}
    assert button["callback_data"] == f"c:claim:{case.id}"


async def test_je_prends_claims_once_tells_the_resident_and_updates_the_post(
    uow_factory: Factory, clock: FrozenClock, team: tuple[int, int]
) -> None:
    service = _service(uow_factory, clock)
    resident = ScriptedResident(service, user_id="78")
    await resident.says(IDEA)
    await resident.says("/humain")
    case = await _case(uow_factory)
    [post] = await _group_rows(uow_factory)
    async with uow_factory() as uow:  # the outbox delivered it: Telegram gave it id 31
        row = await uow.session.get(OutgoingMessage, post.id)
        assert row is not None
        row.status, row.channel_message_id = "sent", 31
        await uow.commit()

    group = staff_group.StaffGroupService(uow_factory, clock, GROUP)
    stranger = await group.claim(case.id, 9999)
    assert stranger.outcome == staff_group.NOT_LINKED
    assert (await _case(uow_factory)).status == "open"

    won = await group.claim(case.id, AWA_TG)
    assert (won.outcome, won.holder) == (staff_group.CLAIMED, "Awa")
    claimed = await _case(uow_factory)
    assert claimed.status == "claimed"
    async with uow_factory() as uow:
        told = await uow.session.scalar(
            select(OutgoingMessage)
            .where(OutgoingMessage.chat_id == "78")
            .order_by(OutgoingMessage.id.desc())
        )
    assert told is not None and "Je suis Awa, de l'équipe Jardins & Nature" in told.payload["text"]
    rows = await _group_rows(uow_factory)
    calls = [telegram_call(r.method, r.payload) for r in rows]
    assert [method for method, _ in calls] == ["sendMessage", "editMessageText"]
    edit = calls[1][1]
    assert edit["message_id"] == 31 and "reply_markup" not in edit
    assert "Prise en charge par Awa (Jardins & Nature)" in edit["text"]

    again = await group.claim(case.id, AWA_TG)  # the same press delivered twice
    late = await group.claim(case.id, BRUNO_TG)
    assert again.outcome == staff_group.YOURS
    assert (late.outcome, late.holder) == (staff_group.TAKEN, "Awa")
    assert len(await _group_rows(uow_factory)) == 2, "nothing posted twice"
    assert (await _case(uow_factory)).holder_id == team[0]


async def test_a_claim_from_the_group_is_audited_like_one_from_the_console(
    uow_factory: Factory, clock: FrozenClock, team: tuple[int, int]
) -> None:
    service = _service(uow_factory, clock)
    resident = ScriptedResident(service, user_id="81")
    await resident.says(IDEA)
    await resident.says("/humain")
    case = await _case(uow_factory)
    group = staff_group.StaffGroupService(uow_factory, clock, GROUP)

    assert (await group.claim(case.id, 9999)).outcome == staff_group.NOT_LINKED
    assert (await group.claim(case.id, AWA_TG)).outcome == staff_group.CLAIMED
    assert (await group.claim(case.id, BRUNO_TG)).outcome == staff_group.TAKEN
    async with uow_factory() as uow:
        entries = (
            await uow.session.scalars(select(AuditEntry).where(AuditEntry.subject_type == "case"))
        ).all()
    assert [(e.staff_id, e.action, e.subject_type, e.subject_id) for e in entries] == [
        (team[0], "case.claimed", "case", str(case.id))  # the winner's claim, once
    ]
    assert entries[0].details == {"via": "telegram"}
    assert entries[0].occurred_at == clock.now()


async def test_a_post_not_sent_yet_is_rewritten_and_a_console_claim_is_the_same(
    uow_factory: Factory, clock: FrozenClock, team: tuple[int, int]
) -> None:
    service = _service(uow_factory, clock)
    resident = ScriptedResident(service, user_id="79")
    await resident.says(IDEA)
    await resident.says("/humain")
    case = await _case(uow_factory)
    async with uow_factory() as uow:  # claimed in the console
        assert await cases.claim(uow, case.id, Actor(team[1], "console"), clock.now())
        await uow.commit()
    [post] = await _group_rows(uow_factory)
    method, call = telegram_call(post.method, post.payload)
    assert post.status == "pending" and method == "sendMessage" and "reply_markup" not in call
    assert "Prise en charge par Bruno (Jardins & Nature)" in call["text"]
    late = await staff_group.StaffGroupService(uow_factory, clock, GROUP).claim(case.id, AWA_TG)
    assert (late.outcome, late.holder) == (staff_group.TAKEN, "Bruno")


async def test_escalations_and_returns_are_posted_when_a_group_is_set(
    uow_factory: Factory, clock: FrozenClock, team: tuple[int, int]
) -> None:
    settings = Settings(_env_file=None, staff_group_id=GROUP_ID)  # type: ignore[call-arg]
    service = _service(uow_factory, clock)
    resident = ScriptedResident(service, user_id="80")
    await resident.says(IDEA)
    await resident.says("/humain")  # Monday 10:00
    case = await _case(uow_factory)
    clock.set(clock.now().replace(hour=12, minute=1))
    async with uow_factory() as uow:
        report = await service_levels.enforce_service_levels(uow, clock.now(), settings)
        await uow.commit()
    assert report.escalated == (case.id,)
    rows = await _group_rows(uow_factory)
    assert len(rows) == 2
    assert "toujours sans preneur après 2\xa0heures de temps ouvré" in rows[1].payload["text"]
    escalation = telegram_call(rows[1].method, rows[1].payload)[1]
    assert escalation["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == (
        f"c:claim:{case.id}"
    )

    async with uow_factory() as uow:
        assert await cases.claim(uow, case.id, Actor(team[0], "console"), clock.now())
        await uow.commit()
    after = [telegram_call(r.method, r.payload)[1] for r in await _group_rows(uow_factory)]
    assert len(after) == 2 and all("reply_markup" not in call for call in after)
    clock.set(clock.now().replace(hour=16, minute=5))  # Awa silent for 4 working hours
    async with uow_factory() as uow:
        report = await service_levels.enforce_service_levels(uow, clock.now(), settings)
        await uow.commit()
    assert report.returned == (case.id,)
    rows = await _group_rows(uow_factory)
    assert "de nouveau libre" in rows[-1].payload["text"]
    returned = telegram_call(rows[-1].method, rows[-1].payload)[1]
    assert returned["reply_markup"]["inline_keyboard"][0][0]["text"] == "Je prends"


async def test_without_a_group_nothing_is_posted(
    uow_factory: Factory, clock: FrozenClock, team: tuple[int, int]
) -> None:
    async with uow_factory() as uow:
        rows = (await uow.session.scalars(select(StaffMember.id))).all()
    assert rows
    service = _service(uow_factory, clock)
    service.staff_group = None
    resident = ScriptedResident(service, user_id="81")
    await resident.says(IDEA)
    await resident.says("/humain")
    assert await _group_rows(uow_factory) == []


async def test_one_telegram_account_links_to_one_staff_member(
    uow_factory: Factory, clock: FrozenClock, team: tuple[int, int]
) -> None:
    async with uow_factory() as uow:
        with pytest.raises(StaffError) as taken:
            await link_telegram(uow, "bruno@ville.example", AWA_TG, clock.now())
        assert taken.value.code == "telegram_taken"
        with pytest.raises(StaffError):
            await link_telegram(uow, "nobody@ville.example", 7, clock.now())
        unlinked = await link_telegram(uow, "awa@ville.example", None, clock.now())
        await uow.commit()
    assert unlinked.email == "awa@ville.example"
    async with uow_factory() as uow:
        awa = await uow.session.get(StaffMember, team[0])
    assert awa is not None and awa.telegram_user_id is None
