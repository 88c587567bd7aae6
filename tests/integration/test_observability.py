"""Operations on SQLite and PostgreSQL: JSON logs that never carry a resident's data, the
console's /healthz, /readyz and /metrics, and `declic scheduler` serving its metrics port and
stopping gracefully on SIGTERM."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import event, select

from bot.app import build_dispatcher, make_bot
from bot.delivery import TelegramDelivery
from bot.middlewares import FloodGuard
from bot.webhook import SECRET_HEADER, WEBHOOK_PATH, build_webhook_app
from declic.runtime import Core, build_core
from infra.clock import FrozenClock
from infra.db import make_engine
from infra.logging import CAPPED_LOGGERS, configure_logging
from infra.settings import load_settings
from infra.uow import UnitOfWork, uow_factory_for
from routing.followups.service import resident_blocked
from routing.journey.records import InboundUpdate, OutgoingMessage
from routing.outbox.sender import OutboxSender
from tests.support.cases import resident_with_case
from tests.support.console import browser, console_app
from tests.support.fake_bot_api import FakeBotApi

Factory = Callable[[], UnitOfWork]
PHRASE = "grainothèque zéphyrine"
FIRST_NAME = "Philomène"
CHAT_ID = "73918246"
SECRET = "s3cret_Token-for-observability"
REPO = Path(__file__).resolve().parents[2]
STARTUP = 180.0
EXIT = 30.0  # the interpreter's own teardown, after our code stopped (slow on a busy machine)


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Everything logged during the test, as `declic` writes it with DECLIC_LOG_FORMAT=json
    and DECLIC_LOG_LEVEL=DEBUG; the logging configuration is restored afterwards."""
    root = logging.getLogger()
    saved = root.level, {name: logging.getLogger(name).level for name in CAPPED_LOGGERS}
    stream = io.StringIO()
    handler = configure_logging("json", "DEBUG", secrets=["123456789:AAF-declic-test-token"],
                                stream=stream)  # fmt: skip
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for name, level in saved[1].items():
            logging.getLogger(name).setLevel(level)
        logging.captureWarnings(False)


async def test_a_conversation_and_its_failures_leave_no_personal_data_in_json_logs(
    migrated_url: str, json_log: io.StringIO
) -> None:
    """Through the webhook, as Telegram drives it: a turn cut by a database outage (answered
    503, delivered again, then handled whole, no apology), a turn failing on a bug (message
    kept, apology, 200), the rest of the conversation, and the outbox sending the replies."""
    failures: list[str] = []

    def fail_twice(conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        # The first statement carrying the resident's words fails as a lost connection would,
        # the first carrying the e-mail as a bug would: SQLAlchemy then puts the statement and
        # its parameters (the words) in the error's text.
        words = repr(parameters)
        if not failures and PHRASE in words:
            failures.append("outage")
            raise conn.dialect.loaded_dbapi.OperationalError("simulated outage")
        if failures == ["outage"] and "@exemple.fr" in words:
            failures.append("bug")
            raise conn.dialect.loaded_dbapi.ProgrammingError("simulated bug")
        return statement, parameters

    async with FakeBotApi() as api:
        settings = load_settings(
            database_url=migrated_url, telegram_token=api.token, telegram_api_url=api.base_url
        )
        core = await build_core(settings)
        event.listen(core.engine.sync_engine, "before_cursor_execute", fail_twice, retval=True)
        bot = make_bot(api.token, api.base_url)
        delivery = TelegramDelivery(bot)
        outbox = OutboxSender(
            core.uow_factory, core.clock, delivery, "telegram", on_unreachable=resident_blocked
        )
        dp = build_dispatcher(core.service, outbox, FloodGuard(100, 10.0), transport="webhook")
        app = build_webhook_app(bot, dp, SECRET, engine=core.engine, uow_factory=core.uow_factory)
        resident = api.user(int(CHAT_ID), first_name=FIRST_NAME)
        try:
            async with TestClient(TestServer(app, host="127.0.0.1")) as client:

                async def post(text: str) -> tuple[int, dict[str, Any]]:
                    update = api.updates.history[await resident.send_text(text)]
                    return await _post(client, update), update

                cut, first = await post(f"Bonjour, je voudrais créer une {PHRASE} aux Tanneurs")
                assert cut == 503, "a turn cut by the outage must be delivered again"
                assert await _inbound_kinds(core) == {}, "nothing of the cut turn was kept"
                assert await _post(client, first) == 200  # Telegram delivers it again
                mail = f"Mon mail est {FIRST_NAME.lower()}@exemple.fr, tél 06 12 34 56 78"
                assert (await post(mail))[0] == 200  # the bug: kept with an apology
                assert (await post("avec des voisins, il faut un local"))[0] == 200
                assert (await post("dès que possible"))[0] == 200
            assert await outbox.flush() >= 4
        finally:
            await bot.session.close()
            await core.close()

    assert failures == ["outage", "bug"], "both failure paths were taken"
    kinds = await _inbound_kinds(core)
    assert kinds[first["update_id"]] != "failed", "the outage's turn was handled whole"
    assert list(kinds.values()).count("failed") == 1, "only the bug's turn apologised"
    lines = json_log.getvalue().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records)
    interrupted = [r for r in records if r["message"].startswith("turn interrupted")]
    assert len(interrupted) == 1 and interrupted[0]["level"] == "WARNING"
    assert any("Telegram will deliver it again" in r["message"] for r in records)
    failure = next(r for r in records if r["message"].startswith("turn failed"))
    assert failure["level"] == "ERROR" and "ProgrammingError" in failure["exception"]
    assert "[parameters: <hidden>]" in failure["exception"]
    text = json_log.getvalue()
    escaped = json.dumps(PHRASE)[1:-1]  # the \\u form, had anything been ASCII-escaped
    for secret in (PHRASE, "zéphyrine", escaped, FIRST_NAME, CHAT_ID, "@exemple.fr", "56 78"):
        assert secret not in text, f"{secret!r} leaked into the logs"


async def _post(client: TestClient, update: dict[str, Any]) -> int:  # type: ignore[type-arg]
    async with client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET}) as answer:
        await answer.read()
        return answer.status


async def _inbound_kinds(core: Core) -> dict[int, str]:
    """update id → kind of every update kept (a new engine: the core's may be closed)."""
    engine = make_engine(core.settings.database_url)
    try:
        async with uow_factory_for(engine)() as uow:
            rows = await uow.session.execute(select(InboundUpdate.update_id, InboundUpdate.kind))
            return {int(update_id): kind for update_id, kind in rows}
    finally:
        await engine.dispose()


async def test_the_console_answers_health_readiness_and_metrics_without_a_login(
    migrated_url: str, uow_factory: Factory, clock: FrozenClock
) -> None:
    opened = await resident_with_case(uow_factory, clock, name=FIRST_NAME, chat_id=CHAT_ID)
    async with uow_factory() as uow:
        uow.session.add(
            OutgoingMessage(
                resident_id=opened.resident_id,
                channel="telegram",
                chat_id=CHAT_ID,
                method="sendMessage",
                payload={"chat_id": CHAT_ID, "text": PHRASE},
                idempotency_key="observability-1",
                not_before=clock.now(),
                created_at=clock.now(),
            )
        )
        await uow.commit()
    app = console_app(migrated_url, uow_factory, clock)
    async with browser(app) as client:
        health = await client.get("/healthz")
        ready = await client.get("/readyz")
        scraped = await client.get("/metrics")
        posted = await client.post("/metrics")
        schema = await client.get("/api/openapi.json")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "schema": "ok"}}
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain; version=")
    figures = _samples(scraped.text)
    assert figures["declic_cases_waiting"] == 1.0
    assert figures["declic_outbox_depth"] >= 1.0
    assert FIRST_NAME not in scraped.text and CHAT_ID not in scraped.text
    assert posted.status_code == 405
    assert not {"/healthz", "/readyz", "/metrics"} & set(schema.json()["paths"])


async def test_the_console_is_not_ready_on_a_database_behind_the_schema(
    database_url: str, clock: FrozenClock
) -> None:
    engine = make_engine(database_url)  # never migrated
    try:
        app = console_app(database_url, uow_factory_for(engine), clock)
        async with browser(app) as client:
            ready = await client.get("/readyz")
            health = await client.get("/healthz")
    finally:
        await engine.dispose()
    assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
    assert health.status_code == 200, "liveness does not depend on the database"


def _samples(exposition: str) -> dict[str, float]:
    samples: dict[str, float] = {}
    for line in exposition.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def _start_declic(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    """`python -m declic ARGS` in ``cwd`` (no stray .env), its stderr in ``cwd/declic.log``.

    A new interpreter, as an operator starts `declic scheduler`, not forked from the tests'
    fork server (tests/support/processes.py): the scheduler's start, its metrics port and its
    stop on SIGTERM are the subject, and the scheduler crash tests fork."""
    with (cwd / "declic.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "declic", *args],
            cwd=cwd,
            env={**env, "PYTHONPATH": str(REPO)},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _get_when_up(url: str, proc: subprocess.Popen[bytes], within: float) -> httpx.Response:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=2) as client:
        while True:
            assert proc.poll() is None, "declic scheduler exited early"
            try:
                return await client.get(url)
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)


@pytest.mark.timeout(300)
async def test_the_scheduler_serves_its_metrics_port_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    port, grace = _free_port(), 3.0
    async with FakeBotApi() as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DECLIC_")}
        env.update(
            DECLIC_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'declic.sqlite3'}",
            DECLIC_TELEGRAM_TOKEN=server.token,
            DECLIC_TELEGRAM_API_URL=server.base_url,
            DECLIC_METRICS_PORT=str(port),
            DECLIC_SHUTDOWN_GRACE_SECONDS=str(grace),
            DECLIC_LOG_FORMAT="json",
            DECLIC_CASE_HOLIDAYS_COUNTRY="",
        )
        proc = _start_declic(["scheduler"], env, tmp_path)
        try:
            # STARTUP: importing aiogram's types costs seconds of CPU, minutes on a busy machine
            health = await _get_when_up(f"http://127.0.0.1:{port}/healthz", proc, STARTUP)
            async with httpx.AsyncClient(timeout=5) as client:
                ready = await client.get(f"http://127.0.0.1:{port}/readyz")
                scraped = await client.get(f"http://127.0.0.1:{port}/metrics")
            proc.send_signal(signal.SIGTERM)
            terminated_at = datetime.now(UTC)
            code = await asyncio.to_thread(proc.wait, grace + EXIT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    err = (tmp_path / "declic.log").read_bytes()
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200, ready.text
    figures = _samples(scraped.text)
    assert {"declic_outbox_depth", "declic_cases_waiting"} <= figures.keys()
    assert "declic_telegram_429_total" in figures, scraped.text
    assert code == 0, err.decode(errors="replace")[-2000:]
    records = [json.loads(line) for line in err.decode().splitlines()]  # JSON, line by line
    stopped = next(r for r in records if r["message"] == "scheduler stopped")
    took = (datetime.fromisoformat(stopped["time"]) - terminated_at).total_seconds()
    assert took < grace, f"stopped {took:.1f}s after SIGTERM, grace {grace}s"
    assert server.token not in err.decode()
