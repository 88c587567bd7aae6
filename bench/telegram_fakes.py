"""A Bot API that never leaves the process: canned answers, the same CPU work as a real call.

``CannedSession`` does what aiogram's ``AiohttpSession`` does around the network (dump the
method, prepare each field, JSON-encode it; JSON-decode and validate the answer with
``check_response``) and skips only the HTTP round trip, like aiogram's own ``MockedBot``.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import EditMessageText, SendDocument, SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Update

if TYPE_CHECKING:
    from bench.residents import Next

BOT_ID = 4242
TOKEN = f"{BOT_ID}:BENCHMARK-token-never-sent-anywhere"
# One date for every update of a process, so equal conversations give byte-equal streams.
DATE = int(time.time())
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Déclic", "username": "DeclicBot"}


class CannedSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.calls: Counter[str] = Counter()
        self._message_ids = itertools.count(10_000_000)

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        self.calls[method.__api_method__] += 1
        files: dict[str, Any] = {}
        form = {
            key: self.prepare_value(value, bot=bot, files=files)
            for key, value in method.model_dump(warnings=False).items()
        }
        content = json.dumps({"ok": True, "result": self._result(method, form)})
        result = self.check_response(bot, method, 200, content).result
        if result is None:  # every method the fake answers has a result
            raise RuntimeError(f"no result for {method.__api_method__}")
        return result

    def _result(self, method: TelegramMethod[Any], form: dict[str, Any]) -> Any:
        if isinstance(method, SendMessage | SendDocument | EditMessageText):
            chat_id = int(form.get("chat_id") or 0)
            message_id = form.get("message_id") or next(self._message_ids)
            return {
                "message_id": int(message_id),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
                "text": form.get("text") or form.get("caption") or "",
            }
        return True  # answerCallbackQuery, setMyCommands…

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""

    async def close(self) -> None:
        return None


def canned_bot() -> Bot:
    return Bot(token=TOKEN, session=CannedSession())


def calls(bot: Bot) -> Counter[str]:
    session = bot.session
    return session.calls if isinstance(session, CannedSession) else Counter()


# -- updates, as Telegram would send them -----------------------------------------------------


def _user(user_id: int, first_name: str) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "fr"}


def _chat(user_id: int, first_name: str) -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": first_name}


def text_update(
    update_id: int, user_id: int, first_name: str, message_id: int, text: str
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": DATE,
        "chat": _chat(user_id, first_name),
        "from": _user(user_id, first_name),
        "text": text,
    }
    if text.startswith("/"):
        length = len(text.split(" ", 1)[0])
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"update_id": update_id, "message": message}


def button_update(
    update_id: int, user_id: int, first_name: str, message_id: int, label: str, data: str
) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"{user_id}-{update_id}",
            "from": _user(user_id, first_name),
            "chat_instance": f"ci{user_id}",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": DATE,
                "chat": _chat(user_id, first_name),
                "from": BOT_USER,
                "text": label,
            },
        },
    }


def move_update(update_id: int, user_id: int, first_name: str, move: Next) -> dict[str, Any]:
    """The update a resident's move makes: their words, or their press on a button."""
    if move.data is None:
        return text_update(update_id, user_id, first_name, move.message_id, move.text or "")
    label = move.text or ""
    return button_update(update_id, user_id, first_name, move.message_id, label, move.data)


def mount(payload: dict[str, Any], bot: Bot) -> Update:
    """Parse the update for ``bot``, as polling does, so ``feed_update`` need not re-parse it."""
    return Update.model_validate(payload, context={"bot": bot})
