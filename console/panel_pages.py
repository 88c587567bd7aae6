"""Sprint panel and rooms, for coordinators: skills, territories, weekly pattern, monthly cap
and absences of each panel member; capacity, step-free access, equipment and blocked days of
each room. Simple forms; a mistake comes back as a kind sentence (``words.PANEL_ERRORS``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError

from console import words
from console.api import MAX_ID
from console.forms import VersionField, back, flash, is_stale
from console.labels import city_of
from console.security import AuditTrail, Auth, context, require_coordinator, translator
from console.templating import render
from infra.i18n import Translator
from infra.uow import UnitOfWork
from knowledge.resources import EQUIPMENT, THEMES
from routing.sprints import desk as sprint_desk
from routing.sprints import panel_desk
from routing.sprints.panel_desk import PanelInputError
from routing.sprints.reasons import SKILL_LABELS, skill_label

router = APIRouter(include_in_schema=False)

RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
Day = Annotated[str, Path(pattern=r"^\d{4}-\d{2}-\d{2}$")]


@router.get("/panel", response_class=HTMLResponse)
async def panel_page(request: Request, auth: Auth = Depends(require_coordinator)) -> Response:
    ctx = context(request)
    tr = translator(request, auth)
    today = ctx.today()
    async with ctx.uow_factory() as uow:
        members = await panel_desk.members(uow, today)
        rooms = await panel_desk.rooms(uow, today)
    notice, error = flash(request, auth, words.PANEL_NOTICES, words.PANEL_ERRORS)
    return render(
        request,
        "panel.html",
        members=members,
        rooms=rooms,
        weekdays=[tr.gettext(w) for w in words.WEEKDAYS],
        skill_choices=skill_choices(tr),
        skill_names=dict(skill_choices(tr)),
        editing=_editing(request, "member"),
        editing_room=_editing(request, "room"),
        equipment_choices=EQUIPMENT,
        notice=notice,
        error=error,
    )


def _editing(request: Request, name: str) -> int | None:
    """The one member (or room) whose form is open: one at a time keeps the page short."""
    value = request.query_params.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else None


def skill_choices(tr: Translator) -> list[tuple[str, str]]:
    """The planner's skills, then the themes of the one vocabulary, by their words."""
    skills = [(code, skill_label(code, tr)) for code in SKILL_LABELS]
    themes = sorted(((c, skill_label(c, tr)) for c in THEMES), key=lambda p: p[1].lower())
    return skills + themes


# A change to the panel, in the page's unit of work: what the audit keeps of it.
PanelWork = Callable[[UnitOfWork], Awaitable[dict[str, object]]]


async def _current(
    request: Request, uow: UnitOfWork, subject: str, subject_id: int
) -> object | None:
    """The member or room as the page shows it now (None: gone)."""
    ctx = context(request)
    today = ctx.today()
    found = panel_desk.members if subject == "member" else panel_desk.rooms
    return next((v for v in await found(uow, today) if v.id == subject_id), None)


async def _change(
    request: Request,
    auth: Auth,
    action: str,
    subject: str,
    subject_id: int,
    work: PanelWork,
    notice: str,
    version: str = "",
) -> Response:
    """Run ``work`` and its audit entry, unless the member (or room) changed since its form was
    rendered: then nothing happens and the page says so."""
    ctx = context(request)
    try:
        async with ctx.uow_factory() as uow:
            current = await _current(request, uow, subject, subject_id)
            if current is not None and is_stale(version, current):
                return RedirectResponse(
                    f"/panel?e=stale&{subject}={subject_id}#{subject}-{subject_id}",
                    status_code=303,
                )
            details = await work(uow) or {}
            # the audit keeps ids and short values; a changed list is recorded as "changed"
            kept = {
                k: v
                if v is None or isinstance(v, bool | int) or (isinstance(v, str) and len(v) <= 32)
                else True
                for k, v in details.items()
            }
            await AuditTrail(auth.staff.id, ctx.clock).change(
                uow, action, subject, subject_id, kept
            )
            await uow.commit()
    except PanelInputError as exc:
        return back("/panel", error=exc.code)
    except IntegrityError:  # a day taken by a sprint at the same moment
        return back("/panel", error="busy")
    return back("/panel", notice=notice, anchor=f"{subject}-{subject_id}")


@router.post("/panel/members")
async def new_member(
    request: Request,
    name: str = Form("", max_length=200),
    skills: list[str] = Form(default_factory=list),
    territories: list[str] = Form(default_factory=list),
    weekdays: list[str] = Form(default_factory=list),
    monthly_cap: str = Form("2", max_length=4),
    auth: Auth = Depends(require_coordinator),
) -> Response:
    known = {t.id for t in city_of(request).territories}
    ctx = context(request)
    try:
        async with ctx.uow_factory() as uow:
            cap = monthly_cap.strip()
            if not cap.isdigit():
                raise PanelInputError("bad_cap")
            member_id = await panel_desk.add_member(
                uow,
                name=name,
                skills=panel_desk.codes(", ".join(s[:800] for s in skills[:60])),
                territories=panel_desk.codes(", ".join(t[:800] for t in territories[:60])),
                weekdays=[int(d) for d in weekdays if d.isdigit() and len(d) == 1],
                monthly_cap=int(cap),
                known_territories=known,
                now=ctx.now(),
            )
            await AuditTrail(auth.staff.id, ctx.clock).change(
                uow, "panel.member_added", "member", member_id, {}
            )
            await uow.commit()
    except PanelInputError as exc:
        return back("/panel", error=exc.code)
    return back("/panel", notice="member_added", anchor=f"member-{member_id}")


@router.post("/panel/members/{member_id}")
async def edit_member(
    request: Request,
    member_id: RowId,
    skills: list[str] = Form(default_factory=list),
    territories: list[str] = Form(default_factory=list),
    weekdays: list[str] = Form(default_factory=list),
    monthly_cap: str = Form("", max_length=4),
    active: str = Form("", max_length=4),
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    async def work(uow: UnitOfWork) -> dict[str, object]:
        known = {t.id for t in (await sprint_desk.city(uow)).territories}
        days = [int(d) for d in weekdays if d.isdigit() and len(d) == 1]
        cap = monthly_cap.strip()
        if not cap.isdigit():
            raise PanelInputError("bad_cap")
        return await panel_desk.update_member(
            uow,
            member_id,
            skills=panel_desk.codes(", ".join(s[:800] for s in skills[:60])),
            territories=panel_desk.codes(", ".join(t[:800] for t in territories[:60])),
            weekdays=days,
            monthly_cap=int(cap),
            active=bool(active),
            known_territories=known,
            now=context(request).now(),
        )

    return await _change(
        request,
        auth,
        "panel.member_updated",
        "member",
        member_id,
        work,
        "member_saved",
        version=version,
    )


@router.post("/panel/members/{member_id}/absences")
async def add_absence(
    request: Request,
    member_id: RowId,
    starts_on: str = Form("", max_length=10),
    ends_on: str = Form("", max_length=10),
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    async def work(uow: UnitOfWork) -> dict[str, object]:
        first, last = panel_desk.parse_range(starts_on, ends_on)
        absence = await panel_desk.add_absence(uow, member_id, first, last)
        return {"absence": absence, "from": first.isoformat(), "to": last.isoformat()}

    return await _change(
        request,
        auth,
        "panel.absence_added",
        "member",
        member_id,
        work,
        "absence_added",
        version=version,
    )


@router.post("/panel/members/{member_id}/absences/{absence_id}/remove")
async def remove_absence(
    request: Request,
    member_id: RowId,
    absence_id: RowId,
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    async def work(uow: UnitOfWork) -> dict[str, object]:
        await panel_desk.remove_absence(uow, member_id, absence_id)
        return {"absence": absence_id}

    return await _change(
        request,
        auth,
        "panel.absence_removed",
        "member",
        member_id,
        work,
        "absence_removed",
        version=version,
    )


@router.post("/panel/rooms/{room_id}")
async def edit_room(
    request: Request,
    room_id: RowId,
    capacity: str = Form("", max_length=6),
    step_free: str = Form("", max_length=4),
    equipment: list[str] = Form(default_factory=list),
    active: str = Form("", max_length=4),
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    async def work(uow: UnitOfWork) -> dict[str, object]:
        if not capacity.strip().isdigit():
            raise PanelInputError("bad_capacity")
        return await panel_desk.update_room(
            uow,
            room_id,
            capacity=int(capacity.strip()),
            step_free=bool(step_free),
            equipment=panel_desk.equipment_list(", ".join(e[:80] for e in equipment[:40])),
            active=bool(active),
            now=context(request).now(),
        )

    return await _change(
        request, auth, "panel.room_updated", "room", room_id, work, "room_saved", version=version
    )


@router.post("/panel/rooms/{room_id}/blocked")
async def block_days(
    request: Request,
    room_id: RowId,
    starts_on: str = Form("", max_length=10),
    ends_on: str = Form("", max_length=10),
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    async def work(uow: UnitOfWork) -> dict[str, object]:
        first, last = panel_desk.parse_range(starts_on, ends_on)
        added = await panel_desk.block_days(uow, room_id, first, last)
        return {"from": first.isoformat(), "to": last.isoformat(), "added": added}

    return await _change(
        request, auth, "panel.room_blocked", "room", room_id, work, "days_blocked", version=version
    )


@router.post("/panel/rooms/{room_id}/blocked/{day}/remove")
async def unblock_day(
    request: Request,
    room_id: RowId,
    day: Day,
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    async def work(uow: UnitOfWork) -> dict[str, object]:
        await panel_desk.unblock_day(uow, room_id, panel_desk.parse_day(day))
        return {"day": day}

    return await _change(
        request,
        auth,
        "panel.room_unblocked",
        "room",
        room_id,
        work,
        "day_unblocked",
        version=version,
    )
