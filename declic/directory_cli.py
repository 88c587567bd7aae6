"""`declic directory import|export|check` and `declic match` (the directory and the matcher)."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import typer

from infra.clock import SystemClock
from infra.db import make_engine
from infra.migrate import ensure_schema
from infra.settings import Settings, load_settings
from infra.uow import UnitOfWork, uow_factory_for
from knowledge.catalogue import Catalogue
from knowledge.city import load_city
from knowledge.demo import demo_batch, demo_city
from knowledge.exporters import EXPORT_FORMATS, export_directory
from knowledge.importers import Batch, check_directory, read_directory
from knowledge.store import import_batch, load_resources
from knowledge.territory import Gazetteer
from routing.intake.draft import Group, Need
from routing.matching.idea_reading import IdeaQuery
from routing.matching.matcher import MatchResult, match
from routing.reasons import render_reason

directory_app = typer.Typer(no_args_is_help=True, help="The directory of resources.")


def register(app: typer.Typer) -> None:
    """Attach the directory and matching commands to the main app."""
    app.add_typer(directory_app, name="directory")
    app.command("match")(match_command)


@asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[Callable[[], UnitOfWork]]:
    engine = make_engine(settings.database_url)
    try:
        await ensure_schema(settings.database_url, auto_upgrade=settings.is_sqlite)
        yield uow_factory_for(engine)
    finally:
        await engine.dispose()


def _report(batch: Batch) -> None:
    for problem in batch.problems:
        typer.echo(f"[{problem.severity}] {problem.render()}", err=True)


@directory_app.command("import")
def import_command(path: Path) -> None:
    """Import a directory (YAML, CSV or HSDS JSON): all or nothing, re-import updates in place."""
    settings = load_settings()

    async def run() -> None:
        async with _database(settings) as uow_factory:
            batch = read_directory(path, await _city(uow_factory))
            _report(batch)
            if not batch.ok:
                typer.echo(
                    f"Import refused: {len(batch.problems.errors)} error(s); nothing was written.",
                    err=True,
                )
                raise typer.Exit(1)
            summary = await import_batch(uow_factory, batch, SystemClock(settings.tz).now())
        typer.echo(
            f"{len(batch.resources)} resources read: {summary.created} created, "
            f"{summary.updated} updated, {summary.unchanged} unchanged, "
            f"{summary.deactivated} marked inactive."
            + (f" {len(batch.territories)} territories learned." if batch.territories else "")
        )

    asyncio.run(run())


async def _city(uow_factory: Callable[[], UnitOfWork]) -> Gazetteer:
    async with uow_factory() as uow:
        return await load_city(uow)


@directory_app.command("export")
def export_command(
    fmt: str = typer.Option("hsds", "--format", help="hsds, yaml or csv"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write (default: stdout)."
    ),
    include_inactive: bool = typer.Option(False, "--all", help="Include inactive entries."),
) -> None:
    """Write the directory as HSDS 3.0 JSON (Déclic profile), YAML or CSV."""
    if fmt not in EXPORT_FORMATS:
        typer.echo(f"Unknown format {fmt!r}: use hsds, yaml or csv.", err=True)
        raise typer.Exit(2)
    settings = load_settings()

    async def run() -> str:
        async with _database(settings) as uow_factory, uow_factory() as uow:
            resources = await load_resources(uow, include_inactive=include_inactive)
            city = await load_city(uow)
        return export_directory(resources, fmt, city)

    text = asyncio.run(run())
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")


@directory_app.command("check")
def check_command(path: Path) -> None:
    """Validate a directory file without importing it (HSDS: against the official schemas)."""
    settings = load_settings()

    async def city() -> Gazetteer:
        async with _database(settings) as uow_factory:
            return await _city(uow_factory)

    batch = check_directory(path, asyncio.run(city()))
    _report(batch)
    errors = len(batch.problems.errors)
    warnings = len(batch.problems) - errors
    typer.echo(
        f"{path.name}: {len(batch.resources)} resources, {errors} error(s), {warnings} warning(s)."
    )
    if errors:
        raise typer.Exit(1)


def _result_json(result: MatchResult) -> list[dict[str, Any]]:
    return [
        {
            "id": s.external_id,
            "kind": s.kind,
            "name": s.name,
            "score": s.score,
            "need": s.need,
            "reasons": [render_reason(r) for r in s.reasons],
        }
        for s in result.suggestions
    ]


async def _catalogue(settings: Settings) -> Catalogue:
    async with _database(settings) as uow_factory, uow_factory() as uow:
        resources = await load_resources(uow)
        city = await load_city(uow)
    if not resources:
        typer.echo("The directory is empty: matching against the demo directory.", err=True)
        return Catalogue(demo_batch().resources, demo_city())
    return Catalogue(resources, city)


def _batch_lines(path: Path) -> Iterator[dict[str, Any] | str]:
    """Each line as a JSON object, or the reason it is not one (the batch goes on)."""
    handle = sys.stdin if str(path) == "-" else path.open(encoding="utf-8")
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                yield f"line {number}: not JSON ({exc.msg})"
                continue
            yield item if isinstance(item, dict) else f"line {number}: not a JSON object"


def match_command(
    text: str = typer.Argument("", help="The idea, in the resident's words."),
    quartier: str | None = typer.Option(None, "--quartier", help="Neighbourhood (id or name)."),
    group: Group | None = typer.Option(None, "--group", help="alone, informal or association."),
    need: list[Need] = typer.Option([], "--need", help="A need (repeatable)."),
    top: int = typer.Option(5, "--top", min=1, max=50),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    batch: Path | None = typer.Option(
        None,
        "--batch",
        help="JSON lines {id, text, quartier?, group?, needs?, headcount?, top?} in "
        "('-' for stdin); JSON lines {id, results} out.",
    ),
    on: str | None = typer.Option(
        None, "--today", help="Match as on this day (YYYY-MM-DD): deadlines are read against it."
    ),
) -> None:
    """Match an idea against the directory: ranked suggestions with their reasons."""
    settings = load_settings()
    catalogue = asyncio.run(_catalogue(settings))
    try:
        today = date.fromisoformat(on) if on else SystemClock(settings.tz).now().date()
    except ValueError:
        typer.echo(f"--today {on!r}: expected YYYY-MM-DD.", err=True)
        raise typer.Exit(2) from None
    if batch is not None:
        _run_batch(catalogue, batch, top, today)
        return
    if not text.strip():
        typer.echo("Give the idea's text, or --batch FILE.", err=True)
        raise typer.Exit(2)
    query = IdeaQuery(
        text,
        quartier=quartier,
        group=group.value if group else None,
        needs=frozenset(n.value for n in need) or None,
        top=top,
    )
    result = match(catalogue, query, today)
    if as_json:
        typer.echo(json.dumps({"results": _result_json(result)}, ensure_ascii=False))
        return
    for rank, suggestion in enumerate(result.suggestions, start=1):
        typer.echo(
            f"{rank}. {suggestion.name} [{suggestion.kind}, {suggestion.external_id}]"
            f" {suggestion.score:.2f}"
        )
        for reason in suggestion.reasons:
            typer.echo(f"   - {render_reason(reason)}")
    if result.unmet_needs:
        typer.echo("Besoins sans réponse dans l'annuaire : " + ", ".join(result.unmet_needs))


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _run_batch(catalogue: Catalogue, path: Path, top: int, today: date) -> None:
    out = sys.stdout
    needs = {n.value for n in Need}
    for item in _batch_lines(path):
        if isinstance(item, str):
            out.write(json.dumps({"id": None, "error": item}) + "\n")
            continue
        group = item.get("group")
        listed = item.get("needs")
        wanted = listed if isinstance(listed, list) else []
        query = IdeaQuery(
            str(item.get("text") or ""),
            quartier=str(item["quartier"]) if item.get("quartier") else None,
            group=group if group in {g.value for g in Group} else None,
            needs=frozenset(n for n in wanted if n in needs) or None,
            top=min(50, max(1, _count(item.get("top")) or top)),
            headcount=_count(item.get("headcount")),
        )
        result = match(catalogue, query, today)
        out.write(
            json.dumps({"id": item.get("id"), "results": _result_json(result)}, ensure_ascii=False)
            + "\n"
        )
    out.flush()
