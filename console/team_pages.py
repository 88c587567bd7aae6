"""Teams, for coordinators and admins: who answers which themes and quartiers, and their
members. Each change is a POST form (CSRF-guarded by the app) that redirects back to ``/teams``
with a notice or an error code (``console.words``), is checked against the version the form was
rendered from, and is written to the audit log in the same transaction. The same checks serve
the JSON API (``team_scope`` in ``console.setup_api``).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.exc import IntegrityError

from console import words
from console.api import MAX_ID
from console.forms import VersionField, back, flash, is_stale
from console.labels import city_of, quartier_names
from console.security import Auth, context, require_coordinator
from console.templating import render
from infra.uow import UnitOfWork
from knowledge.resources import THEMES
from routing.cases import desk as case_desk
from routing.cases import teams as team_desk
from routing.staff import accounts as staff_service
from routing.staff import audit_log as staff_audit

router = APIRouter(include_in_schema=False)

RowId = Annotated[int, Path(ge=1, le=MAX_ID)]

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@router.get("/teams", response_class=HTMLResponse)
async def teams_page(request: Request, auth: Auth = Depends(require_coordinator)) -> Response:
    async with context(request).uow_factory() as uow:
        roster = await case_desk.team_roster(uow)
    notice, error = flash(request, auth, words.TEAM_NOTICES, words.TEAM_ERRORS)
    return render(request, "teams.html", teams=roster, notice=notice, error=error)


async def _team_changed(uow: UnitOfWork, team_id: int, version: str) -> bool:
    """Has the team changed since its form was rendered (or gone)?"""
    roster = {team.id: team for team in await case_desk.team_roster(uow)}
    return is_stale(version, roster.get(team_id))


def team_scope(
    request: Request, themes: list[str], quartiers: list[str]
) -> tuple[list[str], list[str]] | None:
    """Themes and quartiers picked from the vocabulary and the city's geography; None when a
    value is not one of them (a forged or out-of-date form)."""
    known_themes, known_quartiers = set(THEMES), set(quartier_names(city_of(request)))
    picked = (
        list(dict.fromkeys(t for t in themes if t)),
        list(dict.fromkeys(q for q in quartiers if q)),
    )
    if not set(picked[0]) <= known_themes or not set(picked[1]) <= known_quartiers:
        return None
    return picked


@router.post("/teams")
async def create_team(
    request: Request,
    slug: str = Form("", max_length=64),
    name: str = Form("", max_length=120),
    themes: list[str] = Form(default_factory=list),
    neighbourhoods: list[str] = Form(default_factory=list),
    auth: Auth = Depends(require_coordinator),
) -> Response:
    ctx = context(request)
    slug, name = slug.strip().lower(), name.strip()
    if not SLUG.match(slug) or not name:
        return back("/teams", error="bad_team")
    chosen = team_scope(request, themes, neighbourhoods)
    if chosen is None:
        return back("/teams", error="bad_scope")
    try:
        async with ctx.uow_factory() as uow:
            if await case_desk.team_by_slug(uow, slug) is not None:
                return back("/teams", error="duplicate_team")
            team = await team_desk.create_team(uow, slug, name, *chosen)
            await staff_audit.audit(
                uow, auth.staff.id, "team.created", "team", team.id, {"slug": slug}, ctx.now()
            )
            await uow.commit()
    except IntegrityError:  # the same slug created by someone else at the same moment
        return back("/teams", error="duplicate_team")
    return back("/teams", notice="team_created")


TeamWork = Callable[[UnitOfWork], Awaitable[str | dict[str, Any]]]


async def _change_team(
    request: Request,
    auth: Auth,
    team_id: int,
    version: str,
    action: str,
    work: TeamWork,
    notice: str,
) -> Response:
    """Run ``work`` on the team and its audit entry in one transaction, unless the team changed
    since its form was rendered. ``work`` answers the audit's details, or an error code."""
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        if await _team_changed(uow, team_id, version):
            return back("/teams", error="stale")
        done = await work(uow)
        if isinstance(done, str):
            return back("/teams", error=done)
        await staff_audit.audit(uow, auth.staff.id, action, "team", team_id, done, ctx.now())
        await uow.commit()
    return back("/teams", notice=notice)


@router.post("/teams/{team_id}")
async def edit_team(
    request: Request,
    team_id: RowId,
    name: str = Form("", max_length=120),
    themes: list[str] = Form(default_factory=list),
    neighbourhoods: list[str] = Form(default_factory=list),
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    chosen = team_scope(request, themes, neighbourhoods)
    if not name.strip():
        return back("/teams", error="bad_team")
    if chosen is None:
        return back("/teams", error="bad_scope")

    async def update(uow: UnitOfWork) -> str | dict[str, Any]:
        team = await team_desk.update_team(
            uow, team_id, name=name.strip(), themes=chosen[0], neighbourhoods=chosen[1]
        )
        return "unknown_team" if team is None else {}

    return await _change_team(request, auth, team_id, version, "team.updated", update, "team_saved")


@router.post("/teams/{team_id}/delete")
async def delete_team(
    request: Request,
    team_id: RowId,
    confirm: str = Form("", max_length=4),
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    if confirm != "yes":
        return back("/teams", error="confirm_delete")

    async def delete(uow: UnitOfWork) -> str | dict[str, Any]:
        return {} if await team_desk.delete_team(uow, team_id) else "unknown_team"

    return await _change_team(
        request, auth, team_id, version, "team.deleted", delete, "team_deleted"
    )


@router.post("/teams/{team_id}/members")
async def add_member(
    request: Request,
    team_id: RowId,
    email: str = Form("", max_length=254),
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    async with context(request).uow_factory() as uow:
        if not any(t.id == team_id for t in await team_desk.teams(uow)):
            return back("/teams", error="unknown_team")  # rather than "stale": it is gone

    async def add(uow: UnitOfWork) -> str | dict[str, Any]:
        member = await staff_service.find_staff(uow, email)
        if member is None or not member.active:
            return "unknown_staff"
        await team_desk.add_member(uow, team_id, member.id)
        return {"staff": member.id}

    return await _change_team(
        request, auth, team_id, version, "team.member_added", add, "member_added"
    )


@router.post("/teams/{team_id}/members/{staff_id}/remove")
async def remove_member(
    request: Request,
    team_id: RowId,
    staff_id: RowId,
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    async def remove(uow: UnitOfWork) -> str | dict[str, Any]:
        await team_desk.remove_member(uow, team_id, staff_id)
        return {"staff": staff_id}

    return await _change_team(
        request, auth, team_id, version, "team.member_removed", remove, "member_removed"
    )
