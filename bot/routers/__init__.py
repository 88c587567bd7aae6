"""One router per conversation area, assembled by ``get_routers``."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.routers import buttons, messages, staff_group


async def private_message(message: Message) -> bool:
    return message.chat.type == "private"


async def private_button(callback: CallbackQuery) -> bool:
    return callback.message is not None and callback.message.chat.type == "private"


def get_routers(staff_group_id: int | None = None) -> list[Router]:
    """Residents talk to the bot in private chats only; the staff group (if configured) has
    its own router, first, for the « Je prends » buttons.

    The filters are coroutines on purpose: aiogram (3.2x+) runs a *synchronous* filter, such as
    a magic ``F.chat.type == "private"``, in ``asyncio.to_thread``, a thread hop per router and
    per update on the hot path; a coroutine is awaited in place.
    """
    routers = [buttons.build_router(), messages.build_router()]
    for router in routers:
        router.message.filter(private_message)
        router.edited_message.filter(private_message)
        router.callback_query.filter(private_button)
    if staff_group_id is not None:
        routers.insert(0, staff_group.build_router(staff_group_id))
    return routers
