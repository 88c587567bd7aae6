"""Typed button payloads, always ≤ 64 bytes: residents' ``d:<action>:<value>:<version>``,
the staff group's ``c:claim:<case id>``."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from routing.cases.group_posts import parse_claim_callback

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


class StaffCb(CallbackData, prefix="c"):
    """A button in the staff group: ``c:claim:<case id>`` (« Je prends »). Written by
    ``routing.cases.group_posts.claim_callback``; a distinct prefix, so a resident's button can
    never
    be read as a claim, nor a claim as a resident's answer."""

    action: str
    case: int


def unpack_claim(data: str | None) -> int | None:
    """The case id of a « Je prends » press, or None for anything forged or malformed."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    try:
        parsed = StaffCb.unpack(data)
    except (ValueError, TypeError):
        return None
    if parsed.action != "claim" or parsed.case <= 0:
        return None
    # The routing format is the contract: both readings must agree on every byte.
    if parse_claim_callback(data) != parsed.case:
        return None
    return parsed.case
