"""Composition root of the staff console: settings, database and clock wired into the app,
served by uvicorn. Kept apart from ``declic.runtime`` so the console never imports aiogram."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence

import uvicorn

from console.app import create_app
from infra.clock import Clock, SystemClock
from infra.db import make_engine
from infra.migrate import ensure_schema
from infra.settings import Settings
from infra.uow import UnitOfWork, uow_factory_for
from routing.conversation import OutgoingDraft, RenderContext, Renderer, ServiceReply

log = logging.getLogger(__name__)


class LazyResidentRenderer:
    """The bot's renderer, loaded on first use: staff booking or cancelling a resident's sprint
    in the console tells the resident in the very words of their conversation, and the console
    still starts without importing aiogram (``bot.render`` needs its callback data)."""

    def __init__(self) -> None:
        self._renderer: Renderer | None = None

    def __call__(
        self, replies: Sequence[ServiceReply], context: RenderContext
    ) -> list[OutgoingDraft]:
        if self._renderer is None:
            from bot.render import Renderer as BotRenderer
            from knowledge.territory import load_gazetteer

            gazetteer = load_gazetteer()
            self._renderer = BotRenderer({q.id: q.name for q in gazetteer.quartiers})
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
    config = uvicorn.Config(
        app, host=host, port=port, log_level="info", proxy_headers=True, server_header=False
    )
    return _EmbeddedServer(config)


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
            resident_renderer=LazyResidentRenderer(),
        )
        if settings.console_secret is None:
            log.warning("DECLIC_CONSOLE_SECRET is not set: sessions end when the console restarts.")
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="info",
            proxy_headers=True,
            server_header=False,
        )
        await uvicorn.Server(config).serve()
    finally:
        await engine.dispose()
