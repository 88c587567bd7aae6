"""What a delivery reports (sent, try again later, failed) and how long a retry waits."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from routing.journey import OutgoingMessage

BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 300.0


@dataclass(frozen=True)
class Delivered:
    message_id: int | None


@dataclass(frozen=True)
class RetryLater:
    """Try again: after ``after_seconds`` (a 429's ``retry_after``), or, with ``backoff``,
    after an exponential backoff with jitter that the sender computes from the attempts."""

    after_seconds: float
    reason: str
    backoff: bool = False


@dataclass(frozen=True)
class Failed:
    reason: str
    unreachable: bool = False


DeliveryResult = Delivered | RetryLater | Failed
Deliver = Callable[[OutgoingMessage], Awaitable[DeliveryResult]]


def backoff_seconds(attempts: int, rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter: between half and all of base·2^(attempts-1), capped."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2.0 ** max(attempts - 1, 0))
    return ceiling * (0.5 + 0.5 * rand())


def keep_uncertainty(row: OutgoingMessage, reason: str) -> str:
    if row.uncertain and not reason.startswith("uncertain"):
        return f"uncertain; {reason}"[:300]
    return reason[:300]
