"""The coordinators' statistics (issue 7): the dashboard ``/stats``, ``/stats.csv``, ``/api/stats``.

Coordinators and admins only; every view and export is written to the audit log with its
filters. Figures come from ``routing.stats.queries`` (small cells already suppressed), labels and
definitions from the metric dictionary ``routing.stats.metrics``.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from console.api import NO_NUL
from console.security import Auth, context, require_coordinator, translator
from console.templating import render
from routing.staff import audit_log as staff_audit
from routing.stats import cells as stats_cells
from routing.stats import csv_export, metrics
from routing.stats import queries as stats

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["statistics"])


def _filters(since: str, quartier: str) -> stats_cells.Filters:
    day: date | None = None
    if since:
        try:
            day = date.fromisoformat(since)
        except ValueError:
            raise HTTPException(status_code=400, detail="since: a date YYYY-MM-DD") from None
    return stats_cells.Filters(since=day, neighbourhood=quartier.strip() or None)


async def _report(
    request: Request, auth: Auth, filters: stats_cells.Filters, action: str
) -> tuple[dict[str, Any], list[str]]:
    ctx = context(request)
    settings = ctx.settings
    options = stats_cells.options_of(settings)
    async with ctx.uow_factory() as uow:
        data = await stats.report(uow, filters, options, ctx.now())
        places = await stats.neighbourhoods(uow)
        await staff_audit.audit(
            uow, auth.staff.id, action, "stats", None, filters.as_dict(), ctx.now()
        )
        await uow.commit()
    return data, places


@router.get("/stats", response_class=HTMLResponse)
async def dashboard(
    request: Request,
    since: str = Query("", max_length=10),
    quartier: str = Query("", max_length=64, pattern=NO_NUL),
    auth: Auth = Depends(require_coordinator),
) -> Response:
    filters = _filters(since, quartier)
    data, places = await _report(request, auth, filters, "stats.viewed")
    tr = translator(request, auth)
    stage_labels = {s.name: tr.gettext(s.label) for s in metrics.STAGES}
    chart = {
        "min_cell": data["min_cell"],
        "stages": [stage_labels[s.name] for s in metrics.FUNNEL],
        "funnel": [data["funnel"][s.name] for s in metrics.FUNNEL],
        "months": [row["key"] for row in data["cuts"]["month"]],
        "trend": [
            {"label": stage_labels[name], "values": [row[name] for row in data["cuts"]["month"]]}
            for name in ("received", "matched", "sprint_booked", "realized")
        ],
    }
    return render(
        request,
        "stats.html",
        data=data,
        places=places,
        filters=filters,
        stages=metrics.STAGES,
        stage_labels=stage_labels,
        durations=metrics.DURATIONS,
        cuts=metrics.CUTS,
        conversions=[
            (metrics.conversion_name(p), stage_labels[p[0]], stage_labels[p[1]])
            for p in metrics.conversions()
        ],
        conversion_label=metrics.CONVERSION,
        conversion_definition=metrics.CONVERSION_DEFINITION,
        chart_json=json.dumps(chart, ensure_ascii=False).replace("</", "<\\/"),
    )


@router.get("/stats.csv")
async def export_csv(
    request: Request,
    since: str = Query("", max_length=10),
    quartier: str = Query("", max_length=64, pattern=NO_NUL),
    auth: Auth = Depends(require_coordinator),
) -> Response:
    data, _ = await _report(request, auth, _filters(since, quartier), "stats.exported")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in csv_export.csv_rows(data):
        writer.writerow([csv_export.csv_safe(cell) for cell in row])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="declic-stats.csv"'},
    )


@api_router.get("/stats")
async def api_stats(
    request: Request,
    since: str = Query("", max_length=10),
    quartier: str = Query("", max_length=64, pattern=NO_NUL),
    auth: Auth = Depends(require_coordinator),
) -> JSONResponse:
    """The statistics as JSON, keyed by the metric dictionary's names; small cells are null."""
    data, _ = await _report(request, auth, _filters(since, quartier), "stats.viewed")
    return JSONResponse(data)
