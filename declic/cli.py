"""The `declic` command. Each sub-command parses its arguments and calls a composition root."""

from __future__ import annotations

import asyncio
import sys

import typer

from declic import (
    city_cli,
    directory_cli,
    doctor,
    poster_cli,
    sprint_cli,
    staff_cli,
    stats_cli,
    understand_cli,
)
from infra.settings import Settings, SettingsError, load_settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
app.add_typer(db_app, name="db")
directory_cli.register(app)
city_cli.register(app)
poster_cli.register(app)
staff_cli.register(app)
sprint_cli.register(app)
stats_cli.register(app)
doctor.register(app)
understand_cli.register(app)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the latest schema (SQLite or PostgreSQL)."""
    from infra.migrate import upgrade_to_head

    settings = load_settings()
    upgrade_to_head(settings.database_url)
    typer.echo("Database schema is up to date.")


@app.command()
def chat(
    resident: str = typer.Option("local", "--as", help="Which terminal resident you are."),
) -> None:
    """Talk to Déclic in this terminal (one resident line per input line when piped)."""
    from declic import runtime  # imported here: aiogram is slow to import, `--help` is not

    settings = load_settings()
    _configure_logging(quiet=True, settings=settings)
    asyncio.run(runtime.run_chat(settings, resident))


@app.command()
def demo(
    resident: str = typer.Option("local", "--as", help="Which terminal resident you are."),
) -> None:
    """Terminal conversation on the embedded SQLite default with the demo directory."""
    from declic import runtime
    from declic.demo import DEMO_DATABASE_URL, prepare_demo

    settings = load_settings(database_url=DEMO_DATABASE_URL)
    _configure_logging(quiet=True, settings=settings)
    asyncio.run(prepare_demo(settings))
    asyncio.run(runtime.run_chat(settings, resident))


@app.command()
def bot(
    webhook: bool = typer.Option(
        False,
        "--webhook",
        help="Receive updates by webhook (needs DECLIC_WEBHOOK_URL and DECLIC_WEBHOOK_SECRET) "
        "instead of long polling; several workers may run on PostgreSQL.",
    ),
    host: str | None = typer.Option(
        None, help="Webhook listening address (default DECLIC_WEBHOOK_HOST)."
    ),
    port: int | None = typer.Option(None, help="Webhook port (default DECLIC_WEBHOOK_PORT)."),
) -> None:
    """Run the Telegram bot, by long polling or webhook (needs DECLIC_TELEGRAM_TOKEN)."""
    from declic import runtime

    settings = load_settings()
    _configure_logging(quiet=False, settings=settings)
    if webhook:
        asyncio.run(
            runtime.run_webhook(
                settings, host or settings.webhook_host, port or settings.webhook_port
            )
        )
    elif host is not None or port is not None:
        raise SettingsError("--host and --port apply to --webhook only.")
    else:
        asyncio.run(runtime.run_bot(settings))


@app.command()
def scheduler() -> None:
    """Run the scheduled jobs alone: follow-ups, service levels, and the outbox sender."""
    from declic.scheduling import run_scheduler_alone

    settings = load_settings()
    _configure_logging(quiet=False, settings=settings)
    asyncio.run(run_scheduler_alone(settings))


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Console address (default DECLIC_CONSOLE_HOST)."),
    port: int | None = typer.Option(None, help="Console port (default DECLIC_CONSOLE_PORT)."),
) -> None:
    """Bot, console and scheduler in one process (a small deployment)."""
    from declic import runtime

    settings = load_settings()
    _configure_logging(quiet=False, settings=settings)
    asyncio.run(
        runtime.run_serve(settings, host or settings.console_host, port or settings.console_port)
    )


def _configure_logging(*, quiet: bool, settings: Settings | None = None) -> None:
    from infra.logging import configure_from_settings

    configure_from_settings(settings or load_settings(), quiet=quiet)


def main() -> None:
    try:
        app()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


__all__ = ["app", "main"]
