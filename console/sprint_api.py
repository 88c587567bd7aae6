"""The JSON API for sprints: an idea's options, booking for the resident, cancelling, "held?".

Same use cases and audit entries as the pages (``console.sprint_actions``). Errors are
``{"detail": code, "status": n}``: 401 without credentials, 403 ``not_allowed``, 404
``unknown_idea`` / ``unknown_sprint``, 409 ``lost`` (with fresh ``options``), ``not_active`` or
``too_early``, 422 bad input, 503 ``no_renderer`` (this console cannot write to residents).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from console import sprint_actions
from console.api import MAX_ID, NO_NUL, FromView
from console.security import Auth, context, require_agent, translator
from routing.sprints import desk as sprint_desk
from routing.sprints.desk import SprintDeskError

router = APIRouter(prefix="/api", tags=["sprints"])

Ref = Annotated[str, Path(min_length=1, max_length=12, pattern=r"^[A-Za-z0-9-]+$")]
SprintId = Annotated[int, Path(ge=1, le=MAX_ID, description="the sprint id")]

ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    403: {"description": "not this person's idea or sprint"},
    404: {"description": "no such idea or sprint"},
    409: {"description": "taken meanwhile (fresh options given), not active, or too early"},
    422: {"description": "bad input"},
    503: {"description": "this console cannot write to residents"},
}


class OptionOut(FromView):  # read from console.sprint_actions' OptionShown
    index: int
    kind: str
    day1: date
    day2: date
    room_id: int
    room: str = Field(validation_alias="room_name")
    address: str | None = Field(validation_alias="room_address")
    panel: list[str]
    facilitator: str | None
    covered: list[str]
    missing: list[str]
    reasons: list[str]


class ProblemOut(BaseModel):
    code: str
    text: str


class OptionsOut(BaseModel):
    idea_ref: str
    needed: list[str]
    unknown_skills: list[str]
    options: list[OptionOut]
    problems: list[ProblemOut]
    current_sprint_id: int | None


class SeatOut(FromView):
    name: str
    role: str


class SprintOut(FromView):  # read from routing.sprints' SprintView
    id: int
    idea_ref: str | None
    status: str
    day1: date
    day2: date
    room: str | None = Field(validation_alias="room_name")
    address: str | None = Field(validation_alias="room_address")
    panel: list[SeatOut] = Field(validation_alias="seats")
    note: str | None


class BookIn(BaseModel):
    day1: date
    room_id: int = Field(ge=1, le=MAX_ID)


class BookOut(BaseModel):
    sprint: SprintOut
    rescheduled: bool
    resident_messages: int  # outbox rows for the resident (the message and the .ics)


class HeldIn(BaseModel):
    held: bool
    note: str = Field("", max_length=sprint_desk.NOTE_MAX_CHARS, pattern=NO_NUL)


class BoardOut(BaseModel):
    upcoming: list[SprintOut]
    awaiting_held: list[SprintOut]


def _options(shown: sprint_actions.OptionsShown) -> OptionsOut:
    return OptionsOut(
        idea_ref=shown.idea_ref,
        needed=list(shown.needed),
        unknown_skills=list(shown.unknown_skills),
        options=[OptionOut.model_validate(o) for o in shown.options],
        problems=[ProblemOut(code=c, text=t) for c, t in shown.problems],
        current_sprint_id=shown.current,
    )


def _problem(exc: SprintDeskError, **extra: object) -> JSONResponse:
    status = sprint_actions.STATUS.get(exc.code, 422)
    return JSONResponse({"detail": exc.code, "status": status, **extra}, status_code=status)


async def _view(request: Request, sprint_id: int) -> SprintOut:
    async with context(request).uow_factory() as uow:
        view = await sprint_desk.sprint_view(uow, sprint_id)
    assert view is not None
    return SprintOut.model_validate(view)


@router.get("/ideas/{ref}/sprint-options", response_model=OptionsOut, responses=ERROR_RESPONSES)
async def options(
    request: Request, ref: Ref, auth: Auth = Depends(require_agent)
) -> OptionsOut | JSONResponse:
    """The planner's options for the idea (the same planner as `declic sprint options`), with
    reasons, or why there is none (``problems``, ``unknown_skills``)."""
    try:
        shown = await sprint_actions.options(request, auth, ref, translator(request, auth))
    except SprintDeskError as exc:
        return _problem(exc)
    return _options(shown)


@router.post(
    "/ideas/{ref}/sprint",
    response_model=BookOut,
    status_code=201,
    responses=ERROR_RESPONSES,
)
async def book(
    request: Request, ref: Ref, body: BookIn, auth: Auth = Depends(require_agent)
) -> Response:
    """Book the option starting on ``day1`` in ``room_id`` for the resident (or move their
    sprint there). The resident gets the message and the ``.ics`` through the outbox."""
    try:
        done = await sprint_actions.book(request, auth, ref, body.day1, body.room_id)
    except SprintDeskError as exc:
        if exc.code != "lost":
            return _problem(exc)
        try:
            fresh = await sprint_actions.options(request, auth, ref, translator(request, auth))
        except SprintDeskError as again:
            return _problem(again)
        return _problem(exc, options=_options(fresh).model_dump(mode="json")["options"])
    out = BookOut(
        sprint=await _view(request, done.sprint_id),
        rescheduled=done.code == "rescheduled",
        resident_messages=done.resident_rows,
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=201)


@router.post("/sprints/{sprint_id}/cancel", response_model=SprintOut, responses=ERROR_RESPONSES)
async def cancel(
    request: Request, sprint_id: SprintId, auth: Auth = Depends(require_agent)
) -> SprintOut | JSONResponse:
    """Cancel a confirmed sprint: people and room released, the resident told."""
    try:
        await sprint_actions.cancel(request, auth, sprint_id)
    except SprintDeskError as exc:
        return _problem(exc)
    return await _view(request, sprint_id)


@router.post("/sprints/{sprint_id}/held", response_model=SprintOut, responses=ERROR_RESPONSES)
async def held(
    request: Request, sprint_id: SprintId, body: HeldIn, auth: Auth = Depends(require_agent)
) -> SprintOut | JSONResponse:
    """After the sprint: did it take place? With a short note (staff only)."""
    try:
        await sprint_actions.mark(request, auth, sprint_id, body.held, body.note)
    except SprintDeskError as exc:
        return _problem(exc)
    return await _view(request, sprint_id)


@router.get("/sprints", response_model=BoardOut)
async def board(request: Request, auth: Auth = Depends(require_agent)) -> BoardOut:
    """Upcoming sprints and past ones awaiting "held?" (references, no resident's words)."""
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        upcoming, awaiting = await sprint_desk.board(uow, ctx.today())
    return BoardOut(
        upcoming=[SprintOut.model_validate(v) for v in upcoming],
        awaiting_held=[SprintOut.model_validate(v) for v in awaiting],
    )
