"""What the sprint planner is given, read from the database (active panel members with their
absences, booked days and monthly load; active rooms and their booked days), and the options it
offers an idea."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, literal, select

from infra.uow import UnitOfWork
from knowledge.records import ResourceRow
from knowledge.store import resource_of
from knowledge.territory import Gazetteer
from routing.journey import Idea
from routing.sprints.planner import Planner, evaluate
from routing.sprints.planning_terms import Option, Person, Plan, Request, Room, Rules
from routing.sprints.records import (
    PanelAbsence,
    PanelMember,
    PersonDay,
    RoomDay,
    Sprint,
    SprintRoom,
    SprintSeat,
)
from routing.sprints.skills_and_distances import distances, needed_skills
from routing.sprints.working_days import today, window

ACTIVE = ("confirmed",)
COUNTED = ("confirmed", "held", "not_held")  # sprints that count against a monthly cap
STEP_FREE_WORDS = re.compile(
    r"fauteuil|\bpmr\b|mobilit[ée] r[ée]duite|wheelchair|handicap|sans marche|step.free",
    re.IGNORECASE,
)


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


@dataclass
class World:
    planner: Planner
    request: Request
    near: dict[str, int]
    rooms: dict[int, RoomInfo]
    names: dict[int, str]


async def load_world(
    uow: UnitOfWork,
    idea: Idea,
    now: datetime,
    gazetteer: Gazetteer | None,
    rules: Rules,
    exclude_sprint: int | None = None,
) -> World:
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
    for room_id, day, holder in taken.all():  # holder: None for a day blocked by staff
        if holder is None or holder != exclude_sprint:
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
    return World(Planner(people, rooms, rules), request, near, infos, names)


# Built once, with fixed binds (an expanding IN is rendered again at every execution): a
# submitted idea's every typed message asks it (the dialogue's sprint day).
_ACTIVE_SPRINT = (
    select(Sprint)
    .where(
        Sprint.idea_id == bindparam("idea_id"),
        Sprint.status.in_([literal(status) for status in ACTIVE]),
    )
    .order_by(Sprint.id.desc())
    .limit(1)
)


# The idea's active sprint's first day (parameter ``idea_id``), for a caller's own statement.
ACTIVE_SPRINT_DAY1 = _ACTIVE_SPRINT.with_only_columns(Sprint.day1).scalar_subquery()


async def active_sprint(uow: UnitOfWork, idea_id: int) -> Sprint | None:
    return await uow.session.scalar(_ACTIVE_SPRINT, {"idea_id": idea_id})


async def _idea_world(
    uow: UnitOfWork, idea: Idea, now: datetime, gazetteer: Gazetteer | None, rules: Rules
) -> tuple[World, int | None]:
    """The planner's world for the idea, the days of its own active sprint counted as free;
    and that sprint's id (None: it has none)."""
    current = await active_sprint(uow, idea.id)
    current_id = current.id if current else None
    return await load_world(uow, idea, now, gazetteer, rules, current_id), current_id


async def sprint_options(
    uow: UnitOfWork,
    idea_id: int,
    now: datetime,
    *,
    gazetteer: Gazetteer | None = None,
    rules: Rules,
) -> SprintOffer:
    """The planner's three options for the idea (its own sprint's days count as free)."""
    idea = await uow.session.get(Idea, idea_id)
    if idea is None:
        raise LookupError(f"no idea {idea_id}")
    world, current = await _idea_world(uow, idea, now, gazetteer, rules)
    found = world.planner.plan(world.request, world.near)
    return SprintOffer(idea_id, found, world.rooms, world.names, current)


async def option_at(
    uow: UnitOfWork,
    idea_id: int,
    day1: date,
    room_id: int,
    now: datetime,
    *,
    gazetteer: Gazetteer | None = None,
    rules: Rules,
) -> Option | None:
    """The option on these dates in this room, if every rule still holds now."""
    idea = await uow.session.get(Idea, idea_id)
    if idea is None:
        return None
    world, _ = await _idea_world(uow, idea, now, gazetteer, rules)
    return evaluate(world.planner, world.request, world.near, day1, room_id)
