"""Loading what a case use case acts on (the case, the staff member, the resident, the team) with
the right error when it is missing, who may take or act on a case, and the case's history rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from infra.uow import UnitOfWork
from routing.cases.records import CaseEvent, Team, TeamMember
from routing.cases.states import (
    ACTIVE,
    OPEN,
    SUPERVISORS,
    CaseClosed,
    NotAllowed,
    UnknownCase,
    UnknownStaff,
)
from routing.journey import Case, Resident
from routing.staff import StaffMember


def case_event(
    case: Case,
    kind: str,
    now: datetime,
    *,
    actor: int | None = None,
    note: str | None = None,
    message_id: int | None = None,
    **data: Any,
) -> CaseEvent:
    """A row of the case's append-only history (data without its empty values)."""
    return CaseEvent(
        **case_event_row(case, kind, now, actor=actor, note=note, message_id=message_id, **data)
    )


def case_event_row(
    case: Case | None,
    kind: str,
    now: datetime,
    *,
    actor: int | None = None,
    note: str | None = None,
    message_id: int | None = None,
    **data: Any,
) -> dict[str, Any]:
    """``case_event``'s columns, for a Core INSERT (``case`` None: a statement that opens the
    case gives its id)."""
    return {
        "case_id": case.id if case is not None else None,
        "kind": kind,
        "actor_id": actor,
        "note": note,
        "message_id": message_id,
        "data": {k: v for k, v in data.items() if v is not None},
        "occurred_at": now,
    }


async def load_case(uow: UnitOfWork, case_id: int, *, lock: bool = False) -> Case:
    query = select(Case).where(Case.id == case_id).execution_options(populate_existing=True)
    if lock and uow.dialect == "postgresql":
        query = query.with_for_update()
    case = await uow.session.scalar(query)
    if case is None:
        raise UnknownCase(case_id)
    return case


async def load_staff(uow: UnitOfWork, staff_id: int) -> StaffMember:
    staff = await uow.session.get(StaffMember, staff_id)
    if staff is None or not staff.active:
        raise UnknownStaff(staff_id)
    return staff


async def resident_of(uow: UnitOfWork, case: Case) -> Resident | None:
    return await uow.session.get(Resident, case.resident_id) if case.resident_id else None


async def team_ids_of(uow: UnitOfWork, staff_id: int) -> list[int]:
    query = select(TeamMember.team_id).where(TeamMember.staff_id == staff_id)
    return list((await uow.session.scalars(query)).all())


async def team_name_of(uow: UnitOfWork, case: Case) -> str | None:
    if case.team_id is None:
        return None
    team = await uow.session.get(Team, case.team_id)
    return team.name if team else None


def first_name(staff: StaffMember) -> str:
    """How a resident knows the person: the first word of their name, else of their email."""
    words = (staff.display_name or "").split()
    return words[0] if words else staff.email.split("@", 1)[0]


def must_be_active(case: Case) -> None:
    if case.status not in ACTIVE:
        raise CaseClosed(case.id)


async def may_take(uow: UnitOfWork, staff: StaffMember, case: Case) -> None:
    if staff.role in SUPERVISORS:
        return
    if case.team_id is None or case.team_id not in await team_ids_of(uow, staff.id):
        raise NotAllowed("this case belongs to another team")


async def may_act(uow: UnitOfWork, staff: StaffMember, case: Case) -> None:
    """The holder, a coordinator, or (on an unclaimed case) a member of its team."""
    if staff.role in SUPERVISORS or case.holder_id == staff.id:
        return
    if case.status == OPEN:
        await may_take(uow, staff, case)
        return
    raise NotAllowed("another person holds this case")
