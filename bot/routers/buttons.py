"""Inline buttons: acknowledged beside the turn, handled like any answer (typed, never trusted)."""

from __future__ import annotations

from aiogram.types import CallbackQuery

from bot.acknowledge import Acknowledgements
from bot.inbound import from_callback
from bot.middlewares import FloodGuard
from routing.conversation.service import ConversationService
from routing.outbox.sender import OutboxSender


async def button(
    callback: CallbackQuery,
    service: ConversationService,
    outbox: OutboxSender,
    acknowledgements: Acknowledgements,
    update_id: int | None = None,
    flood: FloodGuard | None = None,
) -> None:
    acknowledgements.send(callback)  # stop the button's spinner; not a message to the resident
    inbound = from_callback(callback, update_id)
    if inbound is not None:
        outcome = await service.handle(inbound)
        if outcome.erased and flood is not None:  # « oui, efface tout »: no trace left here
            await flood.forget(callback.from_user.id)
        outbox.wake()
