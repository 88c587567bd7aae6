"""The flood guard shared through Redis (``DECLIC_REDIS_URL``): several webhook workers count one
resident's messages together; without Redis each process counts alone, and Redis going away
never holds a message up. Runs against the Redis at 127.0.0.1:6379 with a key prefix of its own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.middlewares import FloodGuard, RedisFloodWindow, flood_guard

pytestmark = pytest.mark.timeout(30)
REDIS_URL = os.environ.get("DECLIC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await client.ping()
    except (RedisError, OSError):
        await client.aclose()
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}", pytrace=False)
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    yield client
    await client.aclose()


@pytest.fixture
async def prefix(redis: Redis) -> AsyncIterator[str]:
    prefix = f"declic-test:{uuid.uuid4().hex}"
    yield prefix
    keys = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
    if keys:
        await redis.delete(*keys)


async def test_two_workers_share_one_window(redis: Redis, prefix: str) -> None:
    first = FloodGuard(3, 10.0, RedisFloodWindow(redis, prefix))
    second = FloodGuard(3, 10.0, RedisFloodWindow(redis, prefix))
    verdicts = [await guard.throttle(7) for guard in (first, second, first, second, first)]
    assert verdicts[:3] == [(False, False)] * 3
    assert verdicts[3] == (True, True)  # the fourth message, whichever worker got it
    assert verdicts[4] == (True, False)  # one polite notice per window, across workers
    assert await second.throttle(8) == (False, False)  # another resident is not affected
    assert 0 < await redis.pttl(f"{prefix}:7") <= 11_000  # nothing lingers past the window


async def test_the_window_slides(redis: Redis, prefix: str) -> None:
    window = RedisFloodWindow(redis, prefix)
    assert [await window.check(7, 2, 10.0, now=t) for t in (100.0, 101.0)] == [(False, False)] * 2
    assert await window.check(7, 2, 10.0, now=102.0) == (True, True)
    assert await window.check(7, 2, 10.0, now=111.5) == (False, False)  # 100 and 101 slid out


async def test_redis_down_counts_per_process_and_holds_nothing_up() -> None:
    guard = flood_guard(2, 10.0, "redis://127.0.0.1:1/0")  # nothing listens there
    assert guard.shared is not None
    try:
        verdicts = [await guard.throttle(7) for _ in range(3)]
    finally:
        await guard.aclose()
    assert verdicts == [(False, False), (False, False), (True, True)]


def test_without_redis_the_guard_counts_in_this_process() -> None:
    assert flood_guard(2, 10.0, None).shared is None
