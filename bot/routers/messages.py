"""Whatever a resident sends (text, commands, files, voice, edits) goes to the intake service."""

from __future__ import annotations

from aiogram import Router
from aiogram.dispatcher.event.handler import CallbackType
from aiogram.types import Message

from bot.inbound import from_message
from bot.middlewares import FloodGuard
from routing.conversation.service import ConversationService
from routing.outbox.sender import OutboxSender


def register(router: Router, *filters: CallbackType) -> None:
    """The edits' handler on ``router`` (the dispatcher: ``bot.routers.attach``); new messages
    come to ``any_message`` from ``bot.routers.Residents``."""
    router.edited_message.register(edited_message, *filters)


async def any_message(
    message: Message,
    service: ConversationService,
    outbox: OutboxSender,
    update_id: int | None = None,
    throttle: tuple[bool, bool] = (False, False),
    flood: FloodGuard | None = None,
) -> None:
    outcome = await service.handle(from_message(message, update_id, throttle=throttle))
    if outcome.erased and flood is not None and message.from_user is not None:
        await flood.forget(message.from_user.id)
    outbox.wake()


async def edited_message(
    message: Message,
    service: ConversationService,
    outbox: OutboxSender,
    update_id: int | None = None,
) -> None:
    await service.handle(from_message(message, update_id, edited=True, throttle=(False, False)))
    outbox.wake()
