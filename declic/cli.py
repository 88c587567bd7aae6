"""The `declic` command. Each sub-command parses its arguments and calls a composition root."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Iterator, MutableMapping
from typing import Any

import typer
from typer import _click as click  # typer (0.29) vendors click: the classes its groups hold
from typer.core import TyperCommand, TyperGroup

from infra.heap import loading
from infra.settings import Settings, SettingsError, load_settings

# The commands defined in other modules, each imported only when it runs (the directory's,
# the city's or the console's imports cost seconds a `declic staff add` does not need): its
# name, its module (whose ``register`` attaches it) and the line `declic --help` shows, which
# tests/unit/test_cli_lazy.py checks against the command's own. Plain commands come first and
# groups last in the help, as typer orders them.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "match": (
        "declic.directory_cli",
        "Match an idea against the directory: ranked suggestions with their reasons.",
    ),
    "poster": (
        "declic.poster_cli",
        "Write a printable A4 poster (PDF) inviting a quartier's residents to the bot.",
    ),
    "console": ("declic.staff_cli", "Run the staff web console (FastAPI behind uvicorn)."),
    "stats": (
        "declic.stats_cli",
        "Idea-to-action statistics: funnel, durations, cuts, unmet needs, service levels.",
    ),
    "doctor": (
        "declic.doctor",
        "Check configuration, database, migrations, directory, Bot API, webhook and Redis.",
    ),
    "understand": (
        "declic.understand_cli",
        "Print what the understanding layer reads in a message, or in a file of messages.",
    ),
}
LAZY_GROUPS: dict[str, tuple[str, str]] = {
    "directory": ("declic.directory_cli", "The directory of resources."),
    "city": ("declic.city_cli", "The city: quartiers, streets, shapes."),
    "staff": ("declic.staff_cli", "Staff accounts and API tokens."),
    "sprint": ("declic.sprint_cli", "Two-day support sprints."),
}
LAZY = {**LAZY_COMMANDS, **LAZY_GROUPS}


def load_command(name: str) -> click.Command:
    """The real command ``name``, its module imported now."""
    with loading():
        module = importlib.import_module(LAZY[name][0])
    holder = typer.Typer()
    module.register(holder)
    group = typer.main.get_group(holder)
    command = group.get_command(typer.Context(group), name)
    assert command is not None, f"{LAZY[name][0]} registers no command {name!r}"
    return command


class _Commands(MutableMapping[str, click.Command]):
    """The group's commands: those of this module, and the others loaded on first use (a
    stub with the help line only while the help lists them)."""

    def __init__(self, here: MutableMapping[str, click.Command]) -> None:
        self.here = dict(here)
        self.listing = False

    def __getitem__(self, name: str) -> click.Command:
        if name in self.here:
            return self.here[name]
        if name not in LAZY:
            raise KeyError(name)
        if self.listing:
            return TyperCommand(name, help=LAZY[name][1])
        self.here[name] = load_command(name)
        return self.here[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.here[name] = command

    def __delitem__(self, name: str) -> None:
        del self.here[name]

    def __iter__(self) -> Iterator[str]:
        yield from LAZY_COMMANDS
        yield from (name for name in self.here if name not in LAZY)
        yield from LAZY_GROUPS

    def __len__(self) -> int:
        return len(set(self.here) | set(LAZY))


class LazyGroup(TyperGroup):
    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = self.lazy = _Commands(self.commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.lazy.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.lazy.listing = False


app = typer.Typer(cls=LazyGroup, no_args_is_help=True, add_completion=False, help=__doc__)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
app.add_typer(db_app, name="db")


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
    with loading():
        from declic import runtime  # imported here: aiogram is slow to import, `--help` is not

    settings = load_settings()
    _configure_logging(quiet=True, settings=settings)
    asyncio.run(runtime.run_chat(settings, resident))


@app.command()
def demo(
    resident: str = typer.Option("local", "--as", help="Which terminal resident you are."),
) -> None:
    """Terminal conversation on the embedded SQLite default with the demo directory."""
    with loading():
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
    with loading():
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
    with loading():
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
    with loading():
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
