"""Composition root of the staff console: settings, database and clock wired into the app,
served by uvicorn. Kept apart from ``declic.runtime`` so the console never imports aiogram."""

from __future__ import annotations

import logging

import uvicorn

from console.app import create_app
from infra.clock import Clock, SystemClock
from infra.db import make_engine
from infra.migrate import ensure_schema
from infra.settings import Settings
from infra.uow import uow_factory_for

log = logging.getLogger(__name__)


async def run_console(
    settings: Settings, host: str, port: int, *, clock: Clock | None = None
) -> None:
    """Serve the console until SIGINT/SIGTERM; the embedded SQLite default is migrated first."""
    await ensure_schema(settings.database_url, auto_upgrade=settings.is_sqlite)
    engine = make_engine(settings.database_url)
    try:
        app = create_app(settings, uow_factory_for(engine), clock or SystemClock(settings.tz))
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
