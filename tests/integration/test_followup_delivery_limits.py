"""Issue 6, scaled down: due follow-ups go out through the production pipeline (the scheduler's
job, ``make_outbox``'s sender, aiogram over HTTP) to a local Bot API that enforces Telegram's
limits; each arrives exactly once, and 429s, when the server is stricter than the sender's
settings, cost time but lose nothing. ``bench.followup_delivery`` runs the same at full size
(10,000 follow-ups at 30 messages a second)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from bench.followup_delivery import deliver, figures, populate
from tests.support.conversation import OFFICE
from tests.support.telegram_limits import TelegramLimits

pytestmark = pytest.mark.timeout(60)

FOLLOWUPS, RESIDENTS = 60, 12  # five follow-ups each, all due at the same instant
SENDER = {  # Telegram's limits scaled up five-fold so the test takes seconds
    "outbox_rate_per_second": 150.0,
    "outbox_chat_rate_per_second": 5.0,
    "outbox_chat_burst": 3,
}


async def test_a_sender_within_the_limits_delivers_each_follow_up_once_without_429(
    migrated_url: str,
) -> None:
    await populate(migrated_url, RESIDENTS, FOLLOWUPS)
    # The server's rule is the sender's: a jitter tolerance for a loaded test machine (a
    # paused event loop sends what it held back together), not for a faster rate.
    limits = TelegramLimits(per_second=150, chat_per_second=5, chat_burst=3, jitter=0.25)
    out = await deliver(migrated_url, "test", RESIDENTS, FOLLOWUPS, limits, SENDER, 30, settle=0.5)
    f = figures(out)
    assert not out.timed_out
    assert (f["delivered"], f["lost"], f["duplicates"], f["unknown"]) == (FOLLOWUPS, 0, 0, 0)
    assert out.too_many == {}
    assert out.db["followups sent"] == FOLLOWUPS
    assert out.db["outbox sent"] == FOLLOWUPS
    assert f["rate"] <= 150 * 1.25  # paced: the sender never outran its own limit


async def test_429s_from_a_stricter_server_lose_and_duplicate_nothing(
    migrated_url: str,
) -> None:
    """The server allows half the sender's rates, and no burst per chat: 429s come, each is
    waited out (``retry_after``) before that chat hears anything again."""
    await populate(migrated_url, RESIDENTS, FOLLOWUPS)
    limits = TelegramLimits(per_second=75, chat_per_second=2.5, chat_burst=1, jitter=0.0)
    out = await deliver(migrated_url, "test", RESIDENTS, FOLLOWUPS, limits, SENDER, 45, settle=0.5)
    f = figures(out)
    assert not out.timed_out
    assert sum(out.too_many.values()) > 0  # the server really was stricter
    assert (f["delivered"], f["lost"], f["duplicates"], f["unknown"]) == (FOLLOWUPS, 0, 0, 0)
    assert out.db["followups sent"] == FOLLOWUPS
    assert out.db["outbox sent"] == FOLLOWUPS
    assert "outbox failed" not in out.db
    sends = defaultdict(list)
    for send in out.sends:
        sends[send.chat].append(send.at)
    for at, chat, retry_after in out.refusals:
        after = [t for t in sends[chat] if t > at]
        assert not after or min(after) >= at + retry_after, (chat, at, retry_after, after)


async def test_one_run_of_the_job_writes_every_due_follow_up_batch_after_batch(
    migrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """10,000 check-ins due at 10:00 must not wait one batch per tick (that capped delivery at
    100 per 30 s): a run takes batch after batch, waking the sender after each."""
    from bench.followup_delivery import DUE, ShiftedClock
    from bot.render import Renderer
    from declic.scheduling import followups_once
    from infra.db import make_engine
    from infra.settings import load_settings
    from infra.uow import uow_factory_for
    from routing.followups import delivery as followup_delivery
    from routing.followups import service as followups

    monkeypatch.setattr(followup_delivery, "BATCH", 7)
    await populate(migrated_url, RESIDENTS, FOLLOWUPS)
    engine = make_engine(migrated_url)
    woken: list[int] = []
    try:
        policy = followups.policy_of(load_settings(database_url=migrated_url))
        written = await followups_once(
            uow_factory_for(engine), ShiftedClock(DUE), Renderer(office=OFFICE), policy, "test",
            budget_seconds=30, on_written=lambda ids: woken.append(len(ids)),
        )  # fmt: skip
    finally:
        await engine.dispose()
    assert written is not None and len(written) == FOLLOWUPS
    assert len(woken) == -(-FOLLOWUPS // 7) and sum(woken) == FOLLOWUPS
