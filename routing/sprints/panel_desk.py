"""Who can sit on a sprint panel and which rooms host sprints, edited by coordinators.

The console's forms land here: skills, territories, weekly pattern, monthly cap and absences of
panel members; capacity, step-free access, equipment and blocked days of rooms. The planner
reads the same rows (``routing.sprints.service._world``), so a change is seen by the next plan.
Input
problems raise ``PanelInputError`` with a code the console turns into a kind sentence.

Rooms' capacity, access and equipment are the directory entry's facts: a later directory import
of the same entry replaces them, as it replaces every other fact.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from infra.uow import UnitOfWork
from infra.views import view_of
from knowledge.records import ResourceRow
from knowledge.store import resource_of
from routing.sprints.importer import MAX_RANGE_DAYS
from routing.sprints.records import PanelAbsence, PanelMember, RoomDay, SprintRoom
from routing.staff import StaffMember

CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
EQUIPMENT = re.compile(r"^[\w][\w '’-]{0,39}$")
MAX_CODES = 20
MAX_CAP = 20
MAX_CAPACITY = 10_000


class PanelInputError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Absence:
    id: int
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class MemberView:
    id: int
    external_id: str
    name: str
    staff_email: str | None
    skills: tuple[str, ...]
    territories: tuple[str, ...]
    weekdays: tuple[int, ...]
    monthly_cap: int
    active: bool
    absences: tuple[Absence, ...]


@dataclass(frozen=True)
class BlockedDay:
    day: date
    sprint_id: int | None  # None: an outside booking staff may remove


@dataclass(frozen=True)
class RoomView:
    id: int
    external_id: str
    name: str
    address: str | None
    territory: str | None
    capacity: int | None
    step_free: bool | None
    equipment: tuple[str, ...]
    active: bool
    blocked: tuple[BlockedDay, ...]


def codes(text: str) -> list[str]:
    """Comma- or space-separated codes, lower-cased; refuses anything that is not a code."""
    out = sorted({w.strip().lower() for w in re.split(r"[,;\s]+", text) if w.strip()})
    if len(out) > MAX_CODES or not all(CODE.match(w) for w in out):
        raise PanelInputError("bad_codes")
    return out


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PanelInputError("bad_date") from None


def parse_range(start: str, end: str) -> tuple[date, date]:
    first = parse_day(start)
    last = parse_day(end) if end.strip() else first
    if last < first:
        raise PanelInputError("bad_range")
    if (last - first).days > MAX_RANGE_DAYS:
        raise PanelInputError("range_too_long")
    return first, last


# ---- panel members -----------------------------------------------------------------------------


async def members(uow: UnitOfWork, today: date) -> list[MemberView]:
    """Every panel member (active first, by name) with their absences from today on."""
    rows = (
        await uow.session.execute(
            select(PanelMember, StaffMember.email)
            .outerjoin(StaffMember, StaffMember.id == PanelMember.staff_id)
            .order_by(PanelMember.active.desc(), PanelMember.name, PanelMember.id)
        )
    ).all()
    absences: dict[int, list[Absence]] = {}
    for a in await uow.session.scalars(
        select(PanelAbsence)
        .where(PanelAbsence.ends_on >= today)
        .order_by(PanelAbsence.starts_on, PanelAbsence.id)
    ):
        absences.setdefault(a.member_id, []).append(Absence(a.id, a.starts_on, a.ends_on))
    return [
        view_of(
            MemberView,
            m,
            staff_email=email,
            skills=tuple(m.skills or ()),
            territories=tuple(m.territories or ()),
            weekdays=tuple(int(d) for d in m.weekdays or ()),
            absences=tuple(absences.get(m.id, ())),
        )
        for m, email in rows
    ]


async def _member(uow: UnitOfWork, member_id: int) -> PanelMember:
    member = await uow.session.get(PanelMember, member_id)
    if member is None:
        raise PanelInputError("unknown_member")
    return member


async def update_member(
    uow: UnitOfWork,
    member_id: int,
    *,
    skills: list[str],
    territories: list[str],
    weekdays: list[int],
    monthly_cap: int,
    active: bool,
    known_territories: set[str] | None,
    now: datetime,
) -> dict[str, Any]:
    """Replace a member's skills, territories, weekly pattern, cap and active flag; returns
    what changed (for the audit log)."""
    member = await _member(uow, member_id)
    if not weekdays or not all(0 <= d <= 4 for d in weekdays):
        raise PanelInputError("bad_weekdays")
    if not 0 <= monthly_cap <= MAX_CAP:
        raise PanelInputError("bad_cap")
    if known_territories is not None and not set(territories) <= known_territories:
        raise PanelInputError("unknown_territory")
    values = {
        "skills": sorted(set(skills)),
        "territories": sorted(set(territories)),
        "weekdays": sorted(set(weekdays)),
        "monthly_cap": monthly_cap,
        "active": active,
    }
    changed = {k: v for k, v in values.items() if getattr(member, k) != v}
    for name, value in values.items():
        setattr(member, name, value)
    member.updated_at = now
    await uow.session.flush()
    return changed


async def add_absence(uow: UnitOfWork, member_id: int, first: date, last: date) -> int:
    await _member(uow, member_id)
    row = PanelAbsence(member_id=member_id, starts_on=first, ends_on=last)
    uow.session.add(row)
    await uow.session.flush()
    return row.id


async def remove_absence(uow: UnitOfWork, member_id: int, absence_id: int) -> None:
    row = await uow.session.get(PanelAbsence, absence_id)
    if row is None or row.member_id != member_id:
        raise PanelInputError("unknown_absence")
    await uow.session.delete(row)
    await uow.session.flush()


# ---- rooms -------------------------------------------------------------------------------------


async def rooms(uow: UnitOfWork, today: date) -> list[RoomView]:
    rows = (
        await uow.session.execute(
            select(SprintRoom, ResourceRow)
            .join(ResourceRow, ResourceRow.id == SprintRoom.resource_id)
            .order_by(SprintRoom.active.desc(), ResourceRow.name, SprintRoom.id)
        )
    ).all()
    blocked: dict[int, list[BlockedDay]] = {}
    for room_id, day, sprint_id in (
        await uow.session.execute(
            select(RoomDay.room_id, RoomDay.day, RoomDay.sprint_id)
            .where(RoomDay.day >= today)
            .order_by(RoomDay.day)
        )
    ).all():
        blocked.setdefault(room_id, []).append(BlockedDay(day, sprint_id))
    out = []
    for room, row in rows:
        resource = resource_of(row)
        out.append(
            RoomView(
                id=room.id,
                external_id=row.external_id,
                name=resource.name,
                address=resource.address,
                territory=resource.territories[0] if resource.territories else None,
                capacity=resource.capacity,
                step_free=resource.wheelchair_accessible,
                equipment=tuple(resource.equipment),
                active=room.active and row.active,
                blocked=tuple(blocked.get(room.id, ())),
            )
        )
    return out


async def _room(uow: UnitOfWork, room_id: int) -> tuple[SprintRoom, ResourceRow]:
    room = await uow.session.get(SprintRoom, room_id)
    resource = await uow.session.get(ResourceRow, room.resource_id) if room else None
    if room is None or resource is None:
        raise PanelInputError("unknown_room")
    return room, resource


def equipment_list(text: str) -> list[str]:
    items = [w.strip() for w in re.split(r"[,;\n]+", text) if w.strip()]
    if len(items) > MAX_CODES or not all(EQUIPMENT.match(w) for w in items):
        raise PanelInputError("bad_equipment")
    return list(dict.fromkeys(items))


async def update_room(
    uow: UnitOfWork,
    room_id: int,
    *,
    capacity: int,
    step_free: bool,
    equipment: list[str],
    active: bool,
    now: datetime,
) -> dict[str, Any]:
    """Capacity, step-free access and equipment (the directory entry's facts) and whether the
    room hosts sprints; returns what changed."""
    if not 1 <= capacity <= MAX_CAPACITY:
        raise PanelInputError("bad_capacity")
    room, resource = await _room(uow, room_id)
    facts = dict(resource.facts or {})
    before = {
        "capacity": facts.get("capacity"),
        "wheelchair_accessible": facts.get("wheelchair_accessible"),
        "equipment": list(facts.get("equipment") or ()),
        "active": room.active,
    }
    facts.update(capacity=capacity, wheelchair_accessible=step_free, equipment=equipment)
    after = {
        "capacity": capacity,
        "wheelchair_accessible": step_free,
        "equipment": equipment,
        "active": active,
    }
    resource.facts = facts  # a new dict, so the JSON column is seen as changed
    resource.updated_at = now
    room.active = active
    room.updated_at = now
    await uow.session.flush()
    return {k: v for k, v in after.items() if before[k] != v}


async def block_days(uow: UnitOfWork, room_id: int, first: date, last: date) -> int:
    """Mark the room taken by someone else on these days; days a sprint holds stay its own."""
    await _room(uow, room_id)
    taken = set(
        (
            await uow.session.scalars(
                select(RoomDay.day).where(
                    RoomDay.room_id == room_id, RoomDay.day >= first, RoomDay.day <= last
                )
            )
        ).all()
    )
    added = 0
    day = first
    while day <= last:
        if day not in taken:
            uow.session.add(RoomDay(room_id=room_id, day=day, sprint_id=None, label="blocked"))
            added += 1
        day += timedelta(days=1)
    await uow.session.flush()
    return added


async def unblock_day(uow: UnitOfWork, room_id: int, day: date) -> None:
    """Free a day blocked by hand or by an import; a sprint's day is released by cancelling."""
    await _room(uow, room_id)
    result = await uow.session.execute(
        delete(RoomDay).where(
            RoomDay.room_id == room_id, RoomDay.day == day, RoomDay.sprint_id.is_(None)
        )
    )
    if not getattr(result, "rowcount", 0):
        raise PanelInputError("not_blocked")


async def add_member(
    uow: UnitOfWork,
    *,
    name: str,
    skills: list[str],
    territories: list[str],
    weekdays: list[int],
    monthly_cap: int,
    known_territories: set[str] | None,
    now: datetime,
) -> int:
    """A new panel member typed in the console (an import would find them by their id)."""
    name = name.strip()
    if not name or len(name) > 200:
        raise PanelInputError("bad_name")
    member = PanelMember(
        external_id=f"console-{secrets.token_hex(6)}",
        name=name,
        skills=[],
        territories=[],
        weekdays=[0, 1, 2, 3, 4],
        monthly_cap=2,
        active=True,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(member)
    await uow.session.flush()
    await update_member(
        uow,
        member.id,
        skills=skills,
        territories=territories,
        weekdays=weekdays,
        monthly_cap=monthly_cap,
        active=True,
        known_territories=known_territories,
        now=now,
    )
    return member.id
