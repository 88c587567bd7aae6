"""A resident's event as a transport hands it to the conversation service."""

from __future__ import annotations

from dataclasses import dataclass

from routing.intake import Event


@dataclass(frozen=True)
class Inbound:
    """A resident's event as a transport sees it, reduced to plain values."""

    channel: str
    external_user_id: str
    chat_id: str
    event: Event
    kind: str = "text"
    text: str | None = None
    file_id: str | None = None
    first_name: str | None = None
    language_code: str | None = None
    update_id: int | None = None
    channel_message_id: int | None = None
    edit_target: int | None = None
    throttled: bool = False
    throttle_notice: bool = False
