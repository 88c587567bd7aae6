"""The handlers of each conversation area, attached to the dispatcher by ``attach``."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.routers import buttons, messages, staff_group


async def private_message(message: Message) -> bool:
    return message.chat.type == "private"


async def private_button(callback: CallbackQuery) -> bool:
    return callback.message is not None and callback.message.chat.type == "private"


def attach(dispatcher: Router, staff_group_id: int | None = None) -> None:
    """Residents talk to the bot in private chats only: their handlers (buttons, messages)
    are the dispatcher's own, each behind the private-chat filter; the staff group (if
    configured) has its own router, for the « Je prends » buttons of its chat.

    On the dispatcher itself, not in routers of their own: aiogram wraps the middlewares of
    every router an update passes through (a ``functools.wraps`` and a ``partial`` each), and a
    resident's text went through the buttons' router before reaching the messages' (with the
    conversation service stubbed, an update 106.6 -> 80.0 µs of CPU for a text, 138.2 -> 123.5
    for a button). The dispatcher's handlers are tried before its routers', and the staff
    group's buttons are pressed in a group chat, which the private-chat filter turns away: the
    same handler answers every update as before.

    The filters are coroutines on purpose: aiogram (3.2x+) runs a *synchronous* filter, such as
    a magic ``F.chat.type == "private"``, in ``asyncio.to_thread``, a thread hop per update on
    the hot path; a coroutine is awaited in place.
    """
    buttons.register(dispatcher, private_button)
    messages.register(dispatcher, private_message)
    if staff_group_id is not None:
        dispatcher.include_router(staff_group.build_router(staff_group_id))
