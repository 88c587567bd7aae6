"""The posters page (« aller vers »): pick a quartier from the city's list and a campaign name,
download its printable A4 poster with the QR code of the bot's deep link. Coordinators only."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from console.api import NO_NUL
from console.posters import Poster, PosterError, check_source, deep_link, default_source, poster_pdf
from console.security import Auth, context, require_coordinator, translator
from console.templating import render
from knowledge.city import quartier_names

router = APIRouter(include_in_schema=False)


@router.get("/posters", response_class=HTMLResponse)
async def posters(request: Request, auth: Auth = Depends(require_coordinator)) -> Response:
    async with context(request).uow_factory() as uow:
        quartiers = await quartier_names(uow)
    settings = context(request).settings
    return render(
        request,
        "posters.html",
        quartiers=quartiers,
        bot_username=settings.bot_username,
        default_source=default_source,
    )


@router.get("/posters/affiche.pdf")
async def poster(
    request: Request,
    quartier: str = Query(..., max_length=64, pattern=NO_NUL),
    source: str = Query("", max_length=64, pattern=NO_NUL),
    auth: Auth = Depends(require_coordinator),
) -> Response:
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        name = (await quartier_names(uow)).get(quartier)
    if name is None:
        raise HTTPException(status_code=404, detail="unknown quartier")
    try:
        campaign = check_source(source.strip() or default_source(quartier))
    except PosterError:
        raise HTTPException(status_code=400, detail="source: 1-64 of A-Z a-z 0-9 _ -") from None
    settings = ctx.settings
    link = deep_link(settings.bot_username, campaign) if settings.bot_username else None
    tr = translator(request, auth)
    pdf = poster_pdf(
        Poster(name, settings.office_name, link, campaign), tr.locale, settings.default_register
    )
    headers = {"Content-Disposition": f'attachment; filename="affiche-{quartier}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)
