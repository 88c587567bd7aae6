"""`declic city import PATH` and `declic city show [--json]`: the city's own geography."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer

from infra.clock import SystemClock
from infra.db import make_engine
from infra.i18n import N_, Translator
from infra.migrate import ensure_schema
from infra.settings import Settings, load_settings
from infra.uow import uow_factory_for
from knowledge.city import CityImport, city_document, import_city_file, load_city
from knowledge.territory import Gazetteer

city_app = typer.Typer(no_args_is_help=True, help="The city: quartiers, streets, shapes.")

SAY = {
    "refused": N_("Import refusé : {count} erreur(s) ; rien n'a été modifié."),
    "done": N_(
        "{source} importé : {territories} territoire(s) créé(s) ou modifié(s), "
        "{streets} rue(s), {shapes} contour(s)."
    ),
    "addresses": N_("{rows} adresses lues."),
    "empty": N_(
        "Aucune ville importée. Commencez par les territoires : "
        "`declic city import territoires.yaml`, puis les contours (.geojson) "
        "et les adresses (.csv)."
    ),
    "counts": N_(
        "{territories} territoires, dont {quartiers} quartiers ; {streets} rues ; "
        "{shapes} contours."
    ),
    "line": N_("{name} ({id}, {level}) : {streets} rue(s){outline}"),
    "with_shape": N_(", contour"),
    "error": N_("erreur"),
    "warning": N_("attention"),
}


def register(app: typer.Typer) -> None:
    app.add_typer(city_app, name="city")


async def _run_import(settings: Settings, path: Path) -> CityImport:
    engine = make_engine(settings.database_url)
    try:
        await ensure_schema(settings.database_url, auto_upgrade=settings.is_sqlite)
        async with uow_factory_for(engine)() as uow:
            result = await import_city_file(uow, path, SystemClock(settings.tz).now())
            if result.ok:
                await uow.commit()
        return result
    finally:
        await engine.dispose()


async def read_city(settings: Settings) -> Gazetteer:
    engine = make_engine(settings.database_url)
    try:
        await ensure_schema(settings.database_url, auto_upgrade=settings.is_sqlite)
        async with uow_factory_for(engine)() as uow:
            return await load_city(uow)
    finally:
        await engine.dispose()


@city_app.command("import")
def import_command(path: Path) -> None:
    """Import territories (.yaml), shapes (.geojson) or addresses (.csv, national format):
    all or nothing; importing the same file again changes nothing."""
    settings = load_settings()
    t = Translator(settings.locale)
    result = asyncio.run(_run_import(settings, path))
    for problem in result.problems:
        severity = t.gettext(SAY[problem.severity])
        typer.echo(f"[{severity}] {problem.render(t.gettext)}", err=True)
    if not result.ok:
        typer.echo(t.gettext(SAY["refused"]).format(count=len(result.problems.errors)), err=True)
        raise typer.Exit(1)
    if result.format == "csv":
        typer.echo(t.gettext(SAY["addresses"]).format(rows=t.number(result.rows)))
    typer.echo(
        t.gettext(SAY["done"]).format(
            source=result.source,
            territories=result.territories,
            streets=result.streets,
            shapes=result.shapes,
        )
    )


@city_app.command("show")
def show_command(
    as_json: bool = typer.Option(False, "--json", help="Print the city as JSON."),
) -> None:
    """The hierarchy of territories, with counts of streets and shapes."""
    settings = load_settings()
    city = asyncio.run(read_city(settings))
    document = city_document(city)
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    t = Translator(settings.locale)
    if not city.territories:
        typer.echo(t.gettext(SAY["empty"]))
        return
    typer.echo(t.gettext(SAY["counts"]).format(**document["counts"]))
    by_parent: dict[str | None, list[dict[str, object]]] = {}
    known = {entry["id"] for entry in document["territories"]}
    for entry in document["territories"]:
        parent = entry["parent"] if entry["parent"] in known else None
        by_parent.setdefault(parent, []).append(entry)

    def show(parent: str | None, depth: int) -> None:
        for entry in by_parent.get(parent, []):
            shape = t.gettext(SAY["with_shape"]) if entry["shape"] else ""
            line = t.gettext(SAY["line"]).format(outline=shape, **entry)
            typer.echo("  " * depth + line)
            show(str(entry["id"]), depth + 1)

    show(None, 0)
