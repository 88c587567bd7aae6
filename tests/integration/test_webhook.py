"""The webhook endpoint in process: the real dispatcher and conversation service on SQLite and
PostgreSQL, the fake Bot API for the replies, aiohttp's test server on 127.0.0.1.

What must hold: only Telegram (the secret) gets an update handled; a handled or duplicate update
is answered 200 once committed; a failing one 503 (Telegram retries) until it is given up; the
operations endpoints answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram import Bot
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.app import build_dispatcher, make_bot
from bot.delivery import TelegramDelivery
from bot.middlewares import FloodGuard
from bot.webhook import SECRET_HEADER, WEBHOOK_PATH, UpdateEndpoint, build_webhook_app
from declic.runtime import Core, build_core
from infra import metrics
from infra.db import make_engine
from infra.settings import load_settings
from infra.uow import uow_factory_for
from routing.followups.service import resident_blocked
from routing.journey.records import InboundUpdate
from routing.outbox.sender import OutboxSender
from tests.support.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.timeout(60)
SECRET = "s3cret_Token-for-tests"


@dataclass
class Worker:
    api: FakeBotApi
    core: Core
    bot: Bot
    outbox: OutboxSender
    client: TestClient  # type: ignore[type-arg]

    async def post(self, update: Any, secret: str | None = SECRET, **kwargs: Any) -> int:
        headers = dict(kwargs.pop("headers", {}))
        if secret is not None:
            headers[SECRET_HEADER] = secret
        if isinstance(update, (dict, list)):
            kwargs["json"] = update
        else:
            kwargs["data"] = update
        async with self.client.post(WEBHOOK_PATH, headers=headers, **kwargs) as response:
            await response.read()
            return response.status

    async def handled(self) -> int:
        async with self.core.uow_factory() as uow:
            return await uow.session.scalar(select(func.count()).select_from(InboundUpdate)) or 0


@pytest.fixture
async def worker(migrated_url: str) -> AsyncIterator[Worker]:
    async with FakeBotApi() as api:
        settings = load_settings(
            database_url=migrated_url, telegram_token=api.token, telegram_api_url=api.base_url
        )
        core = await build_core(settings)
        bot = make_bot(api.token, api.base_url)
        outbox = OutboxSender(
            core.uow_factory,
            core.clock,
            TelegramDelivery(bot),
            "telegram",
            on_unreachable=resident_blocked,
        )
        dp = build_dispatcher(core.service, outbox, FloodGuard(100, 10.0), transport="webhook")
        app = build_webhook_app(bot, dp, SECRET, engine=core.engine, uow_factory=core.uow_factory)
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        try:
            yield Worker(api, core, bot, outbox, client)
        finally:
            await client.close()
            await bot.session.close()
            await core.close()


async def _update(api: FakeBotApi, text: str = "/start", user_id: int = 42) -> dict[str, Any]:
    """A real update as Telegram would send it (built by the fake Bot API's resident)."""
    update_id = await api.user(user_id).send_text(text)
    return api.updates.history[update_id]


def _count(outcome: str) -> float:
    labels = {"transport": "webhook", "outcome": outcome}
    return metrics.REGISTRY.get_sample_value("declic_updates_handled_total", labels) or 0.0


async def test_refused_requests_handle_nothing(worker: Worker) -> None:
    update = await _update(worker.api)
    assert await worker.post(update, secret=None) == 401
    assert await worker.post(update, secret=SECRET[:-1] + "X") == 401  # same length
    assert await worker.post(update, secret=SECRET + "X") == 401  # another length
    assert await worker.post(update, secret="") == 401
    for body in (b"{not json", b"\xff\xfe", "[1, 2]", b'{"update_id": "many"}', b"null"):
        assert await worker.post(body, headers={"Content-Type": "application/json"}) == 400
    assert await worker.handled() == 0
    assert await worker.outbox.flush() == 0
    assert worker.api.sent() == []


async def test_right_secret_handles_once_and_the_reply_reaches_telegram(worker: Worker) -> None:
    update = await _update(worker.api)
    before = _count("handled"), _count("duplicate")
    assert await worker.post(update) == 200
    assert await worker.handled() == 1  # committed before the 200
    # Redelivered (a lost answer), and delivered twice at once: answered 200, handled once.
    assert await worker.post(update) == 200
    assert await asyncio.gather(worker.post(update), worker.post(update)) == [200, 200]
    assert await worker.handled() == 1
    assert (_count("handled"), _count("duplicate")) == (before[0] + 1, before[1] + 3)

    async with worker.client.get("/metrics") as response:
        assert response.status == 200
        page = await response.text()
    assert 'declic_updates_handled_total{outcome="duplicate",transport="webhook"}' in page
    assert "declic_update_handling_seconds_bucket" in page
    assert "declic_outbox_depth 1.0" in page  # refreshed from the database when scraped
    async with worker.client.get("/healthz") as response:
        assert response.status == 200
        assert (await response.json())["status"] == "ok"
    async with worker.client.get("/readyz") as response:
        assert response.status == 200, await response.text()

    assert await worker.outbox.flush() == 1
    sent = worker.api.sent()
    assert [int(call.params["chat_id"]) for call in sent] == [42]
    assert await worker.outbox.flush() == 0  # nothing else, nothing twice


async def test_not_ready_when_the_database_is_unreachable() -> None:
    engine = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    app = build_webhook_app(
        Bot("1:x"), object(), SECRET, engine=engine, uow_factory=uow_factory_for(engine)
    )  # type: ignore[arg-type]
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        async with client.get("/readyz") as response:
            assert response.status == 503
            assert (await response.json())["checks"]["database"].startswith("unavailable")
        async with client.get("/healthz") as response:
            assert response.status == 200  # alive: a database outage must not get it killed
        async with client.get("/metrics") as response:
            assert response.status == 200  # the counters, without the gauges
    await engine.dispose()


class _Failing:
    """A dispatcher whose handling always fails with ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    async def feed_update(self, bot: Bot, update: Any) -> None:
        self.calls += 1
        raise self.error


async def _deliver_four_times(failing: _Failing) -> list[int]:
    bot = Bot("1:x")
    app = web.Application()
    app.router.add_post(WEBHOOK_PATH, UpdateEndpoint(bot, failing, SECRET, 3).handle)  # type: ignore[arg-type]
    update = {"update_id": 7, "message": {"message_id": 1, "date": 0, "text": "hé",
              "chat": {"id": 42, "type": "private"}}}  # fmt: skip
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        statuses = []
        for _ in range(4):
            async with client.post(
                WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET}
            ) as response:
                statuses.append(response.status)
    assert failing.calls == 4
    return statuses


async def test_a_failing_update_is_retried_then_given_up() -> None:
    # A bug: Telegram redelivers after a 5xx; the third failure is given up so the chat moves
    # on, and a later delivery of the same update is tried afresh.
    assert await _deliver_four_times(_Failing(ValueError("a bug"))) == [503, 503, 200, 503]


async def test_an_update_is_never_given_up_while_the_database_is_down() -> None:
    # The message could not have been kept: answering 200 would lose it.
    down = OperationalError("SELECT 1", {}, ConnectionRefusedError("database down"))
    assert await _deliver_four_times(_Failing(down)) == [503, 503, 503, 503]
    refused = _Failing(ConnectionRefusedError("database down"))
    assert await _deliver_four_times(refused) == [503, 503, 503, 503]


def test_webhook_mode_refuses_to_start_without_url_or_secret() -> None:
    from declic.runtime import webhook_config
    from infra.settings import SettingsError

    url, token = "https://x.example/", "1:x"
    with pytest.raises(SettingsError, match="DECLIC_WEBHOOK_URL"):
        webhook_config(load_settings(telegram_token=token, webhook_secret=SECRET), "h", 1)
    with pytest.raises(SettingsError, match="DECLIC_WEBHOOK_SECRET"):
        webhook_config(load_settings(telegram_token=token, webhook_url=url), "h", 1)
    settings = load_settings(telegram_token=token, webhook_url=url, webhook_secret=SECRET)
    config = webhook_config(settings, "0.0.0.0", 8443)
    assert config.url == "https://x.example/telegram/webhook"
    assert (config.host, config.port, config.secret) == ("0.0.0.0", 8443, SECRET)


@pytest.mark.parametrize(
    "overrides",
    [
        {"webhook_secret": "with space"},  # Telegram allows A-Z a-z 0-9 _ - only
        {"webhook_secret": "x" * 257},
        {"webhook_url": "http://declic.example"},  # Telegram calls HTTPS only
        {  # production: a webhook needs a long random secret
            "environment": "production",
            "telegram_token": "123:real-token-value",
            "console_secret": "c" * 40,
            "webhook_url": "https://declic.example",
            "webhook_secret": "changeme",
        },
    ],
)
def test_webhook_settings_follow_telegram_rules(overrides: dict[str, str]) -> None:
    from infra.settings import SettingsError

    with pytest.raises(SettingsError, match=r"(?i)webhook"):
        load_settings(**overrides)
