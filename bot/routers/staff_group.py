"""The Telegram staff group: « Je prends » under a posted case claims it, as the console does.

Only callback queries on messages of the configured group (group or supergroup) come here;
residents' private chats keep their own routers, and other messages in the group are ignored.
The toast under the button answers at once; the group's post is edited through the outbox.
"""

from __future__ import annotations

import contextlib
import logging

from aiogram import Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery

from bot.callbacks import unpack_claim
from bot.phrases import GROUP_TOAST
from infra.i18n import Translator
from routing.cases.staff_group import (
    CLAIMED,
    NOT_ALLOWED,
    NOT_LINKED,
    TAKEN,
    GroupClaim,
    StaffGroupService,
)
from routing.outbox.sender import OutboxSender

log = logging.getLogger(__name__)
GROUP_TYPES = frozenset({"group", "supergroup"})


def build_router(group_chat_id: int) -> Router:
    router = Router(name="staff_group")

    async def in_the_group(callback: CallbackQuery) -> bool:
        # A coroutine, not a magic ``F`` filter: aiogram runs synchronous filters in a thread,
        # and this one is checked for every resident's button press too.
        chat = callback.message.chat if callback.message is not None else None
        return chat is not None and chat.id == group_chat_id and chat.type in GROUP_TYPES

    router.callback_query.filter(in_the_group)
    router.callback_query.register(claim_pressed)
    return router


async def claim_pressed(
    callback: CallbackQuery, staff_group: StaffGroupService, outbox: OutboxSender
) -> None:
    t = Translator(staff_group.group.locale, staff_group.group.tz)
    case_id = unpack_claim(callback.data)
    if case_id is None:
        await _answer(callback, t.gettext(GROUP_TOAST["forged"]), alert=True)
        return
    result = await staff_group.claim(case_id, callback.from_user.id)
    text = toast(t, result, callback.from_user.id)
    await _answer(callback, text, alert=result.outcome in (NOT_LINKED, NOT_ALLOWED))
    if result.outcome == CLAIMED:
        outbox.wake()


def toast(t: Translator, result: GroupClaim, telegram_id: int) -> str:
    if result.outcome == TAKEN and not result.holder:
        return t.gettext(GROUP_TOAST["taken_anonymous"])
    return t.gettext(GROUP_TOAST[result.outcome]).format(
        name=result.holder or "", telegram_id=telegram_id
    )


async def _answer(callback: CallbackQuery, text: str, *, alert: bool) -> None:
    with contextlib.suppress(TelegramAPIError):
        await callback.answer(text[:200], show_alert=alert)
