"""Teams, their members and the routing rules (coordinators). A deleted team's rules and
memberships go with it (foreign keys cascade); its cases stay, without a team, in the
coordinators' queue."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select, update

from infra.uow import UnitOfWork
from knowledge.resources import canonical_theme
from routing.cases.records import RoutingRule, Team, TeamMember
from routing.journey import Case


async def update_team(
    uow: UnitOfWork,
    team_id: int,
    *,
    name: str,
    themes: Sequence[str],
    neighbourhoods: Sequence[str],
) -> Team | None:
    team = await uow.session.get(Team, team_id)
    if team is None:
        return None
    team.name, team.themes, team.neighbourhoods = name, list(themes), list(neighbourhoods)
    await uow.session.flush()
    return team


async def delete_team(uow: UnitOfWork, team_id: int) -> bool:
    team = await uow.session.get(Team, team_id)
    if team is None:
        return False
    await uow.session.execute(
        update(Case)
        .where(Case.team_id == team_id)
        .values(team_id=None)
        .execution_options(synchronize_session=False)
    )
    await uow.session.delete(team)
    await uow.session.flush()
    return True


async def create_team(
    uow: UnitOfWork,
    slug: str,
    name: str,
    themes: Sequence[str] = (),
    neighbourhoods: Sequence[str] = (),
) -> Team:
    themes = list(dict.fromkeys(canonical_theme(t) for t in themes))  # one vocabulary
    team = Team(slug=slug, name=name, themes=themes, neighbourhoods=list(neighbourhoods))
    uow.session.add(team)
    await uow.session.flush()
    return team


async def add_member(uow: UnitOfWork, team_id: int, staff_id: int) -> None:
    if await uow.session.get(TeamMember, (team_id, staff_id)) is None:
        uow.session.add(TeamMember(team_id=team_id, staff_id=staff_id))
        await uow.session.flush()


async def remove_member(uow: UnitOfWork, team_id: int, staff_id: int) -> None:
    await uow.session.execute(
        delete(TeamMember).where(TeamMember.team_id == team_id, TeamMember.staff_id == staff_id)
    )


async def add_rule(
    uow: UnitOfWork,
    team_id: int,
    priority: int = 100,
    theme: str | None = None,
    neighbourhood: str | None = None,
    reason: str | None = None,
) -> RoutingRule:
    theme = canonical_theme(theme) if theme else None  # "festivity" is "events" everywhere
    rule = RoutingRule(
        team_id=team_id, priority=priority, theme=theme, neighbourhood=neighbourhood, reason=reason
    )
    uow.session.add(rule)
    await uow.session.flush()
    return rule


async def remove_rule(uow: UnitOfWork, rule_id: int) -> None:
    await uow.session.execute(delete(RoutingRule).where(RoutingRule.id == rule_id))


async def rules(uow: UnitOfWork) -> list[RoutingRule]:
    query = select(RoutingRule).order_by(RoutingRule.priority, RoutingRule.id)
    return list((await uow.session.scalars(query)).all())


async def teams(uow: UnitOfWork) -> list[Team]:
    return list((await uow.session.scalars(select(Team).order_by(Team.name))).all())
