"""`declic staff add|token|telegram` (accounts, API tokens, Telegram links) and `declic console`.

Heavy imports stay inside the commands so that `declic --help` stays fast.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING

import typer

from infra.settings import Settings, load_settings

if TYPE_CHECKING:
    from infra.uow import UnitOfWork

staff_app = typer.Typer(no_args_is_help=True, help="Staff accounts and API tokens.")


def register(app: typer.Typer) -> None:
    """Attach the staff commands and the console command to the main app."""
    app.add_typer(staff_app, name="staff")
    app.command("console")(console_command)


def _read_password() -> str:
    """One line from stdin, never echoed (a prompt without echo on a terminal)."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            typer.echo("The two passwords differ; nothing was created.", err=True)
            raise typer.Exit(1)
        return first
    return sys.stdin.readline().rstrip("\r\n")


@staff_app.command("add")
def add_command(
    email: str = typer.Argument(..., help="The staff member's email (their login)."),
    name: str = typer.Option(..., "--name", help="Name shown to colleagues and residents."),
    role: str = typer.Option("agent", "--role", help="agent, coordinator or admin."),
) -> None:
    """Create a staff account; the password is read from stdin (one line)."""
    from routing.staff.credentials import MIN_PASSWORD_LENGTH
    from routing.staff.views import ROLES

    if role not in ROLES:
        typer.echo(f"Unknown role {role!r}: use agent, coordinator or admin.", err=True)
        raise typer.Exit(2)
    password = _read_password()
    if len(password) < MIN_PASSWORD_LENGTH:
        typer.echo(
            f"Password refused: it must be at least {MIN_PASSWORD_LENGTH} characters long "
            "(a short sentence is easy to remember). Nothing was created.",
            err=True,
        )
        raise typer.Exit(1)
    settings = load_settings()

    async def run() -> str | None:
        from routing.staff.accounts import create_staff
        from routing.staff.views import StaffError

        async with _database(settings) as (uow_factory, now), uow_factory() as uow:
            try:
                staff = await create_staff(
                    uow,
                    email=email,
                    display_name=name,
                    role=role,
                    password=password,
                    now=now,
                )
            except StaffError as exc:
                return str(exc)
            await uow.commit()
        typer.echo(f"Created {staff.role} {staff.display_name} <{staff.email}>.")
        return None

    problem = asyncio.run(run())
    if problem:
        typer.echo(f"Nothing was created: {problem}", err=True)
        raise typer.Exit(1)


@staff_app.command("token")
def token_command(
    email: str = typer.Argument(..., help="Whose token."),
    label: str | None = typer.Option(None, "--label", help="What the token is for."),
) -> None:
    """Print a new personal API token for the JSON API (shown once: store it now)."""
    settings = load_settings()

    async def run() -> str | None:
        from routing.staff.accounts import find_staff
        from routing.staff.sessions import issue_token

        async with _database(settings) as (uow_factory, now), uow_factory() as uow:
            staff = await find_staff(uow, email)
            if staff is None or not staff.active:
                return None
            token = await issue_token(uow, staff.id, now, label=label)
            await uow.commit()
        return token

    token = asyncio.run(run())
    if token is None:
        typer.echo(f"No active staff account for {email}.", err=True)
        raise typer.Exit(1)
    typer.echo(token)
    typer.echo(
        "Send it as `Authorization: Bearer <token>` to /api. It is shown only once.", err=True
    )


@staff_app.command("telegram")
def telegram_command(
    email: str = typer.Argument(..., help="Whose Telegram account."),
    telegram_user_id: int = typer.Argument(
        ..., help="Their numeric Telegram user id (0 unlinks the account)."
    ),
) -> None:
    """Link a staff account to its Telegram account, to claim cases in the staff group."""
    settings = load_settings()

    async def run() -> str | None:
        from routing.staff.accounts import link_telegram
        from routing.staff.views import StaffError

        async with _database(settings) as (uow_factory, now), uow_factory() as uow:
            try:
                await link_telegram(uow, email, telegram_user_id or None, now)
            except StaffError as exc:
                return str(exc)
            await uow.commit()
        return None

    problem = asyncio.run(run())
    if problem:
        typer.echo(f"Nothing was changed: {problem}", err=True)
        raise typer.Exit(1)
    if telegram_user_id:
        typer.echo(f"Linked {email} to Telegram user {telegram_user_id}.")
    else:
        typer.echo(f"Unlinked {email} from Telegram.")


def console_command(
    host: str | None = typer.Option(None, "--host", help="Default: DECLIC_CONSOLE_HOST."),
    port: int | None = typer.Option(None, "--port", help="Default: DECLIC_CONSOLE_PORT."),
) -> None:
    """Run the staff web console (FastAPI behind uvicorn)."""
    from infra.heap import loading

    with loading():
        from declic.console_runtime import run_console
    from infra.logging import configure_from_settings

    settings = load_settings()
    configure_from_settings(settings)
    asyncio.run(run_console(settings, host or settings.console_host, port or settings.console_port))


@asynccontextmanager
async def _database(
    settings: Settings,
) -> AsyncIterator[tuple[Callable[[], UnitOfWork], datetime]]:
    """The settings' database (the embedded default is migrated first) and the current time."""
    from infra.clock import SystemClock
    from infra.db import make_engine
    from infra.migrate import ensure_schema
    from infra.uow import uow_factory_for

    await ensure_schema(settings.database_url, auto_upgrade=settings.is_sqlite)
    engine = make_engine(settings.database_url)
    try:
        yield uow_factory_for(engine), SystemClock(settings.tz).now()
    finally:
        await engine.dispose()
