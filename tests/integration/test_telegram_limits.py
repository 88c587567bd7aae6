"""The local Bot API enforces Telegram's sending limits: over them, a 429 with ``retry_after``
and nothing delivered; a sender that keeps to them (``routing.outbox.rate_limit``) gets none."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter

from routing.outbox.rate_limit import RateLimiter
from tests.support.fake_bot_api import FakeBotApi
from tests.support.telegram_limits import TelegramLimits

pytestmark = pytest.mark.timeout(30)


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _server(limits: TelegramLimits, chats: range) -> FakeBotApi:
    server = await FakeBotApi(limits=limits).start()
    for chat in chats:
        server.user(chat)
    return server


@pytest.fixture
async def bot_and_server() -> AsyncIterator[tuple[Bot, FakeBotApi]]:
    server = await _server(TelegramLimits(), range(1, 61))
    bot = Bot(
        server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
    )
    yield bot, server
    await bot.session.close()
    await server.stop()


async def test_hammering_gets_429_with_retry_after_and_nothing_delivered(
    bot_and_server: tuple[Bot, FakeBotApi],
) -> None:
    bot, server = bot_and_server

    async def send(chat: int) -> int:
        """0 when delivered, else the retry_after aiogram read from the 429."""
        try:
            await bot.send_message(chat, "hello")
        except TelegramRetryAfter as exc:
            return exc.retry_after
        return 0

    results = await asyncio.gather(*(send(chat) for chat in range(1, 61)))
    delivered = results.count(0)
    assert all(wait >= 1 for wait in results if wait)
    assert server.limits is not None
    # 60 at once: 30 a second means one every 1/30 s; arriving up to 0.1 s early lets a few
    # through together, never all 60 (Telegram is not that generous either).
    assert 2 <= delivered < 30
    assert server.limits.too_many_requests == 60 - delivered
    assert len(server.limits.accepted) == delivered
    assert sum(len(server.chats[c].messages) for c in range(1, 61)) == delivered
    refused = [c for c in server.calls_to("sendMessage") if c.status == 429]
    assert len(refused) == 60 - delivered
    body = refused[0].response
    assert body["ok"] is False and body["error_code"] == 429
    assert (
        body["description"] == f"Too Many Requests: retry after {body['parameters']['retry_after']}"
    )


async def test_a_429_is_a_real_http_answer(bot_and_server: tuple[Bot, FakeBotApi]) -> None:
    _, server = bot_and_server
    url = f"{server.base_url}/bot{server.token}/sendMessage"
    async with aiohttp.ClientSession() as http:
        for _ in range(2):  # a private chat: a burst of 3 allowed, the fourth refused
            for _ in range(2):
                async with http.post(url, json={"chat_id": 7, "text": "hi"}) as response:
                    last = response.status, await response.json()
    status, body = last
    assert status == 429
    assert body["parameters"]["retry_after"] >= 1
    assert len(server.chats[7].messages) == 3


def test_one_chat_gets_one_message_a_second_after_its_burst() -> None:
    clock = ManualClock()
    limits = TelegramLimits(chat_burst=1, jitter=0.05, clock=clock)
    assert limits.admit("sendMessage", "42") is None
    clock.now += 0.9
    assert limits.admit("sendMessage", 42) == 1  # 0.1 s too early, beyond the jitter
    clock.now += 0.06
    assert limits.admit("sendMessage", 42) is None  # 0.04 s early: within the jitter
    assert limits.admit("sendMessage", 43) is None  # another chat is not held
    assert limits.admit("answerCallbackQuery", 42) is None  # not a message: free
    assert limits.admit("sendChatAction", 42) is None
    assert limits.rejected == {"chat": 1}
    assert [a.chat_id for a in limits.accepted] == [42, 42, 43]


def test_a_burst_of_three_then_one_a_second() -> None:
    clock = ManualClock()
    limits = TelegramLimits(chat_burst=3, jitter=0.1, clock=clock)
    assert [limits.admit("sendMessage", 5) for _ in range(4)] == [None, None, None, 1]
    clock.now += 1.0
    assert limits.admit("sendMessage", 5) is None
    assert limits.admit("editMessageText", 5) == 1  # edits count as messages


def test_a_group_gets_twenty_a_minute() -> None:
    clock = ManualClock()
    limits = TelegramLimits(jitter=0.0, clock=clock)
    assert limits.admit("sendMessage", "-1001") is None
    clock.now += 2.0
    assert limits.admit("sendMessage", "-1001") == 1  # 3 s apart at 20 a minute
    clock.now += 1.0
    assert limits.admit("sendMessage", "-1001") is None
    clock.now += 0.5
    assert limits.admit("sendDocument", "-1001") == 3


def test_the_overall_limit_is_thirty_a_second_whatever_the_chats() -> None:
    clock = ManualClock()
    limits = TelegramLimits(jitter=1e-9, clock=clock)  # (a rounding error is not early)
    answers = []
    for n in range(90):  # a second and a half of traffic offered at 60 a second
        clock.now = 1000.0 + n / 60
        answers.append(limits.admit("sendMessage", n + 1))
    assert answers.count(None) == 45  # 30 a second kept, to the message
    assert limits.rejected == {"overall": 45}


async def _send_twelve_each(limits: TelegramLimits, limiter: RateLimiter | None) -> float:
    """Ten chats, twelve messages each, paced by ``limiter`` (None: as fast as it goes);
    returns the seconds it took."""
    server = await _server(limits, range(1, 11))
    bot = Bot(
        server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
    )

    async def chat(chat_id: int) -> None:
        for n in range(12):
            if limiter is not None:
                await asyncio.sleep(limiter.reserve_chat(str(chat_id)))
                await asyncio.sleep(limiter.reserve_overall())
            with contextlib.suppress(TelegramRetryAfter):
                await bot.send_message(chat_id, f"message {n}")

    try:
        started = time.monotonic()
        async with asyncio.timeout(10), asyncio.TaskGroup() as group:
            for chat_id in range(1, 11):
                group.create_task(chat(chat_id))
        return time.monotonic() - started
    finally:
        await bot.session.close()
        await server.stop()


async def test_a_sender_paced_by_the_outbox_limiter_gets_no_429() -> None:
    """The sender's limiter and the server's rule agree: scaled up (150 a second overall,
    5 a second per chat with a burst of 2) so a second of traffic says it. The server's
    jitter tolerance is wide: a paused event loop on a busy test machine makes a paced
    sender send what it held back together."""
    limits = TelegramLimits(per_second=150, chat_per_second=5, chat_burst=2, jitter=0.5)
    elapsed = await _send_twelve_each(limits, RateLimiter(150, 5, 2))
    assert limits.too_many_requests == 0
    assert len(limits.accepted) == 120
    assert elapsed >= 1.5  # 12 a chat at 5 a second after a burst of 2: the pacing was real

    unpaced = TelegramLimits(per_second=150, chat_per_second=5, chat_burst=2, jitter=0.5)
    await _send_twelve_each(unpaced, None)
    assert unpaced.rejected["chat"] > 0  # the same server does refuse a sender that rushes
