"""Case pages: one case with its conversation, history and actions; opening a case for a
resident. (Teams are in ``console.team_pages``, routing rules in ``console.rules_pages``.)

Actions are POST forms (CSRF-guarded by the app) that redirect back with a notice or an error
code (``?m=`` / ``?e=``), looked up in ``console.words``: a service error becomes a kind
sentence, never a traceback, and nothing a visitor types is echoed back. Every view of a case
page and every action is written to the audit log in the same transaction.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console import case_actions, case_extras, conversation, words
from console.api import MAX_ID
from console.forms import VersionField, back, flash, int_or_none, translated
from console.security import (
    AuditTrail,
    Auth,
    context,
    require_agent,
    require_coordinator,
    translator,
)
from console.templating import render
from routing.cases import canned as canned_replies
from routing.cases import desk as case_desk
from routing.cases import parts
from routing.cases import phrases as case_phrases
from routing.cases import service as case_service
from routing.cases import states as case_states
from routing.cases import teams as team_desk
from routing.cases import views as case_views
from routing.cases.states import CaseError
from routing.matching import suggestions
from routing.staff import accounts as staff_service

router = APIRouter(include_in_schema=False)

CaseId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _version(value: str) -> int | None:
    """The version a form was rendered from; None (no check) for a form without one."""
    value = value.strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


# -- one case ----------------------------------------------------------------------------------


@router.get("/cases/next")
async def next_case(request: Request, auth: Auth = Depends(require_agent)) -> Response:
    """The keyboard's « n »: the held case waiting longest for this person, else the oldest
    case in their queue, else the queue itself."""
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        mine = await case_views.held_by(uow, auth.staff.id, ctx.now())
        waiting = [c for c in mine if c.status == case_states.CLAIMED]
        queue = waiting or await case_views.queue(uow, auth.staff.id, ctx.now())
    current = request.query_params.get("from", "")
    for case in queue:
        if str(case.id) != current:
            return RedirectResponse(f"/cases/{case.id}", status_code=303)
    return back("/", notice="no_next")


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(
    request: Request, case_id: CaseId, auth: Auth = Depends(require_agent)
) -> Response:
    ctx = context(request)
    now = ctx.now()
    async with ctx.uow_factory() as uow:
        try:
            if not await case_desk.may_view(uow, case_id, auth.staff.id, auth.staff.role):
                raise HTTPException(status_code=403)
        except case_states.UnknownCase:
            raise HTTPException(status_code=404) from None
        case = await case_views.case_view(uow, case_id, now)
        idea = await case_desk.idea_facts(uow, case.idea_id)
        messages = await case_views.transcript(uow, case_id)
        told = await case_desk.bot_messages(uow, case_id)
        events = await case_views.history(uow, case_id)
        version = await case_desk.version(uow, case_id)
        replied = await case_service.staff_replied(uow, case_id)
        resident_locale = await case_desk.resident_locale(uow, case_id)
        register = await case_desk.resident_register(uow, case_id) or ctx.settings.default_register
        teams = await team_desk.teams(uow)
        colleagues = [s for s in await staff_service.list_staff(uow) if s.active]
        canned = await canned_replies.for_staff(uow, auth.staff.id)
        idea_suggestions = (
            await suggestions.suggestions_for_idea(uow, case.idea_id) if case.idea_id else []
        )
        query = request.query_params.get("q", "")[: case_extras.SEARCH_MAX_CHARS]
        found = await case_extras.search(request, uow, query) if case.idea_id else []
        await AuditTrail(auth.staff.id, ctx.clock).view(
            uow, "case", case_id, {"resident": case.resident_id}
        )
        await uow.commit()
    notice, error = flash(request, auth, words.CASE_NOTICES, words.CASE_ERRORS)
    tr = translator(request, auth)
    me = auth.staff
    supervisor = me.may("coordinator")
    holder = case.holder_id == me.id
    active = case.status in case_states.ACTIVE
    outcome_labels = translated(tr, words.CASE_OUTCOMES)
    first_name = (case.resident_name or "").split()[0] if (case.resident_name or "").split() else ""
    closing = {
        outcome: case_phrases.closing(
            resident_locale or tr.locale, outcome, me.first_name, register
        )
        for outcome in (*case_states.OUTCOMES, case_states.HANDED_BACK)
    }
    return render(
        request,
        "case.html",
        case=case,
        idea=idea,
        entries=conversation.timeline(
            tr, messages, told, events, translated(tr, words.CASE_EVENTS), outcome_labels
        ),
        messages=messages,
        events=events,
        teams=teams,
        colleagues=colleagues,
        notice=notice,
        error=error,
        version=version,
        replied=replied,
        closing=closing,
        first_name=first_name,
        canned=[
            (c.id, c.title, canned_replies.fill(c.body, first_name, idea.title if idea else None))
            for c in canned
        ],
        last_id=messages[-1].id if messages else 0,
        can={
            "claim": case.status == case_states.OPEN,
            "assign": case.status == case_states.OPEN and supervisor,
            "act": active and (supervisor or holder or case.status == case_states.OPEN),
            "reply": case.status in case_states.HELD and holder,
        },
        outcomes=case_states.OUTCOMES,
        status_labels=translated(tr, words.CASE_STATUS),
        outcome_labels=outcome_labels,
        event_labels=translated(tr, words.CASE_EVENTS),
        kind_labels=translated(tr, words.MESSAGE_KINDS),
        error_labels=translated(tr, words.CASE_ERRORS),
        reply_max=case_states.REPLY_MAX_CHARS,
        part_max=parts.TELEGRAM_MAX,
        signature_chars=len(
            case_phrases.signed(resident_locale or tr.locale, "", me.first_name, case.team_name)
        ),
        closing_max=case_states.CLOSING_MAX_CHARS,
        note_max=case_states.NOTE_MAX_CHARS,
        suggestions=idea_suggestions,
        suggestion_status=translated(tr, words.SUGGESTION_STATUS),
        query=query,
        found=found,
    )


async def _act(
    request: Request, auth: Auth, case_id: CaseId, action: str, **params: object
) -> Response:
    path = f"/cases/{case_id}"
    try:
        done = await case_actions.perform(context(request), auth, case_id, action, **params)
    except case_actions.Hidden:
        raise HTTPException(status_code=403) from None
    except case_states.UnknownCase:
        raise HTTPException(status_code=404) from None
    except CaseError as exc:
        return back(path, error=case_actions.error_code(exc)[0])
    return back(path if done.visible else "/", notice=done.code)


@router.post("/cases/{case_id}/claim")
async def claim(
    request: Request,
    case_id: CaseId,
    version: VersionField = "",
    auth: Auth = Depends(require_agent),
) -> Response:
    return await _act(request, auth, case_id, "claim", version=_version(version))


@router.post("/cases/{case_id}/assign")
async def assign(
    request: Request,
    case_id: CaseId,
    staff_id: str = Form("", max_length=12),
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    target = int_or_none(staff_id)
    if target is None:
        return back(f"/cases/{case_id}", error="invalid")
    return await _act(request, auth, case_id, "assign", staff_id=target, version=_version(version))


@router.post("/cases/{case_id}/transfer")
async def transfer(
    request: Request,
    case_id: CaseId,
    team_id: str = Form("", max_length=12),
    staff_id: str = Form("", max_length=12),
    note: str = Form("", max_length=case_states.NOTE_MAX_CHARS),
    version: VersionField = "",
    auth: Auth = Depends(require_agent),
) -> Response:
    return await _act(
        request,
        auth,
        case_id,
        "transfer",
        team_id=int_or_none(team_id),
        staff_id=int_or_none(staff_id),
        note=note,
        version=_version(version),
    )


@router.post("/cases/{case_id}/hand-back")
async def handback(
    request: Request,
    case_id: CaseId,
    message: str = Form("", max_length=case_states.CLOSING_MAX_CHARS + 100),
    version: VersionField = "",
    auth: Auth = Depends(require_agent),
) -> Response:
    return await _act(
        request, auth, case_id, "hand_back", message=message, version=_version(version)
    )


@router.post("/cases/{case_id}/resolve")
async def resolve(
    request: Request,
    case_id: CaseId,
    outcome: str = Form("", max_length=24),
    note: str = Form("", max_length=case_states.NOTE_MAX_CHARS),
    message: str = Form("", max_length=case_states.CLOSING_MAX_CHARS + 100),
    version: VersionField = "",
    auth: Auth = Depends(require_agent),
) -> Response:
    return await _act(
        request,
        auth,
        case_id,
        "resolve",
        outcome=outcome,
        note=note,
        message=message,
        version=_version(version),
    )


@router.post("/cases/{case_id}/reply")
async def reply(
    request: Request,
    case_id: CaseId,
    text: str = Form("", max_length=case_states.REPLY_MAX_CHARS + 100),
    canned_id: str = Form("", max_length=12),
    auth: Auth = Depends(require_agent),
) -> Response:
    chosen = int_or_none(canned_id)
    if not text.strip() and chosen is not None:  # without script: the canned reply as it is
        text = await _canned_text(request, auth, case_id, chosen)
    return await _act(request, auth, case_id, "reply", text=text)


async def _canned_text(request: Request, auth: Auth, case_id: int, canned_id: int) -> str:
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        mine = {c.id: c for c in await canned_replies.for_staff(uow, auth.staff.id)}
        if canned_id not in mine:
            return ""
        try:
            case = await case_views.case_view(uow, case_id, ctx.now())
        except case_states.UnknownCase:
            return ""
        idea = await case_desk.idea_facts(uow, case.idea_id)
    first = (case.resident_name or "").split()
    return canned_replies.fill(
        mine[canned_id].body, first[0] if first else None, idea.title if idea else None
    )


@router.post("/cases/open")
async def open_case(
    request: Request,
    ref: str = Form("", max_length=32),
    auth: Auth = Depends(require_agent),
) -> Response:
    try:
        done = await case_actions.open_case(context(request), auth, ref)
    except CaseError:
        return back("/", error="unknown_idea")
    return back(f"/cases/{done.case_id}" if done.visible else "/", notice=done.code)
