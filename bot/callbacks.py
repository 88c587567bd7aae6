"""Typed button payloads, always ≤ 64 bytes: residents' ``d:<action>:<value>:<version>``,
the staff group's ``c:claim:<case id>``."""

from __future__ import annotations

from enum import Enum

from aiogram.filters.callback_data import CallbackData

MAX_CALLBACK_BYTES = 64


class DialogueCb(CallbackData, prefix="d"):
    action: str
    value: str
    version: int


def pack_dialogue(action: str, value: str, version: int) -> str:
    """``DialogueCb(action=…, value=…, version=…).pack()``, the same string and the same
    refusals (a ``:`` in a field, more than 64 bytes: ``ValueError``), without building a
    pydantic model: the renderer packs a few buttons in most turns, and the model's validation
    and dump cost several times the string."""
    fields = (
        str(action.value) if isinstance(action, Enum) else action,
        value,
        str(version),
    )
    if any(":" in field for field in fields):
        raise ValueError(f"Separator symbol ':' can not be used in {fields!r}")
    data = f"d:{fields[0]}:{fields[1]}:{fields[2]}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"Resulted callback data is too long! len({data!r}.encode()) > 64")
    return data


def unpack(data: str | None) -> DialogueCb | None:
    """Never trust a callback: anything malformed or oversized is None, not an exception."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    try:
        return DialogueCb.unpack(data)
    except (ValueError, TypeError):
        return None


def dialogue_fields(data: str | None) -> tuple[str, str, int] | None:
    """``unpack``'s action, value and version, or None where it gives None. The data of a
    button the bot made (``d:<action>:<value>:<digits>``, ASCII digits: what ``int`` and
    pydantic read alike) are split here; anything else goes through ``unpack``. Every pressed
    button is read once: pydantic's model costs about twenty times the split."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    parts = data.split(":")
    if len(parts) == 4 and parts[0] == "d" and parts[3].isdigit() and parts[3].isascii():
        return parts[1], parts[2], int(parts[3])
    parsed = unpack(data)
    return None if parsed is None else (parsed.action, parsed.value, parsed.version)


class StaffCb(CallbackData, prefix="c"):
    """A button in the staff group: ``c:claim:<case id>`` (« Je prends »), under a case the
    domain offers (``routing.outbox.messages.ClaimOffer``); a distinct prefix, so a resident's
    button can never be read as a claim, nor a claim as a resident's answer."""

    action: str
    case: int


def pack_claim(case_id: int) -> str:
    return StaffCb(action="claim", case=case_id).pack()


def unpack_claim(data: str | None) -> int | None:
    """The case id of a « Je prends » press, or None for anything forged or malformed."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    try:
        parsed = StaffCb.unpack(data)
    except (ValueError, TypeError):
        return None
    if parsed.action != "claim" or not 0 < parsed.case < 2**31:
        return None
    if pack_claim(parsed.case) != data:  # one spelling only: "c:claim:007" is not case 7
        return None
    return parsed.case
