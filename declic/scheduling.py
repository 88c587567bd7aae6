"""The scheduler: fixed interval jobs, re-created at every start (nothing pickled, no jobstore).

Jobs: follow-ups (``routing.followups.delivery.enqueue_due``: due follow-ups become outbox rows,
claimed with ``SKIP LOCKED`` so two schedulers never send one twice), retention
(``routing.privacy.retention``: the « toujours là ? » notice, then erasure after
``DECLIC_RETENTION_MONTHS`` of silence), and service levels
(``routing.cases.service_levels.enforce_service_levels``): unclaimed cases past
their working-hours deadline are escalated to coordinators (and posted to the staff group, if
one is configured); a holder who left a resident waiting too long gives the case back. One run
is one transaction. A failing run is rolled back, logged and counted (:func:`_attempt`, the one
place for every job), and the next tick does what it held; runs never overlap
(``max_instances=1``) and missed ticks collapse into one (``coalesce``). On PostgreSQL the cases
are locked with ``SKIP LOCKED``, so several scheduler processes may run side by side.

It runs inside ``declic bot`` and ``declic serve`` (beside the outbox sender) and alone as
``declic scheduler``, which then drains the outbox too (when a Telegram token is set).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from infra import metrics
from infra.clock import Clock, SystemClock
from infra.db import make_engine
from infra.migrate import ensure_schema
from infra.outage import log_failure
from infra.settings import Settings, SettingsError
from infra.slots import Slots
from infra.uow import UnitOfWork, uow_factory_for
from routing import sprints
from routing.cases import service_levels
from routing.followups import delivery as followup_delivery
from routing.followups import service as followups
from routing.followups.policy import Policy
from routing.followups.service import resident_blocked
from routing.outbox.claims import worker_name
from routing.outbox.rate_limit import Limits, LocalLimits, RateLimiter, SendLimits
from routing.outbox.sender import OutboxSender
from routing.outbox.shared_limits import DatabaseLimits, RedisLimits
from routing.privacy import retention

log = logging.getLogger(__name__)
SERVICE_LEVELS = "service_levels"
FOLLOWUPS = "followups"
RETENTION = "retention"
JOB_NAMES = {SERVICE_LEVELS: "service levels", FOLLOWUPS: "follow-ups", RETENTION: "retention"}
FollowUpRender = Callable[..., list[Any]]
T = TypeVar("T")


async def _attempt(job: str, run: Callable[[], Awaitable[T]]) -> T | None:
    """One run of ``job`` (an id of ``JOB_NAMES``); None when it failed. Every job's failures
    are logged and counted here (``declic_scheduler_runs_total{job,outcome}``). A failed run's
    open transaction is rolled back (the batches it committed stay done) and what it held stays
    due: the job's next firing does it (nothing is raised to APScheduler, which would log an
    ERROR with a traceback of its own and fire the job again all the same). A database outage (a
    PostgreSQL restart, a cut connection, a SQLite file out of reach: ``infra.outage``) is
    expected: one WARNING line naming the job and the outage, never the error's message (a
    statement's values can carry a resident's words). Anything else is a bug: an ERROR with
    its traceback."""
    try:
        result = await run()
    except Exception as exc:
        outage = log_failure(log, JOB_NAMES[job], "the next run tries again", exc)
        metrics.SCHEDULER_RUNS.labels(job, "unavailable" if outage else "failed").inc()
        return None
    metrics.SCHEDULER_RUNS.labels(job, "done").inc()
    return result


async def followups_once(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    render: FollowUpRender,
    policy: Policy,
    worker: str,
    *,
    budget_seconds: float = 20.0,
    on_written: Callable[[list[int]], None] | None = None,
) -> list[int] | None:
    """One run: batches (one transaction each) until nothing is due or the budget is spent;
    the outbox ids written, or None when a batch failed (logged; what it held stays due)."""
    written = await _attempt(
        FOLLOWUPS,
        lambda: followup_delivery.enqueue_all_due(
            uow_factory,
            clock,
            render,
            policy,
            worker,
            budget_seconds=budget_seconds,
            on_written=on_written,
        ),
    )
    if written:
        log.info("follow-ups: %s message(s) queued", len(written))
    return written


async def service_levels_once(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, settings: Settings
) -> service_levels.ServiceLevelReport | None:
    """One run, one transaction; None when it failed (logged, nothing half-done is kept)."""

    async def run() -> service_levels.ServiceLevelReport:
        async with uow_factory() as uow:
            report = await service_levels.enforce_service_levels(uow, clock.now(), settings)
            await uow.commit()
            return report

    report = await _attempt(SERVICE_LEVELS, run)
    if report is None:
        return None
    if report.escalated or report.returned:
        log.info(
            "service levels: escalated %s, returned to the queue %s",
            list(report.escalated),
            list(report.returned),
        )
    return report


async def retention_once(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    settings: Settings,
    render: FollowUpRender | None,
    policy: Policy,
    forget_chat: Callable[[str], Awaitable[None]] | None = None,
) -> retention.RetentionReport | None:
    """One run of the retention job (see ``routing.privacy.retention``); None when it failed
    (logged; what a failed batch held is done by the next run)."""

    async def run() -> retention.RetentionReport:
        now = clock.now()
        report = await retention.enforce_retention(
            uow_factory,
            now,
            settings.retention_months,
            render,
            rules=sprints.rules_of(settings),
            notices_allowed=policy.allowed(now),
        )
        if forget_chat is not None:
            for chat in report.erased_chats:
                await forget_chat(chat)
        return report

    report = await _attempt(RETENTION, run)
    if report is None:
        return None
    if report.noticed or report.erased:
        log.info(
            "retention: %s notice(s) queued, %s resident(s) erased",
            len(report.noticed),
            report.erased,
        )
    return report


def make_scheduler(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    settings: Settings,
    *,
    after_run: Callable[[service_levels.ServiceLevelReport | None], None] | None = None,
    followup_render: FollowUpRender | None = None,
    after_followups: Callable[[list[int] | None], None] | None = None,
    forget_chat: Callable[[str], Awaitable[None]] | None = None,
) -> AsyncIOScheduler:
    """A scheduler with its interval jobs; the first run is due at once. Start it inside the
    running event loop; ``after_run`` (e.g. waking the outbox) sees each run's report. With a
    ``followup_render`` (the transport's renderer), due follow-ups are turned into messages
    and ``after_followups`` sees the outbox ids written."""

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

    policy = followups.policy_of(settings)
    worker = worker_name()

    async def followup_job() -> None:
        task = asyncio.current_task()
        if task is not None:
            running.add(task)
        try:
            assert followup_render is not None
            written = await followups_once(
                uow_factory,
                clock,
                followup_render,
                policy,
                worker,
                budget_seconds=settings.followup_interval_seconds,
                on_written=after_followups,
            )
        finally:
            if task is not None:
                running.discard(task)
        if after_followups is not None:
            after_followups(written)

    async def retention_job() -> None:
        task = asyncio.current_task()
        if task is not None:
            running.add(task)
        try:
            report = await retention_once(
                uow_factory, clock, settings, followup_render, policy, forget_chat
            )
        finally:
            if task is not None:
                running.discard(task)
        if report is not None and report.noticed and after_followups is not None:
            after_followups(list(report.noticed))  # wakes the sender

    # APScheduler logs every run at INFO: one line a minute would bury what matters.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    scheduler = AsyncIOScheduler(timezone=settings.tz)
    scheduler.declic_running = running  # for stop_scheduler

    def every(seconds: float, job: Callable[[], Awaitable[None]], job_id: str, name: str) -> None:
        """An interval job, one run at a time, late runs merged, first run now."""
        scheduler.add_job(
            job,
            IntervalTrigger(seconds=seconds, timezone=settings.tz),
            id=job_id,
            name=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            replace_existing=True,
            next_run_time=datetime.now(settings.tz),
        )

    every(settings.service_level_interval_seconds, service_levels, SERVICE_LEVELS, "service levels")
    every(settings.retention_interval_seconds, retention_job, RETENTION, "retention")
    if followup_render is not None:
        every(settings.followup_interval_seconds, followup_job, FOLLOWUPS, "follow-ups")
    return scheduler


async def stop_scheduler(scheduler: AsyncIOScheduler, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Stop: no new run starts; a run in progress may finish within ``timeout`` (the grace of
    a SIGTERM), after which it is cancelled and its transaction rolled back (the next start
    does it again); returns once that is done (so the engine can be disposed of afterwards)."""
    running: set[asyncio.Task[None]] = getattr(scheduler, "declic_running", set())
    if scheduler.running:
        scheduler.pause()
        pending = [t for t in running if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=timeout)
        scheduler.shutdown(wait=False)  # AsyncIOScheduler: takes effect on the next loop turn
    await asyncio.sleep(0)
    pending = [t for t in running if not t.done()]
    if pending:
        await asyncio.wait(pending, timeout=timeout)


async def run_scheduler(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    settings: Settings,
    *,
    followup_render: FollowUpRender | None = None,
    outbox: OutboxSender | None = None,
) -> None:
    """``declic scheduler``: the jobs alone (and the outbox sender, if given), until SIGTERM or
    SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    wake = outbox.wake if outbox is not None else None
    scheduler = make_scheduler(
        uow_factory,
        clock,
        settings,
        after_run=(lambda _report: wake()) if wake else None,
        followup_render=followup_render,
        after_followups=(lambda _ids: wake()) if wake else None,
        forget_chat=outbox.limits.forget_chat if outbox is not None else None,
    )
    scheduler.start()
    sender = asyncio.create_task(outbox.run(stop), name="outbox") if outbox is not None else None
    every = settings.service_level_interval_seconds
    log.info(
        "scheduler started (service levels every %ss, follow-ups every %ss%s)",
        every,
        settings.followup_interval_seconds,
        ", outbox sender" if outbox is not None else "",
    )
    try:
        await stop.wait()
    finally:
        stop.set()  # the sender finishes the batch it is sending, the jobs their run
        grace = settings.shutdown_grace_seconds
        await asyncio.gather(
            stop_scheduler(scheduler, grace), _stop_sender(sender, grace), return_exceptions=True
        )
        log.info("scheduler stopped")


async def _stop_sender(sender: asyncio.Task[None] | None, grace: float) -> None:
    if sender is not None:
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(sender, timeout=grace)


async def run_scheduler_alone(settings: Settings) -> None:
    """``declic scheduler``: the jobs without the bot's polling. With a Telegram token it also
    drains the outbox (follow-ups, service-level posts, and anything the bot queued); without
    one, what the jobs write waits for the bot's sender. The embedded SQLite default is
    migrated first, as ``declic bot`` does."""
    from bot.render import OfficeWords, Renderer  # the words of follow-ups (no aiogram bot)
    from declic.metrics_server import metrics_server

    await ensure_schema(settings.database_url, auto_upgrade=settings.is_sqlite)
    engine = make_engine(settings.database_url)
    uow_factory = uow_factory_for(engine)
    clock = SystemClock(settings.tz)
    bot = None
    outbox = None
    if settings.telegram_token is not None:
        from bot.app import make_bot, telegram_delivery

        bot = make_bot(settings.telegram_token.get_secret_value(), settings.telegram_api_url)
        outbox = make_outbox(uow_factory, clock, telegram_delivery(bot), settings)
    try:
        async with metrics_server(settings, engine, uow_factory):
            await run_scheduler(
                uow_factory,
                clock,
                settings,
                followup_render=Renderer(office=OfficeWords.of(settings)),  # office, register
                outbox=outbox,
            )
    finally:
        if bot is not None:
            await bot.session.close()
        await engine.dispose()


def make_outbox(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    deliver: Any,
    settings: Settings,
    slots: Slots | None = None,
) -> OutboxSender:
    """The Telegram outbox sender with the configured limits, kept where every sender process
    sees them: Telegram counts messages per bot, not per process, and production runs several
    senders (two webhook workers and ``declic scheduler``) on one database, so limits in each
    process's memory would add up past Telegram's and meet 429s. ``outbox_limits="auto"``:
    Redis when ``DECLIC_REDIS_URL`` is set, else the database on PostgreSQL (the
    ``rate_buckets`` table), else this process's memory (SQLite serves one process).
    ``slots``: shared with the residents' turns, which go first (``infra.slots``)."""
    return OutboxSender(
        uow_factory,
        clock,
        deliver,
        "telegram",
        limiter=make_send_limits(settings),
        max_attempts=settings.outbox_max_attempts,
        lease_seconds=settings.outbox_lease_seconds,
        pause_after_claim=settings.test_pause_after_claim_seconds,
        on_unreachable=resident_blocked,
        slots=slots,
    )


def make_send_limits(settings: Settings) -> SendLimits:
    """The outbox's rate limits from the settings (see :func:`make_outbox`)."""
    limits = Limits(
        settings.outbox_rate_per_second,
        settings.outbox_chat_rate_per_second,
        settings.outbox_chat_burst,
        settings.outbox_group_rate_per_minute,
    )
    backend = settings.outbox_limits
    if backend == "auto":
        backend = "redis" if settings.redis_url else "memory" if settings.is_sqlite else "database"
    # Telegram counts per bot: the buckets are the bot's (its id, the token's public part), so
    # a Redis or a database shared by two bots (staging and production) keeps them apart.
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    bot = token.split(":", 1)[0] if ":" in token else "bot"
    if backend == "redis":
        if not settings.redis_url:
            raise SettingsError("DECLIC_OUTBOX_LIMITS=redis needs DECLIC_REDIS_URL.")
        return RedisLimits.connect(settings.redis_url, limits, f"declic:rate:{bot}:")
    if backend == "database":
        if settings.is_sqlite:
            raise SettingsError("DECLIC_OUTBOX_LIMITS=database needs PostgreSQL.")
        return DatabaseLimits.connect(settings.database_url, limits, f"telegram:{bot}:")
    limiter = RateLimiter(
        limits.per_second, limits.chat_per_second, limits.chat_burst, limits.group_per_minute
    )
    return LocalLimits(limiter)
