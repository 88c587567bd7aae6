"""Follow-up delivery against a Bot API that enforces Telegram's limits: throughput as a share
of the 30 messages/s ceiling, 429s received, lost and duplicated messages.

Run: ``.venv/bin/python -m bench.followup_delivery [--followups 10000] [--residents 2000]
[--backend postgresql|sqlite|both]``. See ``bench/README.md`` for how to read it.

A fresh, migrated database gets ``--residents`` residents (a chat each), ``--followups`` ideas
submitted 30 days ago (spread evenly over the residents) and, for each, the 30-day check-in the
policy (``routing.followups.policy.schedule``) plans: all due at the same instant, a Tuesday at
10:00, as after a quiet Sunday. Rows are written in a seeded random order, as planning at
different times would. Then the production pipeline runs, on one event loop as in ``declic
bot``: the scheduler's job (``declic.scheduling.followups_once``: claim, re-check against the
policy, render, write outbox rows) run back to back until nothing is due, and the outbox
sender of ``declic.scheduling.make_outbox`` with the settings' limits and a real aiogram
``Bot`` over HTTP to the local Bot API (``tests.support.fake_bot_api``) on 127.0.0.1, which
answers 429 over Telegram's limits (``tests.support.telegram_limits``). The clock is real time
shifted to that Tuesday 10:00, so the quiet hours never interfere.

Measured on the server's side: each accepted message and its arrival time, the follow-up it
carries (its buttons name it), 429s. Baselines in the same run: the raw HTTP ceiling of the
local server (no limits), and a "naive" sender (the same pipeline with limits it cannot reach)
showing what the server does to a sender without a limiter.
Target (DESIGN §6): ≥ 95 % of 30 messages/s, zero 429s, zero lost, zero duplicates.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy import func, insert, select

from bench.databases import fresh_database
from bot.app import make_bot, telegram_delivery
from bot.callbacks import unpack
from bot.render import OfficeWords, Renderer
from declic.scheduling import followups_once, make_outbox
from infra.db import make_engine
from infra.settings import load_settings
from infra.uow import uow_factory_for
from routing.followups import delivery as followup_delivery
from routing.followups import service as followups
from routing.followups.policy import IdeaFacts, Kind, Policy, schedule
from routing.followups.records import FollowUp
from routing.journey.records import Idea, OutgoingMessage, Resident
from routing.outbox.claims import worker_name
from tests.support.fake_bot_api import BotCall, FakeBotApi
from tests.support.telegram_limits import TelegramLimits

PARIS = ZoneInfo("Europe/Paris")
DUE = datetime(2026, 3, 10, 10, 0, tzinfo=PARIS)  # a Tuesday, no holiday: send_at, not quiet
SUBMITTED = DUE - timedelta(days=30)
CEILING = 30.0  # Telegram: messages a second, overall
TARGET_SHARE = 0.95
FIRST_CHAT = 500_000
SETTLE_SECONDS = 2.0  # after the last expected message: time for a late duplicate to show


class ShiftedClock:
    """Real time, started at ``start``: the pipeline waits as it would in production."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.started = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.started)


# -- the data --------------------------------------------------------------------------------


def due_check_in(policy: Policy) -> datetime:
    """When the policy sends the 30-day check-in of an idea submitted at SUBMITTED."""
    plan = {d.kind: d.due_at for d in schedule(IdeaFacts(submitted_at=SUBMITTED), policy)}
    if plan.get(Kind.CHECKIN_30) != DUE:  # the bench relies on the real policy's answer
        raise SystemExit(f"the policy moved the check-in: {plan}")
    return DUE


async def populate(url: str, residents: int, count: int, seed: int = 2026) -> float:
    """Residents, submitted ideas and their due check-ins; returns the seconds it took."""
    started = time.perf_counter()
    engine = make_engine(url)
    due = due_check_in(followups.policy_of(load_settings(database_url=url)))
    owners = [i % residents for i in range(count)]
    random.Random(seed).shuffle(owners)
    try:
        async with uow_factory_for(engine)() as uow:
            s = uow.session
            await s.execute(insert(Resident), [
                {"id": r + 1, "channel": "telegram", "external_id": str(FIRST_CHAT + r),
                 "chat_id": str(FIRST_CHAT + r), "display_name": f"Voisin {r}", "locale": "fr",
                 "reachable": True, "followups_paused": False, "consent_at": SUBMITTED,
                 "created_at": SUBMITTED, "last_seen_at": SUBMITTED}
                for r in range(residents)
            ])  # fmt: skip
            await s.execute(insert(Idea), [
                {"id": n + 1, "ref": f"B{n + 1:07d}", "resident_id": owner + 1,
                 "status": "submitted", "title": f"Grainothèque n°{n + 1}", "locale": "fr",
                 "needs": [], "themes": [], "unmet_needs": [], "created_at": SUBMITTED,
                 "updated_at": SUBMITTED, "submitted_at": SUBMITTED}
                for n, owner in enumerate(owners)
            ])  # fmt: skip
            await s.execute(insert(FollowUp), [
                {"id": n + 1, "idea_id": n + 1, "resident_id": owner + 1,
                 "kind": Kind.CHECKIN_30.value, "due_at": due, "status": "pending", "data": {},
                 "created_at": SUBMITTED, "updated_at": SUBMITTED}
                for n, owner in enumerate(owners)
            ])  # fmt: skip
            await uow.commit()
    finally:
        await engine.dispose()
    return time.perf_counter() - started


# -- one run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Send:
    at: float  # seconds after the follow-ups fell due
    chat: int
    followup: int | None


@dataclass
class Outcome:
    label: str
    followups: int
    residents: int
    sends: list[Send] = field(default_factory=list)
    too_many: dict[str, int] = field(default_factory=dict)
    refusals: list[tuple[float, int, int]] = field(default_factory=list)  # at, chat, retry_after
    timed_out: bool = False
    enqueue_seconds: float = 0.0
    enqueue_runs: int = 0
    db: dict[str, int] = field(default_factory=dict)
    limits: str = ""
    job_cap: float = 0.0  # follow-ups a second the scheduler's job enqueues at its interval


def followup_of(call: BotCall) -> int | None:
    markup = call.params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = (markup or {}).get("inline_keyboard") or [[{}]]
    data = unpack(rows[0][0].get("callback_data"))
    return int(data.value.split(".")[0]) if data is not None else None


async def deliver(
    url: str,
    label: str,
    residents: int,
    count: int,
    limits: TelegramLimits,
    overrides: dict[str, Any],
    timeout: float,  # noqa: ASYNC109 (the run is bounded on purpose)
    *,
    enqueue_first: bool = False,
    settle: float = SETTLE_SECONDS,
) -> Outcome:
    """The production pipeline over a populated database, until every follow-up arrived.
    ``enqueue_first``: the sender starts once every outbox row is written (the outbox alone)."""
    out = Outcome(label, count, residents)
    server = await FakeBotApi(limits=limits).start()
    for r in range(residents):
        server.user(FIRST_CHAT + r)
    settings = load_settings(database_url=url, **overrides)
    out.limits = getattr(settings, "outbox_limits", "memory")
    out.job_cap = followup_delivery.BATCH / settings.followup_interval_seconds
    engine = make_engine(url)
    uow_factory = uow_factory_for(engine)
    bot = make_bot(server.token, server.base_url)
    clock = ShiftedClock(DUE)
    origin = clock.started
    arrived = 0

    def on_call(call: BotCall) -> None:
        nonlocal arrived
        if call.method == "sendMessage" and call.ok:
            chat = int(call.params["chat_id"])
            out.sends.append(Send(call.at - origin, chat, followup_of(call)))
            arrived += 1
        elif call.status == 429:
            wait = call.response["parameters"]["retry_after"]
            out.refusals.append((call.at - origin, int(call.params["chat_id"]), wait))

    server.on_call = on_call
    outbox = make_outbox(uow_factory, clock, telegram_delivery(bot), settings)
    policy = followups.policy_of(settings)
    stop = asyncio.Event()

    def start_sender() -> asyncio.Task[None]:
        return asyncio.create_task(outbox.run(stop), name="outbox")

    sender = None if enqueue_first else start_sender()
    renderer, worker = Renderer(office=OfficeWords.of(settings)), worker_name()
    try:
        failures = 0
        while failures < 5:  # the scheduler's job, run after run while something is due
            written = await followups_once(uow_factory, clock, renderer, policy, worker)
            out.enqueue_runs += 1
            if written is None:  # failed and logged: the next run tries again, as on a tick
                failures += 1
                continue
            if not written:
                break
            outbox.wake()
        out.enqueue_seconds = time.monotonic() - origin
        if sender is None:
            sender = start_sender()
        with contextlib.suppress(AssertionError):
            await server.wait_until(lambda: arrived >= count, timeout)
        out.timed_out = arrived < count
        await asyncio.sleep(settle)
    finally:
        stop.set()
        if sender is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(sender, 10)
        out.too_many = dict(limits.rejected)
        await bot.session.close()
        await server.stop()
        async with uow_factory() as uow:
            s = uow.session
            for model, name in ((FollowUp, "followups"), (OutgoingMessage, "outbox")):
                rows = await s.execute(select(model.status, func.count()).group_by(model.status))
                out.db.update({f"{name} {status}": n for status, n in rows.all()})
            out.db["outbox uncertain"] = (
                await s.scalar(select(func.count()).where(OutgoingMessage.uncertain.is_(True)))
            ) or 0
        await engine.dispose()
    return out


async def raw_ceiling(messages: int = 1000, concurrency: int = 16) -> float:
    """Messages a second the local server takes through aiogram, no limits, no database."""
    server = await FakeBotApi().start()
    server.user(FIRST_CHAT)
    bot = make_bot(server.token, server.base_url)
    gate = asyncio.Semaphore(concurrency)

    async def one(n: int) -> None:
        async with gate:
            await bot.send_message(FIRST_CHAT, f"message {n}")

    try:
        started = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(messages)))
        return messages / (time.perf_counter() - started)
    finally:
        await bot.session.close()
        await server.stop()


# -- figures ---------------------------------------------------------------------------------


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1] if ordered else math.nan


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most messages the server accepted within any ``window`` seconds."""
    ordered, best, start = sorted(times), 0, 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def figures(out: Outcome) -> dict[str, Any]:
    per_followup = Counter(s.followup for s in out.sends)
    delivered = [f for f in range(1, out.followups + 1) if per_followup.get(f)]
    last = max((s.at for s in out.sends), default=math.nan)
    by_chat: dict[int, list[float]] = defaultdict(list)
    for send in out.sends:
        by_chat[send.chat].append(send.at)
    gaps = [b - a for times in map(sorted, by_chat.values()) for a, b in pairwise(times)]
    first_by_followup: dict[int | None, float] = {}
    for send in sorted(out.sends, key=lambda s: s.at):
        first_by_followup.setdefault(send.followup, send.at)
    delays = [at for f, at in first_by_followup.items() if f is not None]
    first = min((s.at for s in out.sends), default=math.nan)
    span = last - first
    rate = (len(out.sends) - 1) / span if span > 0 else 0.0  # from the first to the last
    return {
        "delivered": len(delivered),
        "lost": out.followups - len(delivered),
        "duplicates": sum(n - 1 for n in per_followup.values() if n > 1),
        "unknown": per_followup.get(None, 0),
        "seconds": last,
        "first": first,
        "rate": rate,
        "share": rate / CEILING,
        "max_1s": max_in_window([s.at for s in out.sends]),
        "close_gaps": sum(1 for g in gaps if g < 1.0),
        "min_gap": min(gaps, default=math.nan),
        "p50": percentile(delays, 50),
        "p99": percentile(delays, 99),
    }


def report(out: Outcome, baseline: float) -> list[str]:
    f = figures(out)
    n = out.followups
    ideal_p50, ideal_p99 = (0.5 * n) / CEILING, (0.99 * n) / CEILING
    lines = [
        f"{out.label}: {n} follow-ups to {out.residents} residents (limits: {out.limits})"
        + ("  [TIMED OUT]" if out.timed_out else ""),
        f"  enqueued by {out.enqueue_runs} job runs back to back in {out.enqueue_seconds:.1f} s "
        f"({n / max(out.enqueue_seconds, 1e-9):.0f} follow-ups/s; the job at its configured "
        f"interval: {out.job_cap:.1f}/s)",
        f"  delivered {f['delivered']}, the last {f['seconds']:.1f} s after falling due (ideal "
        f"{n / CEILING:.1f} s), the first after {f['first']:.2f} s",
        f"  throughput {f['rate']:.2f} msg/s from the first to the last = {f['share']:.1%} of "
        f"{CEILING:.0f}/s (the local server alone: {baseline:.0f} msg/s)",
        f"  429s received {sum(out.too_many.values())} {out.too_many or ''}; lost {f['lost']}; "
        f"duplicates {f['duplicates']}; messages naming no follow-up {f['unknown']}",
        f"  most accepted in any 1 s: {f['max_1s']}; same-chat gaps < 1 s: {f['close_gaps']} "
        f"(shortest {f['min_gap']:.3f} s)",
        f"  delay due → delivered: p50 {f['p50']:.1f} s, p99 {f['p99']:.1f} s "
        f"(ideal at {CEILING:.0f}/s: {ideal_p50:.1f} s, {ideal_p99:.1f} s)",
        "  database: " + ", ".join(f"{k} {v}" for k, v in sorted(out.db.items())),
    ]
    return lines


def verdict(out: Outcome) -> str:
    f = figures(out)
    checks = [
        (f"throughput {f['share']:.1%} ≥ {TARGET_SHARE:.0%}", f["share"] >= TARGET_SHARE),
        (f"429s {sum(out.too_many.values())} = 0", not out.too_many),
        (f"lost {f['lost']} = 0", f["lost"] == 0),
        (f"duplicates {f['duplicates']} = 0", f["duplicates"] == 0),
    ]
    return f"{out.label}: " + "; ".join(
        f"{text} [{'met' if ok else 'MISSED'}]" for text, ok in checks
    )


# -- command line ------------------------------------------------------------------------------


NAIVE = {  # limits the sender never reaches: it sends as fast as the pipeline goes
    "outbox_rate_per_second": 100_000.0,
    "outbox_chat_rate_per_second": 100_000.0,
    "outbox_chat_burst": 1000,
}


async def bench_backend(backend: str, args: argparse.Namespace, baseline: float) -> list[str]:
    lines: list[str] = []
    overrides: dict[str, Any] = {"outbox_chat_burst": args.chat_burst}
    if args.outbox_limits:
        overrides["outbox_limits"] = args.outbox_limits
    runs = [(f"{backend}", args.residents, args.followups, overrides)]
    if args.naive:
        naive = {**overrides, **NAIVE}
        runs.append((f"{backend}, naive sender", args.naive_residents, args.naive, naive))
    for label, residents, count, settings in runs:
        with tempfile.TemporaryDirectory(prefix="declic-bench-") as tmp:
            try:
                database = fresh_database(backend, Path(tmp))
                url = await database.__aenter__()
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                return [f"{backend}: skipped, database not reachable ({exc})"]
            try:
                seconds = await populate(url, residents, count)
                print(f"{label}: {count} follow-ups written in {seconds:.1f} s", file=sys.stderr)
                limits = TelegramLimits(chat_burst=args.chat_burst)
                timeout = count / CEILING * 2 + 60
                out = await deliver(
                    url, label, residents, count, limits, settings, timeout,
                    enqueue_first=args.enqueue_first,
                )  # fmt: skip
            finally:
                await database.__aexit__(None, None, None)
        run_lines = report(out, baseline) + ([verdict(out)] if label == backend else [])
        print("\n".join(run_lines), file=sys.stderr)
        lines += run_lines
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followups", type=int, default=10_000)
    parser.add_argument("--residents", type=int, default=2_000)
    parser.add_argument("--backend", choices=("postgresql", "sqlite", "both"), default="postgresql")
    parser.add_argument(
        "--chat-burst", type=int, default=3, help="per-chat burst, sender and server (default 3)"
    )
    parser.add_argument(
        "--outbox-limits", default=None, help="the sender's limits backend (settings default)"
    )
    parser.add_argument(
        "--naive", type=int, default=300, help="follow-ups for the naive baseline (0: none)"
    )
    parser.add_argument("--naive-residents", type=int, default=100)
    parser.add_argument(
        "--enqueue-first",
        action="store_true",
        help="write every outbox row before the sender starts: the outbox's own throughput",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    backends = ("postgresql", "sqlite") if args.backend == "both" else (args.backend,)

    async def run() -> list[str]:
        baseline = await raw_ceiling()
        lines = [f"local Bot API, no limits, through aiogram: {baseline:.0f} msg/s (raw ceiling)"]
        for backend in backends:
            lines += await bench_backend(backend, args, baseline)
        return lines

    print("\n".join(asyncio.run(run())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
