"""A case's states and errors, and the row handling every case module shares: loading a case
or a staff member (or saying why not), the teams a person is in, a history entry, the way
back to the queue.

Errors: ``CaseError`` ◀ ``UnknownCase``, ``UnknownStaff``, ``NotAllowed``, ``CaseClosed``,
``InvalidRequest``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from infra.uow import UnitOfWork
from routing.cases.records import CaseEvent, TeamMember
from routing.journey import Case
from routing.staff import StaffMember

OPEN, CLAIMED, WAITING, RESOLVED = "open", "claimed", "waiting", "resolved"
ACTIVE = (OPEN, CLAIMED, WAITING)
HELD = (CLAIMED, WAITING)  # a person holds the conversation
SOURCES = ("resident", "dialogue", "agent")
OUTCOMES = ("answered", "referred", "sprint", "no_reply", "duplicate", "other")
HANDED_BACK = "handed_back"  # the outcome of a hand back
REPLY_MAX_CHARS = 3500  # leaves room for the signature under Telegram's 4,096
NOTE_MAX_CHARS = 2000
SUPERVISORS = ("coordinator", "admin")


class CaseError(Exception):
    pass


class UnknownCase(CaseError, LookupError):
    pass


class UnknownStaff(CaseError, LookupError):
    pass


class NotAllowed(CaseError, PermissionError):
    pass


class CaseClosed(CaseError):
    """The case is resolved (or its resident erased): nothing more can happen to it."""


class InvalidRequest(CaseError, ValueError):
    pass


def back_to_queue(case: Case, now: datetime) -> None:
    case.status = OPEN
    case.holder_id = None
    case.queued_at = now
    case.escalated_at = None
    case.awaiting_holder_since = None


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
    return CaseEvent(
        case_id=case.id,
        kind=kind,
        actor_id=actor,
        note=note,
        message_id=message_id,
        data={k: v for k, v in data.items() if v is not None},
        occurred_at=now,
    )


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


async def team_ids_of(uow: UnitOfWork, staff_id: int) -> list[int]:
    query = select(TeamMember.team_id).where(TeamMember.staff_id == staff_id)
    return list((await uow.session.scalars(query)).all())


async def active_case(uow: UnitOfWork, resident_id: int) -> Case | None:
    return await uow.session.scalar(
        select(Case).where(Case.resident_id == resident_id, Case.status.in_(ACTIVE))
    )
