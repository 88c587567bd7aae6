"""``/metrics``, ``/healthz`` and ``/readyz`` for the processes that have no web server of their
own: ``declic scheduler`` and ``declic bot`` with long polling. The console and the webhook
worker answer the same paths on their own port.

It listens on ``DECLIC_METRICS_HOST:DECLIC_METRICS_PORT`` only when the port is set. Nothing
here needs a login: the answers hold counts and states, never personal data, and the port is
meant for the private network a Prometheus scraper runs in. aiohttp (already there for
aiogram) serves it; scrapes are not written to the access log.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from infra import health
from infra.settings import Settings
from infra.uow import UnitOfWork
from routing import operations

log = logging.getLogger(__name__)


def metrics_app(engine: AsyncEngine, uow_factory: Callable[[], UnitOfWork]) -> web.Application:
    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response(health.liveness())

    async def readyz(_request: web.Request) -> web.Response:
        ready, details = await health.readiness(engine)
        return web.json_response(details, status=200 if ready else 503)

    async def metrics_page(_request: web.Request) -> web.Response:
        body, content_type = await operations.scrape(uow_factory)
        return web.Response(body=body, headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_page)
    return app


@asynccontextmanager
async def metrics_server(
    settings: Settings, engine: AsyncEngine, uow_factory: Callable[[], UnitOfWork]
) -> AsyncIterator[None]:
    """Serve the three paths while the block runs, if ``DECLIC_METRICS_PORT`` is set; stop
    before the block's caller disposes of the engine."""
    if settings.metrics_port is None:
        yield
        return
    runner = web.AppRunner(metrics_app(engine, uow_factory), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.metrics_host, settings.metrics_port).start()
        log.info(
            "metrics, health and readiness on %s:%s", settings.metrics_host, settings.metrics_port
        )
        yield
    finally:
        await runner.cleanup()
