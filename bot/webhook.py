"""Webhook mode: Telegram POSTs each update to ``/telegram/webhook``; several workers may serve it.

The answer is the confirmation. A 200 goes back only once the update is handled and committed
(or known as a duplicate), so a worker killed mid-update leaves Telegram without an answer and
Telegram delivers the update again, to this worker or another; the database deduplicates on
``update_id``. A transient failure (the database restarting) answers 503, which Telegram also
retries, for as long as the outage lasts (the message could not have been kept). An update
that keeps failing for another reason (a bug) is given up after ``MAX_ATTEMPTS``, so that it
cannot block its chat for ever (the conversation service has already tried to keep the
message and apologise).

Why not aiogram's ``SimpleRequestHandler``: its ``feed_webhook_update`` logs and swallows a
handler's exception (answering 200: the update would be lost) and moves a slow update to the
background after 55 s (answering before the commit).

The same server answers ``/healthz`` (liveness), ``/readyz`` (database and schema) and
``/metrics`` (Prometheus), without the secret: they carry no personal data.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import acknowledge
from bot.app import ALLOWED_UPDATES
from bot.commands import register_commands
from bot.polling import MAX_ATTEMPTS, unavailable
from infra import health
from infra.settings import SettingsError
from infra.uow import UnitOfWork
from routing.operations import scrape
from routing.outbox.sender import OutboxSender

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
MAX_BODY_BYTES = 1024 * 1024  # an update is a few kilobytes; Telegram sends no files inline
REMEMBERED_FAILURES = 10_000  # failing update ids remembered (oldest forgotten first)
OUTBOX_STOP_SECONDS = 5.0


@dataclass(frozen=True)
class WebhookConfig:
    public_url: str  # the HTTPS base URL Telegram calls; WEBHOOK_PATH is appended
    secret: str
    host: str = "127.0.0.1"
    port: int = 8081
    max_connections: int = 40
    grace_seconds: float = 10.0

    @property
    def url(self) -> str:
        return self.public_url.rstrip("/") + WEBHOOK_PATH


class UpdateEndpoint:
    """``POST /telegram/webhook``: check the secret, parse, handle, then answer."""

    def __init__(
        self, bot: Bot, dispatcher: Dispatcher, secret: str, max_attempts: int = MAX_ATTEMPTS
    ) -> None:
        if not secret:
            raise ValueError("a webhook without a secret would accept anyone's updates")
        self._bot = bot
        self._dp = dispatcher
        self._secret = secret.encode()
        self._max_attempts = max_attempts
        self._failures: OrderedDict[int, int] = OrderedDict()

    def authorised(self, request: web.Request) -> bool:
        """Constant time: the comparison takes as long whichever byte differs."""
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return False
        return hmac.compare_digest(given.encode("utf-8", "replace"), self._secret)

    async def handle(self, request: web.Request) -> web.Response:
        if not self.authorised(request):
            return web.json_response({"ok": False, "error": "unauthorised"}, status=401)
        update = await self._parse(request)
        if update is None:
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        try:
            await self._dp.feed_update(self._bot, update)
        except Exception as exc:
            return self._failed(update.update_id, exc)
        self._failures.pop(update.update_id, None)
        return web.json_response({"ok": True})

    async def _parse(self, request: web.Request) -> Update | None:
        try:
            data = json.loads(await request.read())
            if not isinstance(data, dict):
                return None
            return Update.model_validate(data, context={"bot": self._bot})
        except (ValueError, RecursionError, ValidationError):  # bad JSON or UTF-8; not an update
            return None

    def _failed(self, update_id: int, exc: Exception) -> web.Response:
        attempts = self._failures.pop(update_id, 0) + 1
        if attempts < self._max_attempts or unavailable(exc):
            self._failures[update_id] = attempts
            while len(self._failures) > REMEMBERED_FAILURES:
                self._failures.popitem(last=False)
            log.warning(
                "update %s failed (%s), attempt %s; Telegram will deliver it again",
                update_id,
                type(exc).__name__,
                attempts,
            )
            return web.json_response({"ok": False, "error": "retry later"}, status=503)
        log.error(
            "update %s given up after %s attempts (%s)", update_id, attempts, type(exc).__name__
        )
        return web.json_response({"ok": True, "given_up": True})


def build_webhook_app(
    bot: Bot,
    dispatcher: Dispatcher,
    secret: str,
    *,
    engine: AsyncEngine,
    uow_factory: Callable[[], UnitOfWork],
    max_attempts: int = MAX_ATTEMPTS,
) -> web.Application:
    """The worker's HTTP app: the update endpoint and the operations endpoints."""

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response(health.liveness())

    async def readyz(_request: web.Request) -> web.Response:
        ready, details = await health.readiness(engine)
        return web.json_response(details, status=200 if ready else 503)

    async def metrics_page(_request: web.Request) -> web.Response:
        body, content_type = await scrape(uow_factory)
        return web.Response(body=body, headers={"Content-Type": content_type})

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_post(WEBHOOK_PATH, UpdateEndpoint(bot, dispatcher, secret, max_attempts).handle)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_page)
    return app


async def serve_webhook(
    bot: Bot,
    dispatcher: Dispatcher,
    outbox: OutboxSender,
    config: WebhookConfig,
    *,
    engine: AsyncEngine,
    uow_factory: Callable[[], UnitOfWork],
    default_locale: str,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve until SIGTERM/SIGINT (or ``stop``), with the outbox sender beside it; the default
    command menu in ``default_locale`` (DECLIC_LOCALE).

    Start: listen first, then tell Telegram where to call (``setWebhook`` with the secret and
    the update types handled). Stop: close the listening socket, let the updates in progress
    finish (up to ``grace_seconds``), then stop the outbox. The webhook is left in place:
    another replica may be serving it, and Telegram keeps undelivered updates meanwhile.
    """
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
    app = build_webhook_app(bot, dispatcher, config.secret, engine=engine, uow_factory=uow_factory)
    runner = web.AppRunner(
        app, access_log=None, handle_signals=False, shutdown_timeout=config.grace_seconds
    )
    outbox_stop = asyncio.Event()
    sender = asyncio.create_task(outbox.run(outbox_stop), name="outbox")
    try:
        await runner.setup()
        try:
            await web.TCPSite(runner, config.host, config.port).start()
        except OSError as exc:
            raise SettingsError(
                f"Cannot listen on {config.host}:{config.port} ({exc.strerror or exc}): "
                "choose another --port or DECLIC_WEBHOOK_PORT."
            ) from None
        log.info("webhook listening on %s:%s%s", config.host, config.port, WEBHOOK_PATH)
        await register_commands(bot, default_locale)
        await bot.set_webhook(
            url=config.url,
            secret_token=config.secret,
            allowed_updates=ALLOWED_UPDATES,
            max_connections=config.max_connections,
            drop_pending_updates=False,
        )
        log.info("webhook set to %s; waiting for updates", config.url)
        await stop.wait()
        log.info("stopping: finishing the updates in progress")
    finally:
        await runner.cleanup()
        outbox_stop.set()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(sender, timeout=OUTBOX_STOP_SECONDS)
        await acknowledge.drain(dispatcher)
        await bot.session.close()
        log.info("webhook worker stopped")
