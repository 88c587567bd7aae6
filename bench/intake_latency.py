"""Server-side time to handle one resident update, against an aiogram echo bot, same run.

Run: ``.venv/bin/python -m bench.intake_latency [--residents 200] [--messages 10]
[--think 1.0] [--backend both] [--profile]``. See ``bench/README.md`` for how to read it.

The real dispatcher (``bot.app.build_dispatcher``: middlewares, routers, conversation service)
runs over a fresh, migrated database (an SQLite file, a throw-away PostgreSQL database).
Simulated residents (``bench.residents``) talk to it concurrently, one asyncio task each, and
wait for the reply before they type the next message; every update goes through
``Dispatcher.feed_update`` and is timed with ``perf_counter``. The Bot API is a canned session
(``bench.telegram_fakes``): no network. The outbox sender does not run while measuring: replies
are outbox rows, committed with the turn (``--drain`` sends them afterwards, unmeasured).
Two baselines are fed the very same updates on the same schedule, in the same run: a one-handler
echo ``Dispatcher`` (aiogram alone), and a durable one (``bench.durable_baseline``: one transaction
recording the update and one outbox row, on the same database and engine setup as Déclic's run).
The same updates are also fed to ``Nothing`` on the same schedule: what feeding an update costs
besides any bot (the loop woken by the resident's timer, the update parsed), printed apart.
Target (DESIGN §6): p99 < 20 ms at 200 concurrent residents, and ≤ 3× the baselines.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import hashlib
import io
import itertools
import json
import logging
import math
import os
import pstats
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import asyncpg
from aiogram import Bot, Dispatcher, Router
from aiogram.types import CallbackQuery, Message, Update
from sqlalchemy import func, select

from bench.databases import fresh_database
from bench.durable_baseline import CHANNEL as DURABLE_CHANNEL
from bench.durable_baseline import durable_dispatcher
from bench.residents import DriverClock, RecordingRenderer, Resident
from bench.session12_tails import automatic_collector
from bench.tail_attribution import recording
from bench.tail_attribution import report as tails_report
from bench.telegram_fakes import calls, canned_bot, mount, move_update
from bench.turn_waits import Waits, breakdown, instrument, watching_loop
from bot.app import TURN_SLOTS, build_dispatcher
from bot.delivery import TelegramDelivery
from bot.middlewares import FloodGuard
from declic.runtime import Core, build_core, prime
from infra.db import make_engine
from infra.heap import freeze_startup_heap
from infra.settings import load_settings
from infra.uow import uow_factory_for
from knowledge.demo import load_demo_directory
from routing.conversation.service import ConversationService
from routing.followups.service import resident_blocked
from routing.journey.records import Case, Conversation, Idea, InboundUpdate, OutgoingMessage
from routing.matching.records import Suggestion
from routing.outbox.sender import OutboxSender

TARGET_P99_MS = 20.0  # DESIGN §6
ACCEPT_P99_MS = 25.0  # issue 18's acceptance, 200 residents at about 100 updates/s
TARGET_RATIO = 3.0
TARGET_CPU_MS = 3.0
TARGET_SATURATION = 300.0  # updates/s, one process, --think 0
FIRST_NAMES = ("Awa", "Léa", "Karim", "Inès", "Jules", "Yasmine", "Paul", "Chloé", "Mehdi", "Zoé")


# -- plan: who sends what, when -------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """``residents`` tasks, ``messages`` updates each; a resident reads and types for ``think``
    seconds on average (uniform 0.5×–1.5×) before each message, the first one included."""

    residents: int
    messages: int
    think: float = 2.0
    seed: int = 2026
    first_user_id: int = 100_000

    def user_ids(self) -> list[int]:
        return [self.first_user_id + i for i in range(self.residents)]

    def gaps(self, user_id: int) -> list[float]:
        rng = random.Random(f"{self.seed}:gaps:{user_id}")
        return [self.think * rng.uniform(0.5, 1.5) for _ in range(self.messages)]

    def resident(self, user_id: int) -> Resident:
        rng = random.Random(f"{self.seed}:words:{user_id}")
        return Resident(user_id, FIRST_NAMES[user_id % len(FIRST_NAMES)], rng)


# Each resident's updates, as fed to the dispatcher (JSON objects).
Streams = dict[int, list[dict[str, Any]]]


@dataclass
class Run:
    """What one dispatcher did with one plan: latencies (s), the updates fed, time spent."""

    label: str
    latencies: list[float] = field(default_factory=list)
    streams: Streams = field(default_factory=dict)
    wall: float = 0.0
    cpu: float = 0.0
    loop_cpu: float = 0.0  # the event loop's thread only (aiosqlite's thread not included)
    # Of ``cpu``, the simulated residents' own (bench.residents.DriverClock): not the bot's.
    driver_cpu: float = 0.0
    api_calls: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Updates whose handling raised (a database outage, or no connection within the pool's
    # timeout when the bot is saturated): not in the latencies; Telegram would deliver them again.
    raised: list[str] = field(default_factory=list)
    # Each update's wait for the loop before feed_update (its resident's timer due -> the
    # resident's step), and the latency counted from that due time: not in ``latencies``.
    queued: list[float] = field(default_factory=list)
    from_due: list[float] = field(default_factory=list)

    @property
    def updates(self) -> int:
        return len(self.latencies)


class Feeder(Protocol):
    """What the residents feed: an aiogram ``Dispatcher``, or ``Nothing``."""

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any: ...


class Nothing:
    """Drops every update: a replay into it costs what feeding an update costs besides the bot
    (the resident's timer waking the event loop, the update parsed, the timing)."""

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> None:
        return None


async def _sleep(run: Run, gap: float) -> float:
    """The resident thinks ``gap`` seconds; how late its step then ran is the loop's queue,
    which the latency (from feed_update on) does not count. The time its timer was due."""
    due = time.perf_counter() + gap
    await asyncio.sleep(gap)
    run.queued.append(time.perf_counter() - due)
    return due


async def _timed(
    dp: Feeder, bot: Bot, payload: dict[str, Any], run: Run, waits: Waits | None, due: float
) -> None:
    update = mount(payload, bot)  # parsing is the same for both bots; kept out of the timing
    with waits.turn() if waits is not None else contextlib.nullcontext():
        start = time.perf_counter()
        try:
            await dp.feed_update(bot, update)
        except Exception as exc:  # a transport would leave it unconfirmed: delivered again
            run.raised.append(f"{type(exc).__name__}: {str(exc)[:120]}")
            return
        end = time.perf_counter()
        run.latencies.append(end - start)
        run.from_due.append(end - due)


async def _concurrently(run: Run, tasks: list[Awaitable[None]]) -> None:
    wall, cpu, loop_cpu = time.perf_counter(), time.process_time(), time.thread_time()
    driver = DriverClock.spent
    await asyncio.gather(*tasks)
    run.wall = time.perf_counter() - wall
    run.cpu = time.process_time() - cpu
    run.loop_cpu = time.thread_time() - loop_cpu
    run.driver_cpu = DriverClock.spent - driver


async def converse(dp: Dispatcher, bot: Bot, plan: Plan, waits: Waits | None = None) -> Run:
    """Every resident of ``plan`` talks to ``dp`` at once, answering what the bot rendered."""
    run = Run("declic")

    async def resident_task(user_id: int) -> None:
        resident = plan.resident(user_id)
        resident.attach()  # this task's renders go to this resident's screen
        stream = run.streams.setdefault(user_id, [])
        # Update ids per resident, not in arrival order, so a seeded plan gives the same stream.
        update_ids = itertools.count(user_id * 10_000)
        for gap in plan.gaps(user_id):
            due = await _sleep(run, gap)
            typing = time.thread_time()
            move = resident.next()
            payload = move_update(next(update_ids), user_id, resident.first_name, move)
            stream.append(payload)
            DriverClock.spent += time.thread_time() - typing
            await _timed(dp, bot, payload, run, waits, due)

    await _concurrently(run, [resident_task(u) for u in plan.user_ids()])
    return run


async def replay(dp: Feeder, bot: Bot, plan: Plan, streams: Streams, label: str = "echo") -> Run:
    """Feed ``dp`` the updates of an earlier run, with the same residents and the same pauses."""
    run = Run(label, streams=streams)

    async def resident_task(user_id: int) -> None:
        for gap, payload in zip(plan.gaps(user_id), streams[user_id], strict=True):
            due = await _sleep(run, gap)
            await _timed(dp, bot, payload, run, None, due)

    await _concurrently(run, [resident_task(u) for u in plan.user_ids()])
    return run


# -- the two bots ---------------------------------------------------------------------------


def echo_dispatcher() -> Dispatcher:
    router = Router(name="echo")

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "…")

    @router.callback_query()
    async def pressed(callback: CallbackQuery) -> None:
        await callback.answer()

    dp = Dispatcher()
    dp.include_router(router)
    return dp


@dataclass
class Declic:
    core: Core
    bot: Bot
    dp: Dispatcher
    outbox: OutboxSender


_built: list[Dispatcher] = []
_turn_slots: list[int] = [TURN_SLOTS]  # --turn-slots, read by the first build_dispatcher
_freeze_heap: list[bool] = [True]  # --no-freeze: leave start-up objects to the collector
_directory: list[str] = ["demo"]  # --directory: what the residents' ideas are matched against
_collector: list[str] = ["rest"]  # --collector automatic: session 12's collections at rest undone
_tails: list[float] = [0.0]  # --tails MS: where the turns slower than MS went (0: not asked)


def _dispatcher(service: ConversationService, outbox: OutboxSender) -> Dispatcher:
    """``build_dispatcher`` once per process, then rebound to another service.

    ``bot.routers`` keeps its routers at module level and aiogram lets a router have one parent
    only, so a second ``build_dispatcher`` in the same process raises; the benchmark (and the
    test, parametrized on two backends) reuse the first dispatcher with new workflow data.
    """
    if not _built:
        flood = FloodGuard(10**9, window_seconds=10.0)
        _built.append(build_dispatcher(service, outbox, flood, turn_slots=_turn_slots[0]))
    dp = _built[0]
    dp["service"], dp["outbox"] = service, outbox
    return dp


async def recording_core(url: str, *, directory: bool) -> Core:
    """``build_core`` over ``url``, its renders recorded for the residents' screens; with
    ``directory``, the demo town's directory loaded first."""
    if directory:
        engine = make_engine(url)
        try:
            await load_demo_directory(uow_factory_for(engine))
        finally:
            await engine.dispose()
    core = await build_core(load_settings(database_url=url))
    core.service.renderer = RecordingRenderer(core.service.renderer)
    return core


@contextlib.asynccontextmanager
async def declic_bot(url: str) -> AsyncIterator[Declic]:
    """The production wiring (``build_core`` + ``build_dispatcher``) over ``url``.

    The flood guard is built with an unreachable limit: the benchmark squeezes a resident's
    minutes into seconds, and throttled turns skip the dialogue, which would flatter the figures.
    """
    # A city serves with a directory: each submission is matched against it (and, for an idea it
    # finds something for, suggestions are written and shown) as in production.
    core = await recording_core(url, directory=_directory[0] == "demo")
    bot = canned_bot()
    outbox = OutboxSender(
        core.uow_factory,
        core.clock,
        TelegramDelivery(bot),
        "telegram",
        on_unreachable=resident_blocked,
    )
    dp = _dispatcher(core.service, outbox)
    await prime(core)  # as the bot's commands do before serving (declic.runtime.prime)
    if _freeze_heap[0]:
        freeze_startup_heap()  # as the bot's commands do once wired (infra.heap)
        if _collector[0] == "automatic":
            automatic_collector()
    try:
        yield Declic(core, bot, dp, outbox)
    finally:
        await bot.session.close()
        await core.close()


async def measure_declic(
    url: str, plan: Plan, warmup: Plan | None = None, waits: Waits | None = None
) -> Run:
    """Warm up (unmeasured), then measure ``plan`` on the real dispatcher over ``url``; with
    ``waits``, where each turn's time went (``bench.turn_waits``)."""
    async with declic_bot(url) as declic:
        if warmup is not None:
            await converse(declic.dp, declic.bot, warmup)
        failures = _FailureCount()
        if waits is not None:
            instrument(declic.core.engine)
        tails = recording(asyncio.get_running_loop()) if waits and _tails[0] else None
        with failures.watching("routing.conversation.service"):
            async with watching_loop(waits) if waits else contextlib.nullcontext():
                with tails or contextlib.nullcontext() as timeline:
                    run = await converse(declic.dp, declic.bot, plan, waits)
        if timeline is not None and waits is not None:
            print("\n".join(tails_report(timeline, waits.turns, run.latencies, _tails[0] / 1e3)))
        run.api_calls = dict(calls(declic.bot))
        if failures.count:
            run.notes.append(f"{failures.count} failed turns (first: {failures.first})")
        if run.raised:
            run.notes.append(f"{len(run.raised)} updates raised, not measured, would be "
                             f"delivered again (first: {run.raised[0]})")  # fmt: skip
    return run


async def measure_echo(plan: Plan, streams: Streams, warmup: Plan | None) -> Run:
    dp, bot = echo_dispatcher(), canned_bot()
    try:
        if warmup is not None:
            warm = await converse(dp, bot, warmup)
            await replay(dp, bot, warmup, warm.streams)
        run = await replay(dp, bot, plan, streams)
        run.api_calls = dict(calls(bot))
        return run
    finally:
        await bot.session.close()


async def measure_floor(plan: Plan, streams: Streams) -> Run:
    """The same updates on the same schedule into ``Nothing``: the harness's and the event
    loop's own CPU per update, in every bot's cpu column. At --think > 0 the loop sleeps between
    updates and each one wakes it; a deployed bot wakes the same way for each update (its socket)
    and parses it too, so this stays in the cpu column; it is printed to show how much of it is
    the wake-up (bench/README.md, session 6)."""
    bot = canned_bot()
    try:
        return await replay(Nothing(), bot, plan, streams, label="floor")
    finally:
        await bot.session.close()


async def measure_durable(url: str, plan: Plan, streams: Streams, warmup: Plan | None) -> Run:
    """The transactional baseline over ``url``, with the engine setup of Déclic's run."""
    engine = make_engine(url)
    dp, bot = durable_dispatcher(uow_factory_for(engine)), canned_bot()
    try:
        if warmup is not None:
            await converse(dp, bot, warmup)
        run = await replay(dp, bot, plan, streams, label="durable")
        run.api_calls = dict(calls(bot))
        return run
    finally:
        await bot.session.close()
        await engine.dispose()


class _FailureCount(logging.Handler):
    """Counts the turns the service could not handle (it logs them, keeps them, apologises)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.first = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if not self.first and record.exc_info and record.exc_info[1] is not None:
            self.first = repr(record.exc_info[1])[:200]

    @contextlib.contextmanager
    def watching(self, name: str) -> Any:
        logger = logging.getLogger(name)
        logger.addHandler(self)
        propagate, logger.propagate = logger.propagate, False
        try:
            yield self
        finally:
            logger.removeHandler(self)
            logger.propagate = propagate


async def database_facts(url: str) -> dict[str, int]:
    """What the measured turns left behind: proof that real work was done."""
    core = await build_core(load_settings(database_url=url))
    try:
        async with core.uow_factory() as uow:
            s = uow.session

            async def count(model: Any, *where: Any) -> int:
                return await s.scalar(select(func.count()).select_from(model).where(*where)) or 0

            return {
                "inbound": await count(InboundUpdate),
                "failed": await count(InboundUpdate, InboundUpdate.kind == "failed"),
                "outbox": await count(OutgoingMessage),
                "pending": await count(OutgoingMessage, OutgoingMessage.status == "pending"),
                "conversations": await count(Conversation),
                "submitted": await count(Idea, Idea.status == "submitted"),
                "suggestions": await count(Suggestion),
                "cases": await count(Case),
                "durable": await count(InboundUpdate, InboundUpdate.channel == DURABLE_CHANNEL),
                "durable_outbox": await count(
                    OutgoingMessage, OutgoingMessage.channel == DURABLE_CHANNEL
                ),
            }
    finally:
        await core.close()


async def drain(url: str) -> tuple[int, float]:
    """Send every pending outbox row through the canned Bot API, after the measured run: rows
    sent and this process's CPU per row (claim, shared rate-limit reservation, call, record)."""
    async with declic_bot(url) as declic:
        cpu = time.process_time()
        sent = await declic.outbox.flush()
        return sent, (time.process_time() - cpu) / max(sent, 1)


# -- figures --------------------------------------------------------------------------------


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100): a value that was actually observed."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Figures:
    p50: float
    p95: float
    p99: float
    max: float
    rate: float  # updates per second of wall time
    # The bot's CPU per update (s): the process's, less the simulated residents' own choosing,
    # typing and reading (``Run.driver_cpu``); PostgreSQL's own CPU is not in it. Parsing the
    # update (``mount``) stays in: a deployed bot parses every update too.
    cpu: float
    driver: float  # the residents' CPU per update (s), taken out of ``cpu``

    @classmethod
    def of(cls, run: Run) -> Figures:
        s = run.latencies
        return cls(percentile(s, 50), percentile(s, 95), percentile(s, 99), max(s),
                   run.updates / run.wall, (run.cpu - run.driver_cpu) / run.updates,
                   run.driver_cpu / run.updates)  # fmt: skip


ROW = "{:<11} {:<14} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9}"


@dataclass(frozen=True)
class Result:
    """One backend: Déclic, the echo baseline and the transactional (durable) baseline."""

    backend: str
    declic: Run
    echo: Run
    durable: Run
    saturated: Run | None = None  # --think 0: updates/s the bot sustains
    floor: Run | None = None  # the same updates into ``Nothing``: the harness's and loop's CPU


def _ratio_row(backend: str, name: str, d: Figures, b: Figures) -> str:
    return ROW.format(backend, name, "", f"{d.p50 / b.p50:.1f}×", f"{d.p95 / b.p95:.1f}×",
                      f"{d.p99 / b.p99:.1f}×", f"{d.max / b.max:.1f}×", "",
                      f"{d.cpu / b.cpu:.1f}×")  # fmt: skip


def table(results: list[Result]) -> str:
    lines = [ROW.format("backend", "bot", "updates", "p50 ms", "p95 ms", "p99 ms", "max ms",
                        "upd/s", "cpu ms/u")]  # fmt: skip
    lines.append("-" * len(lines[0]))
    for r in results:
        d, e, t = Figures.of(r.declic), Figures.of(r.echo), Figures.of(r.durable)
        for name, f, run in (("declic", d, r.declic), ("echo", e, r.echo),
                             ("transactional", t, r.durable)):  # fmt: skip
            lines.append(ROW.format(r.backend, name, run.updates, f"{f.p50 * 1e3:.2f}",
                                    f"{f.p95 * 1e3:.2f}", f"{f.p99 * 1e3:.2f}",
                                    f"{f.max * 1e3:.1f}", f"{f.rate:.0f}",
                                    f"{f.cpu * 1e3:.2f}"))  # fmt: skip
        lines.append(_ratio_row(r.backend, "ratio / echo", d, e))
        lines.append(_ratio_row(r.backend, "ratio / trans.", d, t))
    for r in results:
        lines.append(_queue_line(r))
    return "\n".join(lines)


def _queue_line(r: Result) -> str:
    """The wait for the loop before feed_update, which the latencies above leave out: on SQLite
    a turn awaits nothing, so other turns' CPU is waited for there (bench/README, session 14)."""
    parts = []
    for name, run in (("declic", r.declic), ("echo", r.echo), ("transactional", r.durable)):
        if run.queued and run.from_due:
            parts.append(
                f"{name} queued p50 {percentile(run.queued, 50) * 1e3:.2f} / p99 "
                f"{percentile(run.queued, 99) * 1e3:.2f}, from due p99 "
                f"{percentile(run.from_due, 99) * 1e3:.2f}"
            )
    return f"{r.backend} before feed_update (ms, not in the table): " + "; ".join(parts)


def _ratio_verdict(name: str, ratio: float) -> str:
    ok = ratio <= TARGET_RATIO
    return f"p99 / {name} {ratio:.1f}× {_mark(ok, f'≤ {TARGET_RATIO:.0f}×')}"


def verdicts(results: list[Result]) -> list[str]:
    """The targets, one line per backend: DESIGN §6 (p99 < 20 ms, ≤ 3× echo), issue 18's
    acceptance (p99 < 25 ms, CPU ≤ 3 ms per update, p99 ≤ 3× the transactional baseline,
    ≥ 300 updates/s at saturation)."""
    out = []
    for r in results:
        d, e, t = Figures.of(r.declic), Figures.of(r.echo), Figures.of(r.durable)
        p99 = d.p99 * 1e3
        cpu_ok = d.cpu * 1e3 <= TARGET_CPU_MS
        design, accept = f"< {TARGET_P99_MS:.0f} ms", f"< {ACCEPT_P99_MS:.0f} ms"
        out.append(
            f"{r.backend}: p99 {p99:.1f} ms {_mark(p99 < TARGET_P99_MS, design)}, "
            f"{_mark(p99 < ACCEPT_P99_MS, accept)}; "
            f"CPU {d.cpu * 1e3:.2f} ms/update {_mark(cpu_ok, f'≤ {TARGET_CPU_MS:.0f} ms')}; "
            f"{_ratio_verdict('transactional', d.p99 / t.p99)}; "
            f"{_ratio_verdict('echo', d.p99 / e.p99)}"
        )
        for run in (r.declic, r.saturated):
            if run is not None and run.raised:
                out.append(f"{r.backend}: {len(run.raised)} updates raised instead of being "
                           f"handled ({run.label}) [MISSED]")  # fmt: skip
        if r.floor is not None:
            floor = Figures.of(r.floor).cpu * 1e3
            out.append(
                f"{r.backend}: of each bot's cpu, {floor:.2f} ms/update is feeding it (the "
                "updates parsed and dropped on the same schedule, each waking the loop)"
            )
        if r.saturated is not None:
            rate = Figures.of(r.saturated).rate
            out.append(
                f"{r.backend}: saturation (think 0, {r.saturated.updates} updates, "
                f"CPU {Figures.of(r.saturated).cpu * 1e3:.2f} ms/update): {rate:.0f} updates/s "
                f"{_mark(rate >= TARGET_SATURATION, f'≥ {TARGET_SATURATION:.0f}/s')}"
            )
    return out


def _mark(ok: bool, target: str) -> str:
    return f"[{target}: {'met' if ok else 'MISSED'}]"


# -- command line ---------------------------------------------------------------------------


def _fingerprint(streams: Streams) -> str:
    return hashlib.sha256(json.dumps(streams, sort_keys=True).encode()).hexdigest()


async def bench_backend(
    backend: str,
    plan: Plan,
    warmup: Plan,
    echoes: dict[str, Run],  # by stream: the echo run, and "<stream>:floor" its Nothing run
    *,
    profile: bool,
    drain_after: bool,
    waits: bool = False,
    saturation: Plan | None = None,
) -> Result | None:
    """Déclic on ``backend``; the echo bot on the same stream (measured once per distinct stream:
    the residents are seeded, so both backends usually produce the very same updates); the
    transactional baseline on the same stream and the same database, after Déclic."""
    with tempfile.TemporaryDirectory(prefix="declic-bench-") as tmp:
        try:
            database = fresh_database(backend, Path(tmp))
            url = await database.__aenter__()
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            print(f"{backend}: skipped, database not reachable ({exc})", file=sys.stderr)
            return None
        try:
            # CPU time of the event loop's thread, not wall time: on a shared machine the wall
            # clock mostly measures other processes.
            profiler = cProfile.Profile(time.thread_time) if profile else None
            recorded = Waits() if waits else None
            with _profiling(profiler):
                declic = await measure_declic(url, plan, warmup, recorded)
            key = _fingerprint(declic.streams)
            if key not in echoes:
                echoes[key] = await measure_echo(plan, declic.streams, warmup)
                echoes[f"{key}:floor"] = await measure_floor(plan, declic.streams)
            echo, floor = echoes[key], echoes[f"{key}:floor"]
            durable = await measure_durable(url, plan, declic.streams, warmup)
            # Capacity: the same bot, residents answering at once (--think 0), fresh chats.
            saturated = await measure_declic(url, saturation) if saturation else None
            if saturated is not None:
                saturated.label = "declic, think 0"
            facts = await database_facts(url)
            sent, sender_cpu = await drain(url) if drain_after else (None, 0.0)
        finally:
            await database.__aexit__(None, None, None)
    expected = declic.updates + warmup.residents * warmup.messages
    print(
        f"{backend}: {declic.updates} updates measured ({expected} with warm-up) → "
        f"{facts['inbound']} inbound rows, {facts['failed']} failed turns, "
        f"{facts['outbox']} outbox rows written"
        + (
            f" and {sent} sent after the run (sender CPU {sender_cpu * 1e3:.2f} ms per row)"
            if sent is not None
            else " (sender not running)"
        )
        + f", {facts['submitted']} ideas submitted by {facts['conversations']} conversations "
        f"({facts['suggestions']} suggestions written, {facts['cases']} cases opened); "
        f"Bot API calls during the run: {declic.api_calls or 'none'}",
        file=sys.stderr,
    )
    print(
        f"{backend}: transactional baseline: {durable.updates} updates measured → "
        f"{facts['durable']} inbound rows and {facts['durable_outbox']} outbox rows "
        "(warm-up included)",
        file=sys.stderr,
    )
    for note in declic.notes:
        print(f"{backend}: {note}", file=sys.stderr)
    print(
        f"{backend}: CPU per update, process {declic.cpu / declic.updates * 1e3:.2f} ms, of which "
        f"the simulated residents {Figures.of(declic).driver * 1e3:.2f} ms (choosing, typing, "
        "reading: not the bot's, taken out of the cpu column)",
        file=sys.stderr,
    )
    if profiler is not None:
        _print_profile(backend, profiler)
    if recorded is not None:
        print("\n".join(breakdown(backend, recorded, declic.latencies, declic.loop_cpu,
                                   declic.cpu)))  # fmt: skip
    return Result(backend, declic, echo, durable, saturated, floor)


@contextlib.contextmanager
def _profiling(profiler: cProfile.Profile | None) -> Any:
    if profiler is None:
        yield
        return
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()


def _print_profile(backend: str, profiler: cProfile.Profile) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(45)
    print(f"--- {backend}: event-loop thread profile, Déclic run incl. warm-up (by own time)")
    print(out.getvalue())


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.intake_latency",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--residents", type=int, default=200, help="concurrent residents")
    parser.add_argument("--messages", type=int, default=10, help="updates per resident")
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean seconds a resident reads and types before each update "
                        "(0 = answer instantly: a saturation test)")  # fmt: skip
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--warmup-residents", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the Déclic runs (CPU time of the event loop's thread)",
    )
    parser.add_argument(
        "--waits",
        action="store_true",
        help="where each turn's time goes: pool, statements, lock, commit, loop",
    )
    parser.add_argument("--saturation", type=int, default=5, metavar="UPDATES",
                        help="then each resident sends UPDATES more with --think 0 (fresh chats)"
                        ": updates/s at saturation; 0 to skip")  # fmt: skip
    parser.add_argument("--turn-slots", type=int, default=TURN_SLOTS, metavar="N",
                        help=f"turns handled at once (bot.middlewares.TurnGate, default "
                        f"{TURN_SLOTS}); a large N lets every arrived turn in")  # fmt: skip
    parser.add_argument("--no-freeze", action="store_true",
                        help="leave the start-up heap to the collector (infra.heap)")  # fmt: skip
    parser.add_argument("--directory", choices=("demo", "none"), default="demo",
                        help="the directory submissions are matched against: the demo town's "
                        "(84 entries, default) or none (every submission finds nothing and "
                        "opens a case: sessions 1–6's figures)")  # fmt: skip
    parser.add_argument("--collector", choices=("rest", "automatic"), default="rest",
                        help="collections at rest too (infra.heap, default) or CPython's automatic "
                        "collector alone (before session 12)")  # fmt: skip
    parser.add_argument("--tails", type=float, default=0.0, metavar="MS",
                        help="with --waits: where the turns slower than MS went, moment by "
                        "moment (bench.tail_attribution)")  # fmt: skip
    parser.add_argument("--drain", action="store_true",
                        help="afterwards, send the outbox through the canned Bot API")  # fmt: skip
    return parser.parse_args(argv)


async def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _turn_slots[0] = args.turn_slots
    _freeze_heap[0] = not args.no_freeze
    _directory[0] = args.directory
    _tails[0] = args.tails
    _collector[0] = args.collector
    plan = Plan(args.residents, args.messages, args.think, args.seed)
    warmup = Plan(args.warmup_residents, 5, min(args.think, 0.2), args.seed, first_user_id=900_000)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    saturation = (Plan(args.residents, args.saturation, 0.0, args.seed, first_user_id=500_000)
                  if args.saturation and args.think > 0 else None)  # fmt: skip
    print(
        f"{plan.residents} residents × {plan.messages} updates, think {plan.think:g} s "
        f"(0.5×–1.5×), warm-up {warmup.residents} × {warmup.messages}, "
        f"{args.turn_slots} turn slots, start-up heap {'left' if args.no_freeze else 'frozen'}, "
        f"collector {'automatic' if args.no_freeze else args.collector}, "
        f"directory {args.directory}; "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} before the run"
    )
    results: list[Result] = []
    echoes: dict[str, Run] = {}
    for backend in backends:
        result = await bench_backend(backend, plan, warmup, echoes, profile=args.profile,
                                     drain_after=args.drain, waits=args.waits,
                                     saturation=saturation)  # fmt: skip
        if result is not None:
            results.append(result)
    if not results:
        return 1
    print(table(results))
    if len(results) > 1 and len(echoes) == 2:
        print("(both backends produced the same update stream: one echo run serves both)")
    for line in verdicts(results):
        print(line)
    return 0


def run_cli() -> None:
    sys.exit(asyncio.run(main()))


if __name__ == "__main__":
    run_cli()
