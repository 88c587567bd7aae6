"""`declic doctor` against the fake Bot API and both database backends: what it finds, the fix
it prints, its exit code and its JSON, and that no secret ever shows."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from declic.cli import app
from infra.db import make_engine
from infra.migrate import alembic_config
from infra.uow import uow_factory_for
from knowledge.demo import load_demo_city
from knowledge.records import ResourceRow
from tests.support.fake_bot_api import FakeBotApi

OFFICE = {
    "DECLIC_OFFICE_NAME": "Maison des projets",
    "DECLIC_TOWN_NAME": "Sorlanges",
    "DECLIC_BOT_USERNAME": "@SorlangesDeclicBot",
}
WRONG_TOKEN = "987654321:AAF-not-the-right-token-at-all"
PUBLIC_URL = "https://declic.example.org"


@contextmanager
def running_api() -> Iterator[FakeBotApi]:
    """The fake Bot API on its own event loop in a thread: `declic doctor` runs its own loop."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-bot-api", daemon=True)
    thread.start()
    server = FakeBotApi()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(timeout=10)
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with running_api() as server:
        yield server


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only what a test sets: no DECLIC_* of the developer's, no stray .env."""
    for name in [n for n in os.environ if n.startswith("DECLIC_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def doctor(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["doctor", *args], env=env)
    return result.exit_code, result.output


def env_for(database_url: str, server: FakeBotApi, **extra: str) -> dict[str, str]:
    return {
        "DECLIC_DATABASE_URL": database_url,
        "DECLIC_TELEGRAM_TOKEN": server.token,
        "DECLIC_TELEGRAM_API_URL": server.base_url,
        **extra,
    }


def with_a_resource(url: str) -> None:
    async def add() -> None:
        engine = make_engine(url)
        try:
            async with uow_factory_for(engine)() as uow:
                now = datetime.now(UTC)
                uow.session.add(
                    ResourceRow(
                        external_id="room-1", kind="room", name="Salle", created_at=now,
                        updated_at=now,
                    )
                )  # fmt: skip
                await uow.commit()
            await load_demo_city(uow_factory_for(engine), datetime.now(UTC))
        finally:
            await engine.dispose()

    asyncio.run(add())


def lines_of(output: str) -> dict[str, str]:
    """The first line of each check, by its title's first word."""
    return {line[2:].split()[0]: line for line in output.splitlines() if line[:1] in "✓✗!–"}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_all_good_exits_0_with_one_tick_a_check(migrated_url: str, api: FakeBotApi) -> None:
    with_a_resource(migrated_url)
    code, output = doctor(env_for(migrated_url, api) | OFFICE)
    assert code == 0, output
    checks = lines_of(output)
    assert list(checks) == [
        "Configuration", "Bureau", "Base", "Schéma", "Annuaire", "Ville", "API", "Webhook",
    ]  # fmt: skip
    assert all(line.startswith("✓") for line in checks.values()), output
    assert "@declic_test_bot" in checks["API"]
    assert api.token not in output


def test_a_database_that_does_not_answer_says_what_to_check(api: FakeBotApi) -> None:
    url = f"postgresql+asyncpg://declic:s3cret-pw@127.0.0.1:{closed_port()}/declic"
    code, output = doctor(env_for(url, api))
    checks = lines_of(output)
    assert code == 1
    assert checks["Base"].startswith("✗") and "DECLIC_DATABASE_URL" in output
    assert checks["Schéma"].startswith("–") and checks["API"].startswith("✓")
    assert "s3cret-pw" not in output, "the password is never printed"


def test_a_schema_behind_says_run_db_upgrade(database_url: str, api: FakeBotApi) -> None:
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    previous = ScriptDirectory.from_config(alembic_config(database_url)).get_revision(head)
    command.upgrade(alembic_config(database_url), str(previous.down_revision))
    code, output = doctor(env_for(database_url, api), "--json")
    result = json.loads(output)
    migrations = next(c for c in result["checks"] if c["name"] == "migrations")
    assert code == 1 and result["ok"] is False
    assert migrations["status"] == "fail" and "declic db upgrade" in migrations["fix"]
    assert migrations["details"] == {"current": previous.down_revision, "head": head}


def test_a_wrong_token_is_named_as_such(migrated_url: str, api: FakeBotApi) -> None:
    env = env_for(migrated_url, api, DECLIC_TELEGRAM_TOKEN=WRONG_TOKEN)
    code, output = doctor(env)
    checks = lines_of(output)
    assert code == 1
    assert checks["API"].startswith("✗") and "401" in checks["API"] and "@BotFather" in output
    assert checks["Webhook"].startswith("–")
    assert WRONG_TOKEN not in output and WRONG_TOKEN.split(":")[1] not in output


def test_no_token_says_how_to_get_one_and_no_database_file_is_created(tmp_path: Path) -> None:
    database = tmp_path / "var" / "declic.sqlite3"
    code, output = doctor({"DECLIC_DATABASE_URL": f"sqlite+aiosqlite:///{database}"})
    checks = lines_of(output)
    assert code == 1 and checks["API"].startswith("✗") and "/newbot" in output
    assert checks["Base"].startswith("!") and "declic db upgrade" in output
    assert not database.exists() and not database.parent.exists()


def test_webhook_mode_checks_the_url_telegram_calls(migrated_url: str, api: FakeBotApi) -> None:
    with_a_resource(migrated_url)
    env = env_for(
        migrated_url, api, DECLIC_WEBHOOK_URL=PUBLIC_URL, DECLIC_WEBHOOK_SECRET="a-webhook-secret"
    )
    code, output = doctor(env)
    assert code == 1 and "declic bot --webhook" in output, output
    api.webhook = {"url": f"{PUBLIC_URL}/telegram/webhook"}
    code, output = doctor(env, "--json")
    result = json.loads(output)
    hook = next(c for c in result["checks"] if c["name"] == "webhook")
    assert code == 0, output
    assert hook["status"] == "ok" and hook["details"]["pending_update_count"] == 0
    assert "a-webhook-secret" not in output


def test_inconsistent_settings_and_an_absent_redis_fail(migrated_url: str, api: FakeBotApi) -> None:
    env = env_for(
        migrated_url,
        api,
        DECLIC_WEBHOOK_URL=PUBLIC_URL,  # without DECLIC_WEBHOOK_SECRET
        DECLIC_REDIS_URL=f"redis://:redis-pw@127.0.0.1:{closed_port()}/0",
    )
    code, output = doctor(env, "--json")
    result = json.loads(output)
    by_name = {c["name"]: c for c in result["checks"]}
    assert code == 1
    assert by_name["configuration"]["status"] == "fail"
    assert "DECLIC_WEBHOOK_SECRET" in by_name["configuration"]["message"]
    assert by_name["redis"]["status"] == "fail" and "DECLIC_REDIS_URL" in by_name["redis"]["fix"]
    assert "redis-pw" not in output


def test_refused_settings_are_one_failing_line() -> None:
    code, output = doctor({"DECLIC_TIMEZONE": "Mars/Olympus"})
    assert code == 1
    assert output.startswith("✗ Configuration") and "Mars/Olympus" in output


def test_the_json_document_has_one_entry_a_check(migrated_url: str, api: FakeBotApi) -> None:
    code, output = doctor(env_for(migrated_url, api), "--json")
    result = json.loads(output)
    assert set(result) == {"ok", "checks"}
    assert [c["name"] for c in result["checks"]] == [
        "configuration", "office", "database", "migrations", "directory", "city", "telegram",
        "webhook",
    ]  # fmt: skip
    for check in result["checks"]:
        assert set(check) == {"name", "status", "message", "fix", "details"}
        assert check["status"] in {"ok", "warn", "fail", "skip"}
    city = result["checks"][5]
    assert city["status"] == "warn" and "declic city import" in city["fix"]
    directory = result["checks"][4]
    assert directory["status"] == "warn" and code == 0, "an empty directory warns, no more"


def test_the_office_line_states_the_period_and_asks_for_missing_names(
    migrated_url: str, api: FakeBotApi
) -> None:
    _, output = doctor(env_for(migrated_url, api) | {"DECLIC_RETENTION_MONTHS": "12"})
    assert "! Bureau et ville : « Participation citoyenne » (—), données gardées 12 mois" in output
    assert "DECLIC_OFFICE_NAME, DECLIC_TOWN_NAME, DECLIC_BOT_USERNAME" in output
    _, output = doctor(env_for(migrated_url, api) | OFFICE | {"DECLIC_DEFAULT_REGISTER": "vous"})
    assert "✓ Bureau et ville : « Maison des projets » (Sorlanges), données gardées 2 ans" in output
    assert "vouvoiement" in output
