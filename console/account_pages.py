"""Accounts: « Mon compte » (change one's password, required after a provisional one), and for
admins, one colleague's account (name, role, deactivation, a new provisional password).

Deactivating ends the account's sessions and API tokens in the same transaction. Errors are
``StaffError`` codes shown as kind sentences (``words.STAFF_ERRORS``); notices survive the
redirect in the query string.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, Response

from console import words
from console.api import MAX_ID
from console.forms import VersionField, back, is_stale, version_of
from console.security import Auth, context, require_admin, require_agent, translator
from console.templating import render
from infra.uow import UnitOfWork
from routing.staff import accounts as staff_service
from routing.staff.credentials import MIN_PASSWORD_LENGTH
from routing.staff.views import ROLES, StaffError, StaffView

router = APIRouter(include_in_schema=False)
StaffId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _messages(request: Request, auth: Auth) -> tuple[str | None, str | None]:
    tr = translator(request, auth)
    notice = words.ACCOUNT_NOTICES.get(request.query_params.get("m", ""))
    error = words.STAFF_ERRORS.get(request.query_params.get("e", ""))
    return (
        tr.gettext(notice) if notice else None,
        tr.gettext(error).format(length=MIN_PASSWORD_LENGTH) if error else None,
    )


@router.get("/account", response_class=HTMLResponse)
async def account(request: Request, auth: Auth = Depends(require_agent)) -> Response:
    notice, error = _messages(request, auth)
    return render(
        request,
        "account.html",
        notice=notice,
        error=error,
        provisional=auth.staff.must_change_password,
        min_length=MIN_PASSWORD_LENGTH,
    )


@router.post("/account/password")
async def change_password(
    request: Request,
    current: str = Form("", max_length=1024),
    new: str = Form("", max_length=1024),
    again: str = Form("", max_length=1024),
    auth: Auth = Depends(require_agent),
) -> Response:
    if new != again:
        return back("/account", error="passwords_differ")
    ctx = context(request)
    try:
        async with ctx.uow_factory() as uow:
            await staff_service.change_password(
                uow, auth.staff.id, current, new, ctx.now(), keep_session=auth.session_id
            )
            await uow.commit()
    except StaffError as exc:
        return back("/account", error=exc.code)
    return back("/", notice="password_changed")


# -- one colleague's account (admins) -----------------------------------------------------------


def _form_state(member: StaffView) -> tuple[str, str, bool, bool]:
    """What the admin's forms decide on (not the last login, which changes on its own)."""
    return member.display_name, member.role, member.active, member.must_change_password


@router.get("/admin/staff/{staff_id}", response_class=HTMLResponse)
async def colleague(
    request: Request, staff_id: StaffId, auth: Auth = Depends(require_admin)
) -> Response:
    async with context(request).uow_factory() as uow:
        member = await staff_service.get_staff(uow, staff_id)
    if member is None:
        raise HTTPException(status_code=404)
    notice, error = _messages(request, auth)
    return render(
        request,
        "staff_member.html",
        member=member,
        roles=ROLES,
        notice=notice,
        error=error,
        min_length=MIN_PASSWORD_LENGTH,
        me=auth.staff.id,
        version=version_of(_form_state(member)),
    )


# What an admin changes, in the page's unit of work at the console's time.
AdminWork = Callable[[UnitOfWork, datetime], Awaitable[object]]


async def _admin_change(
    request: Request, staff_id: int, version: str, work: AdminWork, notice: str
) -> Response:
    """Run ``work`` unless the account changed since the form was rendered."""
    ctx = context(request)
    path = f"/admin/staff/{staff_id}"
    try:
        async with ctx.uow_factory() as uow:
            member = await staff_service.get_staff(uow, staff_id)
            if member is not None and is_stale(version, _form_state(member)):
                return back(path, error="stale")
            await work(uow, ctx.now())
            await uow.commit()
    except StaffError as exc:
        if exc.code == "unknown_staff":
            raise HTTPException(status_code=404) from None
        return back(path, error=exc.code)
    return back(path, notice=notice)


@router.post("/admin/staff/{staff_id}")
async def update_colleague(
    request: Request,
    staff_id: StaffId,
    display_name: str = Form("", max_length=200),
    role: str = Form("", max_length=16),
    version: VersionField = "",
    auth: Auth = Depends(require_admin),
) -> Response:
    async def work(uow: UnitOfWork, now: datetime) -> None:
        await staff_service.update_staff(
            uow, staff_id, display_name=display_name, role=role, by=auth.staff.id, now=now
        )

    return await _admin_change(request, staff_id, version, work, "staff_saved")


@router.post("/admin/staff/{staff_id}/active")
async def activate_colleague(
    request: Request,
    staff_id: StaffId,
    active: str = Form("", max_length=4),
    version: VersionField = "",
    auth: Auth = Depends(require_admin),
) -> Response:
    on = active == "1"

    async def work(uow: UnitOfWork, now: datetime) -> None:
        await staff_service.set_active(uow, staff_id, on, by=auth.staff.id, now=now)

    return await _admin_change(
        request, staff_id, version, work, "staff_reactivated" if on else "staff_deactivated"
    )


@router.post("/admin/staff/{staff_id}/password")
async def reset_colleague_password(
    request: Request,
    staff_id: StaffId,
    password: str = Form("", max_length=1024),
    version: VersionField = "",
    auth: Auth = Depends(require_admin),
) -> Response:
    async def work(uow: UnitOfWork, now: datetime) -> None:
        await staff_service.reset_password(uow, staff_id, password, by=auth.staff.id, now=now)

    return await _admin_change(request, staff_id, version, work, "password_reset")
