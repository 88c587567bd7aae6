"""The directory for coordinators: browse and search entries, see one as a resident would, edit
its facts, mark it verified today or inactive, import a file with the same checks as
``declic directory import`` (the report is shown; a file with errors writes nothing). Entries
not verified for 12 months are flagged. Every change is audited in its transaction."""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path as FilePath
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from console import directory_actions, words
from console.forms import VersionField, back, flash
from console.labels import city_of
from console.security import AuditTrail, Auth, context, require_coordinator, translator
from console.templating import render
from knowledge import desk as directory
from knowledge.importers import read_directory
from knowledge.resources import Resource
from knowledge.store import apply_import

router = APIRouter(include_in_schema=False)
ExternalId = Annotated[str, Path(min_length=1, max_length=80, pattern=r"^[^/\x00]+$")]
PAGE = 50
MAX_UPLOAD = 5_000_000


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


async def _answer(path: str, change: Awaitable[Resource | None], notice: str) -> Response:
    """Back to the entry's page: with ``notice`` once changed, « stale » when it had changed."""
    try:
        changed = await change
    except directory_actions.Stale:
        return back(path, error="stale")
    if changed is None:
        raise HTTPException(status_code=404)
    return back(path, notice=notice)


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
    facts = directory.Facts(name, organization, description, themes, territories)
    if not facts.valid({t.id for t in city_of(request).territories}):
        return back(path, error="bad_entry")
    change = directory_actions.edit_facts(
        context(request), auth, external_id, version, facts, details={}
    )
    return await _answer(path, change, "entry_saved")


@router.post("/directory/entries/{external_id}/verified")
async def verified(
    request: Request,
    external_id: ExternalId,
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    change = directory_actions.mark_verified(
        context(request), auth, external_id, version, details={}
    )
    return await _answer(f"/directory/entries/{external_id}", change, "entry_verified")


@router.post("/directory/entries/{external_id}/active")
async def active(
    request: Request,
    external_id: ExternalId,
    on: str = Form("", max_length=2),
    version: VersionField = "",
    auth: Auth = Depends(require_coordinator),
) -> Response:
    keep = on == "1"
    change = directory_actions.set_active(
        context(request), auth, external_id, version, keep, details={}
    )
    notice = "entry_reactivated" if keep else "entry_deactivated"
    return await _answer(f"/directory/entries/{external_id}", change, notice)


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
