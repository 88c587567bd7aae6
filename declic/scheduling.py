"""The scheduler: fixed interval jobs, re-created at every start (nothing pickled, no jobstore).

For now one job: service levels (``routing.cases.enforce_service_levels``): unclaimed cases past
their working-hours deadline are escalated to coordinators (and posted to the staff group, if
one is configured); a holder who left a resident waiting too long gives the case back. One run
is one transaction. A failing run is logged and the next tick tries again; runs never overlap
(``max_instances=1``) and missed ticks collapse into one (``coalesce``). On PostgreSQL the cases
are locked with ``SKIP LOCKED``, so several scheduler processes may run side by side.

It runs inside ``declic bot`` (beside the outbox sender) and alone as ``declic scheduler``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from infra.clock import Clock, SystemClock
from infra.db import make_engine
from infra.migrate import ensure_schema
from infra.settings import Settings
from infra.uow import UnitOfWork, uow_factory_for
from routing import cases

log = logging.getLogger(__name__)
SERVICE_LEVELS = "service_levels"


async def service_levels_once(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, settings: Settings
) -> cases.ServiceLevelReport | None:
    """One run, one transaction; None when it failed (logged, nothing half-done is kept)."""
    try:
        async with uow_factory() as uow:
            report = await cases.enforce_service_levels(uow, clock.now(), settings)
            await uow.commit()
    except Exception:
        log.exception("service levels failed; the next run tries again")
        return None
    if report.escalated or report.returned:
        log.info(
            "service levels: escalated %s, returned to the queue %s",
            list(report.escalated),
            list(report.returned),
        )
    return report


def make_scheduler(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    settings: Settings,
    *,
    after_run: Callable[[cases.ServiceLevelReport | None], None] | None = None,
) -> AsyncIOScheduler:
    """A scheduler with its interval jobs; the first run is due at once. Start it inside the
    running event loop; ``after_run`` (e.g. waking the outbox) sees each run's report."""

    running: set[asyncio.Task[None]] = set()

    async def service_levels() -> None:
        task = asyncio.current_task()
        if task is not None:
            running.add(task)
        try:
            report = await service_levels_once(uow_factory, clock, settings)
        finally:
            if task is not None:
                running.discard(task)
        if after_run is not None:
            after_run(report)

    # APScheduler logs every run at INFO: one line a minute would bury what matters.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    scheduler = AsyncIOScheduler(timezone=settings.tz)
    scheduler.declic_running = running  # type: ignore[attr-defined]  # for stop_scheduler
    scheduler.add_job(
        service_levels,
        IntervalTrigger(seconds=settings.service_level_interval_seconds, timezone=settings.tz),
        id=SERVICE_LEVELS,
        name="service levels",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        replace_existing=True,
        next_run_time=datetime.now(settings.tz),
    )
    return scheduler


async def stop_scheduler(scheduler: AsyncIOScheduler, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Stop: no new run starts, a run in progress is cancelled and its transaction rolled
    back; returns once that is done (so the engine can be disposed of afterwards)."""
    if scheduler.running:
        scheduler.shutdown(wait=False)  # AsyncIOScheduler: takes effect on the next loop turn
    await asyncio.sleep(0)
    pending = [t for t in getattr(scheduler, "declic_running", ()) if not t.done()]
    if pending:
        await asyncio.wait(pending, timeout=timeout)


async def run_scheduler(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, settings: Settings
) -> None:
    """``declic scheduler``: the jobs alone, until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    scheduler = make_scheduler(uow_factory, clock, settings)
    scheduler.start()
    every = settings.service_level_interval_seconds
    log.info("scheduler started (service levels every %ss)", every)
    try:
        await stop.wait()
    finally:
        await stop_scheduler(scheduler)
        log.info("scheduler stopped")


async def run_scheduler_alone(settings: Settings) -> None:
    """``declic scheduler``: the jobs without the bot (what they post waits in the outbox for
    the bot's sender). The embedded SQLite default is migrated first, as ``declic bot`` does."""
    await ensure_schema(settings.database_url, auto_upgrade=settings.is_sqlite)
    engine = make_engine(settings.database_url)
    try:
        await run_scheduler(uow_factory_for(engine), SystemClock(settings.tz), settings)
    finally:
        await engine.dispose()
