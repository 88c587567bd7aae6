"""Case pages: one case with its conversation, history and actions; opening a case for a
resident; teams and routing rules for coordinators.

Actions are POST forms (CSRF-guarded by the app) that redirect back with a notice or an error
code (``?m=`` / ``?e=``), looked up in ``console.words``: a service error becomes a kind
sentence, never a traceback, and nothing a visitor types is echoed back. Every view of a case
page and every action is written to the audit log in the same transaction.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError

from console import case_actions, case_extras, words
from console.api import MAX_ID
from console.forms import flash, int_or_none, translated
from console.security import (
    AuditTrail,
    Auth,
    context,
    require_agent,
    require_coordinator,
    translator,
)
from console.templating import render
from infra.uow import UnitOfWork
from knowledge.city import quartier_names
from routing.cases import desk as case_desk
from routing.cases import service as case_service
from routing.cases.service import CaseError
from routing.matching import suggestions
from routing.staff import accounts as staff_service

router = APIRouter(include_in_schema=False)

CaseId = Annotated[int, Path(ge=1, le=MAX_ID)]
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def _back(path: str, *, notice: str | None = None, error: str | None = None) -> Response:
    query = f"?m={notice}" if notice else f"?e={error}" if error else ""
    return RedirectResponse(path + query, status_code=303)


# -- one case ----------------------------------------------------------------------------------


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
        except case_service.UnknownCase:
            raise HTTPException(status_code=404) from None
        case = await case_service.case_view(uow, case_id, now)
        idea = await case_desk.idea_facts(uow, case.idea_id)
        messages = await case_service.transcript(uow, case_id)
        events = await case_service.history(uow, case_id)
        teams = await case_service.teams(uow)
        colleagues = [s for s in await staff_service.list_staff(uow) if s.active]
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
    active = case.status in case_service.ACTIVE
    return render(
        request,
        "case.html",
        case=case,
        idea=idea,
        messages=messages,
        events=events,
        teams=teams,
        colleagues=colleagues,
        notice=notice,
        error=error,
        last_id=messages[-1].id if messages else 0,
        can={
            "claim": case.status == case_service.OPEN,
            "assign": case.status == case_service.OPEN and supervisor,
            "act": active and (supervisor or holder or case.status == case_service.OPEN),
            "reply": case.status in case_service.HELD and holder,
        },
        outcomes=case_service.OUTCOMES,
        status_labels=translated(tr, words.CASE_STATUS),
        outcome_labels=translated(tr, words.CASE_OUTCOMES),
        event_labels=translated(tr, words.CASE_EVENTS),
        kind_labels=translated(tr, words.MESSAGE_KINDS),
        error_labels=translated(tr, words.CASE_ERRORS),
        reply_max=case_service.REPLY_MAX_CHARS,
        note_max=case_service.NOTE_MAX_CHARS,
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
    except case_service.UnknownCase:
        raise HTTPException(status_code=404) from None
    except CaseError as exc:
        return _back(path, error=case_actions.error_code(exc)[0])
    return _back(path if done.visible else "/", notice=done.code)


@router.post("/cases/{case_id}/claim")
async def claim(request: Request, case_id: CaseId, auth: Auth = Depends(require_agent)) -> Response:
    return await _act(request, auth, case_id, "claim")


@router.post("/cases/{case_id}/assign")
async def assign(
    request: Request,
    case_id: CaseId,
    staff_id: str = Form("", max_length=12),
    auth: Auth = Depends(require_coordinator),
) -> Response:
    target = int_or_none(staff_id)
    if target is None:
        return _back(f"/cases/{case_id}", error="invalid")
    return await _act(request, auth, case_id, "assign", staff_id=target)


@router.post("/cases/{case_id}/transfer")
async def transfer(
    request: Request,
    case_id: CaseId,
    team_id: str = Form("", max_length=12),
    staff_id: str = Form("", max_length=12),
    note: str = Form("", max_length=case_service.NOTE_MAX_CHARS),
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
    )


@router.post("/cases/{case_id}/hand-back")
async def hand_back(
    request: Request, case_id: CaseId, auth: Auth = Depends(require_agent)
) -> Response:
    return await _act(request, auth, case_id, "hand_back")


@router.post("/cases/{case_id}/resolve")
async def resolve(
    request: Request,
    case_id: CaseId,
    outcome: str = Form("", max_length=24),
    note: str = Form("", max_length=case_service.NOTE_MAX_CHARS),
    auth: Auth = Depends(require_agent),
) -> Response:
    return await _act(request, auth, case_id, "resolve", outcome=outcome, note=note)


@router.post("/cases/{case_id}/reply")
async def reply(
    request: Request,
    case_id: CaseId,
    text: str = Form("", max_length=case_service.REPLY_MAX_CHARS + 100),
    auth: Auth = Depends(require_agent),
) -> Response:
    return await _act(request, auth, case_id, "reply", text=text)


@router.post("/cases/open")
async def open_case(
    request: Request,
    ref: str = Form("", max_length=32),
    auth: Auth = Depends(require_agent),
) -> Response:
    try:
        done = await case_actions.open_case(context(request), auth, ref)
    except CaseError:
        return _back("/", error="unknown_idea")
    return _back(f"/cases/{done.case_id}" if done.visible else "/", notice=done.code)


# -- teams (coordinators and admins) -------------------------------------------------------------


@router.get("/teams", response_class=HTMLResponse)
async def teams_page(request: Request, auth: Auth = Depends(require_coordinator)) -> Response:
    async with context(request).uow_factory() as uow:
        roster = await case_desk.team_roster(uow)
        quartiers = await quartier_names(uow)
    notice, error = flash(request, auth, words.TEAM_NOTICES, words.TEAM_ERRORS)
    return render(
        request, "teams.html", teams=roster, quartiers=quartiers, notice=notice, error=error
    )


async def _quartiers_of(uow: UnitOfWork, picked: list[str]) -> list[str] | None:
    """Quartiers chosen from the city's list (a city without quartiers takes codes as typed);
    None when one is not the city's."""
    codes = _codes(",".join(p[:64] for p in picked[:20]))
    known = await quartier_names(uow)
    if known and not set(codes) <= set(known):
        return None
    return codes


def _codes(text: str) -> list[str]:
    return [w.strip().lower() for w in text.replace(";", ",").split(",") if w.strip()][:20]


@router.post("/teams")
async def create_team(
    request: Request,
    slug: str = Form("", max_length=64),
    name: str = Form("", max_length=120),
    themes: str = Form("", max_length=500),
    neighbourhoods: list[str] = Form(default_factory=list),
    auth: Auth = Depends(require_coordinator),
) -> Response:
    ctx = context(request)
    slug, name = slug.strip().lower(), name.strip()
    if not SLUG.match(slug) or not name:
        return _back("/teams", error="bad_team")
    try:
        async with ctx.uow_factory() as uow:
            if await case_desk.team_by_slug(uow, slug) is not None:
                return _back("/teams", error="duplicate_team")
            chosen = await _quartiers_of(uow, neighbourhoods)
            if chosen is None:
                return _back("/teams", error="bad_team")
            team = await case_service.create_team(uow, slug, name, _codes(themes), chosen)
            await staff_service.audit(
                uow, auth.staff.id, "team.created", "team", team.id, {"slug": slug}, ctx.now()
            )
            await uow.commit()
    except IntegrityError:  # the same slug created by someone else at the same moment
        return _back("/teams", error="duplicate_team")
    return _back("/teams", notice="team_created")


@router.post("/teams/{team_id}/members")
async def add_member(
    request: Request,
    team_id: RowId,
    email: str = Form("", max_length=254),
    auth: Auth = Depends(require_coordinator),
) -> Response:
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        if not any(t.id == team_id for t in await case_service.teams(uow)):
            return _back("/teams", error="unknown_team")
        member = await staff_service.find_staff(uow, email)
        if member is None or not member.active:
            return _back("/teams", error="unknown_staff")
        await case_service.add_member(uow, team_id, member.id)
        await staff_service.audit(
            uow,
            auth.staff.id,
            "team.member_added",
            "team",
            team_id,
            {"staff": member.id},
            ctx.now(),
        )
        await uow.commit()
    return _back("/teams", notice="member_added")


@router.post("/teams/{team_id}/members/{staff_id}/remove")
async def remove_member(
    request: Request, team_id: RowId, staff_id: RowId, auth: Auth = Depends(require_coordinator)
) -> Response:
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        await case_service.remove_member(uow, team_id, staff_id)
        await staff_service.audit(
            uow,
            auth.staff.id,
            "team.member_removed",
            "team",
            team_id,
            {"staff": staff_id},
            ctx.now(),
        )
        await uow.commit()
    return _back("/teams", notice="member_removed")


# -- routing rules (coordinators and admins) ------------------------------------------------------


@router.get("/rules", response_class=HTMLResponse)
async def rules_page(request: Request, auth: Auth = Depends(require_coordinator)) -> Response:
    async with context(request).uow_factory() as uow:
        rules = await case_service.rules(uow)
        teams = await case_service.teams(uow)
        quartiers = await quartier_names(uow)
    notice, error = flash(request, auth, words.TEAM_NOTICES, words.TEAM_ERRORS)
    return render(
        request,
        "rules.html",
        rules=rules,
        teams=teams,
        team_names={t.id: t.name for t in teams},
        quartiers=quartiers,
        notice=notice,
        error=error,
    )


@router.post("/rules")
async def add_rule(
    request: Request,
    team_id: str = Form("", max_length=12),
    priority: str = Form("100", max_length=6),
    theme: str = Form("", max_length=32),
    neighbourhood: str = Form("", max_length=64),
    reason: str = Form("", max_length=32),
    auth: Auth = Depends(require_coordinator),
) -> Response:
    ctx = context(request)
    team = int_or_none(team_id)
    rank = int(priority) if priority.strip().isdigit() else (100 if not priority.strip() else None)
    if team is None or rank is None or rank > 10_000:
        return _back("/rules", error="bad_rule")
    async with ctx.uow_factory() as uow:
        if not any(t.id == team for t in await case_service.teams(uow)):
            return _back("/rules", error="unknown_team")
        place = await _quartiers_of(uow, [neighbourhood])
        if place is None:
            return _back("/rules", error="bad_rule")
        rule = await case_service.add_rule(
            uow,
            team,
            rank,
            theme=theme.strip().lower() or None,
            neighbourhood=place[0] if place else None,
            reason=reason.strip().lower() or None,
        )
        await staff_service.audit(
            uow, auth.staff.id, "rule.added", "rule", rule.id, {"team": team}, ctx.now()
        )
        await uow.commit()
    return _back("/rules", notice="rule_added")


@router.post("/rules/{rule_id}/remove")
async def remove_rule(
    request: Request, rule_id: RowId, auth: Auth = Depends(require_coordinator)
) -> Response:
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        await case_service.remove_rule(uow, rule_id)
        await staff_service.audit(
            uow, auth.staff.id, "rule.removed", "rule", rule_id, {}, ctx.now()
        )
        await uow.commit()
    return _back("/rules", notice="rule_removed")
