"""Rendering decisions into Bot API calls: limits Telegram enforces, and typed buttons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.telegram_fakes import button_update, canned_bot, mount
from bot.callbacks import MAX_CALLBACK_BYTES, DialogueCb, dialogue_fields, pack_dialogue, unpack
from bot.inbound import from_callback
from bot.middlewares import FloodGuard
from bot.render import TELEGRAM_LIMIT, OfficeWords, Renderer, _messages
from infra.settings import Settings
from knowledge.lexicon import default_lexicon
from knowledge.territory import load_gazetteer
from routing.conversation.replies import SuggestionCard, SuggestionsPage
from routing.conversation.service import RenderContext
from routing.intake import (
    Action,
    ButtonIn,
    Command,
    CommandIn,
    Dialogue,
    DialogueState,
    Menu,
    Option,
    Say,
    TextIn,
)
from routing.intake.extraction import Extractor
from routing.reasons import Reason
from tests.support.conversation import OFFICE

GAZETTEER = load_gazetteer()
DIALOGUE = Dialogue(Extractor(GAZETTEER, default_lexicon()))
RENDER = Renderer({q.id: q.name for q in GAZETTEER.quartiers}, office=OFFICE)
TODAY = date(2026, 11, 23)


def _walk(*texts: str, locale: str = "fr"):  # type: ignore[no-untyped-def]
    state = DialogueState()
    drafts = []
    for text in texts:
        turn = DIALOGUE.step(state, TextIn(text), TODAY)
        state = turn.state
        drafts.extend(RENDER(turn.replies, RenderContext(locale)))
    return state, drafts


def test_a_5000_character_idea_is_kept_whole_but_no_reply_exceeds_telegram_limit() -> None:
    idea = ("Un jardin partagé aux Tanneurs avec une grainothèque. " * 100)[:5000]
    state, drafts = _walk(idea, "un local", "seul", "cet été", "oui")
    assert len(state.draft.text) == 5000
    assert state.step.value == "summary"
    assert all(len(d.payload.get("text", "")) <= TELEGRAM_LIMIT for d in drafts)


@given(st.text(min_size=1, max_size=12000))
def test_any_text_is_split_under_the_limit_and_nothing_is_lost(text: str) -> None:
    drafts = _messages([text], {"inline_keyboard": []})
    assert all(0 < len(d.payload["text"]) <= TELEGRAM_LIMIT for d in drafts)
    sent = "".join(d.payload["text"] for d in drafts)
    assert "".join(sent.split()) == "".join(text.split())
    if drafts:
        assert "reply_markup" in drafts[-1].payload


def test_every_button_fits_telegram_callback_limit_and_round_trips() -> None:
    _, drafts = _walk("Une fête de rue")
    buttons = [b for d in drafts for row in d.payload.get("reply_markup", {}).get(
        "inline_keyboard", []) for b in row]  # fmt: skip
    assert len(buttons) == len(GAZETTEER.quartiers) + 1
    for button in buttons:
        assert len(button["callback_data"].encode()) <= MAX_CALLBACK_BYTES
        assert unpack(button["callback_data"]) is not None


@given(
    st.sampled_from([*Action, *(str(a) for a in Action)]),
    st.text(max_size=70),
    st.integers(min_value=-5, max_value=10**12),
)
def test_buttons_are_packed_as_aiogram_packs_them(action: str, value: str, version: int) -> None:
    # pack_dialogue skips the pydantic model; the string, and what it refuses, must not change.
    def packed(pack: Callable[[], str]) -> str:
        try:
            return pack()
        except ValueError:
            return "refused"

    aiogram = packed(lambda: DialogueCb(action=action, value=value, version=version).pack())
    assert packed(lambda: pack_dialogue(action, value, version)) == aiogram


def test_forged_or_oversized_callbacks_are_refused_without_raising() -> None:
    for forged in ("", "d:a", "x:a:b:1", "d:a:tanneurs:notanumber", "d:" + "a" * 80, None):
        assert unpack(forged) is None


_PIECES = st.sampled_from(["d", ":", "a", "yes", "é", "0", "7", "007", "+3", " 3", "3_0", "٣", "²",
                           "-1", "3.0", "", "x" * 30, str(10**30)])  # fmt: skip


@given(st.lists(_PIECES, max_size=9).map("".join) | st.text(max_size=70))
def test_a_buttons_fields_are_read_as_unpack_reads_them(data: str) -> None:
    # dialogue_fields splits a well-formed datum itself; anything else goes to unpack.
    parsed = unpack(data)
    expected = None if parsed is None else (parsed.action, parsed.value, parsed.version)
    assert dialogue_fields(data) == expected


def test_a_button_the_bot_made_is_read_without_pydantic(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(data: str) -> DialogueCb:
        raise AssertionError(f"{data!r} went through pydantic")

    monkeypatch.setattr(DialogueCb, "unpack", refused)
    bot = canned_bot()
    update = mount(button_update(1, 42, "Awa", 9, "Oui", pack_dialogue("consent", "yes", 12)), bot)
    assert update.callback_query is not None
    inbound = from_callback(update.callback_query, 1)
    assert inbound is not None and inbound.event == ButtonIn("consent", "yes", 12)


def test_english_residents_read_english() -> None:
    turn = DIALOGUE.step(DialogueState(), CommandIn(Command.HELP), TODAY)
    french = RENDER(turn.replies, RenderContext("fr"))[0].payload["text"]
    english = RENDER(turn.replies, RenderContext("en"))[0].payload["text"]
    assert "/recommencer" in french
    assert english != french


def test_the_flood_guard_keeps_counting_and_notices_once_per_window() -> None:
    guard = FloodGuard(limit=3, window_seconds=10)
    verdicts = [guard.check(1, now=float(t)) for t in range(6)]
    assert verdicts[:3] == [(False, False)] * 3
    assert verdicts[3] == (True, True)
    assert verdicts[4:] == [(True, False)] * 2
    assert guard.check(1, now=30.0) == (False, False)
    assert guard.check(2, now=5.0) == (False, False)


async def test_updates_of_one_chat_are_handled_in_order_even_when_concurrent() -> None:
    import asyncio
    from types import SimpleNamespace

    from bot.middlewares import ChatOrder

    order = ChatOrder()
    done: list[tuple[int, int]] = []

    async def handler(event, data):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.002 * (10 - event))  # earlier updates are slower
        done.append((data["event_chat"].id, event))

    chats = {1: SimpleNamespace(id=1), 2: SimpleNamespace(id=2)}
    await asyncio.gather(
        *(order(handler, n, {"event_chat": chats[1 + n % 2]}) for n in range(10))  # type: ignore[arg-type]
    )
    for chat in (1, 2):
        assert [n for c, n in done if c == chat] == sorted(n for c, n in done if c == chat)
    assert len(done) == 10
    assert order._locks == {}


def _page(remaining: int, *, unmet: tuple[str, ...] = ()) -> SuggestionsPage:
    cards = (
        SuggestionCard(
            910_000_000_001,
            "Salle des Glycines",
            "room",
            "place",
            (Reason("capacity", {"capacity": 1}), Reason("booking_notice", {"days": 14})),
            heading=True,
        ),
        SuggestionCard(2, "Fonds FPH", "grant", "funding", (Reason("rolling"),), heading=True),
    )
    return SuggestionsPage(cards, True, remaining, unmet, 7)


def test_suggestions_render_one_message_each_with_their_buttons_in_english() -> None:
    menu = Menu("after_submit", Action.NEXT, (Option("new"), Option("human")), 7)
    drafts = RENDER((Say("submitted"), _page(2, unmet=("legal",)), menu), RenderContext("en"))
    texts = [d.payload["text"] for d in drafts]
    assert len(drafts) == 3  # two cards, then the unmet need leads into the menu
    assert texts[0].startswith("It's sent!") and "To find a place:" in texts[0]
    assert "Up to 1 person" in texts[0] and "Book 14 days ahead" in texts[0]
    assert "For funding:" in texts[1]
    assert texts[2].startswith("For legal or insurance help, I found nothing in the directory.")
    assert texts[2].endswith("What next?")
    for draft in drafts[:2]:
        rows = draft.payload["reply_markup"]["inline_keyboard"]
        assert [b["text"] for row in rows for b in row] == [
            "I'm interested",
            "Not for me",
            "Tell me more",
        ]
        for row in rows:
            for button in row:
                assert len(button["callback_data"].encode()) <= MAX_CALLBACK_BYTES
                assert unpack(button["callback_data"]) is not None
    menu_values = [
        unpack(b["callback_data"]).value  # type: ignore[union-attr]
        for row in drafts[-1].payload["reply_markup"]["inline_keyboard"]
        for b in row
    ]
    assert menu_values == ["more", "new", "human"]


def test_no_more_button_when_every_suggestion_was_shown() -> None:
    menu = Menu("after_submit", Action.NEXT, (Option("new"), Option("human")), 7)
    drafts = RENDER((_page(0), menu), RenderContext("fr"))
    menu_values = [
        unpack(b["callback_data"]).value  # type: ignore[union-attr]
        for row in drafts[-1].payload["reply_markup"]["inline_keyboard"]
        for b in row
    ]
    assert menu_values == ["new", "human"]


def test_the_privacy_notice_names_the_office_and_the_real_period() -> None:
    from routing.intake import Ask
    from routing.intake.draft import Slot

    render = Renderer(
        {}, office=OfficeWords("Maison des projets", "Sorlanges", 12, "tu", tz=OFFICE.tz)
    )
    details = render([Say("consent_details")], RenderContext("fr"))[0].payload["text"]
    assert "« Maison des projets »" in details and "12 mois après ton dernier message" in details
    question = render([Ask(Slot.CONSENT, (), 1)], RenderContext("fr"))[0].payload["text"]
    assert "« Maison des projets »" in question and "pendant 12 mois au plus" in question
    assert "2 ans" not in details + question
    welcome = render([Say("welcome")], RenderContext("en"))[0].payload["text"]
    assert "Sorlanges" in welcome
    two_years = Renderer({}, office=replace(OFFICE, retention_months=24))
    text = two_years([Say("consent_details")], RenderContext("en"))[0].payload["text"]
    assert "2 years" in text


def test_dates_are_told_in_the_configured_time_zone() -> None:
    """DECLIC_TIMEZONE=America/Montreal: the renderer wired from the settings dates the first
    message of ``/mesdonnees`` (and the erasure it leads to) in Montreal, not in Paris."""
    from routing.conversation.replies import ExportDocument
    from routing.privacy import DataSummary

    # Monday 23 November, 21:00 in Montreal, is already Tuesday 03:00 in Paris.
    first = datetime(2026, 11, 24, 3, 0, tzinfo=ZoneInfo("Europe/Paris"))
    summary = DataSummary(None, first, None, first, 0, 1, 0, 0)
    reply = ExportDocument("declic-mes-donnees.json", b"{}", summary)
    settings = Settings(_env_file=None, timezone="America/Montreal")  # type: ignore[call-arg]
    montreal = Renderer(office=OfficeWords.of(settings))([reply], RenderContext("fr"))
    paris = RENDER([reply], RenderContext("fr"))
    assert "le 23 novembre 2026" in montreal[0].payload["text"]
    assert "24 novembre" not in montreal[0].payload["text"]
    assert "le 24 novembre 2026" in paris[0].payload["text"]
