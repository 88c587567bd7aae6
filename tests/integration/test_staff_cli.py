"""`declic staff add` and `declic staff token` on SQLite and PostgreSQL (Typer's runner, stdin)."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from declic.cli import app
from infra.clock import SystemClock
from infra.db import make_engine
from infra.uow import uow_factory_for
from routing.staff.accounts import authenticate, find_staff
from routing.staff.sessions import verify_token

PASSWORD = "une phrase assez longue"


@pytest.fixture
def cli_env(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DECLIC_DATABASE_URL", migrated_url)
    return migrated_url


def _check(url: str, email: str, password: str, token: str | None = None) -> tuple[bool, bool]:
    async def run() -> tuple[bool, bool]:
        engine = make_engine(url)
        try:
            async with uow_factory_for(engine)() as uow:
                now = SystemClock(ZoneInfo("Europe/Paris")).now()
                staff = await authenticate(uow, email, password, now)
                by_token = await verify_token(uow, token, now) if token else None
        finally:
            await engine.dispose()
        return staff is not None, by_token is not None and by_token.email == email

    return asyncio.run(run())


def test_staff_add_reads_the_password_from_stdin_and_never_prints_it(cli_env: str) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["staff", "add", "Ada@Example.org", "--name", "Ada Lovelace", "--role", "admin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin Ada Lovelace <ada@example.org>" in result.output
    assert PASSWORD not in result.output
    assert _check(cli_env, "ada@example.org", PASSWORD) == (True, False)

    token = runner.invoke(app, ["staff", "token", "ada@example.org", "--label", "script"])
    assert token.exit_code == 0, token.output
    printed = token.stdout.strip()
    assert printed.startswith("dcl_") and len(printed) > 40
    assert _check(cli_env, "ada@example.org", PASSWORD, printed) == (True, True)


@pytest.mark.parametrize(
    ("arguments", "stdin", "message"),
    [
        (["--name", "Bob"], "court\n", "at least 12 characters"),
        (["--name", "Bob", "--role", "boss"], PASSWORD + "\n", "Unknown role 'boss'"),
    ],
)
def test_staff_add_refuses_short_passwords_and_unknown_roles(
    cli_env: str, arguments: list[str], stdin: str, message: str
) -> None:
    result = CliRunner().invoke(app, ["staff", "add", "bob@example.org", *arguments], input=stdin)
    assert result.exit_code != 0
    assert message in result.output

    async def missing() -> bool:
        engine = make_engine(cli_env)
        try:
            async with uow_factory_for(engine)() as uow:
                return await find_staff(uow, "bob@example.org") is None
        finally:
            await engine.dispose()

    assert asyncio.run(missing())


def test_duplicates_and_unknown_accounts_are_reported(cli_env: str) -> None:
    runner = CliRunner()
    add = ["staff", "add", "ada@example.org", "--name", "Ada"]
    assert runner.invoke(app, add, input=PASSWORD + "\n").exit_code == 0
    again = runner.invoke(app, add, input=PASSWORD + "\n")
    assert again.exit_code == 1 and "already exists" in again.output
    unknown = runner.invoke(app, ["staff", "token", "nobody@example.org"])
    assert unknown.exit_code == 1 and "No active staff account" in unknown.output
