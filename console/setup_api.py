"""The JSON API for what coordinators set up: teams (edit, delete) and the directory (browse,
search, edit an entry's facts, mark it verified today, deactivate or reactivate it), the same
actions and audit entries as the pages. Each item carries its ``version``; a change sent with
an out-of-date one is refused (409 ``stale``) and nothing happens, as for the forms.
Errors are ``{"detail": code, "status": n}``."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from console import directory_actions
from console.api import MAX_ID, NO_NUL
from console.forms import is_stale, version_of
from console.security import AuditTrail, Auth, context, require_coordinator
from console.team_pages import team_scope
from infra.uow import UnitOfWork
from knowledge import desk as directory
from knowledge.resources import Resource
from routing.cases import desk as case_desk
from routing.cases import teams as team_desk
from routing.cases.desk import TeamView
from routing.sprints import desk as sprint_desk

router = APIRouter(prefix="/api", tags=["setup"])
TeamId = Annotated[int, Path(ge=1, le=MAX_ID, description="the team id")]
EntryId = Annotated[
    str, Path(min_length=1, max_length=80, pattern=r"^[^/\x00]+$", description="the entry's id")
]
Version = Annotated[str, Field(max_length=64, pattern=r"^[0-9a-f]*$")]
PAGE = 50

ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    404: {"description": "no such team or entry"},
    409: {"description": "it changed since ``version`` (stale)"},
    422: {"description": "bad input (the code says which)"},
}


def _problem(code: str, status: int) -> JSONResponse:
    return JSONResponse({"detail": code, "status": status}, status_code=status)


# -- teams ---------------------------------------------------------------------------------------


class TeamOut(BaseModel):
    id: int
    slug: str
    name: str
    themes: list[str]
    neighbourhoods: list[str]
    members: list[int]
    version: str


class TeamChange(BaseModel):
    name: str = Field(min_length=1, max_length=120, pattern=NO_NUL)
    themes: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=60)
    neighbourhoods: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=60
    )
    version: Version = ""


def _team(view: TeamView) -> TeamOut:
    return TeamOut(
        id=view.id,
        slug=view.slug,
        name=view.name,
        themes=list(view.themes),
        neighbourhoods=list(view.neighbourhoods),
        members=[m.id for m in view.members],
        version=version_of(view),
    )


async def _load_city(request: Request) -> None:
    """The city's geography for the pick-list checks (API requests do not load it for labels)."""
    if getattr(request.state, "city", None) is None:
        async with context(request).uow_factory() as uow:
            request.state.city = await sprint_desk.city(uow)


async def _team_view(uow: UnitOfWork, team_id: int) -> TeamView | None:
    return next((t for t in await case_desk.team_roster(uow) if t.id == team_id), None)


@router.get("/teams", response_model=list[TeamOut])
async def teams(request: Request, auth: Auth = Depends(require_coordinator)) -> list[TeamOut]:
    """Every team with its members' ids (coordinators)."""
    async with context(request).uow_factory() as uow:
        return [_team(t) for t in await case_desk.team_roster(uow)]


@router.put("/teams/{team_id}", response_model=TeamOut, responses=ERROR_RESPONSES)
async def change_team(
    request: Request, team_id: TeamId, body: TeamChange, auth: Auth = Depends(require_coordinator)
) -> Response:
    """Rename a team and pick its themes and quartiers from the vocabulary and the city's
    geography (``bad_scope`` otherwise)."""
    await _load_city(request)
    chosen = team_scope(request, body.themes, body.neighbourhoods)
    if chosen is None:
        return _problem("bad_scope", 422)
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        current = await _team_view(uow, team_id)
        if current is None:
            return _problem("unknown_team", 404)
        if is_stale(body.version, current):
            return _problem("stale", 409)
        await team_desk.update_team(
            uow, team_id, name=body.name.strip(), themes=chosen[0], neighbourhoods=chosen[1]
        )
        await AuditTrail(auth.staff.id, ctx.clock).change(
            uow, "team.updated", "team", team_id, {"via": "api"}
        )
        changed = await _team_view(uow, team_id)
        await uow.commit()
    assert changed is not None
    return JSONResponse(_team(changed).model_dump())


@router.delete("/teams/{team_id}", status_code=204, responses=ERROR_RESPONSES)
async def delete_team(
    request: Request,
    team_id: TeamId,
    version: str = Query("", max_length=64, pattern=r"^[0-9a-f]*$"),
    auth: Auth = Depends(require_coordinator),
) -> Response:
    """Delete a team; its cases go to the coordinators' queue."""
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        current = await _team_view(uow, team_id)
        if current is None:
            return _problem("unknown_team", 404)
        if is_stale(version, current):
            return _problem("stale", 409)
        await team_desk.delete_team(uow, team_id)
        await AuditTrail(auth.staff.id, ctx.clock).change(
            uow, "team.deleted", "team", team_id, {"via": "api"}
        )
        await uow.commit()
    return Response(status_code=204)


# -- the directory -------------------------------------------------------------------------------


class EntrySummary(BaseModel):
    external_id: str
    name: str
    kind: str | None
    active: bool
    verified_on: date | None
    stale: bool


class EntryPage(BaseModel):
    entries: list[EntrySummary]
    total: int


class Entry(EntrySummary):
    organization: str | None
    description: str
    themes: list[str]
    territories: list[str]
    version: str


class EntryChange(BaseModel):
    name: str = Field(min_length=1, max_length=300, pattern=NO_NUL)
    organization: str = Field("", max_length=300, pattern=NO_NUL)
    description: str = Field("", max_length=5000, pattern=NO_NUL)
    themes: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=60)
    territories: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=60
    )
    version: Version = ""


class EntryVersion(BaseModel):
    version: Version = ""


class EntryActive(BaseModel):
    active: bool
    version: Version = ""


def _summary(entry: Resource, today: date) -> EntrySummary:
    return EntrySummary(
        external_id=entry.external_id,
        name=entry.name,
        kind=entry.kind,
        active=entry.status == "active",
        verified_on=entry.verified_on,
        stale=directory.stale(entry, today),
    )


def _entry(entry: Resource, today: date) -> Entry:
    return Entry(
        **_summary(entry, today).model_dump(),
        organization=entry.organization,
        description=entry.description,
        themes=list(entry.themes),
        territories=list(entry.territories),
        version=version_of(entry),
    )


@router.get("/directory", response_model=EntryPage)
async def entries(
    request: Request,
    q: str = Query("", max_length=80, pattern=NO_NUL),
    stale: bool = Query(False, description="only entries not verified for 12 months"),
    page: int = Query(1, ge=1, le=10_000),
    auth: Auth = Depends(require_coordinator),
) -> EntryPage:
    """Entries by name, organisation, description or id; the ones to re-check first."""
    today = context(request).today()
    async with context(request).uow_factory() as uow:
        found = await directory.search(
            uow, today, text=q, only_stale=stale, offset=(page - 1) * PAGE, limit=PAGE
        )
    return EntryPage(entries=[_summary(e, today) for e, _ in found.entries], total=found.total)


@router.get("/directory/{external_id}", response_model=Entry, responses=ERROR_RESPONSES)
async def entry(
    request: Request, external_id: EntryId, auth: Auth = Depends(require_coordinator)
) -> Response:
    """One entry's facts and its version."""
    async with context(request).uow_factory() as uow:
        found = await directory.entry(uow, external_id)
    if found is None:
        return _problem("unknown_entry", 404)
    return JSONResponse(_entry(found, context(request).today()).model_dump(mode="json"))


async def _answer(request: Request, change: Awaitable[Resource | None]) -> Response:
    """The entry as it now is; 409 when it had changed since the version sent, 404 when gone."""
    try:
        changed = await change
    except directory_actions.Stale:
        return _problem("stale", 409)
    if changed is None:
        return _problem("unknown_entry", 404)
    return JSONResponse(_entry(changed, context(request).today()).model_dump(mode="json"))


@router.put("/directory/{external_id}", response_model=Entry, responses=ERROR_RESPONSES)
async def change_entry(
    request: Request,
    external_id: EntryId,
    body: EntryChange,
    auth: Auth = Depends(require_coordinator),
) -> Response:
    """Change an entry's facts; themes and territories from the vocabulary and the city."""
    await _load_city(request)
    facts = directory.Facts(
        body.name, body.organization, body.description, body.themes, body.territories
    )
    if not facts.valid({t.id for t in request.state.city.territories}):
        return _problem("bad_entry", 422)
    change = directory_actions.edit_facts(
        context(request), auth, external_id, body.version, facts, details={"via": "api"}
    )
    return await _answer(request, change)


@router.post("/directory/{external_id}/verified", response_model=Entry, responses=ERROR_RESPONSES)
async def verified(
    request: Request,
    external_id: EntryId,
    body: EntryVersion,
    auth: Auth = Depends(require_coordinator),
) -> Response:
    """Mark the entry verified today."""
    change = directory_actions.mark_verified(
        context(request), auth, external_id, body.version, details={"via": "api"}
    )
    return await _answer(request, change)


@router.post("/directory/{external_id}/active", response_model=Entry, responses=ERROR_RESPONSES)
async def active(
    request: Request,
    external_id: EntryId,
    body: EntryActive,
    auth: Auth = Depends(require_coordinator),
) -> Response:
    """Deactivate the entry (it is no longer suggested) or reactivate it."""
    change = directory_actions.set_active(
        context(request), auth, external_id, body.version, body.active, details={"via": "api"}
    )
    return await _answer(request, change)
