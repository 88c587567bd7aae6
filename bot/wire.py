"""From an outbox row to a Bot API call: the only place the domain's messages meet Telegram.

Rows written by the bot's renderer already name their method (``sendMessage``,
``editMessageText``, ``sendDocument``); rows written by the domain name a kind of message
(``routing.outbox.messages``), turned here into the call, its keyboard and callback data.
"""

from __future__ import annotations

from typing import Any

from bot.callbacks import pack_claim
from routing.outbox import messages as kind

Call = tuple[str, dict[str, Any]]


def telegram_call(method: str, payload: dict[str, Any]) -> Call:
    """The Bot API method and its parameters for one row."""
    match method:
        case kind.TEXT:
            return "sendMessage", {"text": payload["text"]}
        case kind.CLAIM_OFFER:
            button = {"text": payload["button"], "callback_data": pack_claim(payload["case_id"])}
            keyboard = {"inline_keyboard": [[button]]}
            return "sendMessage", {"text": payload["text"], "reply_markup": keyboard}
        case kind.REWRITE:
            return "editMessageText", {"text": payload["text"], "message_id": payload["message_id"]}
        case kind.ATTACHMENT:
            document = {"filename": payload["filename"], "content_b64": payload["content_b64"]}
            if payload.get("caption") is not None:
                document["caption"] = payload["caption"]
            return "sendDocument", document
        case _:  # the bot's renderer made it: already a Bot API call
            return method, payload
