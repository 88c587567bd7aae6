"""Sprints on a real database (SQLite and PostgreSQL): options, booking, release, held, and the
whole conversation from a submitted idea to a confirmed sprint with its .ics."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import func, select

from bot.callbacks import unpack
from bot.wire import telegram_call
from declic.bootstrap import wire
from declic.demo import load_demo_sprints
from infra.clock import FrozenClock
from infra.settings import Settings
from infra.uow import UnitOfWork
from knowledge.demo import load_demo_directory
from knowledge.territory import load_gazetteer
from routing.cases.group_posts import StaffGroup
from routing.conversation.service import ConversationService
from routing.followups.records import FollowUp
from routing.intake import Action
from routing.journey.records import Idea, JourneyEvent, OutgoingMessage
from routing.outbox.messages import ATTACHMENT
from routing.sprints import Rules, availability, working_days
from routing.sprints import desk as sprint_desk
from routing.sprints import notices as sprint_notices
from routing.sprints import service as sprints
from routing.sprints.importer import SprintImportError, apply_sprint_data
from routing.sprints.records import PanelMember, PersonDay, RoomDay, Sprint, SprintSeat
from routing.sprints.working_days import is_working_day
from routing.staff.records import StaffMember
from tests.support.conversation import FOLLOWUPS, RULES, conversation_service
from tests.support.residents import ScriptedResident

IDEA = (
    "Avec des voisins on voudrait un jardin partagé aux Glycines, "
    "il nous faut un lieu et un peu d'argent pour les graines"
)


@pytest.fixture
async def demo(uow_factory):  # type: ignore[no-untyped-def]
    await load_demo_directory(uow_factory, datetime(2026, 11, 1, tzinfo=UTC))
    assert await load_demo_sprints(uow_factory)
    assert not await load_demo_sprints(uow_factory)  # idempotent: loaded once
    return uow_factory


@pytest.fixture
async def service(demo, clock: FrozenClock) -> ConversationService:  # type: ignore[no-untyped-def]
    return conversation_service(demo, clock, directory=True)


async def _idea(uow_factory, now: datetime, **facts) -> int:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        idea = Idea(
            ref=f"D-T{now.microsecond:05d}"[:12],
            status="submitted",
            text=facts.pop("text", "Un jardin partagé"),
            title="Un jardin partagé",
            neighbourhood=facts.pop("neighbourhood", "glycines"),
            needs=facts.pop("needs", ["place", "funding"]),
            themes=facts.pop("themes", ["garden"]),
            unmet_needs=[],
            locale="fr",
            created_at=now,
            updated_at=now,
        )
        uow.session.add(idea)
        await uow.commit()
        return idea.id


async def _count(uow_factory, model, *where) -> int:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model).where(*where)))


async def _book_first(
    uow_factory: Callable[[], UnitOfWork],
    idea_id: int,
    now: datetime,
    rules: Rules = RULES,
) -> sprint_notices.Booked:
    """The idea's first sprint option, booked under ``rules`` (the town's settings)."""
    async with uow_factory() as uow:
        offer = await availability.sprint_options(
            uow, idea_id, now, gazetteer=load_gazetteer(), rules=rules
        )
        booked = await sprints.confirm(
            uow, idea_id, offer.plan.options[0], now, followups=FOLLOWUPS, rules=rules
        )
        await uow.commit()
    assert isinstance(booked, sprint_notices.Booked)
    return booked


async def test_options_respect_the_rules_and_booking_takes_the_days(demo, clock) -> None:
    now = clock.now()
    idea_id = await _idea(demo, now)
    async with demo() as uow:
        offer = await availability.sprint_options(
            uow, idea_id, now, gazetteer=load_gazetteer(), rules=RULES
        )
    plan = offer.plan
    assert len(plan.options) == 3
    assert len({o.day1 for o in plan.options}) == 3
    for option in plan.options:
        assert is_working_day(option.day1, RULES) and is_working_day(option.day2, RULES)
        assert (option.day2 - option.day1).days == 1
        assert 3 <= len(option.panel) <= 5
        assert option.day1 >= date(2026, 11, 30)  # a week's notice
    chosen = plan.options[0]
    async with demo() as uow:
        booked = await sprints.confirm(
            uow, idea_id, chosen, now, gazetteer=load_gazetteer(), followups=FOLLOWUPS, rules=RULES
        )
        await uow.commit()
    assert isinstance(booked, sprint_notices.Booked)
    assert await _count(demo, PersonDay, PersonDay.sprint_id == booked.sprint_id) == 2 * len(
        chosen.panel
    )
    assert await _count(demo, RoomDay, RoomDay.sprint_id == booked.sprint_id) == 2
    calendar = icalendar.Calendar.from_ical(booked.ics)
    assert calendar["METHOD"] == "REQUEST"
    # the same option again: every row is taken, so it is lost, with fresh options at once
    other = await _idea(demo, now.replace(microsecond=1))
    async with demo() as uow:
        lost = await sprints.confirm(
            uow, other, chosen, now, gazetteer=load_gazetteer(), followups=FOLLOWUPS, rules=RULES
        )
        await uow.commit()
    assert isinstance(lost, sprints.Lost)
    assert lost.offer.plan.options
    assert all(
        not (o.day1 == chosen.day1 and o.room_id == chosen.room_id) for o in lost.offer.plan.options
    )
    assert await _count(demo, Sprint, Sprint.idea_id == other) == 0
    async with demo() as uow:
        events = (await uow.session.scalars(select(JourneyEvent.kind))).all()
    assert events.count("sprint_booked") == 1


async def test_reschedule_cancel_and_mark_held_release_and_record(demo, clock) -> None:
    now = clock.now()
    idea_id = await _idea(demo, now)
    first = await _book_first(demo, idea_id, now)
    async with demo() as uow:
        offer = await availability.sprint_options(
            uow, idea_id, now, gazetteer=load_gazetteer(), rules=RULES
        )
        assert offer.current == first.sprint_id
        target = next(o for o in offer.plan.options if o.day1 != first.day1)
        moved = await sprints.reschedule(
            uow, first.sprint_id, target, now, followups=FOLLOWUPS, rules=RULES
        )
        await uow.commit()
    assert isinstance(moved, sprint_notices.Booked)
    assert moved.sprint_id == first.sprint_id and moved.sequence == 1
    days = await _rows_days(demo, first.sprint_id)
    assert days == {target.day1, target.day2}
    ics = icalendar.Calendar.from_ical(moved.ics)
    events = list(ics.walk("VEVENT"))
    assert {str(e["UID"]) for e in events} == {
        str(e["UID"]) for e in icalendar.Calendar.from_ical(first.ics).walk("VEVENT")
    }
    assert all(int(e["SEQUENCE"]) == 1 for e in events)
    async with demo() as uow:
        cancelled = await sprints.cancel(
            uow, first.sprint_id, now, followups=FOLLOWUPS, rules=RULES
        )
        await uow.commit()
    assert icalendar.Calendar.from_ical(cancelled.ics)["METHOD"] == "CANCEL"
    assert await _count(demo, PersonDay, PersonDay.sprint_id == first.sprint_id) == 0
    assert await _count(demo, RoomDay, RoomDay.sprint_id == first.sprint_id) == 0
    with pytest.raises(LookupError):
        async with demo() as uow:
            await sprints.cancel(uow, first.sprint_id, now, followups=FOLLOWUPS, rules=RULES)
    # book again, then mark it held
    again = await _book_first(demo, idea_id, now)
    async with demo() as uow:
        sprint = await sprints.mark_held(uow, again.sprint_id, True, "Très bonne dynamique", now)
        await uow.commit()
    assert sprint.status == "held"
    async with demo() as uow:
        kinds = (await uow.session.scalars(select(JourneyEvent.kind))).all()
        held = await uow.session.scalar(
            select(JourneyEvent).where(JourneyEvent.kind == "sprint_held")
        )
    assert {"sprint_booked", "sprint_rescheduled", "sprint_cancelled", "sprint_held"} <= set(kinds)
    assert held is not None and held.data["held"] is True and "text" not in held.data


async def test_erasure_cancels_the_booked_sprint_and_plans_no_follow_up(demo, clock) -> None:
    """The resident is gone: the sprint is cancelled, its days freed, the panel told; nothing is
    planned again for the idea (the type checker found this path calling ``cancel`` without
    its follow-up planner, which raised TypeError and failed the whole erasure)."""
    now = clock.now()
    idea_id = await _idea(demo, now)
    booked = await _book_first(demo, idea_id, now)
    pending = await _count(
        demo, FollowUp, FollowUp.idea_id == idea_id, FollowUp.status == "pending"
    )
    async with demo() as uow:
        assert await sprints.cancel_for_erasure(uow, [idea_id], now, RULES) == 1
        await uow.commit()
    async with demo() as uow:
        sprint = await uow.session.get(Sprint, booked.sprint_id)
        assert sprint is not None and sprint.status == "cancelled"
    assert await _count(demo, PersonDay, PersonDay.sprint_id == booked.sprint_id) == 0
    assert await _count(demo, RoomDay, RoomDay.sprint_id == booked.sprint_id) == 0
    assert (
        await _count(demo, FollowUp, FollowUp.idea_id == idea_id, FollowUp.status == "pending")
        == pending
    )


async def _rows_days(uow_factory, sprint_id: int) -> set[date]:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        return set(
            (
                await uow.session.scalars(
                    select(PersonDay.day).where(PersonDay.sprint_id == sprint_id)
                )
            ).all()
        )


async def _panel_on_telegram(uow_factory: Callable[[], UnitOfWork], now: datetime) -> None:
    """Every panel member is one staff account with Telegram (Nadia), so the panel is told."""
    async with uow_factory() as uow:
        staff = StaffMember(
            email="nadia@rivebelle.example",
            display_name="Nadia",
            role="agent",
            password_hash="x",
            active=True,
            created_at=now,
            telegram_user_id=777001,
        )
        uow.session.add(staff)
        await uow.session.flush()
        for member in (await uow.session.scalars(select(PanelMember))).all():
            member.staff_id = staff.id
        await uow.commit()


async def test_panel_members_with_telegram_are_told_with_the_ics(demo, clock) -> None:
    now = clock.now()
    await _panel_on_telegram(demo, now)
    idea_id = await _idea(demo, now)
    booked = await _book_first(demo, idea_id, now)
    async with demo() as uow:
        rows = (
            await uow.session.scalars(
                select(OutgoingMessage).where(OutgoingMessage.chat_id == "777001")
            )
        ).all()
    methods = sorted(telegram_call(r.method, r.payload)[0] for r in rows)
    assert await _count(demo, SprintSeat, SprintSeat.sprint_id == booked.sprint_id) >= 3
    assert methods == ["sendDocument", "sendMessage"]  # told once, with the .ics
    assert any("Sprint réservé" in (r.payload.get("text") or "") for r in rows)


async def test_a_panel_member_without_a_language_is_told_in_the_towns(demo, clock) -> None:  # type: ignore[no-untyped-def]
    """DECLIC_LOCALE=en: Nadia chose no language, so the panel's message is in English."""
    now = clock.now()
    await _panel_on_telegram(demo, now)
    idea_id = await _idea(demo, now)
    english = wire(Settings(_env_file=None, locale="en")).sprint_rules  # type: ignore[call-arg]
    await _book_first(demo, idea_id, now, english)
    async with demo() as uow:
        rows = (
            await uow.session.scalars(
                select(OutgoingMessage).where(OutgoingMessage.chat_id == "777001")
            )
        ).all()
    texts = [r.payload.get("text") or "" for r in rows]
    assert any(t.startswith("Sprint booked: ") for t in texts), texts
    assert not any("Sprint réservé" in t for t in texts)


async def test_import_refuses_unknown_rooms_and_is_idempotent(demo, clock) -> None:
    now = clock.now()
    with pytest.raises(SprintImportError) as refused:
        async with demo() as uow:
            await apply_sprint_data(
                uow,
                {
                    "panel": [{"id": "x", "name": "X", "weekdays": ["sun"]}],
                    "rooms": [{"room": "nope"}],
                },
                now,
            )
    assert len(refused.value.problems) == 2
    before = await _count(demo, PanelMember, PanelMember.active.is_(True))
    from declic.demo import DEMO_SPRINTS
    from routing.sprints.importer import read_sprint_file

    async with demo() as uow:
        summary = await apply_sprint_data(uow, read_sprint_file(DEMO_SPRINTS), now)
        await uow.commit()
    assert summary.members == before
    assert await _count(demo, PanelMember, PanelMember.active.is_(True)) == before


def _buttons(rows: list[OutgoingMessage]) -> list[tuple[str, str, str]]:
    out = []
    for row in rows:
        for line in (row.payload.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in line:
                cb = unpack(button["callback_data"])
                assert cb is not None
                out.append((cb.action, cb.value, button["text"]))
    return out


async def _sent(service: ConversationService, ids: tuple[int, ...]) -> list[OutgoingMessage]:
    async with service.uow_factory() as uow:
        rows = await uow.session.scalars(
            select(OutgoingMessage).where(OutgoingMessage.id.in_(ids)).order_by(OutgoingMessage.id)
        )
        return list(rows.all())


async def test_the_resident_books_reschedules_and_cancels_in_the_conversation(service) -> None:
    resident = ScriptedResident(service)
    await resident.says("/start")
    await resident.says(IDEA)
    await resident.says("cet été")
    await resident.presses("a", "yes")
    submitted = await _sent(service, (await resident.presses("s", "ok")).outbox_ids)
    labels = [label for _, value, label in _buttons(submitted) if value == "sprint"]
    assert labels == ["Réserver un sprint de deux jours"]
    shown = await _sent(service, (await resident.presses(Action.NEXT, "sprint")).outbox_ids)
    choices = [(v, label) for a, v, label in _buttons(shown) if a == Action.SPRINT]
    assert len(choices) == 3
    assert "Un sprint, c'est deux jours" in shown[0].payload["text"]
    booked = await _sent(service, (await resident.presses(Action.SPRINT, choices[1][0])).outbox_ids)
    assert booked[0].method == "sendMessage"
    assert "C'est réservé !" in booked[0].payload["text"]
    assert "de 9 h à 17 h" in booked[0].payload["text"]
    document = booked[-1]
    assert document.method == "sendDocument"
    assert document.payload["filename"].endswith(".ics")
    ics = icalendar.Calendar.from_ical(base64.b64decode(document.payload["content_b64"]))
    assert ics["METHOD"] == "REQUEST"
    day = choices[1][0].split(".")[2]
    assert {e.decoded("DTSTART").strftime("%Y%m%d") for e in ics.walk("VEVENT")} >= {day}
    # Typed: "la première" after asking for new dates reschedules to the first option
    await resident.presses(Action.SPRINT, f"r.{choices[1][0].split('.')[1]}")
    moved = await _sent(service, (await resident.says("la première")).outbox_ids)
    assert "C'est changé !" in moved[0].payload["text"]
    async with service.uow_factory() as uow:
        sprint = await uow.session.scalar(select(Sprint))
        assert sprint is not None and sprint.sequence == 1
    idea = choices[1][0].split(".")[1]
    cancelled = await _sent(
        service, (await resident.presses(Action.SPRINT, f"c.{idea}")).outbox_ids
    )
    assert "C'est annulé" in cancelled[0].payload["text"]
    assert cancelled[-1].method == "sendDocument"
    assert await _count(service.uow_factory, PersonDay) == 0


async def test_a_lost_race_offers_fresh_options_and_forged_buttons_are_refused(
    service, clock
) -> None:
    first, second = ScriptedResident(service, user_id="51"), ScriptedResident(service, user_id="52")
    values = []
    for resident in (first, second):
        await resident.says("/start")
        await resident.says(IDEA)
        await resident.says("cet été")
        await resident.presses("a", "yes")
        await resident.presses("s", "ok")
        shown = await _sent(service, (await resident.presses(Action.NEXT, "sprint")).outbox_ids)
        values.append([v for a, v, _ in _buttons(shown) if a == Action.SPRINT])
    await first.presses(Action.SPRINT, values[0][0])
    # the same dates and room, on the second resident's own idea: taken meanwhile
    second_idea = values[1][0].split(".")[1]
    same = ".".join(["b", second_idea, *values[0][0].split(".")[2:]])
    from routing.intake import ButtonIn

    outcome = await second.service.handle(
        second._inbound(ButtonIn(Action.SPRINT, same, 0), "button")
    )
    rows = await _sent(service, outcome.outbox_ids)
    assert "quelqu'un vient de réserver" in rows[0].payload["text"]
    assert [a for a, _, _ in _buttons(rows)].count(Action.SPRINT) >= 1
    # a forged button for someone else's idea is refused kindly
    forged = ".".join(["b", values[0][0].split(".")[1], *values[1][1].split(".")[2:]])
    outcome = await second.service.handle(
        second._inbound(ButtonIn(Action.SPRINT, forged, 0), "button")
    )
    rows = await _sent(service, outcome.outbox_ids)
    assert "Je ne retrouve pas ce sprint" in rows[0].payload["text"]


async def test_the_staff_group_hears_of_a_sprint_the_resident_books_and_cancels(
    demo, clock
) -> None:  # type: ignore[no-untyped-def]
    """Panel members follow sprints in the staff group, whoever booked them; the post names
    the idea's reference, never the resident."""
    group_id = -1001234567890
    service = conversation_service(
        demo, clock, directory=True, staff_group=StaffGroup(group_id, "fr", RULES.tz)
    )
    resident = ScriptedResident(service)
    await resident.says("/start")
    await resident.says(IDEA)
    await resident.says("cet été")
    await resident.presses("a", "yes")
    await resident.presses("s", "ok")
    shown = await _sent(service, (await resident.presses(Action.NEXT, "sprint")).outbox_ids)
    choice = next(v for a, v, _ in _buttons(shown) if a == Action.SPRINT)
    await resident.presses(Action.SPRINT, choice)
    await resident.presses(Action.SPRINT, f"c.{choice.split('.')[1]}")
    async with demo() as uow:
        posts = (
            await uow.session.scalars(
                select(OutgoingMessage)
                .where(OutgoingMessage.chat_id == str(group_id))
                .order_by(OutgoingMessage.id)
            )
        ).all()
    keys = [p.idempotency_key for p in posts]
    assert any(":booked:" in k for k in keys) and any(":cancelled:" in k for k in keys), keys
    texts = " ".join(p.payload.get("text", "") + p.payload.get("caption", "") for p in posts)
    assert "Awa" not in texts and "Avec des voisins" not in texts and "graines" not in texts


async def test_the_configured_time_zone_decides_the_sprint_days_and_the_ics(demo) -> None:  # type: ignore[no-untyped-def]
    """DECLIC_TIMEZONE=America/Montreal: "today", the week's notice and the .ics are Montreal's."""
    montreal = wire(Settings(_env_file=None, timezone="America/Montreal")).sprint_rules  # type: ignore[call-arg]
    paris = wire(Settings(_env_file=None)).sprint_rules  # type: ignore[call-arg]
    # Monday 23 November, 21:00 in Montreal, is already Tuesday 03:00 in Paris.
    now = datetime(2026, 11, 24, 3, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert (working_days.today(now, montreal), working_days.today(now, paris)) == (
        date(2026, 11, 23),
        date(2026, 11, 24),
    )
    await _panel_on_telegram(demo, now)
    idea_id = await _idea(demo, now)
    async with demo() as uow:
        there = await availability.sprint_options(
            uow, idea_id, now, gazetteer=load_gazetteer(), rules=montreal
        )
        here = await availability.sprint_options(
            uow, idea_id, now, gazetteer=load_gazetteer(), rules=paris
        )
    # a week's notice from each town's today: Monday 30 November in Montreal, not in Paris
    assert min(o.day1 for o in there.plan.options) == date(2026, 11, 30)
    assert min(o.day1 for o in here.plan.options) == date(2026, 12, 1)
    async with demo() as uow:
        booked = await sprints.confirm(
            uow, idea_id, there.plan.options[0], now, followups=FOLLOWUPS, rules=montreal
        )
        await uow.commit()
    assert isinstance(booked, sprint_notices.Booked)
    starts = [e.decoded("dtstart") for e in icalendar.Calendar.from_ical(booked.ics).walk("VEVENT")]
    assert [(s.date(), s.hour, str(s.tzinfo)) for s in starts] == [
        (booked.day1, 9, "America/Montreal"),
        (booked.day2, 9, "America/Montreal"),
    ]
    assert b"TZID:America/Montreal" in booked.ics and b"Europe/Paris" not in booked.ics
    # the staff group's announcement, wired from the same settings, carries Montreal's .ics too
    group = wire(
        Settings(_env_file=None, timezone="America/Montreal", staff_group_id=-1001234567890)  # type: ignore[call-arg]
    ).staff_group
    assert group is not None
    async with demo() as uow:
        assert await sprint_desk.announce(uow, booked.sprint_id, group, "booked", now) == 2
        await uow.commit()
    (posted,) = await _attachments(demo, str(group.chat_id))
    starts = [e.decoded("dtstart") for e in icalendar.Calendar.from_ical(posted).walk("VEVENT")]
    assert [(s.date(), s.hour, str(s.tzinfo)) for s in starts] == [
        (booked.day1, 9, "America/Montreal"),
        (booked.day2, 9, "America/Montreal"),
    ]
    assert b"TZID:America/Montreal" in posted and b"Europe/Paris" not in posted
    # the resident erased (/oublier, retention): the panel's cancelled .ics is Montreal's too
    before = await _panel_ics(demo)
    assert before, "the booking told the panel with an .ics"
    async with demo() as uow:
        assert await sprints.cancel_for_erasure(uow, [idea_id], now, montreal) == 1
        await uow.commit()
    cancelled = (await _panel_ics(demo))[len(before) :]
    assert cancelled and all(b"METHOD:CANCEL" in ics for ics in cancelled)
    assert all(b"TZID:America/Montreal" in ics and b"Europe/Paris" not in ics for ics in cancelled)


async def _panel_ics(uow_factory: Callable[[], UnitOfWork]) -> list[bytes]:
    """The .ics files written to the outbox for the panel, oldest first."""
    return await _attachments(uow_factory)


async def _attachments(
    uow_factory: Callable[[], UnitOfWork], chat_id: str | None = None
) -> list[bytes]:
    """The files written to the outbox (for one chat, or all), oldest first."""
    where = [OutgoingMessage.method == ATTACHMENT]
    if chat_id is not None:
        where.append(OutgoingMessage.chat_id == chat_id)
    async with uow_factory() as uow:
        rows = (
            await uow.session.scalars(
                select(OutgoingMessage).where(*where).order_by(OutgoingMessage.id)
            )
        ).all()
    return [base64.b64decode(row.payload["content_b64"]) for row in rows]
