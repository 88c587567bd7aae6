"""`declic stats [--json] [--since DATE] [--quartier Q]`: the coordinators' statistics.

The JSON is the console's ``/api/stats`` document, keyed by the metric dictionary's names
(``routing.stats.metrics``); small cells are null. Imports happen inside the command so that
`declic --help` stays fast.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import Any

import typer


def register(app: typer.Typer) -> None:
    app.command("stats")(stats_command)


def _figure(value: Any, min_cell: int) -> str:
    return f"< {min_cell}" if value is None else str(value)


def stats_command(
    as_json: bool = typer.Option(False, "--json", help="Print the statistics as JSON."),
    since: str = typer.Option("", help="Only ideas received since this date (YYYY-MM-DD)."),
    quartier: str = typer.Option("", help="Only ideas from this quartier."),
) -> None:
    """Idea-to-action statistics: funnel, durations, cuts, unmet needs, service levels."""
    from declic.directory_cli import _database
    from infra.clock import SystemClock
    from infra.settings import load_settings
    from routing.stats import cells as stats_cells
    from routing.stats import metrics
    from routing.stats import queries as stats

    settings = load_settings()
    try:
        day = date.fromisoformat(since) if since else None
    except ValueError:
        typer.echo("--since: a date YYYY-MM-DD", err=True)
        raise typer.Exit(2) from None
    filters = stats_cells.Filters(since=day, neighbourhood=quartier.strip() or None)
    options = stats_cells.options_of(settings)

    async def run() -> dict[str, Any]:
        async with _database(settings) as uow_factory, uow_factory() as uow:
            return await stats.report(uow, filters, options, SystemClock(settings.tz).now())

    data = asyncio.run(run())
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    k = data["min_cell"]
    typer.echo(f"Funnel (ideas; cells under {k} residents hidden)")
    for stage in metrics.STAGES:
        typer.echo(f"  {stage.name:<18} {_figure(data['funnel'][stage.name], k):>8}")
    typer.echo("Durations (minutes: median / p90)")
    for name, figures in data["durations"].items():
        typer.echo(f"  {name:<22} {_figure(figures['p50'], k):>8} / {_figure(figures['p90'], k)}")
    for cut, rows in data["cuts"].items():
        typer.echo(f"By {cut}")
        for row in rows:
            typer.echo(
                f"  {row['key'] or '-':<22} received {_figure(row['received'], k):>6}"
                f"  realized {_figure(row['realized'], k):>6}"
            )
    levels = data["service_levels"]
    typer.echo(
        f"Service levels: {levels['open_unclaimed']} waiting, {levels['escalated_open']} "
        f"escalated, {levels['breaches']} breaches"
    )
