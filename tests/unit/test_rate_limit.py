"""The outbox's rate limiter with a fake clock: reservations, never sleeping."""

from __future__ import annotations

from routing.rate_limit import RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _send(limiter: RateLimiter, now: FakeTime, chat: str) -> float:
    """Reserve and return the moment the message goes."""
    return now.t + limiter.reserve(chat)


def test_overall_30_per_second_across_many_chats() -> None:
    now = FakeTime()
    limiter = RateLimiter(now=now)
    moments = [_send(limiter, now, str(chat)) for chat in range(300)]
    assert moments == sorted(moments)
    # any window of one second holds at most 30 messages
    for i in range(len(moments) - 30):
        assert moments[i + 30] - moments[i] >= 1.0 - 1e-9
    assert moments[-1] - moments[0] < 10.0  # and no slower than the ceiling


def test_one_per_second_per_chat_after_a_burst_of_three() -> None:
    now = FakeTime()
    limiter = RateLimiter(now=now)
    waits = [limiter.reserve("42") for _ in range(5)]
    assert waits[:3] == [0.0, 1 / 30, 2 / 30] or max(waits[:3]) < 0.1  # the burst goes at once
    assert waits[3] >= 1.0 - 1e-9
    assert waits[4] >= 2.0 - 1e-9
    now.t += 10  # long idle: the burst is available again
    assert limiter.reserve("42") == 0.0


def test_twenty_per_minute_per_group() -> None:
    now = FakeTime()
    limiter = RateLimiter(now=now)
    moments = [_send(limiter, now, "-1001234") for _ in range(41)]
    for i in range(len(moments) - 20):
        assert moments[i + 20] - moments[i] >= 60.0 - 1e-9


def test_a_429_holds_the_chat_for_retry_after() -> None:
    now = FakeTime()
    limiter = RateLimiter(now=now)
    limiter.reserve("7")
    limiter.hold_chat("7", 5)
    assert limiter.reserve_chat("7") >= 5.0
    assert limiter.reserve_chat("8") == 0.0  # other chats are not held
    assert limiter.reserve_overall() < 0.1


def test_idle_chats_are_forgotten() -> None:
    now = FakeTime()
    limiter = RateLimiter(now=now)
    for chat in range(100):
        limiter.reserve(str(chat))
    now.t += 10_000
    limiter.reserve("x")
    assert len(limiter.chats) == 1
