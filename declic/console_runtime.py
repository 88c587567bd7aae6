"""Composition root of the staff console: settings, database and clock wired into the app,
served by uvicorn. Kept apart from ``declic.runtime`` so the console never imports aiogram."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Iterator, Sequence

import uvicorn
from fastapi import FastAPI

from console.app import create_app
from infra.clock import Clock, SystemClock
from infra.db import make_engine
from infra.migrate import ensure_schema
from infra.settings import Settings
from infra.uow import UnitOfWork, uow_factory_for
from routing.conversation.replies import Renderer, ServiceReply
from routing.outbox import RenderContext
from routing.outbox.drafts import OutgoingDraft

log = logging.getLogger(__name__)


class LazyResidentRenderer:
    """The bot's renderer, loaded on first use: staff booking or cancelling a resident's sprint
    in the console tells the resident in the very words of their conversation, and the console
    still starts without importing aiogram (``bot.render`` needs its callback data)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._renderer: Renderer | None = None

    def __call__(
        self, replies: Sequence[ServiceReply], context: RenderContext
    ) -> list[OutgoingDraft]:
        if self._renderer is None:
            from bot.render import OfficeWords
            from bot.render import Renderer as BotRenderer

            self._renderer = BotRenderer(office=OfficeWords.of(self.settings))
        return self._renderer(replies, context)


class _EmbeddedServer(uvicorn.Server):
    """uvicorn inside another program's event loop: the program owns the signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def embedded_console(
    settings: Settings,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    host: str,
    port: int,
) -> uvicorn.Server:
    """The console served beside the bot (``declic serve``): set ``should_exit`` to stop it."""
    app = create_app(settings, uow_factory, clock)
    if settings.console_secret is None:
        log.warning("DECLIC_CONSOLE_SECRET is not set: sessions end when the console restarts.")
    return _EmbeddedServer(_server_config(app, settings, host, port))


def _server_config(app: FastAPI, settings: Settings, host: str, port: int) -> uvicorn.Config:
    """uvicorn logs through our handler (``log_config=None``: redacted, text or JSON, no query
    strings); a stop lets requests in progress finish within the grace."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        proxy_headers=True,
        server_header=False,
        timeout_graceful_shutdown=max(1, round(settings.shutdown_grace_seconds)),
    )


async def run_console(
    settings: Settings, host: str, port: int, *, clock: Clock | None = None
) -> None:
    """Serve the console until SIGINT/SIGTERM; the embedded SQLite default is migrated first."""
    await ensure_schema(settings.database_url, auto_upgrade=settings.is_sqlite)
    engine = make_engine(settings.database_url)
    try:
        app = create_app(
            settings,
            uow_factory_for(engine),
            clock or SystemClock(settings.tz),
            resident_renderer=LazyResidentRenderer(settings),
        )
        if settings.console_secret is None:
            log.warning("DECLIC_CONSOLE_SECRET is not set: sessions end when the console restarts.")
        # The process owns SIGTERM and SIGINT (uvicorn's own handling would re-raise the
        # signal after its graceful stop, so the process would die of it, not exit 0).
        server = _EmbeddedServer(_server_config(app, settings, host, port))
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, lambda: setattr(server, "should_exit", True))
        await server.serve()
    finally:
        await engine.dispose()
