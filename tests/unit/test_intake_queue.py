"""bench.intake_latency: the wait for the loop before feed_update, which the latency leaves out."""

from __future__ import annotations

import time
from typing import Any

from aiogram import Bot
from aiogram.types import Update

from bench.intake_latency import Plan, percentile, replay
from bench.telegram_fakes import canned_bot, text_update


class Busy:
    """A dispatcher whose every update takes 3 ms of CPU and awaits nothing (as a SQLite turn)."""

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> None:
        end = time.thread_time() + 0.003
        while time.thread_time() < end:
            pass


async def test_updates_due_together_queue_before_feed_update() -> None:
    """Ten residents due at the same moments: each waits for the others' updates before its own
    starts, a wait counted in ``queued`` and ``from_due``, not in the latency."""
    plan = Plan(residents=10, messages=3, think=0.001)  # due within 1.5 ms of each other
    streams = {
        user: [text_update(user * 10 + i, user, "Awa", i, "Bonjour") for i in range(3)]
        for user in plan.user_ids()
    }
    bot = canned_bot()
    try:
        run = await replay(Busy(), bot, plan, streams)
    finally:
        await bot.session.close()
    assert len(run.queued) == len(run.from_due) == len(run.latencies) == 30
    assert all(d >= latency for d, latency in zip(run.from_due, run.latencies, strict=True))
    assert percentile(run.from_due, 99) > percentile(run.latencies, 99) + 0.003
