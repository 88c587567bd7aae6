"""Telegram's sending limits, enforced by the local Bot API (:class:`FakeBotApi` ``limits=``).

Why: the outbox sender keeps these limits on its own side; only a server that refuses what goes
over them, as Telegram does, can show that it really does (zero 429s) and that what it does on a
429 loses and duplicates nothing.

The rule, per message-sending call (``SENDING_METHODS``; answers to callback queries, chat
actions and reads are free, as on Telegram), is a GCRA ("the earliest time the next message may
arrive", the same algorithm as :mod:`routing.outbox.rate_limit`), checked on arrival at the server:

- overall: ``per_second`` a second on average, arrivals up to ``jitter`` seconds early
  tolerated (so at most ``per_second × (1 + jitter) + 1`` in any one second);
- a private chat (positive id): one message every ``1 / chat_per_second`` seconds, with a
  burst of ``chat_burst`` (Telegram lets short bursts through; ``chat_burst=1`` forbids any
  two messages less than a second apart, beyond ``jitter``);
- a group (negative id): ``group_per_minute`` a minute, no burst.

``jitter`` stands for the network: a sender that keeps exactly to the rate still sees its
messages arrive a few milliseconds early or late. A call over a limit is answered 429 with
``retry_after`` (whole seconds, at least 1, as Telegram does) and does nothing; it takes no
slot. Every admitted call is in ``accepted`` with its arrival time; ``rejected`` counts 429s.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

SENDING_METHODS = frozenset(
    m.lower()
    for m in (
        "sendMessage", "editMessageText", "editMessageReplyMarkup", "editMessageCaption",
        "sendDocument", "sendPhoto", "sendVideo", "sendAudio", "sendVoice", "sendAnimation",
        "sendSticker", "sendMediaGroup", "sendLocation", "sendVenue", "sendContact", "sendPoll",
        "copyMessage", "copyMessages", "forwardMessage", "forwardMessages",
    )
)  # fmt: skip


@dataclass(frozen=True)
class Admitted:
    """One sending call let through: when it arrived (``clock`` seconds), what, to whom."""

    at: float
    method: str
    chat_id: int | None


@dataclass
class _Gcra:
    interval: float
    tolerance: float
    tat: float = -math.inf  # theoretical arrival time of the next message

    def wait(self, now: float) -> float:
        """How early this arrival is beyond the tolerance (0: admissible now)."""
        return max(0.0, self.tat - self.tolerance - now)

    def take(self, now: float) -> None:
        self.tat = max(self.tat, now) + self.interval


@dataclass
class TelegramLimits:
    per_second: float = 30.0
    chat_per_second: float = 1.0
    chat_burst: int = 3
    group_per_minute: float = 20.0
    jitter: float = 0.1
    clock: Callable[[], float] = time.monotonic
    accepted: list[Admitted] = field(default_factory=list)
    rejected: Counter[str] = field(default_factory=Counter)  # 429s per limit: overall, chat, group
    _overall: _Gcra = field(init=False)
    _chats: dict[int, _Gcra] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        if self.chat_burst < 1 or min(self.per_second, self.chat_per_second) <= 0:
            raise ValueError("rates must be positive and the burst at least 1")
        self._overall = _Gcra(1.0 / self.per_second, self.jitter)

    @property
    def too_many_requests(self) -> int:
        return sum(self.rejected.values())

    def _chat(self, chat_id: int) -> _Gcra:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if chat_id < 0:
                bucket = _Gcra(60.0 / self.group_per_minute, self.jitter)
            else:
                interval = 1.0 / self.chat_per_second
                bucket = _Gcra(interval, (self.chat_burst - 1) * interval + self.jitter)
            self._chats[chat_id] = bucket
        return bucket

    def admit(self, method: str, chat_id: object) -> int | None:
        """None: let the call through (its slots are taken); else the ``retry_after`` to
        answer with a 429."""
        if method.lower() not in SENDING_METHODS:
            return None
        now = self.clock()
        chat = _chat_number(chat_id)
        buckets = {"overall": self._overall}
        if chat is not None:
            buckets["group" if chat < 0 else "chat"] = self._chat(chat)
        waits = {name: bucket.wait(now) for name, bucket in buckets.items()}
        limit, wait = max(waits.items(), key=lambda item: item[1])
        if wait > 0:
            self.rejected[limit] += 1
            return max(1, math.ceil(wait))
        for bucket in buckets.values():
            bucket.take(now)
        self.accepted.append(Admitted(now, method, chat))
        return None


def _chat_number(chat_id: object) -> int | None:
    """A numeric chat id as Telegram reads it (form fields are text); None for ``@name``."""
    if isinstance(chat_id, int) and not isinstance(chat_id, bool):
        return chat_id
    text = str(chat_id or "").strip()
    if text.lstrip("-").isdigit():
        return int(text)
    return None


__all__ = ["SENDING_METHODS", "Admitted", "TelegramLimits"]
