"""Composition roots: wire settings, database, clock, dialogue, renderer and senders.

Keyword seams (``clock=``, ``uow_factory=``) let tests substitute fakes without patching.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import make_bot, run_polling, telegram_delivery
from bot.middlewares import FloodGuard
from bot.render import Renderer
from bot.terminal import CHANNEL as TERMINAL
from bot.terminal import TerminalScreen, run_terminal
from infra.clock import Clock, SystemClock
from infra.db import make_engine
from infra.migrate import ensure_schema
from infra.settings import Settings, SettingsError
from infra.uow import UnitOfWork, uow_factory_for
from knowledge.lexicon import default_lexicon
from knowledge.store import CatalogueCache
from knowledge.territory import Gazetteer, load_gazetteer
from routing.conversation import ConversationService
from routing.dialogue import Dialogue
from routing.extraction import Extractor
from routing.outbox import OutboxSender

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
) -> Core:
    """Open the database (creating and migrating the embedded SQLite default) and the service."""
    engine = make_engine(settings.database_url)
    await ensure_schema(settings.database_url, auto_upgrade=settings.is_sqlite)
    uow_factory = uow_factory_for(engine)
    clock = clock or SystemClock(settings.tz)
    gazetteer = gazetteer or load_gazetteer()
    dialogue = Dialogue(Extractor(gazetteer, default_lexicon()))
    renderer = Renderer({q.id: q.name for q in gazetteer.quartiers})
    service = ConversationService(
        uow_factory,
        clock,
        dialogue,
        renderer,
        settings.locale,
        catalogues=CatalogueCache(gazetteer),
    )
    return Core(settings, engine, uow_factory, clock, gazetteer, service)


async def run_bot(settings: Settings) -> None:
    if settings.telegram_token is None:
        raise SettingsError(
            "DECLIC_TELEGRAM_TOKEN is not set: ask @BotFather for a token, "
            "or try `declic demo` in a terminal, which needs none."
        )
    core = await build_core(settings)
    bot = make_bot(settings.telegram_token.get_secret_value(), settings.telegram_api_url)
    outbox = OutboxSender(core.uow_factory, core.clock, telegram_delivery(bot), "telegram")
    flood = FloodGuard(settings.flood_messages, settings.flood_window_seconds)
    try:
        await run_polling(bot, core.service, outbox, flood, settings.poll_timeout_seconds)
    finally:
        await core.close()


async def run_chat(
    settings: Settings, resident: str = "local", *, before: Callable | None = None
) -> None:
    core = await build_core(settings)
    try:
        if before is not None:
            await before(core)

        def make_sender(screen: TerminalScreen) -> OutboxSender:
            return OutboxSender(core.uow_factory, core.clock, screen, TERMINAL)

        await run_terminal(core.service, make_sender, resident=resident)
    finally:
        await core.close()
