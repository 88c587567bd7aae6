"""Case page extras: the idea's suggestions (add a directory entry, take back a proposed one)
and private staff notes. Audited in the same transaction as the change; a note is a ``note``
case event that only colleagues read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import Response

from console import case_actions
from console.api import MAX_ID
from console.forms import back
from console.security import AuditTrail, Auth, context, require_agent
from infra.uow import UnitOfWork
from knowledge.resources import Resource
from knowledge.store import CatalogueCache
from routing.cases import notes as case_notes
from routing.cases import states as case_states
from routing.cases import views as case_views
from routing.cases.states import CaseError
from routing.matching import suggestions

router = APIRouter(include_in_schema=False)

CaseId = Annotated[int, Path(ge=1, le=MAX_ID)]
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
SEARCH_MAX_CHARS = 80


def catalogues(request: Request) -> CatalogueCache:
    cache: CatalogueCache | None = getattr(request.app.state, "catalogues", None)
    if cache is None:
        cache = CatalogueCache()
        request.app.state.catalogues = cache
    return cache


async def search(request: Request, uow: UnitOfWork, text: str) -> list[Resource]:
    text = text.strip()[:SEARCH_MAX_CHARS]
    if len(text) < 2:
        return []
    return suggestions.search_catalogue(await catalogues(request).get(uow), text)


async def _visible_case(uow: UnitOfWork, auth: Auth, case_id: int, now: datetime) -> int | None:
    """The case's idea id, after checking this person may see the case."""
    try:
        await case_actions.check_visible(uow, auth, case_id)
    except case_actions.Hidden:
        raise HTTPException(status_code=403) from None
    except case_states.UnknownCase:
        raise HTTPException(status_code=404) from None
    return (await case_views.case_view(uow, case_id, now)).idea_id


@router.post("/cases/{case_id}/notes")
async def add_note(
    request: Request,
    case_id: CaseId,
    text: str = Form("", max_length=case_states.NOTE_MAX_CHARS + 100),
    auth: Auth = Depends(require_agent),
) -> Response:
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        await _visible_case(uow, auth, case_id, ctx.now())
        try:
            event_id = await case_notes.add_note(uow, case_id, auth.staff.id, text, ctx.now())
        except CaseError:
            return back(f"/cases/{case_id}", error="bad_note", anchor="notes")
        await AuditTrail(auth.staff.id, ctx.clock).change(
            uow, "case.note_added", "case", case_id, {"event": event_id}
        )
        await uow.commit()
    return back(f"/cases/{case_id}", notice="note_added", anchor="notes")


@router.post("/cases/{case_id}/suggestions")
async def add_suggestion(
    request: Request,
    case_id: CaseId,
    external_id: str = Form("", max_length=80),
    auth: Auth = Depends(require_agent),
) -> Response:
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        idea_id = await _visible_case(uow, auth, case_id, ctx.now())
        if idea_id is None:
            return back(f"/cases/{case_id}", error="no_idea", anchor="suggestions")
        try:
            view, new = await suggestions.add_by_staff(uow, idea_id, external_id.strip(), ctx.now())
        except suggestions.UnknownSuggestion:
            return back(f"/cases/{case_id}", error="unknown_resource", anchor="suggestions")
        if new:
            await AuditTrail(auth.staff.id, ctx.clock).change(
                uow,
                "suggestion.added",
                "case",
                case_id,
                {"idea": idea_id, "resource": view.external_id},
            )
        await uow.commit()
    notice = "suggestion_added" if new else "suggestion_known"
    return back(f"/cases/{case_id}", notice=notice, anchor="suggestions")


@router.post("/cases/{case_id}/suggestions/{suggestion_id}/remove")
async def remove_suggestion(
    request: Request, case_id: CaseId, suggestion_id: RowId, auth: Auth = Depends(require_agent)
) -> Response:
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        idea_id = await _visible_case(uow, auth, case_id, ctx.now())
        if idea_id is None:
            return back(f"/cases/{case_id}", error="no_idea", anchor="suggestions")
        try:
            view = await suggestions.remove_proposed(uow, idea_id, suggestion_id)
        except suggestions.UnknownSuggestion:
            return back(f"/cases/{case_id}", error="unknown_resource", anchor="suggestions")
        except suggestions.SuggestionNotRemovable:
            return back(f"/cases/{case_id}", error="not_removable", anchor="suggestions")
        await AuditTrail(auth.staff.id, ctx.clock).change(
            uow,
            "suggestion.removed",
            "case",
            case_id,
            {"idea": idea_id, "resource": view.external_id},
        )
        await uow.commit()
    return back(f"/cases/{case_id}", notice="suggestion_removed", anchor="suggestions")
