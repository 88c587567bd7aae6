"""Opening a case: a resident's request, routed to a team by the coordinators' rules, posted
to the staff group when there is one. A second request joins the one already waiting."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from infra.uow import UnitOfWork
from routing.cases import group_posts
from routing.cases.policy import Rule, TeamScope, choose_team
from routing.cases.records import RoutingRule, Team
from routing.cases.rows import OPEN, SOURCES, InvalidRequest, active_case, case_event
from routing.journey import Case, Idea, Resident, journey_event


async def open_case(
    uow: UnitOfWork,
    resident_id: int,
    idea_id: int | None,
    reason: str,
    now: datetime,
    source: str,
    opened_by: int | None = None,
    staff_group: group_posts.StaffGroup | None = None,
) -> Case:
    """Open a case routed to a team, or return the resident's case that is already active
    (a person asking twice is still one request). A new case is posted to ``staff_group``."""
    if source not in SOURCES:
        raise InvalidRequest(f"unknown case source {source!r}")
    session = uow.session
    existing = await active_case(uow, resident_id)
    if existing is not None:
        if existing.idea_id is None and idea_id is not None:
            existing.idea_id = idea_id
        return existing
    resident = await session.get(Resident, resident_id)
    if resident is None:
        raise InvalidRequest(f"no resident {resident_id}")
    idea = await session.get(Idea, idea_id) if idea_id is not None else None
    team_id = await route(
        uow,
        themes=tuple(idea.themes or ()) if idea else (),
        neighbourhood=(idea.neighbourhood if idea else None) or resident.neighbourhood,
        reason=reason,
    )
    case = Case(
        resident_id=resident_id,
        idea_id=idea_id,
        reason=reason[:32],
        source=source,
        status=OPEN,
        team_id=team_id,
        opened_at=now,
        queued_at=now,
    )
    if uow.dialect == "postgresql":
        # Two turns of the same resident at once: the partial unique index lets one insert win;
        # the savepoint keeps the other's transaction (and its message) alive.
        try:
            async with session.begin_nested():
                session.add(case)
                await session.flush()
        except IntegrityError:
            again = await active_case(uow, resident_id)
            if again is None:
                raise
            return again
    else:
        session.add(case)
        await session.flush()
    session.add(case_event(case, "opened", now, actor=opened_by, reason=reason, source=source))
    team = await session.get(Team, team_id) if team_id is not None else None
    session.add(
        journey_event(
            idea, "case_opened", now, reason=reason, source=source, team=team.slug if team else None
        )
    )
    await session.flush()
    if staff_group is not None:
        await group_posts.announce(uow, case, staff_group, "new", now)
    return case


async def route(
    uow: UnitOfWork, themes: Sequence[str], neighbourhood: str | None, reason: str
) -> int | None:
    """The team for a request, by the coordinators' rules, then the teams' own scopes. A rule
    without criteria is the fallback team; without one, coordinators see the case."""
    rules = [
        Rule(r.team_id, r.priority, r.theme, r.neighbourhood, r.reason, r.id)
        for r in (await uow.session.scalars(select(RoutingRule))).all()
    ]
    teams = [
        TeamScope(t.id, frozenset(t.themes or ()), frozenset(t.neighbourhoods or ()))
        for t in (await uow.session.scalars(select(Team))).all()
    ]
    return choose_team(rules, teams, set(themes), neighbourhood, reason)
