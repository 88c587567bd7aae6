"""Which handler answers which update (``bot.routers.attach``): residents' texts and buttons in
private chats go to the conversation service; the same in a group chat do not, and the staff
group's buttons go to the staff group's handler, not to the residents' one."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from aiogram import Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.fsm.storage.memory import MemoryStorage

from bench.telegram_fakes import (
    TOKEN,
    CannedSession,
    button_update,
    calls,
    canned_bot,
    mount,
    text_update,
)
from bot import acknowledge
from bot.app import build_dispatcher
from bot.callbacks import pack_dialogue
from bot.middlewares import FloodGuard
from routing.cases import StaffGroup
from routing.cases.staff_group import StaffGroupService
from routing.conversation.inbound import Inbound
from routing.conversation.service import ConversationService, Outcome
from routing.outbox.sender import OutboxSender
from tests.support.conversation import RULES

GROUP_CHAT = -1001234


@dataclass
class Recorder:
    """Stands for the conversation service, the outbox sender and the staff group's service."""

    handled: list[Inbound] = field(default_factory=list)
    claims: list[int] = field(default_factory=list)
    group: StaffGroup = field(default_factory=lambda: StaffGroup(GROUP_CHAT, "fr", RULES.tz))

    async def handle(self, inbound: Inbound) -> Outcome:
        self.handled.append(inbound)
        return Outcome(handled=True, resident_id=1)

    def wake(self) -> None:
        return None

    async def claim(self, case_id: int, telegram_user_id: int) -> Any:
        self.claims.append(case_id)
        raise AssertionError("a forged button never reaches the claim")


def _in_group(update: dict[str, Any]) -> dict[str, Any]:
    message = update.get("message") or update["callback_query"]["message"]
    message["chat"] = {"id": GROUP_CHAT, "type": "supergroup", "title": "Équipe"}
    return update


def _dispatch(recorder: Recorder, *, staff_group: bool) -> Any:
    return build_dispatcher(
        cast(ConversationService, recorder),
        cast(OutboxSender, recorder),
        FloodGuard(100, window_seconds=10.0),
        cast(StaffGroupService, recorder) if staff_group else None,
    )


@pytest.mark.parametrize("staff_group", [False, True])
async def test_private_texts_and_buttons_reach_the_service(staff_group: bool) -> None:
    recorder, bot = Recorder(), canned_bot()
    dp = _dispatch(recorder, staff_group=staff_group)
    data = pack_dialogue("a", "yes", 1)
    for update in (text_update(1, 42, "Awa", 7, "bonjour"),
                   text_update(2, 42, "Awa", 8, "/start"),
                   button_update(3, 42, "Awa", 9, "Oui", data)):  # fmt: skip
        assert await dp.feed_update(bot, mount(update, bot)) is not UNHANDLED
    assert [inbound.kind for inbound in recorder.handled] == ["text", "text", "button"]
    await acknowledge.drain(dp)  # the button's answer travels beside its turn
    assert calls(bot)["answerCallbackQuery"] == 1
    await bot.session.close()


@pytest.mark.parametrize("staff_group", [False, True])
async def test_group_chats_do_not_reach_the_service(staff_group: bool) -> None:
    recorder, bot = Recorder(), canned_bot()
    dp = _dispatch(recorder, staff_group=staff_group)
    text = _in_group(text_update(1, 42, "Awa", 7, "bonjour"))
    assert await dp.feed_update(bot, mount(text, bot)) is UNHANDLED
    button = _in_group(button_update(2, 42, "Awa", 9, "Je prends", "forged"))
    answered = await dp.feed_update(bot, mount(button, bot))
    assert recorder.handled == []
    if staff_group:  # the staff group's handler answers its buttons (here: a forged one)
        assert answered is not UNHANDLED
        assert calls(bot)["answerCallbackQuery"] == 1
    else:
        assert answered is UNHANDLED
        assert calls(bot)["answerCallbackQuery"] == 0
    assert recorder.claims == []
    await bot.session.close()


async def test_the_dispatcher_keeps_nothing_per_chat() -> None:
    """No aiogram FSM: the conversation's state is in the database, and aiogram's FSM
    middleware kept a record per chat (a Telegram id) in memory for the process's life."""
    recorder, bot = Recorder(), canned_bot()
    dp = _dispatch(recorder, staff_group=False)
    data = pack_dialogue("a", "yes", 1)
    for update in (text_update(1, 42, "Awa", 7, "bonjour"),
                   button_update(2, 43, "Léa", 9, "Oui", data)):  # fmt: skip
        assert await dp.feed_update(bot, mount(update, bot)) is not UNHANDLED
    assert len(recorder.handled) == 2
    assert dp.fsm not in dp.update.outer_middleware
    storage = dp.fsm.storage
    assert isinstance(storage, MemoryStorage) and not storage.storage
    await bot.session.close()


async def test_the_handlers_get_the_update_id_the_flood_verdict_and_edits() -> None:
    """What the residents' handlers are given (``bot.routers.Residents`` for new messages and
    buttons, aiogram's routing for edits): the update's id, the flood guard's verdict for each
    new message (over the limit: throttled, the polite notice once a window), none for an
    edit or a button."""
    recorder, bot = Recorder(), canned_bot()
    dp = build_dispatcher(
        cast(ConversationService, recorder),
        cast(OutboxSender, recorder),
        FloodGuard(1, window_seconds=60.0),
    )
    edit = text_update(4, 42, "Awa", 7, "bonjour !")
    edited = edit.pop("message")
    edit["edited_message"] = edited | {"edit_date": edited["date"]}
    for update in (text_update(1, 42, "Awa", 7, "bonjour"),
                   text_update(2, 42, "Awa", 8, "encore"),
                   text_update(3, 42, "Awa", 9, "et encore"),
                   edit,
                   button_update(5, 42, "Awa", 9, "Oui", pack_dialogue("a", "yes", 1)),
                   text_update(6, 43, "Léa", 7, "salut")):  # fmt: skip
        assert await dp.feed_update(bot, mount(update, bot)) is not UNHANDLED
    seen = [(i.update_id, i.kind, i.throttled, i.throttle_notice) for i in recorder.handled]
    assert seen == [
        (1, "text", False, False),
        (2, "text", True, True),
        (3, "text", True, False),
        (4, "edited", False, False),
        (5, "button", False, False),
        (6, "text", False, False),
    ]
    await bot.session.close()


async def test_the_outer_chain_is_built_once_for_the_same_middlewares() -> None:
    """aiogram asks for the chain of the dispatcher's outer middlewares at every update
    (``bot.middlewares.OuterChain``): the same chain while they stay the same, a new one that
    runs a middleware added later, and the one before again once it is removed."""
    recorder, bot = Recorder(), canned_bot()
    dp = _dispatch(recorder, staff_group=False)
    outer = dp.update.outer_middleware
    first = dp.update.middleware.wrap_middlewares(outer, dp.update.trigger)
    assert dp.update.middleware.wrap_middlewares(outer, dp.update.trigger) is first
    seen: list[int] = []

    async def counting(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        seen.append(event.update_id)
        return await handler(event, data)

    outer._middlewares.insert(0, counting)  # before ``Residents``, which answers a resident
    assert (
        await dp.feed_update(bot, mount(text_update(1, 42, "Awa", 7, "bonjour"), bot))
        is not UNHANDLED
    )
    assert dp.update.middleware.wrap_middlewares(outer, dp.update.trigger) is not first
    outer.unregister(counting)
    assert (
        await dp.feed_update(bot, mount(text_update(2, 42, "Awa", 8, "encore"), bot))
        is not UNHANDLED
    )
    assert dp.update.middleware.wrap_middlewares(outer, dp.update.trigger) is first
    assert seen == [1]
    assert [inbound.update_id for inbound in recorder.handled] == [1, 2]
    await bot.session.close()


class SlowAnswers(CannedSession):
    """A Bot API whose answers to buttons take as long as the test wants (a round trip to
    Telegram, or a network that hangs)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()

    async def make_request(self, bot: Bot, method: Any, timeout: int | None = None) -> Any:  # noqa: ASYNC109
        if method.__api_method__ == "answerCallbackQuery":
            await self.release.wait()
        return await super().make_request(bot, method, timeout)


async def test_a_button_turn_does_not_wait_for_its_answer_to_telegram() -> None:
    """The turn (and the reply it writes) goes on while the button's answer is on its way: a
    Telegram round trip no longer stands before every button's reply, holding the chat's turn."""
    recorder, session = Recorder(), SlowAnswers()
    bot = Bot(token=TOKEN, session=session)
    dp = _dispatch(recorder, staff_group=False)
    update = button_update(1, 42, "Awa", 9, "Oui", pack_dialogue("a", "yes", 1))
    await asyncio.wait_for(dp.feed_update(bot, mount(update, bot)), timeout=10)
    assert [inbound.kind for inbound in recorder.handled] == ["button"]
    assert dp["acknowledgements"].pending() == 1  # still on its way
    session.release.set()
    await acknowledge.drain(dp)
    assert dp["acknowledgements"].pending() == 0
    assert calls(bot)["answerCallbackQuery"] == 1
    await bot.session.close()
