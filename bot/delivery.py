"""Deliver outbox rows through the Bot API, translating Telegram's answers into outcomes."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.wire import telegram_call
from routing.journey.records import OutgoingMessage
from routing.outbox.outcomes import Delivered, DeliveryResult, Failed, RetryLater


class TelegramDelivery:
    def __init__(self, bot: Bot, timeout: float = 20.0) -> None:
        self.bot = bot
        self.timeout = timeout

    async def __call__(self, row: OutgoingMessage) -> DeliveryResult:
        if not row.chat_id:
            return Failed("no chat to send to")
        try:
            return await asyncio.wait_for(self._call(row, row.chat_id), self.timeout)
        except TelegramRetryAfter as exc:
            return RetryLater(float(exc.retry_after), "429: too many requests")
        except TelegramForbiddenError as exc:
            return Failed(f"403: {exc.message}", unreachable=True)
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message:
                return Delivered(None)
            return Failed(f"400: {exc.message}")
        except (TelegramServerError, TelegramNetworkError, TimeoutError) as exc:
            return RetryLater(0.0, f"retry: {type(exc).__name__}: {exc}"[:200], backoff=True)

    async def _call(self, row: OutgoingMessage, chat: str) -> DeliveryResult:
        method, payload = telegram_call(row.method, row.payload)
        keyboard = _markup(payload.get("reply_markup"))
        chat_id: int | str = int(chat) if chat.lstrip("-").isdigit() else chat
        if method == "sendMessage":
            sent = await self.bot.send_message(chat_id, payload["text"], reply_markup=keyboard)
            return Delivered(sent.message_id)
        if method == "editMessageText":
            if keyboard is not None and not isinstance(keyboard, InlineKeyboardMarkup):
                return Failed("editMessageText takes inline buttons only")
            await self.bot.edit_message_text(
                text=payload["text"],
                chat_id=chat_id,
                message_id=int(payload["message_id"]),
                reply_markup=keyboard,
            )
            return Delivered(int(payload["message_id"]))
        if method == "sendDocument":
            document = BufferedInputFile(
                base64.b64decode(payload["content_b64"]), filename=payload["filename"]
            )
            sent = await self.bot.send_document(chat_id, document, caption=payload.get("caption"))
            return Delivered(sent.message_id)
        return Failed(f"unknown method {method}")


Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def _markup(markup: dict[str, Any] | None) -> Markup | None:
    """Inline buttons, or the reply keyboard that asks for a location, or its removal."""
    if not markup:
        return None
    if "keyboard" in markup:
        return ReplyKeyboardMarkup.model_validate(markup)
    if markup.get("remove_keyboard"):
        return ReplyKeyboardRemove()
    return InlineKeyboardMarkup.model_validate(markup)
