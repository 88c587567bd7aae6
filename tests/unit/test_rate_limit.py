"""The outbox's rate limiter with a fake clock: reservations, never sleeping."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.outbox.rate_limit import Limits, LocalLimits, RateLimiter, first_slot_wait
from tests.support.rate_checks import assert_chat_spacing, assert_window_count


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


def test_a_message_leaving_late_is_counted_from_when_it_leaves() -> None:
    now = FakeTime()
    limiter = RateLimiter(chat_burst=1, now=now)
    assert limiter.reserve_chat("5") == 0.0
    now.t += 0.7  # it waited 0.7 s for an overall slot
    limiter.mark_sent("5")
    assert limiter.reserve_chat("5") == pytest.approx(1.0)  # a full second after it left
    limiter.mark_sent("-9")  # a group never reserved: nothing breaks, the group is held
    assert limiter.reserve_chat("-9") == pytest.approx(3.0)


def test_the_shared_backends_formula_is_the_memory_gcra() -> None:
    now = FakeTime()
    limiter = RateLimiter(now=now)
    interval, tolerance = Limits().chat_rule("42")
    for gap in [0.0, 0.0, 0.0, 0.1, 2.5, 0.0, 0.0, 0.0, 0.0]:
        now.t += gap
        before = limiter.chats["42"].tat if "42" in limiter.chats else 0.0
        wait = limiter.reserve_chat("42")
        tat_after = max(before, now.t) + interval
        assert limiter.chats["42"].tat == pytest.approx(tat_after)
        assert first_slot_wait(tat_after, interval, tolerance, now.t) == pytest.approx(wait)


def test_limits_tell_groups_from_private_chats() -> None:
    limits = Limits(chat_per_second=2.0, chat_burst=3, group_per_minute=30.0)
    assert limits.chat_rule("42") == (0.5, 1.0)
    assert limits.chat_rule("-100123") == (2.0, 0.0)
    assert limits.overall_interval == pytest.approx(1 / 30)


async def test_local_limits_are_the_rate_limiter_awaited() -> None:
    now = FakeTime()
    local = LocalLimits(RateLimiter(chat_burst=1, now=now))
    assert await local.reserve_chat("1") == 0.0
    assert await local.reserve_chat("1") == pytest.approx(1.0)
    await local.hold_chat("2", 4)
    assert await local.reserve_chat("2") == pytest.approx(4.0)
    await local.mark_sent("3")
    assert await local.reserve_overall() == 0.0
    await local.close()


# -- properties: whatever the moments of the requests, the granted slots keep the limits --------

gaps = st.lists(st.floats(min_value=0.0, max_value=3.0, allow_nan=False), min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(gaps=gaps, burst=st.integers(min_value=1, max_value=4), late=st.lists(st.floats(0, 2)))
def test_one_chat_never_gets_two_slots_closer_than_the_interval_beyond_its_burst(
    gaps: list[float], burst: int, late: list[float]
) -> None:
    now = FakeTime()
    limiter = RateLimiter(chat_burst=burst, now=now)
    sent: list[float] = []
    for index, gap in enumerate(gaps):
        now.t = max(now.t + gap, sent[-1] if sent else 0.0)  # one chat's rows go one by one
        slot = now.t + limiter.reserve_chat("42")
        # the message leaves at its slot, or later (it waited for an overall slot)
        now.t = slot + (late[index] if index < len(late) else 0.0)
        if now.t > slot:
            limiter.mark_sent("42")
        sent.append(now.t)
    assert_chat_spacing(sent, 1.0, burst)
    assert_window_count(sent, 1.0, 5.0, burst)


@settings(max_examples=150, deadline=None)
@given(
    gaps=gaps,
    chats=st.lists(st.sampled_from(["1", "2", "3", "-100"]), min_size=60, max_size=60),
)
def test_overall_never_more_than_rate_times_window_plus_burst(
    gaps: list[float], chats: list[str]
) -> None:
    now = FakeTime()
    limiter = RateLimiter(per_second=5.0, now=now)
    moments: list[float] = []
    per_chat: dict[str, list[float]] = {}
    for gap, chat in zip(gaps, chats, strict=False):
        now.t += gap / 10
        chat_wait = limiter.reserve_chat(chat)
        at = now.t
        now.t += chat_wait  # the slot's moment: the overall reservation is made then
        moment = now.t + limiter.reserve_overall()
        now.t = at
        moments.append(moment)
        per_chat.setdefault(chat, []).append(at + chat_wait)
    for window in (0.2, 1.0, 3.0):
        assert_window_count(moments, 5.0, window, 1)
    for chat, slots in per_chat.items():
        interval, tolerance = limiter.limits.chat_rule(chat)
        assert_chat_spacing(slots, interval, round(tolerance / interval) + 1)
