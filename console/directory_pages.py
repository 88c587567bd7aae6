"""The directory for coordinators: browse and search entries, see one as a resident would, edit
its facts, mark it verified today or inactive, import a file with the same checks as
``declic directory import`` (the report is shown; a file with errors writes nothing). Entries
not verified for 12 months are flagged. Every change is audited in its transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path as FilePath
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console import words
from console.forms import VersionField, flash, is_stale
from console.labels import city_of
from console.security import AuditTrail, Auth, context, require_coordinator, translator
from console.templating import render
from infra.uow import UnitOfWork
from knowledge import desk as directory
from knowledge.importers import read_directory
from knowledge.resources import THEMES
from knowledge.store import apply_import

router = APIRouter(include_in_schema=False)
ExternalId = Annotated[str, Path(min_length=1, max_length=80, pattern=r"^[^/\x00]+$")]
PAGE = 50
MAX_UPLOAD = 5_000_000


class Stale(Exception):
    """The entry changed since the form was rendered."""


def _back(path: str, *, notice: str | None = None, error: str | None = None) -> Response:
    query = f"?m={notice}" if notice else f"?e={error}" if error else ""
    return RedirectResponse(path + query, status_code=303)


@router.get("/directory", response_class=HTMLResponse)
async def directory_page(
    request: Request,
    q: str = Query("", max_length=80),
    stale: str = Query("", max_length=2),
    page: int = Query(1, ge=1, le=10_000),
    auth: Auth = Depends(require_coordinator),
) -> Response:
    ctx = context(request)
    today = ctx.today()
    async with ctx.uow_factory() as uow:
        found = await directory.search(
            uow, today, text=q, only_stale=stale == "1", offset=(page - 1) * PAGE, limit=PAGE
        )
    notice, error = flash(request, auth, words.DIRECTORY_NOTICES, words.DIRECTORY_ERRORS)
    return render(
        request,
        "directory.html",
        entries=found.entries,
        total=found.total,
        page=page,
        pages=max(1, -(-found.total // PAGE)),
        filters={"q": q, "stale": stale == "1"},
        notice=notice,
        error=error,
        report=None,
    )


@router.get("/directory/entries/{external_id}", response_class=HTMLResponse)
async def entry_page(
    request: Request, external_id: ExternalId, auth: Auth = Depends(require_coordinator)
) -> Response:
    ctx = context(request)
    today = ctx.today()
    async with ctx.uow_factory() as uow:
        entry = await directory.entry(uow, external_id)
    if entry is None:
        raise HTTPException(status_code=404)
    notice, error = flash(request, auth, words.DIRECTORY_NOTICES, words.DIRECTORY_ERRORS)
    return render(
        request,
        "directory_entry.html",
        entry=entry,
        stale=directory.stale(entry, today),
        notice=notice,
        error=error,
    )


# A change to one entry, in the page's unit of work at the console's time: False if not found.
EntryWork = Callable[[UnitOfWork, datetime], Awaitable[bool]]


async def _change(
    request: Request, auth: Auth, external_id: str, action: str, version: str, work: EntryWork
) -> bool:
    """Run ``work`` and its audit entry; False when the entry does not exist. An entry changed
    since its form was rendered raises ``Stale``: nothing is written."""
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        current = await directory.entry(uow, external_id)
        if current is not None and is_stale(version, current):
            raise Stale(external_id)
        done = await work(uow, ctx.now())
        if not done:
            return False
        await AuditTrail(auth.staff.id, ctx.clock).change(
            uow, action, "resource", external_id[:64], {}
        )
        await uow.commit()
    return True


@router.post("/directory/entries/{external_id}")
async def edit_entry(
    request: Request,
    external_id: ExternalId,
    name: str = Form("", max_length=300),
    organization: str = Form("", max_length=300),
    description: str = Form("", max_length=5000),
    themes: list[str] = Form(default_factory=list),
    territories: list[str] = Form(default_factory=list),
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    path = f"/directory/entries/{external_id}"
    known = {t.id for t in city_of(request).territories}
    if not name.strip() or not set(themes) <= set(THEMES) or not set(territories) <= known:
        return _back(path, error="bad_entry")

    async def work(uow: UnitOfWork, now: datetime) -> bool:
        updated = await directory.update_facts(
            uow,
            external_id,
            now,
            name=name,
            organization=organization,
            description=description,
            themes=list(dict.fromkeys(themes)),
            territories=list(dict.fromkeys(territories)),
        )
        return updated is not None

    try:
        if not await _change(request, auth, external_id, "directory.updated", version, work):
            raise HTTPException(status_code=404)
    except Stale:
        return _back(path, error="stale")
    return _back(path, notice="entry_saved")


@router.post("/directory/entries/{external_id}/verified")
async def verified(
    request: Request,
    external_id: ExternalId,
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    today = context(request).today()

    async def work(uow: UnitOfWork, now: datetime) -> bool:
        return await directory.mark_verified(uow, external_id, today, now)

    try:
        if not await _change(request, auth, external_id, "directory.verified", version, work):
            raise HTTPException(status_code=404)
    except Stale:
        return _back(f"/directory/entries/{external_id}", error="stale")
    return _back(f"/directory/entries/{external_id}", notice="entry_verified")


@router.post("/directory/entries/{external_id}/active")
async def active(
    request: Request,
    external_id: ExternalId,
    on: str = Form("", max_length=2),
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    keep = on == "1"

    async def work(uow: UnitOfWork, now: datetime) -> bool:
        return await directory.set_active(uow, external_id, keep, now)

    action = "directory.reactivated" if keep else "directory.deactivated"
    try:
        if not await _change(request, auth, external_id, action, version, work):
            raise HTTPException(status_code=404)
    except Stale:
        return _back(f"/directory/entries/{external_id}", error="stale")
    notice = "entry_reactivated" if keep else "entry_deactivated"
    return _back(f"/directory/entries/{external_id}", notice=notice)


@router.post("/directory/import", response_class=HTMLResponse)
async def import_file(
    request: Request,
    upload: UploadFile = File(...),
    auth: Auth = Depends(require_coordinator),
) -> Response:
    """The file goes through ``read_directory`` exactly as on the command line; with errors,
    nothing is written and the report says where."""
    ctx = context(request)
    tr = translator(request, auth)
    raw = await upload.read(MAX_UPLOAD + 1)
    name = PurePath(upload.filename or "directory").name[:120] or "directory"
    try:
        text = raw.decode("utf-8-sig") if len(raw) <= MAX_UPLOAD else None
    except UnicodeDecodeError:
        text = None
    report: dict[str, object] = {"file": name, "problems": [], "summary": None}
    if text is None:
        report["problems"] = [("error", tr.gettext(words.DIRECTORY_ERRORS["bad_file"]))]
    else:
        batch = read_directory(FilePath(name), city_of(request), text=text)  # a name, not read
        report["problems"] = [(p.severity, p.render(tr.gettext)) for p in batch.problems]
        report["read"] = len(batch.resources)
        if batch.ok:
            async with ctx.uow_factory() as uow:
                summary = await apply_import(uow, batch, ctx.now())
                await AuditTrail(auth.staff.id, ctx.clock).change(
                    uow,
                    "directory.imported",
                    "directory",
                    name[:64],
                    {"created": summary.created, "updated": summary.updated},
                )
                await uow.commit()
            report["summary"] = summary
    today = ctx.today()
    async with ctx.uow_factory() as uow:
        found = await directory.search(uow, today, limit=PAGE)
    return render(
        request,
        "directory.html",
        status_code=200 if report["summary"] else 400,
        entries=found.entries,
        total=found.total,
        page=1,
        pages=max(1, -(-found.total // PAGE)),
        filters={"q": "", "stale": False},
        notice=None,
        error=None,
        report=report,
    )
