"""``bench.turn_ab``'s session-13 variant for a pressed button's acknowledgement (issue 18).

B (``on``): the tree's ``bot.routers.buttons.button``, whose ``answerCallbackQuery`` travels in
a task beside the turn (``bot.acknowledge``); A: the way before, the answer awaited before the
turn. In production the change takes a Telegram round trip off every button's reply; here the
canned Bot API answers at once, so only its CPU shows. ``acknowledge_outside`` compares the CPU
outside ``ConversationService.handle`` alone (``bench.session12_outside``).
"""

from __future__ import annotations

import contextlib
from typing import Any

from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery

from bench.session12_outside import _outside
from bot.acknowledge import Acknowledgements
from bot.inbound import from_callback
from bot.middlewares import FloodGuard
from bot.routers import buttons
from routing.conversation.service import ConversationService
from routing.outbox.sender import OutboxSender

_button = buttons.button


async def button_before(
    callback: CallbackQuery,
    service: ConversationService,
    outbox: OutboxSender,
    acknowledgements: Acknowledgements,
    update_id: int | None = None,
    flood: FloodGuard | None = None,
) -> None:
    """``buttons.button`` as it was: the answer awaited, then the turn."""
    with contextlib.suppress(TelegramAPIError):
        await callback.answer()
    inbound = from_callback(callback, update_id)
    if inbound is not None:
        outcome = await service.handle(inbound)
        if outcome.erased and flood is not None:
            await flood.forget(callback.from_user.id)
        outbox.wake()


def _acknowledge(declic: Any, on: bool) -> None:
    setattr(buttons, "button", _button if on else button_before)  # noqa: B010


VARIANTS = {"acknowledge": _acknowledge, "acknowledge_outside": _outside(_acknowledge)}
