"""``/healthz``, ``/readyz`` and ``/metrics`` on the console, for load balancers, orchestrators
and Prometheus.

They are plain Starlette routes, outside FastAPI's dependencies: no session lookup, no CSRF
(GET only), no login, and not in the OpenAPI document. ``/metrics`` is open too, like
``/healthz``: it holds counters, a latency histogram and two row counts, never personal data
(metric labels are transport and outcome names), and a scraper runs inside the private
network. A deployment that exposes the console to the Internet should not route these paths
from its public reverse proxy (or only from the monitoring network).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from infra import health
from infra.uow import UnitOfWork
from routing.operations import scrape

log = logging.getLogger(__name__)


def _uow_factory(request: Request) -> Callable[[], UnitOfWork]:
    factory: Callable[[], UnitOfWork] = request.app.state.console.uow_factory
    return factory


async def healthz(_request: Request) -> Response:
    """The process answers; nothing external is checked."""
    return JSONResponse(health.liveness())


async def readyz(request: Request) -> Response:
    """The database answers and is at the schema this code expects: 200, else 503."""
    async with _uow_factory(request)() as uow:  # the console's engine, without a connection yet
        engine = uow.engine
    ready, details = await health.readiness(engine)
    return JSONResponse(details, status_code=200 if ready else 503)


async def metrics_page(request: Request) -> Response:
    """Prometheus' text format; the database gauges are counted now (last figures if the
    database does not answer in time)."""
    body, content_type = await scrape(_uow_factory(request))
    return Response(body, headers={"Content-Type": content_type})


def install(app: FastAPI) -> None:
    for path, endpoint in (("/healthz", healthz), ("/readyz", readyz), ("/metrics", metrics_page)):
        app.add_route(path, endpoint, methods=["GET"], include_in_schema=False)
