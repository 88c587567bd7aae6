"""Follow-ups on a real database (SQLite and PostgreSQL): planned at submission and on the
sprint, sent on schedule by time travel with the frozen clock, answered by the resident, and
delivered through the outbox against the local Bot API (429, 500, 403, 400)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select

from bot.delivery import TelegramDelivery
from declic.demo import load_demo_sprints
from infra.clock import FrozenClock
from knowledge.demo import load_demo_directory
from knowledge.territory import load_gazetteer
from routing.conversation.service import ConversationService
from routing.followups.delivery import enqueue_due
from routing.followups.policy import Policy
from routing.followups.records import FollowUp
from routing.followups.service import Planner, resident_blocked
from routing.intake import Action
from routing.journey.records import Case, Idea, JourneyEvent, OutgoingMessage, Resident
from routing.outbox.rate_limit import RateLimiter
from routing.outbox.sender import OutboxSender
from routing.sprints import availability
from routing.sprints import notices as sprint_notices
from routing.sprints import service as sprints
from tests.support.conversation import RULES, conversation_service
from tests.support.fake_bot_api import FakeBotApi
from tests.support.residents import ScriptedResident

PARIS = ZoneInfo("Europe/Paris")
POLICY = Policy(tz=PARIS, holidays_country="FR", holidays_subdivision=None)
IDEA = "On voudrait une grainothèque zéphyrine aux Tanneurs avec des voisins, il faut un local"


SPRINT_IDEA = (
    "Avec des voisins on voudrait un jardin partagé aux Glycines, "
    "il nous faut un lieu et un peu d'argent pour les graines"
)


def paris(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=PARIS)


@pytest.fixture
def service(uow_factory, clock: FrozenClock) -> ConversationService:  # type: ignore[no-untyped-def]
    return conversation_service(uow_factory, clock, followup_planner=Planner(POLICY))


async def _submit(resident: ScriptedResident) -> None:
    await resident.submits(IDEA)


async def _plan(service: ConversationService) -> list[tuple[str, datetime, str]]:
    async with service.uow_factory() as uow:
        rows = (await uow.session.scalars(select(FollowUp).order_by(FollowUp.due_at))).all()
        return [(r.kind, r.due_at.astimezone(PARIS), r.status) for r in rows]


async def _tick(service: ConversationService, clock: FrozenClock) -> list[OutgoingMessage]:
    """One run of the scheduler's follow-up job at the clock's time."""
    ids = await enqueue_due(service.uow_factory, clock, service.renderer, POLICY, "test")
    async with service.uow_factory() as uow:
        rows = await uow.session.scalars(
            select(OutgoingMessage).where(OutgoingMessage.id.in_(ids)).order_by(OutgoingMessage.id)
        )
        return list(rows.all())


def _buttons(row: OutgoingMessage) -> list[tuple[str, str]]:
    from bot.callbacks import unpack

    out = []
    for line in (row.payload.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in line:
            cb = unpack(button["callback_data"])
            assert cb is not None
            out.append((cb.action, cb.value))
    return out


async def _kinds(service: ConversationService) -> list[str]:
    async with service.uow_factory() as uow:
        return list((await uow.session.scalars(select(JourneyEvent.kind))).all())


async def _idea(service: ConversationService) -> Idea:
    async with service.uow_factory() as uow:
        idea = await uow.session.scalar(select(Idea))
        assert idea is not None
        return idea


async def test_submission_nudge_check_ins_answers_and_time_travel(
    service: ConversationService, clock: FrozenClock
) -> None:
    clock.set(paris(2026, 11, 25, 20, 30))  # a Wednesday evening
    resident = ScriptedResident(service)
    await _submit(resident)
    assert await _plan(service) == [
        (
            "nudge",
            paris(2026, 12, 2, 19, 30).replace(hour=9, minute=0) + timedelta(days=1),
            "pending",
        ),
        ("checkin_30", paris(2026, 12, 26, 9), "pending"),  # 25 December: Christmas
        ("checkin_90", paris(2027, 2, 23, 10), "pending"),
    ]
    # Nothing before its time
    clock.set(paris(2026, 12, 3, 8, 59))
    assert await _tick(service, clock) == []
    clock.set(paris(2026, 12, 3, 9, 0))
    [nudge] = await _tick(service, clock)
    assert "m'est restée en tête" in nudge.payload["text"]
    values = [v for a, v in _buttons(nudge) if a == Action.FOLLOWUP]
    assert [v.split(".")[1] for v in values] == ["m", "b", "p", "r"]
    assert await _tick(service, clock) == []  # sent once
    # « Ça avance » pressed: the idea's stage, journey events
    outcome = await resident.presses(Action.FOLLOWUP, values[0])
    assert outcome.handled
    assert (await _idea(service)).status == "in_progress"
    kinds = await _kinds(service)
    assert "followup_answered" in kinds and "action_started" in kinds
    # 30 days later, a check-in; the resident types instead of pressing
    clock.set(paris(2026, 12, 26, 9, 5))
    [checkin] = await _tick(service, clock)
    assert "Des nouvelles de ton idée" in checkin.payload["text"]
    said = await resident.says("c'est réalisé !")
    async with service.uow_factory() as uow:
        texts = [
            r.payload["text"]
            for r in await uow.session.scalars(
                select(OutgoingMessage).where(OutgoingMessage.id.in_(said.outbox_ids))
            )
        ]
    assert any("Bravo" in t for t in texts)
    assert (await _idea(service)).status == "realized"
    # one line for others, then consent to share it
    shared = await resident.says("Venez échanger vos graines le samedi !")
    async with service.uow_factory() as uow:
        ask = await uow.session.get(OutgoingMessage, shared.outbox_ids[-1])
        assert ask is not None and "partager cette phrase" in ask.payload["text"]
        share = [v for a, v in _buttons(ask) if a == Action.FOLLOWUP]
    await resident.presses(Action.FOLLOWUP, share[0])
    async with service.uow_factory() as uow:
        row = await uow.session.scalar(select(FollowUp).where(FollowUp.kind == "checkin_30"))
        assert row is not None and row.status == "answered"
        assert row.data == {"story": "Venez échanger vos graines le samedi !", "share": True}
    # realized: the 90-day check-in is cancelled, never sent
    assert ("checkin_90", paris(2027, 2, 23, 10), "cancelled") in await _plan(service)
    clock.set(paris(2027, 3, 1, 10))
    assert await _tick(service, clock) == []
    assert "realized" in await _kinds(service)


async def test_the_schedule_crosses_the_daylight_saving_change(
    service: ConversationService, clock: FrozenClock
) -> None:
    clock.set(paris(2027, 3, 24, 18))  # UTC+1; Paris moves to UTC+2 on 28 March
    await _submit(ScriptedResident(service))
    nudge = (await _plan(service))[0]
    assert nudge[:2] == ("nudge", paris(2027, 3, 31, 18))
    assert nudge[1].astimezone(UTC).hour == 16
    clock.set(datetime(2027, 3, 31, 15, 59, tzinfo=UTC))
    assert await _tick(service, clock) == []
    clock.set(datetime(2027, 3, 31, 16, 0, tzinfo=UTC))
    assert len(await _tick(service, clock)) == 1


async def test_blocked_opens_a_case_pause_resume_and_erasure(
    service: ConversationService, clock: FrozenClock
) -> None:
    clock.set(paris(2026, 11, 23, 10))
    resident = ScriptedResident(service)
    await _submit(resident)
    clock.set(paris(2026, 11, 30, 10))
    [nudge] = await _tick(service, clock)
    blocked = next(v for a, v in _buttons(nudge) if v.endswith(".b"))
    await resident.presses(Action.FOLLOWUP, blocked)
    async with service.uow_factory() as uow:
        case = await uow.session.scalar(select(Case))
        assert case is not None and case.reason == "blocked"
    assert (await _idea(service)).status == "blocked"
    # a forged follow-up button is refused kindly and changes nothing
    forged = await resident.says("/suivi")
    assert forged.handled
    # /pause cancels what is planned; /reprendre plans it again
    await resident.says("/pause")
    assert "pending" not in {s for _, _, s in await _plan(service)}
    async with service.uow_factory() as uow:
        person = await uow.session.scalar(select(Resident))
        assert person is not None and person.followups_paused
    await resident.says("/resume")
    assert "pending" in {s for _, _, s in await _plan(service)}
    # /oublier: nothing more is sent
    await resident.says("/oublier")
    await resident.presses("f", "yes")
    assert "pending" not in {s for _, _, s in await _plan(service)}


async def test_a_forged_follow_up_button_is_refused(service: ConversationService) -> None:
    resident = ScriptedResident(service)
    await _submit(resident)
    from routing.intake import ButtonIn

    outcome = await service.handle(
        resident._inbound(ButtonIn(Action.FOLLOWUP, "999.r", 0), "button")
    )
    async with service.uow_factory() as uow:
        row = await uow.session.get(OutgoingMessage, outcome.outbox_ids[0])
        assert row is not None and "Je ne retrouve pas ce message de suivi" in row.payload["text"]
    assert (await _idea(service)).status == "submitted"


@pytest.fixture
async def demo_service(uow_factory, clock: FrozenClock) -> ConversationService:  # type: ignore[no-untyped-def]
    await load_demo_directory(uow_factory, datetime(2026, 11, 1, tzinfo=UTC))
    await load_demo_sprints(uow_factory)
    return conversation_service(
        uow_factory, clock, directory=True, followup_planner=Planner(POLICY)
    )


async def test_a_sprint_brings_reminders_then_feedback_then_check_ins(
    demo_service: ConversationService, clock: FrozenClock
) -> None:
    service = demo_service
    resident = ScriptedResident(service)
    await resident.submits(SPRINT_IDEA, "cet été")
    idea = await _idea(service)
    async with service.uow_factory() as uow:
        offer = await availability.sprint_options(
            uow, idea.id, clock.now(), gazetteer=load_gazetteer(), rules=RULES
        )
        booked = await sprints.confirm(
            uow, idea.id, offer.plan.options[0], clock.now(), followups=Planner(POLICY), rules=RULES
        )
        await uow.commit()
    assert isinstance(booked, sprint_notices.Booked)
    plan = await _plan(service)
    live = [(k, at) for k, at, s in plan if s == "pending"]
    assert [k for k, _ in live] == [
        "reminder_3d", "reminder_1d", "sprint_feedback", "checkin_30", "checkin_90"
    ]  # fmt: skip
    assert ("nudge", "cancelled") in {(k, s) for k, _, s in plan}
    assert all(POLICY.allowed(at) for _, at in live)
    for kind, at in live[:3]:
        clock.set(at)
        [message] = await _tick(service, clock)
        if kind.startswith("reminder"):
            assert "sprint" in message.payload["text"] and "À apporter" in message.payload["text"]
            assert "Où :" in message.payload["text"]
        else:
            scores = [v for a, v in _buttons(message) if a == Action.FOLLOWUP]
            assert [v.split(".")[1] for v in scores] == ["1", "2", "3", "4", "5"]
            await resident.presses(Action.FOLLOWUP, scores[3])
            await resident.says("Le panel était top")
    async with service.uow_factory() as uow:
        feedback = await uow.session.scalar(
            select(JourneyEvent).where(JourneyEvent.kind == "sprint_feedback")
        )
        assert feedback is not None and feedback.data["score"] == 4
        row = await uow.session.scalar(select(FollowUp).where(FollowUp.kind == "sprint_feedback"))
        assert row is not None and row.data["comment"] == "Le panel était top"
    # moving the sprint moves the remaining plan; cancelling it goes back to check-ins
    async with service.uow_factory() as uow:
        await sprints.cancel(
            uow, booked.sprint_id, clock.now(), followups=Planner(POLICY), rules=RULES
        )
        await uow.commit()
    pending = [k for k, _, s in await _plan(service) if s == "pending"]
    assert pending == ["checkin_30", "checkin_90"]


# ---- the outbox sender against the local Bot API ----------------------------------------------


@pytest.fixture
def api(server: FakeBotApi) -> FakeBotApi:
    return server


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    bot = Bot(api.token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))
    yield bot
    await bot.session.close()


async def _resident_with_rows(uow_factory, clock, chat: int, texts: list[str]) -> int:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        now = clock.now()
        person = Resident(channel="telegram", external_id=str(chat), chat_id=str(chat),
                          locale="fr", created_at=now, last_seen_at=now)  # fmt: skip
        uow.session.add(person)
        await uow.session.flush()
        for i, text in enumerate(texts):
            uow.session.add(OutgoingMessage(
                resident_id=person.id, channel="telegram", chat_id=str(chat), method="sendMessage",
                payload={"text": text}, idempotency_key=f"t:{chat}:{i}", status="pending",
                attempts=0, not_before=clock.now(), created_at=clock.now()))  # fmt: skip
        await uow.commit()
        return person.id


async def _rows(uow_factory) -> list[OutgoingMessage]:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        return list(
            (await uow.session.scalars(select(OutgoingMessage).order_by(OutgoingMessage.id))).all()
        )


def _sender(uow_factory, clock, bot: Bot) -> OutboxSender:  # type: ignore[no-untyped-def]
    slept: list[float] = []

    async def no_sleep(seconds: float) -> None:
        slept.append(seconds)

    sender = OutboxSender(
        uow_factory, clock, TelegramDelivery(bot), "telegram",
        limiter=RateLimiter(now=lambda: 0.0), sleep=no_sleep, on_unreachable=resident_blocked,
    )  # fmt: skip
    return sender


async def test_sender_429_waits_retry_after_and_500_is_retried(
    uow_factory, clock: FrozenClock, api: FakeBotApi, bot: Bot
) -> None:
    awa = api.user(11)
    await _resident_with_rows(uow_factory, clock, 11, ["un", "deux"])
    sender = _sender(uow_factory, clock, bot)
    api.fail_next("sendMessage", status=429, retry_after=7)
    assert await sender.flush() == 0
    first = (await _rows(uow_factory))[0]
    assert first.status == "pending" and first.attempts == 0  # a 429 is not a failed attempt
    assert first.not_before == clock.now() + timedelta(seconds=7)
    clock.advance(timedelta(seconds=6))
    assert await sender.flush() == 0  # retry_after honoured, and the chat keeps its order
    clock.advance(timedelta(seconds=1))
    api.fail_next("sendMessage", status=500)
    assert await sender.flush() == 0
    row = (await _rows(uow_factory))[0]
    assert row.status == "pending" and row.attempts == 1 and "retry" in (row.last_error or "")
    assert (
        clock.now() + timedelta(seconds=0.5) <= row.not_before <= clock.now() + timedelta(seconds=1)
    )
    clock.advance(timedelta(seconds=2))
    assert await sender.flush() == 2
    assert [m.text for m in awa.messages] == ["un", "deux"]


async def test_sender_gives_up_after_bounded_5xx_with_the_reason(
    uow_factory, clock: FrozenClock, api: FakeBotApi, bot: Bot
) -> None:
    api.user(12)
    await _resident_with_rows(uow_factory, clock, 12, ["x"])
    sender = _sender(uow_factory, clock, bot)
    sender.max_attempts = 3
    api.fail_next("sendMessage", status=502, times=5)
    for _ in range(3):
        await sender.flush()
        clock.advance(timedelta(minutes=10))
    [row] = await _rows(uow_factory)
    assert row.status == "failed" and row.attempts == 3
    assert (row.last_error or "").startswith("gave up after 3 attempts")


async def test_sender_403_marks_unreachable_and_cancels_follow_ups_and_400_fails(
    service: ConversationService, clock: FrozenClock, api: FakeBotApi, bot: Bot
) -> None:
    clock.set(paris(2026, 11, 23, 10))
    resident = ScriptedResident(service, user_id="13")
    await _submit(resident)
    api.user(13).block()
    async with service.uow_factory() as uow:  # the replies so far: the bot was blocked since
        await uow.session.execute(
            OutgoingMessage.__table__.update().values(status="sent")  # type: ignore[attr-defined]
        )
        await uow.commit()
    clock.set(paris(2026, 11, 30, 10))
    [nudge] = await _tick(service, clock)
    sender = _sender(service.uow_factory, clock, bot)
    await sender.flush()
    async with service.uow_factory() as uow:
        row = await uow.session.get(OutgoingMessage, nudge.id)
        person = await uow.session.scalar(select(Resident))
        assert row is not None and row.status == "failed" and row.last_error.startswith("403")
        assert person is not None and not person.reachable
    assert {s for k, _, s in await _plan(service) if k != "nudge"} == {"cancelled"}
    # a 400: failed with Telegram's reason
    api.user(14)
    await _resident_with_rows(service.uow_factory, clock, 14, [""])
    await sender.flush()
    last = (await _rows(service.uow_factory))[-1]
    assert last.status == "failed" and (last.last_error or "").startswith("400")


async def test_a_resident_who_blocked_the_bot_and_writes_again_gets_follow_ups_again(
    service: ConversationService, clock: FrozenClock, api: FakeBotApi, bot: Bot
) -> None:
    """Blocked (403): everything planned is cancelled. Back six weeks later: the check-ins are
    planned again, as after /reprendre (the 30-day one, missed, is asked once; the nudge was
    sent before the block)."""
    clock.set(paris(2026, 11, 23, 10))
    resident = ScriptedResident(service, user_id="15")
    await _submit(resident)
    api.user(15).block()
    async with service.uow_factory() as uow:
        await uow.session.execute(
            OutgoingMessage.__table__.update().values(status="sent")  # type: ignore[attr-defined]
        )
        await uow.commit()
    clock.set(paris(2026, 11, 30, 10))
    await _tick(service, clock)
    await _sender(service.uow_factory, clock, bot).flush()
    assert {s for k, _, s in await _plan(service) if k != "nudge"} == {"cancelled"}

    clock.set(paris(2027, 1, 4, 11))
    await resident.says("coucou, c'est encore moi")
    async with service.uow_factory() as uow:
        person = await uow.session.scalar(select(Resident))
        assert person is not None and person.reachable
    pending = {k: due for k, due, s in await _plan(service) if s == "pending"}
    assert set(pending) == {"checkin_30", "checkin_90"}, pending
    assert pending["checkin_90"] > clock.now()  # and the missed 30-day one is asked once
