"""Residents of the fake Telegram: they send updates to the bot and read what it answered.

Why a separate module: :mod:`tests.support.fake_bot_api` is the protocol (what the bot sees);
this is the phone in the resident's hand (what a test does and checks). Every action queues a
real Update for getUpdates and returns its ``update_id``; ``messages`` shows the bot's messages
in this chat as the resident would see them now, edits applied.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.support.fake_bot_api import FakeBotApi, GroupChat, UploadedFile

JsonDict = dict[str, Any]
_query_ids = itertools.count(1)


@dataclass(frozen=True)
class BotMessage:
    """A snapshot of one bot message in a private chat, edits applied."""

    message_id: int
    text: str | None
    caption: str | None
    reply_markup: JsonDict | None
    document: UploadedFile | None
    edited: bool
    raw: JsonDict

    @property
    def buttons(self) -> list[JsonDict]:
        """The inline buttons, row by row, flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    def find_button(
        self,
        label_or_data: str | None = None,
        *,
        action: str | None = None,
        value: str | None = None,
    ) -> JsonDict | None:
        """A button by label or exact callback data, or by the action and value of aiogram
        ``CallbackData`` packed as ``prefix:action:value[:more]``."""
        for button in self.buttons:
            data = button.get("callback_data")
            if label_or_data is not None and label_or_data in (button.get("text"), data):
                return button
            if action is not None and data:
                parts = data.split(":")
                if len(parts) >= 3 and parts[1] == action and (value is None or parts[2] == value):
                    return button
        return None


class FakeUser:
    """One Telegram user in a private chat with the bot."""

    def __init__(
        self,
        server: FakeBotApi,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> None:
        self.server = server
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.update_ids: list[int] = []

    def as_json(self) -> JsonDict:
        user: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                user[key] = getattr(self, key)
        return user

    # -- sending ---------------------------------------------------------------------------

    def _push(self, kind: str, payload: JsonDict) -> int:
        update_id = self.server.push_update(kind, payload)
        self.update_ids.append(update_id)
        return update_id

    def _message(self, content: JsonDict) -> int:
        chat = self.server.chats[self.id]
        message = chat.add(self.as_json(), self.server.now(), content)
        return self._push("message", dict(message))

    async def send_text(self, text: str) -> int:
        content: JsonDict = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            length = len(command.encode("utf-16-le")) // 2
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._message(content)

    async def send_command(self, command: str) -> int:
        """``/start poster``: the command with its argument, marked as Telegram marks it."""
        if not command.startswith("/"):
            raise ValueError(f"a command starts with '/': {command!r}")
        return await self.send_text(command)

    async def send_photo(self, caption: str | None = None) -> int:
        small = self.server.store_file("photo_s.jpg", b"\xff\xd8small", "image/jpeg")
        large = self.server.store_file("photo_l.jpg", b"\xff\xd8large", "image/jpeg")
        content: JsonDict = {
            "photo": [
                {"file_id": small.file_id, "file_unique_id": small.file_unique_id,
                 "width": 90, "height": 90, "file_size": len(small.content)},
                {"file_id": large.file_id, "file_unique_id": large.file_unique_id,
                 "width": 1280, "height": 1280, "file_size": len(large.content)},
            ]
        }  # fmt: skip
        if caption is not None:
            content["caption"] = caption
        return self._message(content)

    async def send_voice(self, duration: int = 3) -> int:
        voice = self.server.store_file("voice.ogg", b"OggS-voice", "audio/ogg")
        return self._message(
            {
                "voice": {
                    "file_id": voice.file_id,
                    "file_unique_id": voice.file_unique_id,
                    "duration": duration,
                    "mime_type": "audio/ogg",
                    "file_size": len(voice.content),
                }
            }
        )

    async def send_sticker(self, emoji: str = "👍") -> int:
        sticker = self.server.store_file("sticker.webp", b"RIFF-sticker", "image/webp")
        return self._message(
            {
                "sticker": {
                    "file_id": sticker.file_id,
                    "file_unique_id": sticker.file_unique_id,
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "emoji": emoji,
                }
            }
        )

    async def send_location(self, latitude: float = 48.8566, longitude: float = 2.3522) -> int:
        return self._message({"location": {"latitude": latitude, "longitude": longitude}})

    async def send_contact(
        self, phone_number: str = "+33600000000", first_name: str = "Léa"
    ) -> int:
        return self._message({"contact": {"phone_number": phone_number, "first_name": first_name}})

    async def send_document(
        self,
        filename: str = "notes.txt",
        content: bytes = b"quelques notes",
        caption: str | None = None,
        mime_type: str = "text/plain",
    ) -> int:
        stored = self.server.store_file(filename, content, mime_type)
        message: JsonDict = {
            "document": {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": filename,
                "mime_type": mime_type,
                "file_size": len(content),
            }
        }
        if caption is not None:
            message["caption"] = caption
        return self._message(message)

    async def edit_text(self, message_id: int, new_text: str) -> int:
        """Edit one of this user's own text messages: an ``edited_message`` update."""
        chat = self.server.chats[self.id]
        message = chat.messages.get(message_id)
        if message is None or message["from"]["id"] != self.id or "text" not in message:
            raise AssertionError(f"user {self.id} has no text message {message_id} to edit")
        message["text"] = new_text
        message["edit_date"] = self.server.now()
        return self._push("edited_message", dict(message))

    async def press(
        self,
        label_or_data: str | None = None,
        *,
        action: str | None = None,
        value: str | None = None,
        message_id: int | None = None,
    ) -> int:
        """Press an inline button of the latest bot message that has a keyboard (or of
        ``message_id``): a ``callback_query`` update carrying that message as it is now."""
        if label_or_data is None and action is None:
            raise ValueError("say which button: its label or data, or action= (and value=)")
        target = self.keyboard_message if message_id is None else self.message(message_id)
        if target is None:
            raise AssertionError(f"no bot message with a keyboard;\n{self.transcript()}")
        button = target.find_button(label_or_data, action=action, value=value)
        if button is None or "callback_data" not in button:
            wanted = label_or_data or f"{action}:{value}"
            raise AssertionError(
                f"no button {wanted!r} in message {target.message_id}: "
                f"{[(b.get('text'), b.get('callback_data')) for b in target.buttons]}"
            )
        return self._callback(target, button["callback_data"])

    async def forge_press(self, data: str, message_id: int | None = None) -> int:
        """A callback_query carrying ``data`` that no button has (a forged or buggy client),
        on the latest bot message with a keyboard, or on ``message_id``, or the last one."""
        target = self.message(message_id) if message_id else (
            self.keyboard_message or self.last_message
        )  # fmt: skip
        if target is None:
            raise AssertionError(f"user {self.id} has no bot message to press on")
        return self._callback(target, data)

    async def press_in(
        self,
        group: GroupChat,
        label_or_data: str | None = None,
        *,
        message_id: int | None = None,
    ) -> int:
        """Press an inline button of a bot message in a group (the latest one with a keyboard,
        or ``message_id``), as this user: a ``callback_query`` from the group's message."""
        shown = bot_messages(self.server, group.messages)
        target = (
            next((m for m in reversed(shown) if m.buttons), None)
            if message_id is None
            else next((m for m in shown if m.message_id == message_id), None)
        )
        if target is None:
            raise AssertionError(f"no bot message with a keyboard in group {group.id}")
        button = target.find_button(label_or_data) if label_or_data else target.buttons[0]
        if button is None or "callback_data" not in button:
            raise AssertionError(f"no button {label_or_data!r}: {target.buttons}")
        return self._callback(target, button["callback_data"])

    async def press_in_data(self, target: BotMessage, data: str) -> int:
        """A callback_query with ``data`` on a message of any chat (a group's included): an
        old button pressed again, a double tap, or a forged payload."""
        return self._callback(target, data)

    def _callback(self, target: BotMessage, data: str) -> int:
        query_id = f"{self.id}{next(_query_ids):08d}"
        self.server.callback_queries[query_id] = {
            "user_id": self.id,
            "data": data,
            "answered": False,
        }
        return self._push(
            "callback_query",
            {
                "id": query_id,
                "from": self.as_json(),
                "message": dict(target.raw),
                "chat_instance": f"-{self.id}{self.server.bot_id}",
                "data": data,
            },
        )

    def block(self, blocked: bool = True) -> None:
        """From now on the bot's messages to this user fail with 403, as on Telegram."""
        self.server.chats[self.id].blocked = blocked

    # -- reading ---------------------------------------------------------------------------

    @property
    def messages(self) -> list[BotMessage]:
        """The bot's messages to this user, oldest first, as they look now."""
        return bot_messages(self.server, self.server.chats[self.id].messages)

    def message(self, message_id: int) -> BotMessage | None:
        return next((m for m in self.messages if m.message_id == message_id), None)

    @property
    def last_message(self) -> BotMessage | None:
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def keyboard_message(self) -> BotMessage | None:
        """The latest bot message that still shows inline buttons."""
        return next((m for m in reversed(self.messages) if m.buttons), None)

    async def wait_for(
        self,
        what: int | Callable[[list[BotMessage]], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 (a bounded wait is the point)
    ) -> list[BotMessage]:
        """Wait until the bot sent ``what`` messages in all, or ``what(messages)`` holds."""
        check: Callable[[list[BotMessage]], bool]
        if isinstance(what, int):
            count = what

            def check_count(messages: list[BotMessage]) -> bool:
                return len(messages) >= count

            check = check_count
        else:
            check = what
        if not await self.server.changed.wait_until(lambda: check(self.messages), timeout):
            raise AssertionError(
                f"user {self.id}: bot messages not as expected after {timeout:.1f}s;\n"
                + self.transcript()
            )
        return self.messages

    def transcript(self) -> str:
        """The chat in order, both sides, for failure messages."""
        chat = self.server.chats[self.id]
        lines = []
        for message_id in sorted(chat.messages):
            raw = chat.messages[message_id]
            who = "bot" if raw["from"]["id"] == self.server.bot_id else "user"
            body = raw.get("text") or raw.get("caption") or next(
                (k for k in ("document", "photo", "voice", "sticker", "location", "contact")
                 if k in raw), "?"
            )  # fmt: skip
            buttons = [b.get("callback_data") for r in raw.get("reply_markup", {}).get(
                "inline_keyboard", []) for b in r]  # fmt: skip
            lines.append(
                f"  #{message_id} {who}: {body!s:.300}" + (f" {buttons}" if buttons else "")
            )
        return "\n".join(lines) or "  (empty chat)"


def bot_messages(server: FakeBotApi, messages: dict[int, JsonDict]) -> list[BotMessage]:
    """The bot's messages of one chat (private or group), oldest first, edits applied."""
    out = []
    for message_id in sorted(messages):
        raw = messages[message_id]
        if raw["from"]["id"] != server.bot_id:
            continue
        document = raw.get("document")
        out.append(
            BotMessage(
                message_id=message_id,
                text=raw.get("text"),
                caption=raw.get("caption"),
                reply_markup=raw.get("reply_markup"),
                document=server.files.get(document["file_id"]) if document else None,
                edited="edit_date" in raw,
                raw=raw,
            )
        )
    return out
