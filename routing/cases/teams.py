"""Teams and routing rules, kept by coordinators: who covers which themes and quartiers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from infra.uow import UnitOfWork
from routing.cases.records import RoutingRule, Team, TeamMember


async def create_team(
    uow: UnitOfWork,
    slug: str,
    name: str,
    themes: Sequence[str] = (),
    neighbourhoods: Sequence[str] = (),
) -> Team:
    team = Team(slug=slug, name=name, themes=list(themes), neighbourhoods=list(neighbourhoods))
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
