"""Import panel members and rooms' calendars from a hand-edited YAML file.

``declic sprint import PATH`` and the demo use it.

One transaction, idempotent: members are found again by their ``id`` and updated in place (a
member missing from the file is made inactive, never deleted, so past sprints keep their
panel); each member's absences and each room's outside bookings are replaced by the file's.

    panel:
      - id: pm-nadia                     # stable id of your choosing
        name: Nadia Benali
        contact: rb-agent-glycines-bois-fleuri   # a directory contact (optional)
        staff: nadia@rivebelle.example            # a staff account's email (optional)
        skills: [facilitation, funding, living]
        territories: [glycines, bois-fleuri]      # empty: the whole town
        weekdays: [mon, tue, wed, thu]            # or 0-4; default Monday to Friday
        monthly_cap: 2
        absences:
          - {from: 2026-12-21, to: 2027-01-01}
    rooms:
      - room: rb-salle-glycines                   # a directory room (kind room)
        booked: [2026-12-03, {from: 2027-02-15, to: 2027-02-19}]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select

from infra.uow import UnitOfWork
from knowledge.records import ResourceRow
from knowledge.yaml_files import read_yaml
from routing.sprints.records import PanelAbsence, PanelMember, RoomDay, SprintRoom
from routing.staff import StaffMember

WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "lun": 0, "mar": 1, "mer": 2}
WEEKDAYS.update({"jeu": 3, "ven": 4})
MAX_RANGE_DAYS = 400


class SprintImportError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class SprintImportSummary:
    members: int = 0
    rooms: int = 0
    absences: int = 0
    bookings: int = 0
    deactivated: int = 0
    problems: list[str] = field(default_factory=list)


def read_sprint_file(path: Path) -> dict[str, Any]:
    """The file's mapping; a file that is not YAML is refused with where it goes wrong."""
    try:
        data = read_yaml(path) or {}
    except yaml.YAMLError as exc:
        raise SprintImportError([f"{path}: not valid YAML: {exc}"]) from exc
    if not isinstance(data, dict):
        raise SprintImportError([f"{path}: expected a mapping with 'panel' and 'rooms'"])
    return data


def _days(value: Any, where: str, problems: list[str]) -> list[date]:
    """A date, or {from, to} (both included)."""
    if isinstance(value, date):
        return [value]
    if isinstance(value, dict) and "from" in value:
        start, end = value.get("from"), value.get("to", value.get("from"))
        if not isinstance(start, date) or not isinstance(end, date) or end < start:
            problems.append(f"{where}: 'from' and 'to' must be dates, 'to' not before 'from'")
            return []
        if (end - start).days > MAX_RANGE_DAYS:
            problems.append(f"{where}: a range longer than {MAX_RANGE_DAYS} days")
            return []
        return [start + timedelta(days=i) for i in range((end - start).days + 1)]
    problems.append(f"{where}: expected a date (YYYY-MM-DD) or {{from, to}}")
    return []


def _weekdays(value: Any, where: str, problems: list[str]) -> list[int]:
    if value is None:
        return [0, 1, 2, 3, 4]
    out = []
    for item in value if isinstance(value, list) else [value]:
        day = WEEKDAYS.get(str(item).lower()[:3]) if not isinstance(item, int) else item
        if day is None or not 0 <= day <= 4:
            problems.append(f"{where}: unknown weekday {item!r} (mon … fri, or 0 … 4)")
            continue
        out.append(day)
    return sorted(set(out))


async def apply_sprint_data(
    uow: UnitOfWork, data: dict[str, Any], now: datetime
) -> SprintImportSummary:
    """Write the file's panel and rooms (the caller commits); refuses a file with problems."""
    session = uow.session
    problems: list[str] = []
    summary = SprintImportSummary()
    resources = {
        r.external_id: r
        for r in (await session.scalars(select(ResourceRow).where(ResourceRow.active.is_(True))))
    }
    staff = {s.email: s for s in (await session.scalars(select(StaffMember))).all()}
    members = {m.external_id: m for m in (await session.scalars(select(PanelMember))).all()}
    seen: set[str] = set()
    plans: list[tuple[PanelMember | None, dict[str, Any], list[date]]] = []
    for index, entry in enumerate(data.get("panel") or []):
        where = f"panel[{index}]"
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("name"):
            problems.append(f"{where}: 'id' and 'name' are required")
            continue
        external_id = str(entry["id"])[:80]
        if external_id in seen:
            problems.append(f"{where}: id {external_id!r} appears twice")
        seen.add(external_id)
        contact = entry.get("contact")
        if contact and (contact not in resources or resources[contact].kind != "contact"):
            problems.append(f"{where}: no directory contact {contact!r}")
        email = entry.get("staff")
        if email and str(email).lower() not in staff:
            problems.append(f"{where}: no staff account {email!r}")
        cap = entry.get("monthly_cap", 2)
        if not isinstance(cap, int) or cap < 0:
            problems.append(f"{where}: monthly_cap must be a whole number ≥ 0")
        absences: list[date] = []
        for j, item in enumerate(entry.get("absences") or []):
            absences += _days(item, f"{where}.absences[{j}]", problems)
        values = {
            "name": str(entry["name"])[:200],
            "resource_id": resources[contact].id if contact in resources else None,
            "staff_id": staff[login].id if (login := str(email or "").lower()) in staff else None,
            "skills": sorted({str(s) for s in entry.get("skills") or []}),
            "territories": [str(t) for t in entry.get("territories") or []],
            "weekdays": _weekdays(entry.get("weekdays"), where, problems),
            "monthly_cap": cap if isinstance(cap, int) else 2,
            "external_id": external_id,
        }
        plans.append((members.get(external_id), values, absences))
    rooms: list[tuple[int, list[date]]] = []
    for index, entry in enumerate(data.get("rooms") or []):
        where = f"rooms[{index}]"
        key = entry.get("room") if isinstance(entry, dict) else None
        resource = resources.get(str(key)) if key else None
        if resource is None or resource.kind != "room":
            problems.append(f"{where}: no directory room {key!r}")
            continue
        booked: list[date] = []
        for j, item in enumerate(entry.get("booked") or []):
            booked += _days(item, f"{where}.booked[{j}]", problems)
        rooms.append((resource.id, booked))
    if problems:
        raise SprintImportError(problems)
    for row, values, absences in plans:
        if row is None:
            row = PanelMember(active=True, created_at=now, updated_at=now, **values)
            session.add(row)
            await session.flush()
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.active = True
            row.updated_at = now
        summary.members += 1
        await session.execute(delete(PanelAbsence).where(PanelAbsence.member_id == row.id))
        for start, end in _ranges(absences):
            session.add(PanelAbsence(member_id=row.id, starts_on=start, ends_on=end))
            summary.absences += 1
    for external_id, row in members.items():
        if external_id not in seen and row.active:
            row.active = False
            row.updated_at = now
            summary.deactivated += 1
    known_rooms = {r.resource_id: r for r in (await session.scalars(select(SprintRoom))).all()}
    for resource_id, booked in rooms:
        room = known_rooms.get(resource_id)
        if room is None:
            room = SprintRoom(resource_id=resource_id, active=True, created_at=now, updated_at=now)
            session.add(room)
            await session.flush()
        room.active = True
        room.updated_at = now
        summary.rooms += 1
        await session.execute(
            delete(RoomDay).where(RoomDay.room_id == room.id, RoomDay.sprint_id.is_(None))
        )
        taken = set(
            (await session.scalars(select(RoomDay.day).where(RoomDay.room_id == room.id))).all()
        )
        for day in sorted(set(booked) - taken):  # a sprint already there keeps its day
            session.add(RoomDay(room_id=room.id, day=day, sprint_id=None, label="booked"))
            summary.bookings += 1
    await session.flush()
    return summary


def _ranges(days: list[date]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if out and out[-1][1] + timedelta(days=1) == day:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


async def has_panel(uow: UnitOfWork) -> bool:
    return await uow.session.scalar(select(PanelMember.id).limit(1)) is not None
