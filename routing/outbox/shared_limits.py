"""Telegram's limits shared by every sender process: the GCRA buckets in PostgreSQL or Redis.

In production two webhook workers and a scheduler each run an outbox sender against one
database. Limits kept in each process's memory would let them, together, exceed Telegram's
(30 messages a second overall, 1 a second per chat, 20 a minute per group) and meet 429s. Here
the buckets live in a store every process reaches, and each reservation is one atomic step
there, computed with the store's own clock, so concurrent senders get distinct slots and agree
on the time. The GCRA is exactly that of :class:`routing.outbox.rate_limit.RateLimiter`:
``tat_after = max(tat, now) + interval`` and the wait is
:func:`~routing.outbox.rate_limit.first_slot_wait`.

- :class:`DatabaseLimits`: the ``rate_buckets`` table (migration 0009), one ``INSERT … ON
  CONFLICT DO UPDATE … RETURNING`` per reservation on an autocommit connection (one round
  trip; the row lock makes concurrent reservations of one bucket queue), time from
  ``clock_timestamp()``; idle buckets are swept now and then.
- :class:`RedisLimits`: one Lua script per step, time from Redis' ``TIME``; keys expire once
  their bucket is idle again (an absent key is an idle bucket), so nothing needs sweeping.

A store that cannot be reached raises; the sender waits and asks again, it never sends
without a reservation.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from typing import Any, Self

import asyncpg
from sqlalchemy.engine import make_url

from routing.outbox.rate_limit import Limits, Slot, first_slot_wait

SWEEP_EVERY_SECONDS = 300.0
IDLE_SECONDS = 60.0  # a bucket whose slot is this far in the past is idle: its row may go
POOL_SIZE = 4

_RESERVE = """
WITH c AS MATERIALIZED (SELECT extract(epoch FROM clock_timestamp())::float8 AS now),
up AS (
    INSERT INTO rate_buckets AS b (key, tat)
    SELECT $1, c.now + $2::float8 FROM c
    ON CONFLICT (key) DO UPDATE SET tat = greatest(b.tat, excluded.tat - $2::float8) + $2::float8
    RETURNING b.tat
)
SELECT up.tat, c.now FROM up, c
"""
# tat = max(tat, now + ahead): a 429's hold, or a late message counted from when it left.
_FLOOR = """
INSERT INTO rate_buckets AS b (key, tat)
VALUES ($1, extract(epoch FROM clock_timestamp())::float8 + $2::float8)
ON CONFLICT (key) DO UPDATE SET tat = greatest(b.tat, excluded.tat)
"""
_SWEEP = """
DELETE FROM rate_buckets
WHERE left(key, length($1::text)) = $1::text
  AND tat < extract(epoch FROM clock_timestamp())::float8 - $2::float8
"""


_FORGET = "DELETE FROM rate_buckets WHERE key = $1"


class _Buckets(ABC):
    """Telegram's limits, the same over either store: the store gives the two atomic steps on
    a bucket, ``_reserve`` (the next slot and the wait before it) and ``_floor`` (the bucket's
    slot not before ``ahead`` seconds from now)."""

    limits: Limits

    @abstractmethod
    async def _reserve(self, key: str, step: float, tolerance: float) -> Slot: ...

    @abstractmethod
    async def _floor(self, key: str, ahead: float) -> None: ...

    async def chat_slot(self, chat_id: str) -> Slot:
        interval, tolerance = self.limits.chat_rule(chat_id)
        return await self._reserve(f"chat:{chat_id}", interval, tolerance)

    async def overall_slot(self) -> Slot:
        return await self._reserve("overall", self.limits.overall_interval, 0.0)

    async def reserve_chat(self, chat_id: str | None) -> float:
        return (await self.chat_slot(chat_id)).wait if chat_id else 0.0

    async def reserve_overall(self) -> float:
        return (await self.overall_slot()).wait

    async def mark_sent(self, chat_id: str | None) -> None:
        if chat_id:
            interval, _ = self.limits.chat_rule(chat_id)
            await self._floor(f"chat:{chat_id}", interval)

    async def hold_chat(self, chat_id: str | None, seconds: float) -> None:
        if chat_id:
            _, tolerance = self.limits.chat_rule(chat_id)
            await self._floor(f"chat:{chat_id}", seconds + tolerance)


class DatabaseLimits(_Buckets):
    """The shared buckets in PostgreSQL's ``rate_buckets`` table, through a small asyncpg pool
    of its own (a third of the CPU of going through SQLAlchemy, which matters at 30 messages a
    second, two or three steps each). Autocommit, and the buckets being throw-away, their
    commits do not wait for the disk (``synchronous_commit=off``)."""

    name = "database"

    def __init__(self, dsn: str, limits: Limits | None = None, prefix: str = "telegram:") -> None:
        self.dsn = dsn
        self.limits = limits or Limits()
        self.prefix = prefix
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()
        self._last_sweep: float | None = None

    @classmethod
    def connect(cls, url: str, limits: Limits | None = None, prefix: str = "telegram:") -> Self:
        """From the SQLAlchemy URL of the database; connects on first use."""
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        return cls(dsn, limits, prefix)

    async def _connections(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                # No floor (min_size 0): asyncpg would restore one while the database is
                # down (a restart), logging a warning with its traceback every retry; a
                # connection is opened when a step needs one, and kept while in use.
                self._pool = await asyncpg.create_pool(
                    self.dsn,
                    min_size=0,
                    max_size=POOL_SIZE,
                    timeout=5,
                    command_timeout=5,
                    server_settings={"synchronous_commit": "off"},
                )
        return self._pool

    async def _reserve(self, key: str, step: float, tolerance: float) -> Slot:
        pool = await self._connections()
        tat, now = await pool.fetchrow(_RESERVE, self.prefix + key, step)
        if self._due_for_sweep(now):
            await pool.execute(_SWEEP, self.prefix, IDLE_SECONDS)
        wait = first_slot_wait(tat, step, tolerance, now)
        return Slot(wait, now + wait)

    async def _floor(self, key: str, ahead: float) -> None:
        await (await self._connections()).execute(_FLOOR, self.prefix + key, ahead)

    def _due_for_sweep(self, now: float) -> bool:
        if self._last_sweep is None:
            self._last_sweep = now  # not at start: a fresh process has nothing of its own
        if now - self._last_sweep < SWEEP_EVERY_SECONDS:
            return False
        self._last_sweep = now
        return True

    async def sweep(self) -> int:
        """Forget idle buckets now (an idle bucket and a missing one mean the same)."""
        status = await (await self._connections()).execute(_SWEEP, self.prefix, IDLE_SECONDS)
        return int(status.rsplit(" ", 1)[-1])

    async def forget_chat(self, chat_id: str | None) -> None:
        if chat_id:
            await (await self._connections()).execute(_FORGET, f"{self.prefix}chat:{chat_id}")

    async def close(self) -> None:
        async with self._opening:
            if self._pool is not None:
                await self._pool.close()
                self._pool = None


# KEYS[1]: the bucket. ARGV[1]: "reserve" or "floor"; ARGV[2]: the step (reserve) or how far
# ahead of now the bucket must be at least (floor). Returns the new tat and Redis' now, as
# strings (a Lua number would come back truncated to an integer).
_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local arg = tonumber(ARGV[2])
local new
if ARGV[1] == 'reserve' then
  new = math.max(tat, now) + arg
else
  new = math.max(tat, now + arg)
end
if new > now then
  redis.call('SET', KEYS[1], string.format('%.6f', new), 'PX',
             math.ceil((new - now) * 1000) + 1000)
end
return {string.format('%.6f', new), string.format('%.6f', now)}
"""


class RedisLimits(_Buckets):
    """The shared buckets in Redis: one key per bucket, expiring once the bucket is idle."""

    name = "redis"

    def __init__(
        self, client: Any, limits: Limits | None = None, prefix: str = "declic:rate:"
    ) -> None:
        self.client = client
        self.limits = limits or Limits()
        self.prefix = prefix
        self._script = client.register_script(_LUA)

    @classmethod
    def connect(cls, url: str, limits: Limits | None = None, prefix: str = "declic:rate:") -> Self:
        from redis.asyncio import Redis

        client = Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        return cls(client, limits, prefix)

    async def _step(self, key: str, mode: str, arg: float) -> tuple[float, float]:
        new, now = await self._script(keys=[self.prefix + key], args=[mode, repr(arg)])
        return float(new), float(now)

    async def _reserve(self, key: str, step: float, tolerance: float) -> Slot:
        tat, now = await self._step(key, "reserve", step)
        wait = first_slot_wait(tat, step, tolerance, now)
        return Slot(wait, now + wait)

    async def _floor(self, key: str, ahead: float) -> None:
        await self._step(key, "floor", ahead)

    async def forget_chat(self, chat_id: str | None) -> None:
        if chat_id:
            await self.client.delete(f"{self.prefix}chat:{chat_id}")

    async def close(self) -> None:
        await self.client.aclose()
