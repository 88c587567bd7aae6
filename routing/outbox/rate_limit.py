"""Telegram's sending limits as reservations (pure: the time source is injected, nothing sleeps).

Each bucket is a GCRA (a token bucket written as "the earliest time the next message may go"):
at most ``rate`` messages a second on average, with a burst of ``burst`` at once. A message
reserves its chat's slot (private or group) and waits for it, then reserves an overall slot;
reserving commits the slot, so concurrent senders get distinct slots. A message that leaves
later than its chat slot (it waited for the overall slot) is counted from the moment it leaves
(:meth:`RateLimiter.mark_sent`), so the next one to that chat keeps its distance.

Defaults (Telegram's published limits): 30 messages a second overall, 1 a second per private
chat with a burst of 3 (a turn's reply may be two or three messages), 20 a minute per group
(a negative chat id).

:class:`RateLimiter` keeps the buckets in this process's memory: right for one sender process
(SQLite). Several sender processes share the same limits through ``routing.outbox.shared_limits``
(PostgreSQL or Redis), which compute exactly these GCRA steps; the sender awaits any of them
through :class:`SendLimits`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

FORGET_AFTER_SECONDS = 600.0  # idle chat buckets are dropped, so memory stays bounded


@dataclass(frozen=True)
class Limits:
    """The numbers, shared by every backend so they all compute the same slots."""

    per_second: float = 30.0
    chat_per_second: float = 1.0
    chat_burst: int = 3
    group_per_minute: float = 20.0
    group_burst: int = 1

    @property
    def overall_interval(self) -> float:
        return 1.0 / self.per_second

    @staticmethod
    def is_group(chat_id: str | None) -> bool:
        return bool(chat_id) and str(chat_id).startswith("-")

    def chat_rule(self, chat_id: str) -> tuple[float, float]:
        """(interval, tolerance) of this chat's bucket: tolerance = (burst - 1) · interval."""
        if self.is_group(chat_id):
            interval = 60.0 / self.group_per_minute
            return interval, (self.group_burst - 1) * interval
        interval = 1.0 / self.chat_per_second
        return interval, (self.chat_burst - 1) * interval


def first_slot_wait(tat_after: float, step: float, tolerance: float, now: float) -> float:
    """The wait for the first slot of a reservation, from the bucket's new theoretical arrival
    time ``tat_after = max(tat, now) + step``: the slot is ``max(now, tat - tolerance)``.
    The database and Redis backends return ``tat_after`` and use this same formula."""
    return max(0.0, tat_after - step - tolerance - now)


@dataclass(frozen=True)
class Slot:
    """A granted slot: the wait from the answer, and its moment by the store's clock (what
    tests and diagnostics compare across senders)."""

    wait: float
    at: float


@dataclass
class _Bucket:
    interval: float
    tolerance: float
    tat: float = 0.0  # theoretical arrival time of the next message

    def delay(self, now: float) -> float:
        return max(0.0, max(self.tat, now) - self.tolerance - now)

    def take(self, at: float) -> None:
        self.tat = max(self.tat, at) + self.interval


class RateLimiter:
    def __init__(
        self,
        per_second: float = 30.0,
        chat_per_second: float = 1.0,
        chat_burst: int = 3,
        group_per_minute: float = 20.0,
        group_burst: int = 1,
        *,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.now = now
        self.limits = Limits(per_second, chat_per_second, chat_burst, group_per_minute, group_burst)
        self.overall = _Bucket(self.limits.overall_interval, 0.0)
        self.chats: dict[str, _Bucket] = {}
        self._last_sweep = 0.0

    @staticmethod
    def is_group(chat_id: str | None) -> bool:
        return Limits.is_group(chat_id)

    def _chat(self, chat_id: str) -> _Bucket:
        bucket = self.chats.get(chat_id)
        if bucket is None:
            bucket = _Bucket(*self.limits.chat_rule(chat_id))
            self.chats[chat_id] = bucket
        return bucket

    def chat_delay(self, chat_id: str | None) -> float:
        """How long this chat must wait, without reserving anything."""
        if not chat_id:
            return 0.0
        return self._chat(chat_id).delay(self.now())

    def reserve_chat(self, chat_id: str | None) -> float:
        """Reserve the chat's next slot; returns the seconds to wait for it. Then, once that
        wait is over, :meth:`reserve_overall` (so a held chat never holds the others)."""
        now = self.now()
        self._sweep(now)
        if not chat_id:
            return 0.0
        bucket = self._chat(chat_id)
        wait = bucket.delay(now)
        bucket.take(now + wait)
        return wait

    def reserve_overall(self) -> float:
        """Reserve the next overall slot; returns the seconds to wait for it."""
        now = self.now()
        wait = self.overall.delay(now)
        self.overall.take(now + wait)
        return wait

    def reserve(self, chat_id: str | None) -> float:
        """Both reservations at once, for a caller that sends right after the wait (tests,
        a single chat): the chat's slot, then the overall slot from that moment."""
        wait = self.reserve_chat(chat_id)
        now = self.now() + wait
        overall = max(0.0, max(self.overall.tat, now) - now)
        self.overall.take(now + overall)
        return wait + overall

    def mark_sent(self, chat_id: str | None) -> None:
        """The chat's message leaves now, later than its slot: the next one waits a full
        interval from now (the bucket is never moved back)."""
        if chat_id:
            bucket = self._chat(chat_id)
            bucket.tat = max(bucket.tat, self.now() + bucket.interval)

    def hold_chat(self, chat_id: str | None, seconds: float) -> None:
        """Telegram said 429 for this chat: nothing more to it for ``seconds``."""
        if chat_id:
            bucket = self._chat(chat_id)
            bucket.tat = max(bucket.tat, self.now() + seconds + bucket.tolerance)

    def forget_chat(self, chat_id: str | None) -> None:
        """The resident was erased: their chat id leaves the buckets (issue 17)."""
        if chat_id:
            self.chats.pop(str(chat_id), None)

    def _sweep(self, now: float) -> None:
        if now - self._last_sweep < FORGET_AFTER_SECONDS:
            return
        self._last_sweep = now
        stale = [c for c, b in self.chats.items() if b.tat < now - FORGET_AFTER_SECONDS]
        for chat_id in stale:
            del self.chats[chat_id]


class SendLimits(Protocol):
    """What the outbox sender awaits, whichever store keeps the buckets. Every wait returned
    is in seconds from the moment the answer arrives; a store that cannot be reached raises,
    and the sender waits and asks again (it never sends without a reservation)."""

    async def reserve_chat(self, chat_id: str | None) -> float: ...

    async def reserve_overall(self) -> float: ...

    async def mark_sent(self, chat_id: str | None) -> None: ...

    async def hold_chat(self, chat_id: str | None, seconds: float) -> None: ...

    async def forget_chat(self, chat_id: str | None) -> None:
        """Drop the chat's bucket: its resident was erased, their chat id must not stay."""
        ...

    async def close(self) -> None: ...


class LocalLimits:
    """:class:`SendLimits` over a :class:`RateLimiter` in this process's memory."""

    name = "memory"

    def __init__(self, limiter: RateLimiter | None = None) -> None:
        self.limiter = limiter or RateLimiter()

    async def chat_slot(self, chat_id: str) -> Slot:
        now = self.limiter.now()
        wait = self.limiter.reserve_chat(chat_id)
        return Slot(wait, now + wait)

    async def overall_slot(self) -> Slot:
        now = self.limiter.now()
        wait = self.limiter.reserve_overall()
        return Slot(wait, now + wait)

    async def reserve_chat(self, chat_id: str | None) -> float:
        return self.limiter.reserve_chat(chat_id)

    async def reserve_overall(self) -> float:
        return self.limiter.reserve_overall()

    async def mark_sent(self, chat_id: str | None) -> None:
        self.limiter.mark_sent(chat_id)

    async def hold_chat(self, chat_id: str | None, seconds: float) -> None:
        self.limiter.hold_chat(chat_id, seconds)

    async def forget_chat(self, chat_id: str | None) -> None:
        self.limiter.forget_chat(chat_id)

    async def close(self) -> None:
        return None
