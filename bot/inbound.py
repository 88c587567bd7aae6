"""aiogram objects → plain ``Inbound`` values for the conversation service. Nothing else."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message

from bot.callbacks import dialogue_fields
from routing.conversation.inbound import Inbound
from routing.intake import AttachmentIn, ButtonIn, Event, LocationIn, TextIn, parse_command

CHANNEL = "telegram"
ATTACHMENTS = ("photo", "document", "video", "animation", "sticker", "voice", "audio",
               "video_note", "location", "contact")  # fmt: skip


def message_kind(message: Message) -> str:
    if message.text is not None:
        return "text"
    for kind in ATTACHMENTS:
        if getattr(message, kind, None):
            return kind
    return "other"


def _file_id(message: Message, kind: str) -> str | None:
    if kind == "photo" and message.photo:
        return message.photo[-1].file_id
    attachment = getattr(message, kind, None)
    return getattr(attachment, "file_id", None)


def from_message(
    message: Message, update_id: int | None, *, edited: bool = False, throttle: tuple[bool, bool]
) -> Inbound:
    user = message.from_user
    kind = message_kind(message)
    event: Event
    if kind == "text":
        text = message.text or ""
        command = None if edited else parse_command(text)
        event = command or TextIn(text, edited=edited)
        stored_text: str | None = text
    elif kind == "location" and message.location is not None:
        # The point becomes a quartier in the dialogue and is then forgotten: it is never
        # stored (the message row keeps the kind only) nor logged.
        event = LocationIn(message.location.longitude, message.location.latitude)
        stored_text = None
    else:
        # Coordinates and phone numbers are not kept: data minimisation.
        caption = message.caption if kind not in ("location", "contact") else None
        event = AttachmentIn(kind, caption)
        stored_text = caption
    return Inbound(
        channel=CHANNEL,
        external_user_id=str(user.id if user else message.chat.id),
        chat_id=str(message.chat.id),
        event=event,
        kind="edited" if edited else kind,
        text=stored_text,
        file_id=_file_id(message, kind) if kind not in ("location", "contact") else None,
        first_name=user.first_name if user else None,
        language_code=user.language_code if user else None,
        update_id=update_id,
        channel_message_id=message.message_id,
        throttled=throttle[0],
        throttle_notice=throttle[1],
    )


def from_callback(callback: CallbackQuery, update_id: int | None) -> Inbound | None:
    message = callback.message
    if message is None:
        return None
    data = dialogue_fields(callback.data)
    # A forged or malformed button becomes an impossible version: the dialogue answers kindly.
    event = ButtonIn(*data) if data else ButtonIn("?", "?", -1)
    return Inbound(
        channel=CHANNEL,
        external_user_id=str(callback.from_user.id),
        chat_id=str(message.chat.id),
        event=event,
        kind="button",
        first_name=callback.from_user.first_name,
        language_code=callback.from_user.language_code,
        update_id=update_id,
        edit_target=message.message_id,
    )
