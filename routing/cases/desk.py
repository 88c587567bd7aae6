"""Read models for the staff console's case pages: who may see a case, the idea behind it, the
board of active cases, teams with their members. Queries only; changes go through
``routing.cases.service``; the errors are ``routing.cases.states``'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from infra.uow import UnitOfWork
from infra.views import view_of
from routing.cases import service as cases
from routing.cases import states as case_states
from routing.cases import teams as case_teams
from routing.cases import views as case_views
from routing.cases.records import CaseEvent, Team, TeamMember
from routing.journey import Case, Idea, Message, OutgoingMessage, Resident, register_of
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
        raise case_states.UnknownCase(case_id)
    if role in case_states.SUPERVISORS or case.holder_id == staff_id:
        return True
    return case.team_id is not None and case.team_id in await team_ids_of(uow, staff_id)


async def status_of(uow: UnitOfWork, case_id: int) -> str:
    case = await uow.session.get(Case, case_id)
    if case is None:
        raise case_states.UnknownCase(case_id)
    return case.status


# Events that do not change what a form may do: the conversation goes on.
_NOT_A_CHANGE = ("resident_message", "replied", "note")


async def version(uow: UnitOfWork, case_id: int) -> int:
    """The case's version for forms: the id of its last event that changed its state (status,
    holder, team). A form rendered from an older version is refused as stale."""
    found = await uow.session.scalar(
        select(func.max(CaseEvent.id)).where(
            CaseEvent.case_id == case_id, CaseEvent.kind.not_in(_NOT_A_CHANGE)
        )
    )
    return int(found or 0)


async def resident_locale(uow: UnitOfWork, case_id: int) -> str | None:
    """The language the resident reads (for the closing sentence the agent may edit)."""
    return await uow.session.scalar(
        select(Resident.locale)
        .join(Case, Case.resident_id == Resident.id)
        .where(Case.id == case_id)
    )


async def resident_register(uow: UnitOfWork, case_id: int) -> str | None:
    """« tu » or « vous », as the resident's conversation speaks (None: not stored yet)."""
    resident_id = await uow.session.scalar(select(Case.resident_id).where(Case.id == case_id))
    return await register_of(uow.session, resident_id) if resident_id is not None else None


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
        raise case_states.InvalidRequest(f"no idea {ref!r} with a resident")
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
) -> list[case_views.CaseView]:
    """Active cases (open, claimed, waiting) this person may see, longest-waiting first, with
    optional filters; an agent sees their teams' cases and the ones they hold."""
    query = select(Case.id).where(Case.status.in_(case_states.ACTIVE))
    if status in case_states.ACTIVE:
        query = query.where(Case.status == status)
    if team_id is not None:
        query = query.where(Case.team_id == team_id)
    if role not in case_states.SUPERVISORS:
        mine = await team_ids_of(uow, staff_id)
        query = query.where(Case.team_id.in_(mine) | (Case.holder_id == staff_id))
    ids = (await uow.session.scalars(query.order_by(Case.opened_at, Case.id))).all()
    return [await case_views.case_view(uow, case_id, now) for case_id in ids]


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
        members.setdefault(team_id, []).append(view_of(MemberView, staff))
    return [
        view_of(
            TeamView,
            team,
            themes=tuple(team.themes or ()),
            neighbourhoods=tuple(team.neighbourhoods or ()),
            members=tuple(members.get(team.id, ())),
        )
        for team in await case_teams.teams(uow)
    ]


async def team_by_slug(uow: UnitOfWork, slug: str) -> Team | None:
    return await uow.session.scalar(select(Team).where(Team.slug == slug))


@dataclass(frozen=True)
class BotMessageView:
    """A message the bot (or a use case) sent the resident, as the outbox row holds it."""

    id: int
    at: datetime
    method: str
    payload: dict[str, Any]
    status: str


async def bot_messages(uow: UnitOfWork, case_id: int) -> list[BotMessageView]:
    """What the resident was told by the bot, oldest first: every outbox row to them except the
    parts of staff replies (``case:N:mM…``), which the transcript shows from the reply itself."""
    case = await uow.session.get(Case, case_id)
    if case is None:
        raise case_states.UnknownCase(case_id)
    if case.resident_id is None:
        return []
    rows = (
        await uow.session.scalars(
            select(OutgoingMessage)
            .where(
                OutgoingMessage.resident_id == case.resident_id,
                ~OutgoingMessage.idempotency_key.like("case:%:m%"),
            )
            .order_by(OutgoingMessage.id)
        )
    ).all()
    return [
        view_of(BotMessageView, r, at=r.created_at, payload=dict(r.payload or {})) for r in rows
    ]


@dataclass(frozen=True)
class BoardPage:
    cases: list[case_views.CaseView]
    total: int
    last_words: dict[int, str]  # resident id -> their last message, for an excerpt


SEARCH_MAX_CHARS = 80


async def search_board(
    uow: UnitOfWork,
    staff_id: int,
    role: str,
    now: datetime,
    *,
    statuses: tuple[str, ...] = (case_states.OPEN,),
    team_id: int | None = None,
    text: str = "",
    offset: int = 0,
    limit: int = 25,
) -> BoardPage:
    """Cases this person may see, in the chosen statuses (closed ones too), found by reference
    (``#12``, ``D-7KQ2MX``), the resident's name or words they wrote; the longest waiting first
    (the most recently closed first for closed ones)."""
    query = select(Case.id)
    wanted = [s for s in statuses if s in (*case_states.ACTIVE, case_states.RESOLVED)] or [
        case_states.OPEN
    ]
    query = query.where(Case.status.in_(wanted))
    if team_id is not None:
        query = query.where(Case.team_id == team_id)
    if role not in case_states.SUPERVISORS:
        mine = await team_ids_of(uow, staff_id)
        query = query.where(Case.team_id.in_(mine) | (Case.holder_id == staff_id))
    words = text.strip()[:SEARCH_MAX_CHARS]
    if words:
        number = words.lstrip("#")
        pattern = f"%{words.lower()}%"
        said = select(Message.resident_id).where(func.lower(Message.text).like(pattern))
        found = (
            Case.idea_id.in_(
                select(Idea.id).where(
                    (func.upper(Idea.ref) == words.upper()) | (func.lower(Idea.title).like(pattern))
                )
            )
            | Case.resident_id.in_(
                select(Resident.id).where(func.lower(Resident.display_name).like(pattern))
            )
            | Case.resident_id.in_(said)
        )
        if number.isdigit() and len(number) < 10:
            found = found | (Case.id == int(number))
        query = query.where(found)
    total = int(await uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    order = (
        (Case.resolved_at.desc(), Case.id.desc())
        if wanted == [case_states.RESOLVED]
        else (Case.opened_at, Case.id)
    )
    ids = (await uow.session.scalars(query.order_by(*order).offset(offset).limit(limit))).all()
    views = [await case_views.case_view(uow, case_id, now) for case_id in ids]
    return BoardPage(views, total, await last_words(uow, [v.resident_id for v in views]))


async def last_words(uow: UnitOfWork, resident_ids: list[int | None]) -> dict[int, str]:
    """Each resident's last message with words (not a command), for the queue's excerpt."""
    found: dict[int, str] = {}
    for resident_id in {r for r in resident_ids if r is not None}:
        text = await uow.session.scalar(
            select(Message.text)
            .where(
                Message.resident_id == resident_id,
                Message.direction == "in",
                Message.text.is_not(None),
                ~Message.text.like("/%"),
            )
            .order_by(Message.id.desc())
            .limit(1)
        )
        if text:
            found[resident_id] = text
    return found
