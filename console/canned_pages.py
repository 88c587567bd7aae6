"""Canned replies: one's own and one's teams', written once and chosen with the keyboard on a
case. A personal reply is its owner's; a team's reply is its members' (and coordinators')."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console import words
from console.api import MAX_ID
from console.forms import VersionField, back, is_stale
from console.security import AuditTrail, Auth, context, require_agent, translator
from console.templating import render
from infra.uow import UnitOfWork
from routing.cases import canned
from routing.cases import desk as case_desk
from routing.cases import teams as case_teams
from routing.cases.canned import CannedError

router = APIRouter(include_in_schema=False)
CannedId = Annotated[int, Path(ge=1, le=MAX_ID)]


async def writable_teams(uow: UnitOfWork, auth: Auth) -> dict[int, str]:
    """The teams whose replies this person may write: theirs, or all for coordinators."""
    teams = await case_teams.teams(uow)
    if auth.staff.may("coordinator"):
        return {t.id: t.name for t in teams}
    mine = await case_desk.team_ids_of(uow, auth.staff.id)
    return {t.id: t.name for t in teams if t.id in mine}


def may_write(auth: Auth, reply: canned.CannedView, teams: dict[int, str]) -> bool:
    return reply.staff_id == auth.staff.id or (reply.team_id is not None and reply.team_id in teams)


@router.get("/canned", response_class=HTMLResponse)
async def canned_page(request: Request, auth: Auth = Depends(require_agent)) -> Response:
    tr = translator(request, auth)
    async with context(request).uow_factory() as uow:
        replies = await canned.for_staff(uow, auth.staff.id)
        teams = await writable_teams(uow, auth)
    notice = words.CANNED_NOTICES.get(request.query_params.get("m", ""))
    error = words.CANNED_ERRORS.get(request.query_params.get("e", ""))
    edit = request.query_params.get("edit", "")
    return render(
        request,
        "canned.html",
        replies=replies,
        teams=teams,
        editing=int(edit) if edit.isdigit() and len(edit) < 12 else None,
        notice=tr.gettext(notice) if notice else None,
        error=tr.gettext(error) if error else None,
        title_max=canned.TITLE_MAX_CHARS,
        body_max=canned.BODY_MAX_CHARS,
    )


def _owner(owner: str, auth: Auth, teams: dict[int, str]) -> tuple[int | None, int | None]:
    """(staff_id, team_id) from the form's « me » or « team-N »; raises for a team not one's."""
    if owner in ("", "me"):
        return auth.staff.id, None
    number = owner.removeprefix("team-")
    if number.isdigit() and len(number) < 12 and int(number) in teams:
        return None, int(number)
    raise CannedError("bad_owner")


@router.post("/canned")
async def save_canned(
    request: Request,
    title: str = Form("", max_length=canned.TITLE_MAX_CHARS + 20),
    body: str = Form("", max_length=canned.BODY_MAX_CHARS + 100),
    owner: str = Form("me", max_length=20),
    canned_id: str = Form("", max_length=12),
    version: VersionField = "",
    auth: Auth = Depends(require_agent),
) -> Response:
    ctx = context(request)
    try:
        async with ctx.uow_factory() as uow:
            teams = await writable_teams(uow, auth)
            staff_id, team_id = _owner(owner, auth, teams)
            existing = None
            if canned_id.strip():
                number = canned_id.strip()
                existing = await canned.get(uow, int(number)) if number.isdigit() else None
                if existing is None or not may_write(auth, existing, teams):
                    raise CannedError("unknown_canned")
                if is_stale(version, existing):
                    return RedirectResponse(f"/canned?e=stale&edit={existing.id}", status_code=303)
            saved = await canned.save(
                uow,
                title=title,
                body=body,
                now=ctx.now(),
                staff_id=staff_id,
                team_id=team_id,
                canned_id=existing.id if existing else None,
            )
            await AuditTrail(auth.staff.id, ctx.clock).change(
                uow, "canned.saved", "canned", saved.id, {"team": team_id}
            )
            await uow.commit()
    except CannedError as exc:
        return back("/canned", error=exc.code)
    return back("/canned", notice="canned_saved")


@router.post("/canned/{canned_id}/delete")
async def delete_canned(
    request: Request,
    canned_id: CannedId,
    version: VersionField = "",
    auth: Auth = Depends(require_agent),
) -> Response:
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        reply = await canned.get(uow, canned_id)
        if reply is None or not may_write(auth, reply, await writable_teams(uow, auth)):
            return back("/canned", error="unknown_canned")
        if is_stale(version, reply):
            return back("/canned", error="stale")
        await canned.delete(uow, canned_id)
        await AuditTrail(auth.staff.id, ctx.clock).change(
            uow, "canned.deleted", "canned", canned_id, {}
        )
        await uow.commit()
    return back("/canned", notice="canned_deleted")
