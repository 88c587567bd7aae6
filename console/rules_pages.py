"""Routing rules, for coordinators and admins: which team a new case goes to, by theme,
quartier or reason, lowest priority first. Adding and removing are POST forms (CSRF-guarded by
the app) that redirect back to ``/rules`` with a notice or an error code (``console.words``) and
are written to the audit log in the same transaction.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from console import words
from console.api import MAX_ID
from console.forms import back, flash, int_or_none
from console.labels import CASE_REASONS, city_of, quartier_names
from console.security import Auth, context, require_coordinator
from console.templating import render
from knowledge.resources import THEMES
from routing.cases import teams as team_desk
from routing.staff import audit_log as staff_audit

router = APIRouter(include_in_schema=False)

RowId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/rules", response_class=HTMLResponse)
async def rules_page(request: Request, auth: Auth = Depends(require_coordinator)) -> Response:
    async with context(request).uow_factory() as uow:
        rules = await team_desk.rules(uow)
        teams = await team_desk.teams(uow)
    notice, error = flash(request, auth, words.TEAM_NOTICES, words.TEAM_ERRORS)
    return render(
        request,
        "rules.html",
        rules=rules,
        teams=teams,
        team_names={t.id: t.name for t in teams},
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
        return back("/rules", error="bad_rule")
    theme, neighbourhood = theme.strip().lower(), neighbourhood.strip().lower()
    reason = reason.strip().lower()
    if (
        (theme and theme not in THEMES)
        or (neighbourhood and neighbourhood not in quartier_names(city_of(request)))
        or (reason and reason not in CASE_REASONS)
    ):
        return back("/rules", error="bad_scope")
    async with ctx.uow_factory() as uow:
        if not any(t.id == team for t in await team_desk.teams(uow)):
            return back("/rules", error="unknown_team")
        rule = await team_desk.add_rule(
            uow,
            team,
            rank,
            theme=theme or None,
            neighbourhood=neighbourhood or None,
            reason=reason or None,
        )
        await staff_audit.audit(
            uow, auth.staff.id, "rule.added", "rule", rule.id, {"team": team}, ctx.now()
        )
        await uow.commit()
    return back("/rules", notice="rule_added")


@router.post("/rules/{rule_id}/remove")
async def remove_rule(
    request: Request, rule_id: RowId, auth: Auth = Depends(require_coordinator)
) -> Response:
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        await team_desk.remove_rule(uow, rule_id)
        await staff_audit.audit(uow, auth.staff.id, "rule.removed", "rule", rule_id, {}, ctx.now())
        await uow.commit()
    return back("/rules", notice="rule_removed")
