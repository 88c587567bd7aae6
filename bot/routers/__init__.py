"""One router per conversation area, assembled by ``get_routers``."""

from __future__ import annotations

from aiogram import F, Router

from bot.routers import buttons, messages


def get_routers() -> list[Router]:
    """Residents talk to the bot in private chats only; groups are for staff (later)."""
    routers = [buttons.build_router(), messages.build_router()]
    for router in routers:
        router.message.filter(F.chat.type == "private")
        router.edited_message.filter(F.chat.type == "private")
    return routers
