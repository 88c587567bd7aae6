"""The JSON API for accounts and canned replies: the same actions as « Mon compte », the admins'
account page and « Réponses types ». Errors are ``{"detail": code, "status": n}``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from console.api import MAX_ID, NO_NUL, Me
from console.canned_pages import may_write, writable_teams
from console.security import AuditTrail, Auth, context, require_admin, require_agent
from infra.uow import UnitOfWork
from routing.cases import canned
from routing.cases.canned import CannedError
from routing.staff import accounts as staff_service
from routing.staff.views import StaffError, StaffView

router = APIRouter(prefix="/api", tags=["accounts"])
StaffId = Annotated[int, Path(ge=1, le=MAX_ID, description="the account id")]
CannedId = Annotated[int, Path(ge=1, le=MAX_ID, description="the canned reply id")]
Password = Annotated[str, Field(min_length=1, max_length=1024, pattern=NO_NUL)]

ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    403: {"description": "not allowed"},
    404: {"description": "no such account or canned reply"},
    422: {"description": "bad input (the code says which)"},
}
STATUS = {"unknown_staff": 404, "unknown_canned": 404, "own_account": 403, "own_role": 403}


class Account(BaseModel):  # read from routing.staff's StaffView: only these fields
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str
    role: str
    active: bool
    must_change_password: bool


class AccountChange(BaseModel):
    display_name: str = Field(min_length=1, max_length=128, pattern=NO_NUL)
    role: Literal["agent", "coordinator", "admin"]


class NewPassword(BaseModel):
    password: Password


class PasswordChange(BaseModel):
    current: Password
    new: Password


class CannedOut(BaseModel):
    id: int
    title: str
    body: str
    team_id: int | None
    staff_id: int | None


class CannedIn(BaseModel):
    title: str = Field(min_length=1, max_length=canned.TITLE_MAX_CHARS, pattern=NO_NUL)
    body: str = Field(min_length=1, max_length=canned.BODY_MAX_CHARS, pattern=NO_NUL)
    team_id: int | None = Field(None, ge=1, le=MAX_ID, description="null: for me only")


def _problem(code: str) -> JSONResponse:
    status = STATUS.get(code, 422)
    return JSONResponse({"detail": code, "status": status}, status_code=status)


@router.get("/staff", response_model=list[Account])
async def accounts(request: Request, auth: Auth = Depends(require_admin)) -> list[Account]:
    """Every staff account (admins)."""
    async with context(request).uow_factory() as uow:
        return [Account.model_validate(s) for s in await staff_service.list_staff(uow)]


async def _admin(
    request: Request, work: Callable[[UnitOfWork, datetime], Awaitable[StaffView]]
) -> Response:
    ctx = context(request)
    try:
        async with ctx.uow_factory() as uow:
            view = await work(uow, ctx.now())
            await uow.commit()
    except StaffError as exc:
        return _problem(exc.code)
    return JSONResponse(Account.model_validate(view).model_dump())


@router.put("/staff/{staff_id}", response_model=Account, responses=ERROR_RESPONSES)
async def change_account(
    request: Request, staff_id: StaffId, body: AccountChange, auth: Auth = Depends(require_admin)
) -> Response:
    """Change a colleague's name and role (admins; not one's own role)."""
    return await _admin(
        request,
        lambda uow, now: staff_service.update_staff(
            uow, staff_id, display_name=body.display_name, role=body.role, by=auth.staff.id, now=now
        ),
    )


@router.post("/staff/{staff_id}/deactivate", response_model=Account, responses=ERROR_RESPONSES)
async def deactivate(
    request: Request, staff_id: StaffId, auth: Auth = Depends(require_admin)
) -> Response:
    """Deactivate an account: its sessions and API tokens end at once."""
    return await _admin(
        request,
        lambda uow, now: staff_service.set_active(uow, staff_id, False, by=auth.staff.id, now=now),
    )


@router.post("/staff/{staff_id}/reactivate", response_model=Account, responses=ERROR_RESPONSES)
async def reactivate(
    request: Request, staff_id: StaffId, auth: Auth = Depends(require_admin)
) -> Response:
    """Let a deactivated account log in again (it needs a new token for the API)."""
    return await _admin(
        request,
        lambda uow, now: staff_service.set_active(uow, staff_id, True, by=auth.staff.id, now=now),
    )


@router.post("/staff/{staff_id}/password", response_model=Account, responses=ERROR_RESPONSES)
async def reset_password(
    request: Request, staff_id: StaffId, body: NewPassword, auth: Auth = Depends(require_admin)
) -> Response:
    """Give a provisional password: the owner's sessions end and they choose their own at the
    next login."""
    return await _admin(
        request,
        lambda uow, now: staff_service.reset_password(
            uow, staff_id, body.password, by=auth.staff.id, now=now
        ),
    )


@router.put("/me/password", response_model=Me, responses=ERROR_RESPONSES)
async def change_my_password(
    request: Request, body: PasswordChange, auth: Auth = Depends(require_agent)
) -> Response:
    """Choose one's own password (the current one is checked); other sessions end."""
    ctx = context(request)
    try:
        async with ctx.uow_factory() as uow:
            view = await staff_service.change_password(
                uow, auth.staff.id, body.current, body.new, ctx.now(), keep_session=auth.session_id
            )
            await uow.commit()
    except StaffError as exc:
        return _problem(exc.code)
    me = Me(
        id=view.id,
        email=view.email,
        display_name=view.display_name,
        role=view.role,
        locale=view.locale,
    )
    return JSONResponse(me.model_dump())


def _canned(view: canned.CannedView) -> CannedOut:
    return CannedOut(
        id=view.id, title=view.title, body=view.body, team_id=view.team_id, staff_id=view.staff_id
    )


@router.get("/canned", response_model=list[CannedOut])
async def canned_replies(request: Request, auth: Auth = Depends(require_agent)) -> list[CannedOut]:
    """One's own canned replies, then one's teams'."""
    async with context(request).uow_factory() as uow:
        return [_canned(c) for c in await canned.for_staff(uow, auth.staff.id)]


@router.post("/canned", response_model=CannedOut, status_code=201, responses=ERROR_RESPONSES)
async def add_canned(
    request: Request, body: CannedIn, auth: Auth = Depends(require_agent)
) -> Response:
    """A canned reply for oneself, or for one of one's teams (any team for coordinators);
    ``{prénom}`` and ``{idée}`` are filled on a case."""
    ctx = context(request)
    try:
        async with ctx.uow_factory() as uow:
            if body.team_id is not None and body.team_id not in await writable_teams(uow, auth):
                raise CannedError("bad_owner")
            view = await canned.save(
                uow,
                title=body.title,
                body=body.body,
                now=ctx.now(),
                staff_id=None if body.team_id else auth.staff.id,
                team_id=body.team_id,
            )
            await AuditTrail(auth.staff.id, ctx.clock).change(
                uow, "canned.saved", "canned", view.id, {"team": body.team_id}
            )
            await uow.commit()
    except CannedError as exc:
        return _problem(exc.code)
    return JSONResponse(_canned(view).model_dump(), status_code=201)


@router.delete("/canned/{canned_id}", status_code=204, responses=ERROR_RESPONSES)
async def remove_canned(
    request: Request, canned_id: CannedId, auth: Auth = Depends(require_agent)
) -> Response:
    """Delete one of one's (or one's teams') canned replies."""
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        reply = await canned.get(uow, canned_id)
        if reply is None or not may_write(auth, reply, await writable_teams(uow, auth)):
            return _problem("unknown_canned")
        await canned.delete(uow, canned_id)
        await AuditTrail(auth.staff.id, ctx.clock).change(
            uow, "canned.deleted", "canned", canned_id, {}
        )
        await uow.commit()
    return Response(status_code=204)
