"""Read models for the staff console's case pages: who may see a case, the idea behind it, the
board of active cases, teams with their members. Queries only; changes go through
``routing.cases.service``, whose errors these reuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from infra.uow import UnitOfWork
from routing.cases import service as cases
from routing.cases.records import Team, TeamMember
from routing.journey import Case, Idea
from routing.staff import StaffMember

REF_MAX_CHARS = 12


@dataclass(frozen=True)
class IdeaFacts:
    ref: str
    title: str | None
    neighbourhood: str | None
    needs: tuple[str, ...]
    themes: tuple[str, ...]
    group_type: str | None
    status: str


@dataclass(frozen=True)
class MemberView:
    id: int
    email: str
    display_name: str
    role: str


@dataclass(frozen=True)
class TeamView:
    id: int
    slug: str
    name: str
    themes: tuple[str, ...]
    neighbourhoods: tuple[str, ...]
    members: tuple[MemberView, ...]


async def team_ids_of(uow: UnitOfWork, staff_id: int) -> set[int]:
    query = select(TeamMember.team_id).where(TeamMember.staff_id == staff_id)
    return set((await uow.session.scalars(query)).all())


async def may_view(uow: UnitOfWork, case_id: int, staff_id: int, role: str) -> bool:
    """Coordinators and admins see every case; an agent sees the cases of their teams and those
    they hold. Raises ``UnknownCase``."""
    case = await uow.session.get(Case, case_id)
    if case is None:
        raise cases.UnknownCase(case_id)
    if role in cases.SUPERVISORS or case.holder_id == staff_id:
        return True
    return case.team_id is not None and case.team_id in await team_ids_of(uow, staff_id)


async def status_of(uow: UnitOfWork, case_id: int) -> str:
    case = await uow.session.get(Case, case_id)
    if case is None:
        raise cases.UnknownCase(case_id)
    return case.status


async def idea_facts(uow: UnitOfWork, idea_id: int | None) -> IdeaFacts | None:
    idea = await uow.session.get(Idea, idea_id) if idea_id is not None else None
    if idea is None:
        return None
    return IdeaFacts(
        ref=idea.ref,
        title=idea.title,
        neighbourhood=idea.neighbourhood,
        needs=tuple(str(n) for n in idea.needs or ()),
        themes=tuple(str(t) for t in idea.themes or ()),
        group_type=idea.group_type,
        status=idea.status,
    )


async def idea_by_ref(uow: UnitOfWork, ref: str) -> Idea | None:
    """An idea by its reference as residents and staff quote it (``D-7KQ2MX``, any case)."""
    words = ref.strip().upper()
    if not words or len(words) > REF_MAX_CHARS:
        return None
    if not words.startswith("D-"):
        words = "D-" + words
    return await uow.session.scalar(select(Idea).where(Idea.ref == words))


async def open_for_idea(
    uow: UnitOfWork, ref: str, staff_id: int, now: datetime
) -> tuple[Case, bool]:
    """An agent opens a case for the resident behind an idea reference; returns the case and
    whether it is new (a resident with an active case keeps that one)."""
    idea = await idea_by_ref(uow, ref)
    if idea is None or idea.resident_id is None:
        raise cases.InvalidRequest(f"no idea {ref!r} with a resident")
    existing = await cases.active_case(uow, idea.resident_id)
    case = await cases.open_case(
        uow, idea.resident_id, idea.id, "agent", now, "agent", opened_by=staff_id
    )
    return case, existing is None


async def board(
    uow: UnitOfWork,
    staff_id: int,
    role: str,
    now: datetime,
    *,
    status: str | None = None,
    team_id: int | None = None,
) -> list[cases.CaseView]:
    """Active cases (open, claimed, waiting) this person may see, longest-waiting first, with
    optional filters; an agent sees their teams' cases and the ones they hold."""
    query = select(Case.id).where(Case.status.in_(cases.ACTIVE))
    if status in cases.ACTIVE:
        query = query.where(Case.status == status)
    if team_id is not None:
        query = query.where(Case.team_id == team_id)
    if role not in cases.SUPERVISORS:
        mine = await team_ids_of(uow, staff_id)
        query = query.where(Case.team_id.in_(mine) | (Case.holder_id == staff_id))
    ids = (await uow.session.scalars(query.order_by(Case.opened_at, Case.id))).all()
    return [await cases.case_view(uow, case_id, now) for case_id in ids]


async def team_roster(uow: UnitOfWork) -> list[TeamView]:
    """Every team with its members, by name."""
    rows = (
        await uow.session.execute(
            select(TeamMember.team_id, StaffMember)
            .join(StaffMember, StaffMember.id == TeamMember.staff_id)
            .order_by(StaffMember.display_name, StaffMember.id)
        )
    ).all()
    members: dict[int, list[MemberView]] = {}
    for team_id, staff in rows:
        members.setdefault(team_id, []).append(
            MemberView(staff.id, staff.email, staff.display_name, staff.role)
        )
    return [
        TeamView(
            team.id,
            team.slug,
            team.name,
            tuple(team.themes or ()),
            tuple(team.neighbourhoods or ()),
            tuple(members.get(team.id, ())),
        )
        for team in await cases.teams(uow)
    ]


async def team_by_slug(uow: UnitOfWork, slug: str) -> Team | None:
    return await uow.session.scalar(select(Team).where(Team.slug == slug))
