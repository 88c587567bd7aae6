"""The JSON API for cases: the queue, one case, its messages (the console's live relay polls
``/api/cases/{id}/messages?after=ID``), and the same actions as the pages.

Same services and audit entries as the pages. Status codes: 401 without a session or token,
403 for a case of another team or an action this role may not take, 404 for an unknown case,
409 when a colleague claimed first or the case is closed, 422 for bad input.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from console import case_actions
from console.api import MAX_BIG_ID, MAX_ID, NO_NUL, FromView
from console.security import AuditTrail, Auth, context, require_agent
from routing.cases import desk as case_desk
from routing.cases import states as case_states
from routing.cases import views as case_views
from routing.cases.states import CaseError

router = APIRouter(prefix="/api", tags=["cases"])

CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="the case id")]

ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    403: {"description": "not this person's case, or not their role"},
    404: {"description": "no such case"},
    409: {"description": "a colleague claimed it first, or the case is closed"},
    422: {"description": "bad input"},
}


class CaseSummary(FromView):
    id: int
    status: str
    reason: str
    source: str
    team_id: int | None
    team_name: str | None
    holder_id: int | None
    holder_name: str | None
    neighbourhood: str | None
    themes: list[str]
    opened_at: datetime
    claimed_at: datetime | None
    resolved_at: datetime | None
    escalated: bool
    outcome: str | None
    waiting_minutes: int


class IdeaOut(FromView):
    ref: str
    title: str | None
    neighbourhood: str | None
    needs: list[str]
    themes: list[str]
    group_type: str | None
    status: str


class EventOut(FromView):
    id: int
    kind: str
    actor_id: int | None
    actor_name: str | None
    note: str | None
    occurred_at: datetime


class CaseDetail(CaseSummary):
    version: int  # send it back with an action: a changed case answers 409 "stale"
    resident_id: int | None
    resident_name: str | None
    idea: IdeaOut | None
    history: list[EventOut]


class MessageOut(FromView):
    id: int
    at: datetime
    direction: str  # "in" from the resident, "out" from an agent
    kind: str
    text: str | None
    needs_human: bool
    author: str | None


class MessagesOut(BaseModel):
    case_id: CaseId
    status: str
    holder_id: int | None
    last_id: int  # pass it back as ``after`` to get only what is new
    messages: list[MessageOut]


class QueueOut(BaseModel):
    waiting: list[CaseSummary]  # open cases this person may take, longest-waiting first
    mine: list[CaseSummary]  # the cases this person holds


class CasePage(BaseModel):
    cases: list[CaseSummary]  # one page, longest-waiting first (most recently closed for closed)
    total: int


class Reply(BaseModel):
    text: str = Field(min_length=1, max_length=case_states.REPLY_MAX_CHARS, pattern=NO_NUL)


Version = Annotated[
    int | None, Field(ge=0, le=MAX_BIG_ID, description="The case version the action was decided on")
]
Closing = Annotated[
    str | None,
    Field(
        max_length=case_states.CLOSING_MAX_CHARS,
        pattern=NO_NUL,
        description="The sentence the resident reads (default: the outcome's own)",
    ),
]


class Transfer(BaseModel):
    version: Version = None
    team_id: int | None = Field(None, ge=1, le=MAX_ID)
    staff_id: int | None = Field(None, ge=1, le=MAX_ID)
    note: str = Field("", max_length=case_states.NOTE_MAX_CHARS, pattern=NO_NUL)


class Assign(BaseModel):
    version: Version = None
    staff_id: int = Field(ge=1, le=MAX_ID)


class Resolve(BaseModel):
    version: Version = None
    outcome: Literal["answered", "referred", "sprint", "no_reply", "duplicate", "other"]
    note: str = Field("", max_length=case_states.NOTE_MAX_CHARS, pattern=NO_NUL)
    message: Closing = None


class HandBack(BaseModel):
    version: Version = None
    message: Closing = None


class ActionOut(BaseModel):
    case: CaseSummary | None  # None when the case left this person's sight (transferred away)
    outbox_id: int | None = None


def _problem(exc: CaseError) -> JSONResponse:
    code, status = case_actions.error_code(exc)
    return JSONResponse({"detail": code, "status": status}, status_code=status)


@router.get("/queue", response_model=QueueOut)
async def queue(request: Request, auth: Auth = Depends(require_agent)) -> QueueOut:
    """Open cases this person may take, and the ones they hold (ids and codes, no words). A
    listing that shows at least one case is audited (``queue.viewed``), as the page is."""
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        waiting = await case_views.queue(uow, auth.staff.id, ctx.now())
        mine = await case_views.held_by(uow, auth.staff.id, ctx.now())
        listed = list(dict.fromkeys(c.id for c in [*mine, *waiting]))
        if listed:
            await AuditTrail(auth.staff.id, ctx.clock).view(
                uow, "queue", auth.staff.id, {"cases": listed[:100], "via": "api"}
            )
            await uow.commit()
    return QueueOut(
        waiting=[CaseSummary.model_validate(v) for v in waiting],
        mine=[CaseSummary.model_validate(v) for v in mine],
    )


@router.get("/cases", response_model=CasePage)
async def find_cases(
    request: Request,
    q: str = Query("", max_length=case_desk.SEARCH_MAX_CHARS, pattern=NO_NUL),
    status: list[Literal["open", "claimed", "waiting", "resolved"]] = Query(
        default_factory=list, max_length=4, description="none: open cases"
    ),
    team_id: int | None = Query(None, ge=1, le=MAX_ID),
    page: int = Query(1, ge=1, le=10_000),
    auth: Auth = Depends(require_agent),
) -> CasePage:
    """The queue's search: cases this person may see, by reference (``#12``, ``D-7KQ2MX``),
    the resident's name or their words, in several statuses (closed too), 25 a page. Audited
    as the queue page is when it lists a case (never the words searched)."""
    ctx = context(request)
    statuses = tuple(dict.fromkeys(status)) or (case_states.OPEN,)
    async with ctx.uow_factory() as uow:
        board = await case_actions.queue_page(
            uow, auth, ctx.now(), statuses=statuses, team_id=team_id, text=q, page=page
        )
        if board.cases:
            await case_actions.audit_queue_view(
                ctx,
                uow,
                auth,
                [c.id for c in board.cases],
                statuses=statuses,
                team_id=team_id,
                text=q,
                via="api",
            )
            await uow.commit()
    return CasePage(cases=[CaseSummary.model_validate(v) for v in board.cases], total=board.total)


@router.get("/cases/{case_id}", response_model=CaseDetail, responses=ERROR_RESPONSES)
async def case_detail(
    request: Request, case_id: CaseId, auth: Auth = Depends(require_agent)
) -> CaseDetail | JSONResponse:
    """One case with the idea behind it and its history (an audited view)."""
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        try:
            await case_actions.check_visible(uow, auth, case_id)
        except CaseError as exc:
            return _problem(exc)
        view = await case_views.case_view(uow, case_id, ctx.now())
        idea = await case_desk.idea_facts(uow, view.idea_id)
        events = await case_views.history(uow, case_id)
        version = await case_desk.version(uow, case_id)
        await AuditTrail(auth.staff.id, ctx.clock).view(
            uow, "case", case_id, {"resident": view.resident_id, "via": "api"}
        )
        await uow.commit()
    return CaseDetail(
        **CaseSummary.model_validate(view).model_dump(),
        version=version,
        resident_id=view.resident_id,
        resident_name=view.resident_name,
        idea=IdeaOut.model_validate(idea) if idea else None,
        history=[EventOut.model_validate(e) for e in events],
    )


@router.get("/cases/{case_id}/messages", response_model=MessagesOut, responses=ERROR_RESPONSES)
async def messages(
    request: Request,
    case_id: CaseId,
    after: int = Query(0, ge=0, le=2**63 - 1),
    auth: Auth = Depends(require_agent),
) -> MessagesOut | JSONResponse:
    """The conversation after message ``after`` (0: all of it), oldest first. Polling this is
    cheap; only a response that shows messages is written to the audit log."""
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        try:
            await case_actions.check_visible(uow, auth, case_id)
        except CaseError as exc:
            return _problem(exc)
        view = await case_views.case_view(uow, case_id, ctx.now())
        rows = await case_views.transcript(uow, case_id, after)
        if rows:
            await AuditTrail(auth.staff.id, ctx.clock).view(
                uow,
                "case",
                case_id,
                {"resident": view.resident_id, "after": after, "messages": len(rows)},
            )
            await uow.commit()
    return MessagesOut(
        case_id=case_id,
        status=view.status,
        holder_id=view.holder_id,
        last_id=rows[-1].id if rows else after,
        messages=[MessageOut.model_validate(m) for m in rows],
    )


async def _action(
    request: Request, auth: Auth, case_id: CaseId, action: str, **params: object
) -> Response:
    ctx = context(request)
    try:
        done = await case_actions.perform(ctx, auth, case_id, action, **params)
    except CaseError as exc:
        return _problem(exc)
    summary = None
    if done.visible:
        async with ctx.uow_factory() as uow:
            summary = CaseSummary.model_validate(
                await case_views.case_view(uow, case_id, ctx.now())
            )
    status = 201 if action == "reply" else 200
    body = ActionOut(case=summary, outbox_id=done.outbox_id)
    return JSONResponse(body.model_dump(mode="json"), status_code=status)


@router.post("/cases/{case_id}/claim", response_model=ActionOut, responses=ERROR_RESPONSES)
async def claim(
    request: Request,
    case_id: CaseId,
    version: int | None = Query(None, ge=0, le=MAX_BIG_ID),
    auth: Auth = Depends(require_agent),
) -> Response:
    """Take an open case; 409 if a colleague was faster (or, with ``version``, if the case
    changed since)."""
    return await _action(request, auth, case_id, "claim", version=version)


@router.post("/cases/{case_id}/assign", response_model=ActionOut, responses=ERROR_RESPONSES)
async def assign(
    request: Request, case_id: CaseId, body: Assign, auth: Auth = Depends(require_agent)
) -> Response:
    """Give an open case to a colleague (coordinators and admins)."""
    return await _action(
        request, auth, case_id, "assign", staff_id=body.staff_id, version=body.version
    )


@router.post(
    "/cases/{case_id}/reply", response_model=ActionOut, status_code=201, responses=ERROR_RESPONSES
)
async def reply(
    request: Request, case_id: CaseId, body: Reply, auth: Auth = Depends(require_agent)
) -> Response:
    """Write to the resident through the bot, signed with your first name and team; only the
    person holding the case replies. ``outbox_id`` is the message waiting to be sent."""
    return await _action(request, auth, case_id, "reply", text=body.text)


@router.post("/cases/{case_id}/transfer", response_model=ActionOut, responses=ERROR_RESPONSES)
async def transfer(
    request: Request, case_id: CaseId, body: Transfer, auth: Auth = Depends(require_agent)
) -> Response:
    """Pass the case to a team (back to its queue) or a person (who then holds it), with a
    note for them."""
    return await _action(
        request,
        auth,
        case_id,
        "transfer",
        team_id=body.team_id,
        staff_id=body.staff_id,
        note=body.note,
        version=body.version,
    )


@router.post("/cases/{case_id}/hand-back", response_model=ActionOut, responses=ERROR_RESPONSES)
async def hand_back(
    request: Request,
    case_id: CaseId,
    body: HandBack | None = None,
    auth: Auth = Depends(require_agent),
) -> Response:
    """Give the conversation back to the bot; the case closes and the resident reads one
    sentence (``message``, or the default one)."""
    body = body or HandBack()
    return await _action(
        request, auth, case_id, "hand_back", message=body.message, version=body.version
    )


@router.post("/cases/{case_id}/resolve", response_model=ActionOut, responses=ERROR_RESPONSES)
async def resolve(
    request: Request, case_id: CaseId, body: Resolve, auth: Auth = Depends(require_agent)
) -> Response:
    """Close the case with an outcome and a short staff note; the resident reads one sentence
    (``message``, or the outcome's default)."""
    return await _action(
        request,
        auth,
        case_id,
        "resolve",
        outcome=body.outcome,
        note=body.note,
        message=body.message,
        version=body.version,
    )
