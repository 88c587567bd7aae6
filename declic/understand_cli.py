"""`declic understand`: what the dialogue would read in a message (intent, slots, title).

One text: ``declic understand [--step STEP] [--locale fr|en] [--json] TEXT``.
Many: ``declic understand --batch FILE`` reads JSON lines ``{"id", "text", "step"?, "locale"?}``
(``-`` for standard input) and writes one line per input:
``{"id", "intent", "confidence", "slots", "title"}``. ``--today`` and ``--option`` (repeated, the
first day of each offered sprint option) give the context the dialogue would give; a line may
also carry its own ``"today"`` and ``"options"``. Territory ids are the configured city's.
"""

from __future__ import annotations

import datetime
import json
import sys
import time
from pathlib import Path
from typing import Any

import typer

CACHE_DIR = Path("var") / "understanding"


def register(app: typer.Typer) -> None:
    app.command("understand")(understand_command)


def _day(value: str, what: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        typer.echo(f"{what}: a date YYYY-MM-DD, not {value!r}", err=True)
        raise typer.Exit(2) from None


def understand_command(
    text: str = typer.Argument("", help="The resident's message."),
    step: str = typer.Option("start", help="What the bot had just asked (start, quartier, …)."),
    locale: str = typer.Option("fr", help="fr or en."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    batch: Path | None = typer.Option(
        None, "--batch", help="JSON lines {id, text, step?, locale?}; '-' for standard input."
    ),
    today: str = typer.Option("", help="Today's date for dates and timing (default: today)."),
    option: list[str] = typer.Option(
        [], "--option", help="First day of an offered sprint option, in order (repeatable)."
    ),
) -> None:
    """Print what the understanding layer reads in a message, or in a file of messages."""
    from routing.understanding import Context, Step

    steps = {s.value for s in Step}
    if step not in steps:
        typer.echo(f"--step: one of {', '.join(sorted(steps))}", err=True)
        raise typer.Exit(2)
    day = _day(today, "--today") if today else _today()
    offered = tuple(_day(o, "--option") for o in option)
    context = Context(today=day, options=offered)
    understander = _understander()
    if batch is not None:
        _run_batch(understander, batch, context)
        return
    if not text:
        typer.echo("Give a TEXT, or --batch FILE.", err=True)
        raise typer.Exit(2)
    result = _as_dict(understander.understand(text, step, locale, context))
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    typer.echo(f"intent      {result['intent']} ({result['confidence']:.2f})")
    for name, value in result["slots"].items():
        typer.echo(f"{name:<12}{value}")
    if result["title"]:
        typer.echo(f"title       {result['title']}")
    typer.echo(f"formal      {'yes' if result['formal'] else 'no'}")


def _today() -> datetime.date:
    from infra.clock import SystemClock
    from infra.settings import load_settings

    return SystemClock(load_settings().tz).now().date()


def _understander() -> Any:
    from routing.understanding import GazetteerPlaces, Understander

    return Understander(GazetteerPlaces(_city_gazetteer()), cache_dir=CACHE_DIR)


def _city_gazetteer() -> Any:
    """The city imported into the database (`declic city import`); without one, the demo
    town's territories, so that the labelled sets written for it can be evaluated offline."""
    import asyncio

    from declic.city_cli import read_city
    from infra.settings import load_settings
    from knowledge.demo import demo_city

    city = asyncio.run(read_city(load_settings()))
    if city.configured:
        return city
    typer.echo("No city imported: reading with the demo town's territories.", err=True)
    return demo_city()


def _as_dict(understood: Any) -> dict[str, Any]:
    return {
        "intent": understood.intent.value,
        "confidence": round(understood.confidence, 4),
        "slots": understood.slots.as_json(),
        "title": understood.title,
        "formal": understood.formal,
    }


def _run_batch(understander: Any, path: Path, context: Any) -> None:
    from dataclasses import replace

    from routing.understanding import Step

    handle = sys.stdin if str(path) == "-" else path.open(encoding="utf-8")
    started = time.perf_counter()
    count = 0
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                step = Step(row.get("step") or "start")
                text = str(row["text"])
            except (ValueError, KeyError, TypeError) as exc:
                typer.echo(f"line {number}: {exc.__class__.__name__}: {exc}", err=True)
                raise typer.Exit(2) from None
            here = context
            if row.get("today"):
                here = replace(here, today=_day(row["today"], f"line {number} today"))
            if row.get("options"):
                here = replace(
                    here, options=tuple(_day(o, f"line {number} options") for o in row["options"])
                )
            out = {
                "id": row.get("id"),
                **_as_dict(understander.understand(text, step, row.get("locale") or "fr", here)),
            }
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
            count += 1
    elapsed = time.perf_counter() - started
    typer.echo(f"{count} messages in {elapsed:.2f} s", err=True)
