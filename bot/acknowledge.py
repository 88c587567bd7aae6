"""A pressed button's acknowledgement (``answerCallbackQuery``), sent beside its turn.

Telegram shows a spinner on a pressed button until the bot answers its callback query. The
answer says nothing to the resident, yet awaiting it before the turn put a Bot API round trip
(tens of milliseconds in production) in front of every button's reply, while the chat's order
and a turn slot were held. So the turn starts at once and the answer travels meanwhile; a failed
answer (a query too old, the network) changes nothing for the turn: it is logged and dropped.
A process that stops waits a moment for the answers still on their way (``drain``).
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery

log = logging.getLogger(__name__)
DRAIN_SECONDS = 2.0  # a stopping process waits this long, at most, for the answers on their way


class Acknowledgements:
    """The answers on their way; a reference to each task until it ends (the event loop keeps
    only weak ones)."""

    def __init__(self) -> None:
        self._pending: set[asyncio.Task[None]] = set()

    def send(self, callback: CallbackQuery) -> None:
        task = asyncio.get_running_loop().create_task(_answer(callback))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def pending(self) -> int:
        return len(self._pending)

    async def drain(self, within: float) -> None:
        """Wait up to ``within`` seconds for the answers still on their way."""
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=within)


async def _answer(callback: CallbackQuery) -> None:
    try:
        await callback.answer()
    except TelegramAPIError as error:  # the turn is not concerned; the spinner stops by itself
        log.info("a button's acknowledgement failed: %s", type(error).__name__)
    except Exception:  # a task's error would otherwise be lost with it
        log.exception("a button's acknowledgement failed")


async def drain(dispatcher: Dispatcher, within: float = DRAIN_SECONDS) -> None:
    """Before the bot's session closes: the dispatcher's answers still on their way."""
    acknowledgements = dispatcher.workflow_data.get("acknowledgements")
    if isinstance(acknowledgements, Acknowledgements):
        await acknowledgements.drain(within)
