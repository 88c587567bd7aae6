"""Use cases of the two-day sprint: options, confirm, reschedule, cancel, mark held.

Each takes an entered unit of work and leaves the commit to the caller. Booking is decided by
the database: the person-days and room-days are inserted with ``ON CONFLICT DO NOTHING …
RETURNING`` in one global order (room-days, then person-days, each sorted), so of two
confirmations of overlapping options exactly one gets every row; the other sees rows missing,
removes what it wrote, and gets fresh options at once (``Lost``). Nothing raises, so the
caller's transaction (a resident's turn) stays usable.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from infra.i18n import N_, Translator
from infra.settings import Settings
from infra.uow import UnitOfWork
from knowledge.records import ResourceRow
from knowledge.store import resource_of
from knowledge.territory import Gazetteer
from routing.journey import Idea, journey_event
from routing.outbox import Attachment, Recipient, Text, enqueue
from routing.sprints.ics import IcsSprint, sprint_ics
from routing.sprints.planner import (
    Option,
    Person,
    Plan,
    Planner,
    Request,
    Room,
    Rules,
    distances,
    evaluate,
    needed_skills,
    today,
    window,
)
from routing.sprints.records import (
    PanelAbsence,
    PanelMember,
    PersonDay,
    RoomDay,
    Sprint,
    SprintRoom,
    SprintSeat,
)
from routing.staff import StaffMember

ACTIVE = ("confirmed",)
PANEL_CHANNEL = "telegram"  # panel members are told in their own Telegram chat
COUNTED = ("confirmed", "held", "not_held")  # sprints that count against a monthly cap
STEP_FREE_WORDS = re.compile(
    r"fauteuil|\bpmr\b|mobilit[ée] r[ée]duite|wheelchair|handicap|sans marche|step.free",
    re.IGNORECASE,
)
STAFF_WORDS = {
    "booked": N_(
        "Sprint réservé : {title}, le {day1} et le {day2}, {place}. "
        "Vous êtes dans le panel ({role}). L'invitation est jointe."
    ),
    "rescheduled": N_(
        "Sprint déplacé : {title}, désormais le {day1} et le {day2}, {place}. "
        "L'invitation mise à jour est jointe."
    ),
    "cancelled": N_("Sprint annulé : {title}, prévu le {day1} et le {day2}."),
    "facilitator": N_("animation"),
    "member": N_("membre"),
    "no_place": N_("salle à confirmer"),
    "untitled": N_("une idée d'habitant"),
}


def rules_of(settings: Settings) -> Rules:
    """The sprint rules of the configured town: its time zone and its public holidays."""
    return Rules(
        tz=settings.tz,
        holidays_country=settings.case_holidays_country or "",
        holidays_subdivision=settings.case_holidays_subdivision or None,
    )


class FollowUpPlanner(Protocol):
    """Replans an idea's follow-ups when its sprint changes (``routing.followups.Planner``).

    Passed in, not imported: follow-ups build on sprints (their reminders name its days and
    room), so a sprint only asks them to catch up, in the same unit of work."""

    async def plan(self, uow: UnitOfWork, idea_id: int, now: datetime) -> object: ...


@dataclass(frozen=True)
class RoomInfo:
    id: int
    name: str
    address: str | None
    territory: str | None
    capacity: int | None
    step_free: bool | None


@dataclass(frozen=True)
class SprintOffer:
    """Options for an idea, with what a transport needs to show them."""

    idea_id: int
    plan: Plan
    rooms: dict[int, RoomInfo] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # panel member id → name
    current: int | None = None  # the idea's confirmed sprint, when rescheduling


@dataclass(frozen=True)
class Booked:
    sprint_id: int
    idea_id: int | None
    day1: date
    day2: date
    room: RoomInfo | None
    panel: tuple[str, ...]
    ics: bytes
    sequence: int
    rescheduled: bool = False


@dataclass(frozen=True)
class Lost:
    """Someone else took a person or the room meanwhile: here are fresh options."""

    offer: SprintOffer


@dataclass(frozen=True)
class Cancelled:
    sprint_id: int
    day1: date
    day2: date
    ics: bytes


@dataclass
class _World:
    planner: Planner
    request: Request
    near: dict[str, int]
    rooms: dict[int, RoomInfo]
    names: dict[int, str]


# ---- reading -----------------------------------------------------------------------------------


async def _world(
    uow: UnitOfWork,
    idea: Idea,
    now: datetime,
    gazetteer: Gazetteer | None,
    rules: Rules,
    exclude_sprint: int | None = None,
) -> _World:
    session = uow.session
    earliest, latest = window(today(now, rules), rules)
    since = earliest - timedelta(days=40)
    members = (await session.scalars(select(PanelMember).where(PanelMember.active.is_(True)))).all()
    busy: dict[int, set[date]] = {m.id: set() for m in members}
    absences = await session.scalars(
        select(PanelAbsence).where(
            PanelAbsence.ends_on >= earliest, PanelAbsence.starts_on <= latest
        )
    )
    for absence in absences:
        day = max(absence.starts_on, earliest)
        while day <= min(absence.ends_on, latest):
            busy.setdefault(absence.member_id, set()).add(day)
            day += timedelta(days=1)
    person_days = await session.execute(
        select(PersonDay.person_id, PersonDay.day, PersonDay.sprint_id).where(
            PersonDay.day >= earliest, PersonDay.day <= latest
        )
    )
    for person_id, day, sprint_id in person_days.all():
        if sprint_id != exclude_sprint:
            busy.setdefault(person_id, set()).add(day)
    load: dict[int, dict[tuple[int, int], int]] = {}
    seats = await session.execute(
        select(SprintSeat.member_id, Sprint.day1)
        .join(Sprint, Sprint.id == SprintSeat.sprint_id)
        .where(Sprint.status.in_(COUNTED), Sprint.day1 >= since)
        .where(Sprint.id != (exclude_sprint or 0))
    )
    for member_id, day1 in seats.all():
        month = (day1.year, day1.month)
        per = load.setdefault(member_id, {})
        per[month] = per.get(month, 0) + 1
    people = [
        Person(
            id=m.id,
            skills=frozenset(m.skills or ()),
            weekdays=frozenset(int(d) for d in (m.weekdays or ())),
            territories=frozenset(m.territories or ()),
            monthly_cap=m.monthly_cap,
            busy=frozenset(busy.get(m.id, ())),
            load=load.get(m.id, {}),
        )
        for m in members
    ]
    room_rows = (
        await session.execute(
            select(SprintRoom, ResourceRow)
            .join(ResourceRow, ResourceRow.id == SprintRoom.resource_id)
            .where(SprintRoom.active.is_(True), ResourceRow.active.is_(True))
        )
    ).all()
    room_busy: dict[int, set[date]] = {}
    taken = await session.execute(
        select(RoomDay.room_id, RoomDay.day, RoomDay.sprint_id).where(
            RoomDay.day >= earliest, RoomDay.day <= latest
        )
    )
    for room_id, day, sprint_id in taken.all():
        if sprint_id is None or sprint_id != exclude_sprint:
            room_busy.setdefault(room_id, set()).add(day)
    rooms: list[Room] = []
    infos: dict[int, RoomInfo] = {}
    for room_row, resource_row in room_rows:
        resource = resource_of(resource_row)
        territory = resource.territories[0] if resource.territories else None
        infos[room_row.id] = RoomInfo(
            room_row.id,
            resource.name,
            resource.address,
            territory,
            resource.capacity,
            resource.wheelchair_accessible,
        )
        rooms.append(
            Room(
                room_row.id,
                territory,
                resource.capacity,
                resource.wheelchair_accessible,
                frozenset(room_busy.get(room_row.id, ())),
            )
        )
    step_free = bool(STEP_FREE_WORDS.search(idea.text or ""))
    request = Request(
        needed=frozenset(needed_skills(idea.needs or (), idea.themes or (), step_free)),
        earliest=earliest,
        latest=latest,
        quartier=idea.neighbourhood,
        step_free=step_free,
        attendees=rules.panel_max + 3,
    )
    near = distances(gazetteer, idea.neighbourhood)
    names = {m.id: m.name for m in members}
    return _World(Planner(people, rooms, rules), request, near, infos, names)


async def active_sprint(uow: UnitOfWork, idea_id: int) -> Sprint | None:
    return await uow.session.scalar(
        select(Sprint)
        .where(Sprint.idea_id == idea_id, Sprint.status.in_(ACTIVE))
        .order_by(Sprint.id.desc())
        .limit(1)
    )


async def sprint_options(
    uow: UnitOfWork,
    idea_id: int,
    now: datetime,
    *,
    gazetteer: Gazetteer | None = None,
    rules: Rules | None = None,
) -> SprintOffer:
    """The planner's three options for the idea (its own sprint's days count as free)."""
    idea = await uow.session.get(Idea, idea_id)
    if idea is None:
        raise LookupError(f"no idea {idea_id}")
    current = await active_sprint(uow, idea_id)
    world = await _world(
        uow, idea, now, gazetteer, rules or Rules(), current.id if current else None
    )
    found = world.planner.plan(world.request, world.near)
    return SprintOffer(idea_id, found, world.rooms, world.names, current.id if current else None)


async def option_at(
    uow: UnitOfWork,
    idea_id: int,
    day1: date,
    room_id: int,
    now: datetime,
    *,
    gazetteer: Gazetteer | None = None,
    rules: Rules | None = None,
) -> Option | None:
    """The option on these dates in this room, if every rule still holds now."""
    idea = await uow.session.get(Idea, idea_id)
    if idea is None:
        return None
    current = await active_sprint(uow, idea_id)
    world = await _world(
        uow, idea, now, gazetteer, rules or Rules(), current.id if current else None
    )
    return evaluate(world.planner, world.request, world.near, day1, room_id)


# ---- writing -----------------------------------------------------------------------------------


def _insert(uow: UnitOfWork, model: type[Any]) -> Any:
    return pg_insert(model) if uow.dialect == "postgresql" else sqlite_insert(model)


async def _commit_days(
    uow: UnitOfWork, sprint_id: int, days: Sequence[date], room_id: int, people: Iterable[int]
) -> bool:
    """Insert the room-days then the person-days, in one global order; True if all were free.
    On a conflict, removes the rows this sprint wrote and returns False."""
    session = uow.session
    room_rows = [{"room_id": room_id, "day": d, "sprint_id": sprint_id} for d in sorted(days)]
    person_rows = [
        {"person_id": p, "day": d, "sprint_id": sprint_id}
        for p in sorted(set(people))
        for d in sorted(days)
    ]
    for model, rows, keys in (
        (RoomDay, room_rows, ["room_id", "day"]),
        (PersonDay, person_rows, ["person_id", "day"]),
    ):
        if not rows:
            continue
        statement = (
            _insert(uow, model)
            .values(rows)
            .on_conflict_do_nothing(index_elements=keys)
            .returning(model.id)
        )
        written = (await session.execute(statement)).scalars().all()
        if len(written) != len(rows):
            await _release(uow, sprint_id)
            return False
    return True


async def _release(uow: UnitOfWork, sprint_id: int) -> None:
    await uow.session.execute(delete(PersonDay).where(PersonDay.sprint_id == sprint_id))
    await uow.session.execute(delete(RoomDay).where(RoomDay.sprint_id == sprint_id))


async def _seat(uow: UnitOfWork, sprint: Sprint, option: Option) -> None:
    await uow.session.execute(delete(SprintSeat).where(SprintSeat.sprint_id == sprint.id))
    for member_id in option.panel:
        role = "facilitator" if member_id == option.facilitator_id else "member"
        uow.session.add(SprintSeat(sprint_id=sprint.id, member_id=member_id, role=role))


async def confirm(
    uow: UnitOfWork,
    idea_id: int,
    option: Option,
    now: datetime,
    *,
    followups: FollowUpPlanner,
    gazetteer: Gazetteer | None = None,
    rules: Rules | None = None,
) -> Booked | Lost:
    """Book the option for the idea (or move the idea's confirmed sprint to it)."""
    current = await active_sprint(uow, idea_id)
    if current is not None:
        return await reschedule(
            uow, current.id, option, now, followups=followups, gazetteer=gazetteer, rules=rules
        )
    session = uow.session
    idea = await session.get(Idea, idea_id)
    if idea is None:
        raise LookupError(f"no idea {idea_id}")
    sprint = Sprint(
        idea_id=idea_id,
        status="confirmed",
        day1=option.day1,
        day2=option.day2,
        room_id=option.room_id,
        needed=sorted(option.covered | option.missing),
        covered=sorted(option.covered),
        ics_uid=f"sprint-{uuid.uuid4().hex}@declic",
        sequence=0,
        created_at=now,
        updated_at=now,
        confirmed_at=now,
    )
    session.add(sprint)
    await session.flush()
    days = (option.day1, option.day2)
    if not await _commit_days(uow, sprint.id, days, option.room_id, option.panel):
        await session.delete(sprint)
        await session.flush()
        offer = await sprint_options(uow, idea_id, now, gazetteer=gazetteer, rules=rules)
        return Lost(offer)
    await _seat(uow, sprint, option)
    idea.status = "sprint_booked"
    idea.updated_at = now
    session.add(
        journey_event(
            idea,
            "sprint_booked",
            now,
            panel_size=len(option.panel),
            coverage=round(option.coverage, 2),
            distance=option.distance,
        )
    )
    await session.flush()
    await followups.plan(uow, idea_id, now)  # reminders, feedback, check-ins
    booked = await _booked(uow, sprint, idea, now, rules or Rules())
    await _tell_panel(uow, sprint, idea, "booked", booked.ics, now)
    return booked


async def reschedule(
    uow: UnitOfWork,
    sprint_id: int,
    option: Option,
    now: datetime,
    *,
    followups: FollowUpPlanner,
    gazetteer: Gazetteer | None = None,
    rules: Rules | None = None,
) -> Booked | Lost:
    """Move a confirmed sprint: its commitments are released and the new ones taken in one
    transaction; if the new ones are lost, the old ones are taken back."""
    session = uow.session
    sprint = await session.get(Sprint, sprint_id)
    if sprint is None or sprint.status not in ACTIVE:
        raise LookupError(f"no confirmed sprint {sprint_id}")
    old_days = (sprint.day1, sprint.day2)
    old_room = sprint.room_id
    old_people = (
        await session.scalars(select(SprintSeat.member_id).where(SprintSeat.sprint_id == sprint.id))
    ).all()
    await _release(uow, sprint.id)
    days = (option.day1, option.day2)
    if not await _commit_days(uow, sprint.id, days, option.room_id, option.panel):
        if old_room is not None:
            await _commit_days(uow, sprint.id, old_days, old_room, old_people)
        offer = await sprint_options(
            uow, sprint.idea_id or 0, now, gazetteer=gazetteer, rules=rules
        )
        return Lost(offer)
    sprint.day1, sprint.day2 = days
    sprint.room_id = option.room_id
    sprint.covered = sorted(option.covered)
    sprint.sequence += 1
    sprint.updated_at = now
    await _seat(uow, sprint, option)
    idea = await session.get(Idea, sprint.idea_id) if sprint.idea_id else None
    session.add(journey_event(idea, "sprint_rescheduled", now))
    await session.flush()
    if sprint.idea_id is not None:
        await followups.plan(uow, sprint.idea_id, now)  # reminders move with the days
    booked = await _booked(uow, sprint, idea, now, rules or Rules(), rescheduled=True)
    await _tell_panel(uow, sprint, idea, "rescheduled", booked.ics, now)
    return booked


async def cancel(
    uow: UnitOfWork,
    sprint_id: int,
    now: datetime,
    *,
    followups: FollowUpPlanner,
    rules: Rules | None = None,
) -> Cancelled:
    """Cancel a sprint and release its people and room."""
    session = uow.session
    sprint = await session.get(Sprint, sprint_id)
    if sprint is None or sprint.status not in ACTIVE:
        raise LookupError(f"no confirmed sprint {sprint_id}")
    await _release(uow, sprint.id)
    sprint.status = "cancelled"
    sprint.sequence += 1
    sprint.cancelled_at = now
    sprint.updated_at = now
    idea = await session.get(Idea, sprint.idea_id) if sprint.idea_id else None
    if idea is not None and idea.status == "sprint_booked":
        idea.status = "submitted"
        idea.updated_at = now
    session.add(journey_event(idea, "sprint_cancelled", now))
    await session.flush()
    if sprint.idea_id is not None:
        await followups.plan(uow, sprint.idea_id, now)  # back to check-ins after submission
    ics = await _ics(uow, sprint, idea, now, (rules or Rules()).tz, cancelled=True)
    await _tell_panel(uow, sprint, idea, "cancelled", ics, now)
    return Cancelled(sprint.id, sprint.day1, sprint.day2, ics)


async def cancel_for_erasure(uow: UnitOfWork, idea_ids: Sequence[int], now: datetime) -> int:
    """The ideas' resident was erased: their booked sprints are cancelled, people and room
    released, and the panel told (without the idea's words, already gone). The resident is
    told nothing. Returns how many were cancelled."""
    if not idea_ids:
        return 0
    sprint_ids = (
        await uow.session.scalars(
            select(Sprint.id).where(Sprint.idea_id.in_(idea_ids), Sprint.status.in_(ACTIVE))
        )
    ).all()
    for sprint_id in sprint_ids:
        await cancel(uow, sprint_id, now)
    return len(sprint_ids)


async def mark_held(
    uow: UnitOfWork, sprint_id: int, held: bool, note: str | None, now: datetime
) -> Sprint:
    """After the sprint, staff say whether it took place, with a short note."""
    sprint = await uow.session.get(Sprint, sprint_id)
    if sprint is None or sprint.status not in (*ACTIVE, "held", "not_held"):
        raise LookupError(f"no sprint {sprint_id} to mark")
    sprint.status = "held" if held else "not_held"
    sprint.note = (note or "").strip()[:2000] or None
    sprint.held_marked_at = now
    sprint.updated_at = now
    idea = await uow.session.get(Idea, sprint.idea_id) if sprint.idea_id else None
    uow.session.add(journey_event(idea, "sprint_held", now, held=held))
    await uow.session.flush()
    return sprint


# ---- the file and the people told --------------------------------------------------------------


async def room_info(uow: UnitOfWork, room_id: int | None) -> RoomInfo | None:
    if room_id is None:
        return None
    row = await uow.session.execute(
        select(SprintRoom, ResourceRow)
        .join(ResourceRow, ResourceRow.id == SprintRoom.resource_id)
        .where(SprintRoom.id == room_id)
    )
    found = row.first()
    if found is None:
        return None
    resource = resource_of(found[1])
    return RoomInfo(
        room_id,
        resource.name,
        resource.address,
        resource.territories[0] if resource.territories else None,
        resource.capacity,
        resource.wheelchair_accessible,
    )


async def _panel_names(uow: UnitOfWork, sprint_id: int) -> list[str]:
    rows = await uow.session.execute(
        select(PanelMember.name, SprintSeat.role)
        .join(SprintSeat, SprintSeat.member_id == PanelMember.id)
        .where(SprintSeat.sprint_id == sprint_id)
        .order_by(SprintSeat.role != "facilitator", PanelMember.name)
    )
    return [name for name, _ in rows.all()]


async def _ics(
    uow: UnitOfWork,
    sprint: Sprint,
    idea: Idea | None,
    now: datetime,
    tz: ZoneInfo,
    *,
    cancelled: bool = False,
    locale: str | None = None,
) -> bytes:
    room = await room_info(uow, sprint.room_id)
    size = await uow.session.scalar(
        select(func.count()).select_from(SprintSeat).where(SprintSeat.sprint_id == sprint.id)
    )
    return sprint_ics(
        IcsSprint(
            uid=sprint.ics_uid,
            sequence=sprint.sequence,
            day1=sprint.day1,
            day2=sprint.day2,
            title=idea.title if idea else None,
            room_name=room.name if room else None,
            address=room.address if room else None,
            panel_size=int(size or 0),
            cancelled=cancelled,
            tz=tz,
        ),
        now,
        locale or (idea.locale if idea else "fr"),
    )


async def _booked(
    uow: UnitOfWork,
    sprint: Sprint,
    idea: Idea | None,
    now: datetime,
    rules: Rules,
    *,
    rescheduled: bool = False,
) -> Booked:
    return Booked(
        sprint_id=sprint.id,
        idea_id=sprint.idea_id,
        day1=sprint.day1,
        day2=sprint.day2,
        room=await room_info(uow, sprint.room_id),
        panel=tuple(await _panel_names(uow, sprint.id)),
        ics=await _ics(uow, sprint, idea, now, rules.tz),
        sequence=sprint.sequence,
        rescheduled=rescheduled,
    )


async def sprint_file(
    uow: UnitOfWork, sprint_id: int, now: datetime, rules: Rules | None = None
) -> bytes:
    sprint = await uow.session.get(Sprint, sprint_id)
    if sprint is None:
        raise LookupError(f"no sprint {sprint_id}")
    idea = await uow.session.get(Idea, sprint.idea_id) if sprint.idea_id else None
    cancelled = sprint.status == "cancelled"
    return await _ics(uow, sprint, idea, now, (rules or Rules()).tz, cancelled=cancelled)


async def _tell_panel(
    uow: UnitOfWork, sprint: Sprint, idea: Idea | None, what: str, ics: bytes, now: datetime
) -> int:
    """An outbox message, with the .ics, to each panel member linked to a staff account with a
    Telegram account. Panel members without one are told in the console (the sprint page)."""
    rows = await uow.session.execute(
        select(SprintSeat.role, StaffMember)
        .join(PanelMember, PanelMember.id == SprintSeat.member_id)
        .join(StaffMember, StaffMember.id == PanelMember.staff_id)
        .where(
            SprintSeat.sprint_id == sprint.id,
            StaffMember.active.is_(True),
            StaffMember.telegram_user_id.is_not(None),
        )
    )
    room = await room_info(uow, sprint.room_id)
    told = 0
    seen: set[int] = set()
    for role, staff in rows.all():
        if staff.id in seen:  # one person behind two panel entries is told once
            continue
        seen.add(staff.id)
        t = Translator(staff.locale or "fr")
        place = (
            ", ".join(p for p in (room.name, room.address) if p)
            if room
            else t.gettext(STAFF_WORDS["no_place"])
        )
        text = t.gettext(STAFF_WORDS[what]).format(
            title=(idea.title if idea and idea.title else t.gettext(STAFF_WORDS["untitled"])),
            day1=t.date(sprint.day1, "full"),
            day2=t.date(sprint.day2, "full"),
            place=place,
            role=t.gettext(STAFF_WORDS[role]),
        )
        key = f"sprint:{sprint.id}:{what}:{sprint.sequence}:{staff.id}"
        to = Recipient(PANEL_CHANNEL, str(staff.telegram_user_id))  # a staff member's own chat
        await enqueue(uow.session, to, (Text(text), Attachment("sprint.ics", ics)), key, now)
        told += 1
    return told
