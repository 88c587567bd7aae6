"""Changing and deleting teams (coordinators). A deleted team's rules and memberships go with
it (foreign keys cascade); its cases stay, without a team, in the coordinators' queue."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update

from infra.uow import UnitOfWork
from routing.cases.records import Team
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
