"""Typed button payloads. Packed as ``d:<action>:<value>:<version>``, always ≤ 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

MAX_CALLBACK_BYTES = 64


class DialogueCb(CallbackData, prefix="d"):
    action: str
    value: str
    version: int


def unpack(data: str | None) -> DialogueCb | None:
    """Never trust a callback: anything malformed or oversized is None, not an exception."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    try:
        return DialogueCb.unpack(data)
    except (ValueError, TypeError):
        return None
