"""Telegram's sending limits as reservations (pure: the time source is injected, nothing sleeps).

Each bucket is a GCRA (a token bucket written as "the earliest time the next message may go"):
at most ``rate`` messages a second on average, with a burst of ``burst`` at once. A message
reserves its chat's slot (private or group) and waits for it, then reserves an overall slot;
reserving commits the slot, so concurrent senders get distinct slots.

Defaults (Telegram's published limits): 30 messages a second overall, 1 a second per private
chat with a burst of 3 (a turn's reply may be two or three messages), 20 a minute per group
(a negative chat id).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

FORGET_AFTER_SECONDS = 600.0  # idle chat buckets are dropped, so memory stays bounded


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
        self.overall = _Bucket(1.0 / per_second, 0.0)
        self.chat_interval = 1.0 / chat_per_second
        self.chat_burst = chat_burst
        self.group_interval = 60.0 / group_per_minute
        self.group_burst = group_burst
        self.chats: dict[str, _Bucket] = {}
        self._last_sweep = 0.0

    @staticmethod
    def is_group(chat_id: str | None) -> bool:
        return bool(chat_id) and str(chat_id).startswith("-")

    def _chat(self, chat_id: str) -> _Bucket:
        bucket = self.chats.get(chat_id)
        if bucket is None:
            if self.is_group(chat_id):
                bucket = _Bucket(self.group_interval, (self.group_burst - 1) * self.group_interval)
            else:
                bucket = _Bucket(self.chat_interval, (self.chat_burst - 1) * self.chat_interval)
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

    def hold_chat(self, chat_id: str | None, seconds: float) -> None:
        """Telegram said 429 for this chat: nothing more to it for ``seconds``."""
        if chat_id:
            bucket = self._chat(chat_id)
            bucket.tat = max(bucket.tat, self.now() + seconds + bucket.tolerance)

    def _sweep(self, now: float) -> None:
        if now - self._last_sweep < FORGET_AFTER_SECONDS:
            return
        self._last_sweep = now
        stale = [c for c, b in self.chats.items() if b.tat < now - FORGET_AFTER_SECONDS]
        for chat_id in stale:
            del self.chats[chat_id]
