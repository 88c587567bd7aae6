"""What the console shows of cases: the case as a view, its transcript with the resident and its
history, the queue a person may take from and the cases they hold. Queries only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from infra.uow import UnitOfWork
from infra.views import view_of
from routing.cases.access import load_case, load_staff, team_ids_of
from routing.cases.records import CaseEvent, Team
from routing.cases.states import HELD, OPEN, SUPERVISORS
from routing.journey import Case, Idea, Message, Resident
from routing.staff import StaffMember


@dataclass(frozen=True)
class CaseView:
    id: int
    status: str
    reason: str
    source: str
    team_id: int | None
    team_name: str | None
    holder_id: int | None
    holder_name: str | None
    resident_id: int | None
    resident_name: str | None
    idea_id: int | None
    idea_ref: str | None
    idea_title: str | None
    neighbourhood: str | None
    themes: tuple[str, ...]
    opened_at: datetime
    queued_at: datetime | None
    claimed_at: datetime | None
    escalated_at: datetime | None
    resolved_at: datetime | None
    outcome: str | None
    waiting_minutes: int  # since it opened, wall-clock: what the resident lived

    @property
    def escalated(self) -> bool:
        return self.escalated_at is not None and self.status == OPEN


@dataclass(frozen=True)
class MessageView:
    id: int
    at: datetime
    direction: str  # "in" from the resident, "out" from an agent
    kind: str
    text: str | None
    file_id: str | None
    needs_human: bool
    author: str | None  # the agent's display name for "out"


@dataclass(frozen=True)
class CaseEventView:
    id: int
    kind: str
    actor_id: int | None
    actor_name: str | None
    note: str | None
    data: dict[str, Any]
    occurred_at: datetime


async def queue(uow: UnitOfWork, staff_id: int, now: datetime) -> list[CaseView]:
    """Unclaimed cases this person may take, longest-waiting first: an agent sees their teams'
    cases, coordinators and admins see every case (those without a team too)."""
    staff = await load_staff(uow, staff_id)
    query = select(Case).where(Case.status == OPEN).order_by(Case.opened_at, Case.id)
    if staff.role not in SUPERVISORS:
        query = query.where(Case.team_id.in_(await team_ids_of(uow, staff_id)))
    rows = (await uow.session.scalars(query)).all()
    return [await _view(uow, case, now) for case in rows]


async def held_by(uow: UnitOfWork, staff_id: int, now: datetime) -> list[CaseView]:
    """The cases this person holds, the one waiting longest for them first."""
    rows = (
        await uow.session.scalars(
            select(Case)
            .where(Case.holder_id == staff_id, Case.status.in_(HELD))
            .order_by(Case.awaiting_holder_since.is_(None), Case.awaiting_holder_since, Case.id)
        )
    ).all()
    return [await _view(uow, case, now) for case in rows]


async def case_view(uow: UnitOfWork, case_id: int, now: datetime) -> CaseView:
    return await _view(uow, await load_case(uow, case_id), now)


async def transcript(uow: UnitOfWork, case_id: int, after_id: int = 0) -> list[MessageView]:
    """The resident's messages and the agents' replies, oldest first; ``after_id`` lets a
    console poll for what is new. The whole conversation with this resident is shown, since
    what they said before asking for a person is the context the agent needs."""
    case = await load_case(uow, case_id)
    if case.resident_id is None:
        return []
    rows = (
        await uow.session.execute(
            select(Message, StaffMember.display_name)
            .outerjoin(StaffMember, StaffMember.id == Message.staff_id)
            .where(Message.resident_id == case.resident_id, Message.id > after_id)
            .order_by(Message.id)
        )
    ).all()
    return [view_of(MessageView, m, at=m.created_at, author=author) for m, author in rows]


async def history(uow: UnitOfWork, case_id: int) -> list[CaseEventView]:
    await load_case(uow, case_id)
    rows = (
        await uow.session.execute(
            select(CaseEvent, StaffMember.display_name)
            .outerjoin(StaffMember, StaffMember.id == CaseEvent.actor_id)
            .where(CaseEvent.case_id == case_id)
            .order_by(CaseEvent.id)
        )
    ).all()
    return [view_of(CaseEventView, e, actor_name=name, data=dict(e.data or {})) for e, name in rows]


# -- service levels --------------------------------------------------------------------------


async def _view(uow: UnitOfWork, case: Case, now: datetime) -> CaseView:
    session = uow.session
    team = await session.get(Team, case.team_id) if case.team_id else None
    holder = await session.get(StaffMember, case.holder_id) if case.holder_id else None
    resident = await session.get(Resident, case.resident_id) if case.resident_id else None
    idea = await session.get(Idea, case.idea_id) if case.idea_id else None
    return view_of(
        CaseView,
        case,
        team_name=team.name if team else None,
        holder_name=holder.display_name if holder else None,
        resident_name=resident.display_name if resident else None,
        idea_ref=idea.ref if idea else None,
        idea_title=idea.title if idea else None,
        neighbourhood=(idea.neighbourhood if idea else None)
        or (resident.neighbourhood if resident else None),
        themes=tuple(idea.themes or ()) if idea else (),
        waiting_minutes=max(0, round((now - case.opened_at).total_seconds() / 60)),
    )
