"""One router per conversation area, assembled by ``get_routers``."""

from __future__ import annotations

from aiogram import F, Router

from bot.routers import buttons, messages, staff_group


def get_routers(staff_group_id: int | None = None) -> list[Router]:
    """Residents talk to the bot in private chats only; the staff group (if configured) has
    its own router, first, for the « Je prends » buttons."""
    routers = [buttons.build_router(), messages.build_router()]
    for router in routers:
        router.message.filter(F.chat.type == "private")
        router.edited_message.filter(F.chat.type == "private")
        router.callback_query.filter(F.message.chat.type == "private")
    if staff_group_id is not None:
        routers.insert(0, staff_group.build_router(staff_group_id))
    return routers
