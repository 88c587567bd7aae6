"""Operational gauges read from the database when ``/metrics`` is scraped.

Counting rows at scrape time (every 15–60 s) costs two indexed counts and keeps every process's
figures right even when another process did the work.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy import func, select

from infra import metrics
from infra.uow import UnitOfWork
from routing import cases
from routing.journey import Case, OutgoingMessage

log = logging.getLogger(__name__)
GAUGE_REFRESH_SECONDS = 2.0  # a scrape must answer even when the database does not


async def refresh_gauges(uow_factory: Callable[[], UnitOfWork]) -> None:
    async with uow_factory() as uow:
        depth = await uow.session.scalar(
            select(func.count())
            .select_from(OutgoingMessage)
            .where(OutgoingMessage.status.in_(("pending", "claimed", "sending")))
        )
        waiting = await uow.session.scalar(
            select(func.count()).select_from(Case).where(Case.status == cases.OPEN)
        )
    metrics.OUTBOX_DEPTH.set(depth or 0)
    metrics.CASES_WAITING.set(waiting or 0)


async def scrape(
    uow_factory: Callable[[], UnitOfWork], bound_seconds: float = GAUGE_REFRESH_SECONDS
) -> tuple[bytes, str]:
    """``/metrics``: refresh the gauges, then render. If the database is slow or down the scrape
    still answers, with the last figures (``/readyz`` is where an outage shows)."""
    try:
        async with asyncio.timeout(bound_seconds):
            await refresh_gauges(uow_factory)
    except Exception as exc:
        log.warning("metrics: gauges not refreshed (%s)", type(exc).__name__)
    return metrics.render()
