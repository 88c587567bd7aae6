"""The domain's messages become Bot API calls in the bot alone (``bot.wire``)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from bot.callbacks import unpack_claim
from bot.wire import telegram_call
from routing.outbox.drafts import OutgoingDraft
from routing.outbox.messages import (
    KINDS,
    Attachment,
    ClaimOffer,
    Notice,
    Rewrite,
    Text,
    stored,
)

ROOT = Path(__file__).resolve().parents[2]
ONE_OF_EACH: tuple[Notice, ...] = (
    Text("Bonjour", "fr"),
    ClaimOffer("Nouvelle demande #12", 12, "Je prends", "fr"),
    Rewrite(31, "Prise en charge par Awa"),
    Attachment("sprint.ics", b"BEGIN:VCALENDAR", "Pour vos agendas"),
)


def test_every_kind_of_message_is_stored_and_wired() -> None:
    kinds = [stored(message)[0] for message in ONE_OF_EACH]
    assert sorted(kinds) == sorted(KINDS), "a kind of message without its example here"
    for message in ONE_OF_EACH:
        method, _ = telegram_call(*stored(message))
        assert method in ("sendMessage", "editMessageText", "sendDocument")
        assert method not in KINDS


@pytest.mark.parametrize(
    ("message", "call"),
    [
        (Text("Bonjour", "fr"), ("sendMessage", {"text": "Bonjour"})),
        (Rewrite(31, "Pris"), ("editMessageText", {"text": "Pris", "message_id": 31})),
        (
            Attachment("a.ics", b"x"),
            ("sendDocument", {"filename": "a.ics", "content_b64": base64.b64encode(b"x").decode()}),
        ),
    ],
)
def test_the_calls_are_the_ones_telegram_expects(message: Notice, call: tuple) -> None:
    assert telegram_call(*stored(message)) == call


def test_a_claim_offer_carries_the_bots_claim_button() -> None:
    method, payload = telegram_call(*stored(ClaimOffer("Demande #7", 7, "Je prends", "fr")))
    [[button]] = payload["reply_markup"]["inline_keyboard"]
    assert (method, button["text"]) == ("sendMessage", "Je prends")
    assert unpack_claim(button["callback_data"]) == 7


def test_the_renderers_drafts_go_through_as_they_are() -> None:
    draft = OutgoingDraft("sendMessage", {"text": "Salut", "reply_markup": {"x": 1}})
    assert telegram_call(*stored(draft)) == ("sendMessage", draft.payload)


def test_the_domain_never_names_telegrams_wire_format() -> None:
    """Only ``bot/`` knows Bot API methods, keyboards and callback data."""
    wire = re.compile(r"sendMessage|sendDocument|editMessage|reply_markup|callback_data")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("routing", "knowledge", "infra")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if wire.search(line)
    ]
    assert found == []


def test_one_writer_builds_outbox_rows() -> None:
    """Every outbox row is written by ``routing.outbox.messages.enqueue``."""
    writer = ROOT / "routing" / "outbox" / "messages.py"
    builds = re.compile(r"OutgoingMessage\(|insert\(OutgoingMessage")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("routing", "knowledge", "bot", "console", "declic")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != writer
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if builds.search(line) and not line.lstrip().startswith("class ")
    ]
    assert found == []
