"""Composition root of the Telegram transport: dispatcher, middlewares, sender, polling.

Webhook mode lives in ``bot.webhook``; both share ``build_dispatcher``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any, cast

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    GetUpdates,
    SendDocument,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import Response

from bot import acknowledge
from bot.acknowledge import Acknowledgements
from bot.commands import register_commands
from bot.delivery import TelegramDelivery
from bot.middlewares import (
    ChatOrder,
    FloodGuard,
    OuterChain,
    TurnGate,
    UpdateIdMiddleware,
    UpdateMetrics,
)
from bot.polling import ConfirmingPoller
from bot.routers import attach
from infra.slots import DEFAULT_TURN_SLOTS, Slots
from routing.cases.staff_group import StaffGroupService
from routing.conversation.service import ConversationService
from routing.outbox.sender import OutboxSender

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
TURN_SLOTS = DEFAULT_TURN_SLOTS  # turns at once when none is configured (infra.slots)


def _answer_model(method: type[TelegramMethod[Any]]) -> type[Response[Any]]:
    # Response[method.__returning__], spelt as the call it is: the subscript is a runtime value,
    # which a type checker cannot read as a type.
    return cast(type[Response[Any]], Response.__class_getitem__(method.__returning__))


# aiogram reads every Bot API answer with pydantic's Response[<the method's result type>], a
# generic model that pydantic caches weakly: once a garbage collection had freed it, the next
# call built the class again, about 1 ms of CPU with the event loop stopped (every button press
# answers its callback: ~100 rebuilds in 1,000 turns on PostgreSQL). The process keeps the
# models of the calls it makes on every turn and every reply.
ANSWER_MODELS = tuple(
    _answer_model(method)
    for method in (AnswerCallbackQuery, SendMessage, EditMessageText, SendDocument, GetUpdates)
)


def make_bot(token: str, api_url: str) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url.rstrip("/")))
    return Bot(token=token, session=session)


def build_dispatcher(
    service: ConversationService,
    outbox: OutboxSender,
    flood: FloodGuard,
    staff_group: StaffGroupService | None = None,
    *,
    transport: str = "polling",
    turn_slots: int | Slots = TURN_SLOTS,
) -> Dispatcher:
    """Routers and middlewares. ``transport`` ("polling" or "webhook") labels the metrics;
    webhook workers, possibly several, also serialise each chat across processes; at most
    ``turn_slots`` turns run at once (``TurnGate``; give the ``Slots`` the outbox sender shares
    so that turns go first).

    Without aiogram's FSM (``disable_fsm``): the conversation's state is in the database, and
    aiogram's FSM middleware would, for every update, build a storage key and a context that no
    handler reads, and keep a record per chat in memory for the process's life (a resident's
    Telegram id too, after they had themselves erased)."""
    dp = Dispatcher(
        service=service,
        outbox=outbox,
        staff_group=staff_group,
        flood=flood,
        acknowledgements=Acknowledgements(),
        disable_fsm=True,
    )
    dp.update.middleware = OuterChain(dp.update.middleware)  # the outer chain built once
    dp.update.outer_middleware(UpdateMetrics(transport))
    dp.update.outer_middleware(UpdateIdMiddleware())
    dp.update.outer_middleware(ChatOrder(across_processes=transport == "webhook"))
    dp.update.outer_middleware(TurnGate(turn_slots))
    attach(dp, staff_group.group.chat_id if staff_group else None)
    return dp


async def run_polling(
    bot: Bot,
    service: ConversationService,
    outbox: OutboxSender,
    flood: FloodGuard,
    poll_timeout: int = 25,
    staff_group: StaffGroupService | None = None,
    stop: asyncio.Event | None = None,
    turn_slots: int | Slots = TURN_SLOTS,
) -> None:
    """Long polling until SIGTERM/SIGINT (or ``stop``, set by a caller that handles the
    signals itself, e.g. ``declic serve``); the outbox keeps draining beside it.

    Updates are confirmed to Telegram only after they are handled (see ``bot.polling``).
    """
    dp = build_dispatcher(service, outbox, flood, staff_group, turn_slots=turn_slots)
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
    sender = asyncio.create_task(outbox.run(stop), name="outbox")
    poller = ConfirmingPoller(bot, dp, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES)
    try:
        await register_commands(bot, service.default_locale)
        await bot.delete_webhook(drop_pending_updates=False)
        log.info("polling started")
        await poller.run(stop)
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(sender, timeout=5)
        await acknowledge.drain(dp)
        await bot.session.close()


def telegram_delivery(bot: Bot) -> TelegramDelivery:
    return TelegramDelivery(bot)
