"""`declic sprint import|options|held`: the two-day sprint's data and planner from the shell.

Imports of the routing and database layers happen inside the commands, so `declic --help`
stays fast.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import typer

sprint_app = typer.Typer(no_args_is_help=True, help="Two-day support sprints.")


def register(app: typer.Typer) -> None:
    app.add_typer(sprint_app, name="sprint")


@sprint_app.command("import")
def import_command(path: Path) -> None:
    """Import panel members and rooms' calendars (YAML): all or nothing, idempotent."""
    from declic.directory_cli import _database
    from infra.clock import SystemClock
    from infra.settings import load_settings
    from routing.sprints.importer import SprintImportError, apply_sprint_data, read_sprint_file

    settings = load_settings()

    async def run() -> int:
        try:
            data = read_sprint_file(path)
        except (OSError, ValueError) as exc:
            typer.echo(f"Cannot read {path}: {exc}", err=True)
            return 1
        async with _database(settings) as uow_factory, uow_factory() as uow:
            try:
                summary = await apply_sprint_data(uow, data, SystemClock(settings.tz).now())
            except SprintImportError as exc:
                for problem in exc.problems:
                    typer.echo(f"[error] {problem}", err=True)
                typer.echo("Import refused; nothing was written.", err=True)
                return 1
            await uow.commit()
        typer.echo(
            f"{summary.members} panel members ({summary.absences} absences), "
            f"{summary.rooms} rooms ({summary.bookings} booked days), "
            f"{summary.deactivated} members marked inactive."
        )
        return 0

    raise typer.Exit(asyncio.run(run()))


@sprint_app.command("options")
def options_command(
    idea_id: int,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """The planner's three options for an idea (the same planner the bot uses)."""
    from declic.directory_cli import _database
    from infra.clock import SystemClock
    from infra.i18n import Translator
    from infra.settings import load_settings
    from knowledge.city import load_city
    from routing.sprints.availability import sprint_options
    from routing.sprints.reasons import render_sprint_reason, skill_label
    from routing.sprints.service import rules_of

    settings = load_settings()

    async def run() -> int:
        async with _database(settings) as uow_factory, uow_factory() as uow:
            try:
                offer = await sprint_options(
                    uow,
                    idea_id,
                    SystemClock(settings.tz).now(),
                    gazetteer=await load_city(uow),
                    rules=rules_of(settings),
                )
            except LookupError:
                typer.echo(f"No idea {idea_id}.", err=True)
                return 1
        t = Translator(settings.locale)
        plan = offer.plan
        if as_json:
            out: dict[str, Any] = {
                "idea_id": idea_id,
                "needed": sorted(plan.needed),
                "unknown_skills": sorted(plan.unknown_skills),
                "options": [
                    {
                        "kind": o.kind,
                        "day1": o.day1.isoformat(),
                        "day2": o.day2.isoformat(),
                        "room": offer.rooms[o.room_id].name,
                        "room_id": o.room_id,
                        "panel": [offer.names.get(p, str(p)) for p in o.panel],
                        "facilitator": offer.names.get(o.facilitator_id),
                        "covered": sorted(o.covered),
                        "missing": sorted(o.missing),
                        "distance": o.distance,
                        "reasons": [render_sprint_reason(r, t) for r in o.reasons],
                    }
                    for o in plan.options
                ],
                "problems": [
                    {"code": p.code, "text": render_sprint_reason(p, t)} for p in plan.problems
                ],
            }
            typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
            return 0
        if not plan.options:
            typer.echo("No option:")
            for problem in plan.problems:
                typer.echo(f"  - {render_sprint_reason(problem, t)}")
        for index, o in enumerate(plan.options, 1):
            room = offer.rooms[o.room_id]
            typer.echo(f"{index}. {t.date(o.day1, 'full')} + {t.date(o.day2, 'full')}")
            typer.echo(f"   {room.name}" + (f", {room.address}" if room.address else ""))
            typer.echo("   " + ", ".join(offer.names.get(p, str(p)) for p in o.panel))
            for reason in o.reasons:
                typer.echo(f"   • {render_sprint_reason(reason, t)}")
        if plan.unknown_skills:
            skills = ", ".join(skill_label(s, t) for s in sorted(plan.unknown_skills))
            typer.echo(f"Nobody on the panel list has: {skills}")
        return 0

    raise typer.Exit(asyncio.run(run()))


@sprint_app.command("held")
def held_command(
    sprint_id: int,
    held: bool = typer.Option(True, "--held/--not-held", help="Did the sprint take place?"),
    note: str = typer.Option("", "--note", help="A short note."),
) -> None:
    """After a sprint: mark it held (or not), with a short note."""
    from declic.directory_cli import _database
    from infra.clock import SystemClock
    from infra.settings import load_settings
    from routing.sprints.service import mark_held

    settings = load_settings()

    async def run() -> int:
        async with _database(settings) as uow_factory, uow_factory() as uow:
            try:
                await mark_held(uow, sprint_id, held, note, SystemClock(settings.tz).now())
            except LookupError as exc:
                typer.echo(str(exc), err=True)
                return 1
            await uow.commit()
        typer.echo(f"Sprint {sprint_id} marked {'held' if held else 'not held'}.")
        return 0

    raise typer.Exit(asyncio.run(run()))
