"""`declic poster --quartier ID [--source NAME]`: a printable A4 poster for a quartier."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from infra.i18n import N_, Translator
from infra.settings import load_settings

SAY = {
    "unknown": N_("Quartier « {quartier} » inconnu. Quartiers de la ville : {known}"),
    "no_city": N_("Aucune ville importée : `declic city import territoires.yaml` d'abord."),
    "bad_source": N_("Source « {source} » refusée : 1 à 64 lettres, chiffres, _ ou -."),
    "written": N_("Affiche écrite : {path} (lien : {link})"),
    "no_link": N_("sans lien : réglez DECLIC_BOT_USERNAME"),
}


def register(app: typer.Typer) -> None:
    app.command("poster")(poster_command)


def poster_command(
    quartier: str = typer.Option(..., "--quartier", help="The quartier's id (declic city show)."),
    source: str | None = typer.Option(
        None, "--source", help="The campaign's name in the link (default: affiche-<quartier>)."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="The PDF to write."),
) -> None:
    """Write a printable A4 poster (PDF) inviting a quartier's residents to the bot."""
    from console.posters import (
        Poster,
        PosterError,
        check_source,
        deep_link,
        default_source,
        poster_pdf,
    )
    from declic.city_cli import read_city

    settings = load_settings()
    t = Translator(settings.locale)
    city = asyncio.run(read_city(settings))
    if not city.configured:
        typer.echo(t.gettext(SAY["no_city"]), err=True)
        raise typer.Exit(1)
    territory = city.get(quartier)
    if territory is None or territory.level != "quartier":
        known = ", ".join(q.id for q in city.quartiers)
        typer.echo(t.gettext(SAY["unknown"]).format(quartier=quartier, known=known), err=True)
        raise typer.Exit(1)
    source = source or default_source(quartier)
    try:
        check_source(source)
    except PosterError:
        typer.echo(t.gettext(SAY["bad_source"]).format(source=source), err=True)
        raise typer.Exit(1) from None
    link = deep_link(settings.bot_username, source) if settings.bot_username else None
    pdf = poster_pdf(
        Poster(territory.name, settings.office_name, link, source),
        settings.locale,
        settings.default_register,
    )
    path = output or Path(f"affiche-{quartier}.pdf")
    path.write_bytes(pdf)
    shown = link or t.gettext(SAY["no_link"])
    typer.echo(t.gettext(SAY["written"]).format(path=path, link=shown))
