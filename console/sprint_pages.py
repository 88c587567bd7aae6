"""Sprint pages: an idea's sprint (the planner's options, booking for the resident, moving,
cancelling, "did it take place?"), the list of sprints, and "Mes sprints" for panel members.

Like the case pages: POST forms (CSRF-guarded by the app) redirect back with ``?m=`` / ``?e=``
codes looked up in ``console.words``; every view of an idea and every action is audited in the
same transaction (``console.sprint_actions``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console import forms, sprint_actions, words
from console.api import MAX_ID
from console.forms import flash, int_or_none, translated
from console.security import Auth, context, require_agent, translator
from console.templating import render
from routing.sprints import desk as sprint_desk
from routing.sprints.desk import SprintDeskError

router = APIRouter(include_in_schema=False)

SprintId = Annotated[int, Path(ge=1, le=MAX_ID)]
Ref = Annotated[str, Path(min_length=1, max_length=12, pattern=r"^[A-Za-z0-9-]+$")]


def _page_error(exc: SprintDeskError) -> None:
    if exc.code == "not_allowed":
        raise HTTPException(status_code=403) from None
    if exc.code in ("unknown_idea", "unknown_sprint"):
        raise HTTPException(status_code=404) from None


@router.get("/ideas/{ref}/sprint", response_class=HTMLResponse)
async def idea_sprint(request: Request, ref: Ref, auth: Auth = Depends(require_agent)) -> Response:
    ctx = context(request)
    tr = translator(request, auth)
    try:
        offer = await sprint_actions.options(request, auth, ref, tr)
    except SprintDeskError as exc:
        _page_error(exc)
        raise
    async with ctx.uow_factory() as uow:
        history = await sprint_desk.sprints_of_idea(uow, offer.idea_id)
    today = ctx.today()
    notice, error = flash(request, auth, words.SPRINT_NOTICES, words.SPRINT_ERRORS)
    current = next((s for s in history if s.id == offer.current), None)
    return render(
        request,
        "sprint.html",
        offer=offer,
        current=current,
        history=history,
        today=today,
        notice=notice,
        error=error,
        can_book=getattr(request.app.state, "resident_renderer", None) is not None,
        kind_labels=translated(tr, words.SPRINT_OPTION_KINDS),
        status_labels=translated(tr, words.SPRINT_STATUS),
        role_names=translated(tr, words.SPRINT_ROLES),
        note_max=sprint_desk.NOTE_MAX_CHARS,
    )


@router.post("/ideas/{ref}/sprint/book")
async def book(
    request: Request,
    ref: Ref,
    day1: str = Form("", max_length=10),
    room_id: str = Form("", max_length=12),
    current: str | None = Form(None, max_length=12),
    auth: Auth = Depends(require_agent),
) -> Response:
    path = f"/ideas/{ref}/sprint"
    room = int_or_none(room_id)
    # the sprint the page showed: "none" or its id; without the field, no check (old pages)
    seen = (
        sprint_actions.NO_CHECK
        if current is None
        else None
        if current == "none"
        else int_or_none(current) or 0
    )
    try:
        first = date.fromisoformat(day1)
    except ValueError:
        first = None
    if room is None or first is None:
        return forms.back(path, error="invalid")
    try:
        done = await sprint_actions.book(request, auth, ref, first, room, seen)
    except SprintDeskError as exc:
        _page_error(exc)
        return forms.back(path, error=exc.code)
    return forms.back(f"/ideas/{done.idea_ref}/sprint", notice=done.code)


def _after(sprint_ref: str | None, back: str) -> str:
    if back == "list" or sprint_ref is None:
        return "/sprints"
    if back == "mine":
        return "/my-sprints"
    return f"/ideas/{sprint_ref}/sprint"


@router.get("/sprints/{sprint_id}/cancel", response_class=HTMLResponse)
async def confirm_cancel(
    request: Request, sprint_id: SprintId, auth: Auth = Depends(require_agent)
) -> Response:
    """« Annuler le sprint » asks first: what happens, and a second button that does it."""
    ctx = context(request)
    tr = translator(request, auth)
    async with ctx.uow_factory() as uow:
        try:
            await sprint_actions.visible_sprint(uow, auth, sprint_id)
        except SprintDeskError as exc:
            _page_error(exc)
            raise
        sprint = await sprint_desk.sprint_view(uow, sprint_id)
    if sprint is None:
        raise HTTPException(status_code=404)
    back = request.query_params.get("back", "")
    return render(
        request,
        "sprint_cancel.html",
        s=sprint,
        back=back if back in ("list", "mine") else "",
        today=ctx.today(),
        status_labels=translated(tr, words.SPRINT_STATUS),
        role_names=translated(tr, words.SPRINT_ROLES),
        error=tr.gettext(words.SPRINT_ERRORS["confirm"])
        if request.query_params.get("e") == "confirm"
        else None,
    )


@router.post("/sprints/{sprint_id}/cancel")
async def cancel(
    request: Request,
    sprint_id: SprintId,
    back: str = Form("", max_length=8),
    confirm: str = Form("", max_length=4),
    auth: Auth = Depends(require_agent),
) -> Response:
    if confirm != "yes":  # one click never cancels: the confirmation page comes first
        query = f"?back={back}&e=confirm" if back in ("list", "mine") else "?e=confirm"
        return RedirectResponse(f"/sprints/{sprint_id}/cancel{query}", status_code=303)
    ref = await sprint_actions.idea_ref_of(request, sprint_id)
    try:
        await sprint_actions.cancel(request, auth, sprint_id)
    except SprintDeskError as exc:
        _page_error(exc)
        return forms.back(_after(ref, back), error=exc.code)
    return forms.back(_after(ref, back), notice="cancelled")


@router.post("/sprints/{sprint_id}/held")
async def held(
    request: Request,
    sprint_id: SprintId,
    outcome: str = Form("", max_length=8),
    note: str = Form("", max_length=sprint_desk.NOTE_MAX_CHARS + 100),
    back: str = Form("", max_length=8),
    auth: Auth = Depends(require_agent),
) -> Response:
    ref = await sprint_actions.idea_ref_of(request, sprint_id)
    if outcome not in ("held", "not_held"):
        return forms.back(_after(ref, back), error="invalid")
    try:
        await sprint_actions.mark(request, auth, sprint_id, outcome == "held", note)
    except SprintDeskError as exc:
        _page_error(exc)
        return forms.back(_after(ref, back), error=exc.code)
    return forms.back(_after(ref, back), notice=outcome)


@router.get("/sprints", response_class=HTMLResponse)
async def sprint_list(request: Request, auth: Auth = Depends(require_agent)) -> Response:
    """Upcoming sprints and past ones still waiting for "did it take place?": references,
    quartiers, dates, rooms and panels; no resident's name or words."""
    ctx = context(request)
    tr = translator(request, auth)
    today = ctx.today()
    async with ctx.uow_factory() as uow:
        upcoming, awaiting = await sprint_desk.board(uow, today)
    notice, error = flash(request, auth, words.SPRINT_NOTICES, words.SPRINT_ERRORS)
    return render(
        request,
        "sprints.html",
        upcoming=upcoming,
        awaiting=awaiting,
        today=today,
        notice=notice,
        error=error,
        status_labels=translated(tr, words.SPRINT_STATUS),
        role_names=translated(tr, words.SPRINT_ROLES),
        note_max=sprint_desk.NOTE_MAX_CHARS,
    )


@router.get("/my-sprints", response_class=HTMLResponse)
async def my_sprints(request: Request, auth: Auth = Depends(require_agent)) -> Response:
    """The sprints this staff member sits on, through a panel entry linked to their account."""
    ctx = context(request)
    tr = translator(request, auth)
    today = ctx.today()
    async with ctx.uow_factory() as uow:
        mine = await sprint_desk.of_staff(uow, auth.staff.id, today)
    notice, error = flash(request, auth, words.SPRINT_NOTICES, words.SPRINT_ERRORS)
    return render(
        request,
        "my_sprints.html",
        mine=mine,
        me=auth.staff.id,
        today=today,
        notice=notice,
        error=error,
        status_labels=translated(tr, words.SPRINT_STATUS),
        role_names=translated(tr, words.SPRINT_ROLES),
        note_max=sprint_desk.NOTE_MAX_CHARS,
    )
