"""Composition roots: wire settings, database, clock, dialogue, renderer and senders.

Keyword seams (``clock=``, ``uow_factory=``) let tests substitute fakes without patching.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import build_dispatcher, make_bot, run_polling, telegram_delivery
from bot.middlewares import FloodGuard, flood_guard
from bot.render import OfficeWords, Renderer
from bot.terminal import CHANNEL as TERMINAL
from bot.terminal import TerminalScreen, run_terminal
from bot.webhook import WEBHOOK_PATH, WebhookConfig, serve_webhook
from declic.bootstrap import preload_holidays, wire
from declic.metrics_server import metrics_server
from declic.scheduling import make_outbox, make_scheduler, stop_scheduler
from infra.clock import Clock
from infra.db import make_engine
from infra.heap import freeze_startup_heap
from infra.migrate import ensure_schema
from infra.settings import Settings, SettingsError
from infra.slots import Slots
from infra.uow import UnitOfWork, uow_factory_for
from knowledge.city import load_city
from knowledge.lexicon import default_lexicon
from knowledge.store import CatalogueCache
from knowledge.territory import Gazetteer
from routing.cases.group_posts import staff_group_of
from routing.cases.service_levels import working_hours
from routing.cases.staff_group import StaffGroupService
from routing.conversation.filling import Listening, Reader
from routing.conversation.service import ConversationService
from routing.followups.service import resident_blocked
from routing.intake import Dialogue
from routing.intake.extraction import Extractor
from routing.outbox.sender import OutboxSender
from routing.understanding import Context, GazetteerPlaces, Understander
from routing.understanding import Step as ReadingStep

log = logging.getLogger(__name__)


@dataclass
class Core:
    settings: Settings
    engine: AsyncEngine
    uow_factory: Callable[[], UnitOfWork]
    clock: Clock
    gazetteer: Gazetteer
    service: ConversationService

    async def close(self) -> None:
        await self.engine.dispose()


async def build_core(
    settings: Settings,
    *,
    clock: Clock | None = None,
    gazetteer: Gazetteer | None = None,
    reader: Reader | None = None,
) -> Core:
    """Open the database (creating and migrating the embedded SQLite default) and the service."""
    engine = make_engine(settings.database_url)
    await ensure_schema(settings.database_url, auto_upgrade=settings.is_sqlite)
    uow_factory = uow_factory_for(engine)
    wiring = wire(settings, clock=clock)
    clock = wiring.clock
    preload_holidays(settings, clock.now().year)
    if gazetteer is None:
        async with uow_factory() as uow:
            gazetteer = await load_city(uow)
    if reader is None:
        reader = understander_for(gazetteer)
    dialogue = Dialogue(Extractor(gazetteer, default_lexicon()), threshold=reader.threshold)
    listening = Listening(
        reader,
        working_hours(settings),
        settings.case_escalate_after_working_minutes,
        settings.default_register,
    )
    renderer = Renderer(
        {q.id: q.name for q in gazetteer.quartiers}, office=OfficeWords.of(settings)
    )
    service = ConversationService(
        uow_factory,
        clock,
        dialogue,
        renderer,
        default_locale=settings.locale,
        catalogues=CatalogueCache(gazetteer),
        staff_group=wiring.staff_group,
        followup_planner=wiring.followups,
        sprint_rules=wiring.sprint_rules,
        listening=listening,
    )
    return Core(settings, engine, uow_factory, clock, gazetteer, service)


# Made-up messages read once by ``prime``: an idea (its title, places, dates, group, timing), in
# both languages, and a short answer; no resident's words.
_FIRST_READS = (
    (
        "Bonjour, avec 10 voisins on voudrait créer un jardin partagé près de l'école, dès le "
        "12 mars, il nous faudrait une salle",
        ReadingStep.START,
        "fr",
    ),
    (
        "Hello, we are a small group and would like to start a repair café next spring",
        ReadingStep.START,
        "en",
    ),
    ("d'ici trois mois", ReadingStep.TIMING, "fr"),
)


async def prime(core: Core) -> None:
    """Build before serving what the first turns would otherwise build with the event loop
    stopped: the directory's catalogue (``CatalogueCache``), built at the first submission and
    rebuilt after an import: 32 ms for the demo's 84 entries, about a second for a thousand
    (bench/README.md, ``matching``), while every turn in flight waits; and the understanding's
    patterns and word lists, loaded at their first use (about 30 ms of CPU in the first texts
    read after a start), by reading a few made-up messages. Built here they are also part of
    the start-up heap that ``freeze_startup_heap`` puts out of the collector's sight."""
    if core.service.catalogues is not None:
        async with core.uow_factory() as uow:
            await core.service.catalogues.get(uow)
    reader = core.service.listening.reader
    if reader is not None:
        context = Context(core.clock.now().date())
        for text, step, locale in _FIRST_READS:
            reader.understand(text, step, locale, context)


def understanding_cache() -> Path:
    """Where trained intent weights are kept between starts: the user's cache folder (files
    named by the hash of the repository's training data, never residents' words), so that only
    the first start after a change of the data trains (seconds), whatever the working folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "declic" / "understanding"


def understander_for(gazetteer: Gazetteer) -> Reader:
    """The understanding layer for this city, built once per process and shared."""
    return Understander(GazetteerPlaces(gazetteer), cache_dir=understanding_cache())


async def run_bot(settings: Settings) -> None:
    if settings.telegram_token is None:
        raise SettingsError(
            "DECLIC_TELEGRAM_TOKEN is not set: ask @BotFather for a token, "
            "or try `declic demo` in a terminal, which needs none."
        )
    core = await build_core(settings)
    await _run_bot_core(core, settings)


@dataclass
class BotParts:
    """What polling and webhook workers share: the Bot API client, the outbox sender, the
    staff group and the scheduler's jobs (service levels and follow-ups, whose messages the
    outbox sends)."""

    bot: Bot
    outbox: OutboxSender
    staff_group: StaffGroupService | None
    scheduler: AsyncIOScheduler
    slots: Slots  # the turns' and the outbox sender's, turns first (infra.slots)


def _bot_parts(core: Core, settings: Settings) -> BotParts:
    assert settings.telegram_token is not None
    bot = make_bot(settings.telegram_token.get_secret_value(), settings.telegram_api_url)
    slots = Slots(settings.turn_slots)
    outbox = make_outbox(core.uow_factory, core.clock, telegram_delivery(bot), settings, slots)
    group = staff_group_of(settings)
    staff_group = StaffGroupService(core.uow_factory, core.clock, group) if group else None
    scheduler = make_scheduler(
        core.uow_factory,
        core.clock,
        settings,
        after_run=lambda _report: outbox.wake(),
        followup_render=core.service.renderer,
        after_followups=lambda _ids: outbox.wake(),
        forget_chat=outbox.limits.forget_chat,
    )
    return BotParts(bot, outbox, staff_group, scheduler, slots)


async def _run_bot_core(core: Core, settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Polling, the outbox sender and the scheduler's jobs on one event loop."""
    parts = _bot_parts(core, settings)
    flood = FloodGuard(settings.flood_messages, settings.flood_window_seconds)
    await prime(core)
    freeze_startup_heap()
    parts.scheduler.start()
    try:
        async with metrics_server(settings, core.engine, core.uow_factory):
            await run_polling(
                parts.bot,
                core.service,
                parts.outbox,
                flood,
                settings.poll_timeout_seconds,
                staff_group=parts.staff_group,
                stop=stop,
                turn_slots=parts.slots,
            )
    finally:
        await stop_scheduler(parts.scheduler, settings.shutdown_grace_seconds)
        await core.close()


def webhook_config(settings: Settings, host: str, port: int) -> WebhookConfig:
    """The webhook's settings, or a SettingsError saying what is missing."""
    if settings.telegram_token is None:
        raise SettingsError("DECLIC_TELEGRAM_TOKEN is not set: ask @BotFather for a token.")
    if not settings.webhook_url:
        raise SettingsError(
            "DECLIC_WEBHOOK_URL is not set: the public https:// address at which Telegram "
            f"reaches this bot ({WEBHOOK_PATH} is appended)."
        )
    if settings.webhook_secret is None:
        raise SettingsError(
            "DECLIC_WEBHOOK_SECRET is not set: 1 to 256 characters among A-Z, a-z, 0-9, _ "
            "and - (e.g. `openssl rand -hex 32`); Telegram sends it with every update so that "
            "forged updates are refused."
        )
    return WebhookConfig(
        public_url=settings.webhook_url,
        secret=settings.webhook_secret.get_secret_value(),
        host=host,
        port=port,
        max_connections=settings.webhook_max_connections,
        grace_seconds=settings.shutdown_grace_seconds,
    )


async def run_webhook(settings: Settings, host: str, port: int) -> None:
    """`declic bot --webhook`: a worker serving Telegram's webhook, with the outbox sender and
    the scheduler's jobs beside it. Several such workers may share one PostgreSQL database
    (updates deduplicated there, one chat handled by one worker at a time)."""
    config = webhook_config(settings, host, port)
    core = await build_core(settings)
    parts = _bot_parts(core, settings)
    flood = flood_guard(settings.flood_messages, settings.flood_window_seconds, settings.redis_url)
    dispatcher = build_dispatcher(
        core.service,
        parts.outbox,
        flood,
        parts.staff_group,
        transport="webhook",
        turn_slots=parts.slots,
    )
    await prime(core)
    freeze_startup_heap()
    parts.scheduler.start()
    try:
        await serve_webhook(
            parts.bot,
            dispatcher,
            parts.outbox,
            config,
            engine=core.engine,
            uow_factory=core.uow_factory,
            default_locale=settings.locale,
        )
    finally:
        await stop_scheduler(parts.scheduler, settings.shutdown_grace_seconds)
        await flood.aclose()
        await core.close()


async def run_serve(settings: Settings, host: str, port: int) -> None:
    """``declic serve``: bot (polling and outbox), console and scheduler in one process and
    one event loop, for a small deployment. SIGTERM or SIGINT stops all three gracefully."""
    if settings.telegram_token is None:
        raise SettingsError("DECLIC_TELEGRAM_TOKEN is not set: `declic serve` runs the bot too.")
    from declic.console_runtime import embedded_console  # no aiogram in the console's root

    core = await build_core(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    server = embedded_console(settings, core.uow_factory, core.clock, host, port)
    console = asyncio.create_task(server.serve(), name="console")

    async def stop_console() -> None:
        await stop.wait()
        server.should_exit = True

    watcher = asyncio.create_task(stop_console(), name="console-stop")
    try:
        await _run_bot_core(core, settings, stop)
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(console, watcher), timeout=settings.shutdown_grace_seconds + 1
            )
        await core.close()  # again: the console's last requests may have opened connections


async def run_chat(
    settings: Settings,
    resident: str = "local",
    *,
    before: Callable[[Core], Awaitable[object]] | None = None,
) -> None:
    core = await build_core(settings)
    try:
        if before is not None:
            await before(core)

        def make_sender(screen: TerminalScreen) -> OutboxSender:
            return OutboxSender(
                core.uow_factory, core.clock, screen, TERMINAL, on_unreachable=resident_blocked
            )

        await run_terminal(core.service, make_sender, resident=resident)
    finally:
        await core.close()
