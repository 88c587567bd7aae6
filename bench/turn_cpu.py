"""A turn's CPU by kind, residents one at a time (issue 18, session 7).

Run: ``.venv/bin/python -m bench.turn_cpu [--backend sqlite] [--residents 60] [--messages 10]
[--think 0] [--profile common]``. See ``bench/README.md`` ("Session 7: a common turn's CPU").

The real dispatcher of ``bench.intake_latency`` (``declic_bot``: ``build_core``,
``build_dispatcher``, the demo directory, ``prime``, the start-up heap frozen) after the same
warm-up, then the same simulated residents, but one at a time: each update is fed alone, so
``time.thread_time`` around ``Dispatcher.feed_update`` is that update's own CPU (on PostgreSQL
it includes the loop's sleeps and wakes for the round trips, as a turn alone pays them). Each
turn gets a kind: what came in (button, text, command) and what it did, read from its
statements as ``--waits`` does (submission, new idea, new resident, else common). ``--profile
KIND`` runs cProfile (thread time) over the turns of that kind only (``common``: every common
turn; ``all``). The figures are for comparing trees or changes within one run, alternated.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import importlib
import inspect
import io
import itertools
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import _ConnectionFairy

from bench.databases import fresh_database
from bench.intake_latency import Plan, converse, declic_bot
from bench.residents import DriverClock
from bench.telegram_fakes import mount, move_update
from bench.turn_waits import _kind_of
from infra.db import _InLoopConnection, _InLoopCursor
from infra.uow import UnitOfWork

_statements: list[str] = []


@dataclass
class Kind:
    cpu: list[float] = field(default_factory=list)
    statements: int = 0
    steps: dict[str, float] = field(default_factory=lambda: defaultdict(float))


_step: dict[str, float] = defaultdict(float)  # the current turn's CPU by step (``--steps``)


def _timed(name: str, function: Any) -> Any:
    if inspect.iscoroutinefunction(function):

        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return await function(*args, **kwargs)
            finally:
                _step[name] += time.thread_time() - start

        return timed_async

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            _step[name] += time.thread_time() - start

    return timed


def wrap_everywhere(name: str, function: Any) -> list[str]:
    """``function`` timed as the step ``name`` wherever a module holds it (its own and every
    module that imported it, under any name: a turn calls it through the importer's reference,
    as ``claim_last`` calls ``claim_and_load``); the modules' names. One wrapper for all, so
    a call counts once. Scans ``sys.modules`` once, before the measured turns."""
    timed = _timed(name, function)
    where = []
    for module_name, module in list(sys.modules.items()):
        attributes = getattr(module, "__dict__", None)
        if not isinstance(attributes, dict) or module_name == __name__:
            continue
        for attribute, value in list(attributes.items()):
            if value is function:
                attributes[attribute] = timed
                where.append(f"{module_name}.{attribute}")
    return where


# The module-level functions timed by ``--steps``: (defining module, name).
MODULE_STEPS = (
    ("routing.conversation.claim_first", "claim_and_load"),
    ("routing.conversation.claim_last", "claim_last"),
    ("routing.conversation.turn_rows", "keep_message"),
    ("routing.outbox.messages", "write_rows"),
    ("routing.conversation.claim_last", "rows_and_later"),
    ("bot.routers.buttons", "from_callback"),
    ("bot.routers.messages", "from_message"),
)
SERVICE_STEPS = ("handle", "_load", "_situation", "_read", "_apply", "_resolve", "_outbox", "_save")


def time_steps(declic: Any, module_steps: tuple[tuple[str, str], ...] = MODULE_STEPS) -> list[str]:
    """Wrap the turn's steps (``--steps``): nested steps count in their callers' too. The
    names of the steps wrapped (``unused_steps`` says which the common turns never called)."""
    service = declic.core.service
    for name in SERVICE_STEPS:
        setattr(service, name, _timed(name, getattr(service, name)))
    wrapped = list(SERVICE_STEPS)
    for module_name, name in module_steps:
        if not wrap_everywhere(name, getattr(importlib.import_module(module_name), name)):
            raise LookupError(f"--steps: {module_name}.{name} is held by no module")
        wrapped.append(name)
    session = declic.bot.session
    session.make_request = _timed("bot api call", session.make_request)
    object.__setattr__(service.dialogue, "step", _timed("dialogue.step", service.dialogue.step))
    service.renderer.inner = _timed("renderer", service.renderer.inner)
    UnitOfWork.__aenter__ = _timed("uow enter", UnitOfWork.__aenter__)  # type: ignore[method-assign]
    UnitOfWork.__aexit__ = _timed("uow exit", UnitOfWork.__aexit__)  # type: ignore[method-assign]
    UnitOfWork.commit = _timed("commit", UnitOfWork.commit)  # type: ignore[method-assign]
    AsyncSession.flush = _timed("flush", AsyncSession.flush)  # type: ignore[method-assign]
    execute = AsyncSession.execute
    labels: dict[int, str] = {}

    async def timed_execute(self: AsyncSession, statement: Any, *args: Any, **kwargs: Any) -> Any:
        sent = len(_statements)
        start = time.thread_time()
        try:
            return await execute(self, statement, *args, **kwargs)
        finally:
            spent = time.thread_time() - start
            label = labels.get(id(statement))
            if label is None:  # from the SQL sent (its last statement: an autoflush's go first)
                # ``str()`` of an UPDATE built without ``.values()`` names every column
                # ("UPDATE ideas SET id=:id, …"), which the statement sent does not.
                sql = _statements[-1] if len(_statements) > sent else str(statement)
                label = labels[id(statement)] = "  sql " + " ".join(sql.split()[:4])[:40]
            _step[label] += spent
            _step[label + " #"] += 1

    AsyncSession.execute = timed_execute  # type: ignore[method-assign]
    for cls, name in ((_InLoopConnection, "commit"), (_InLoopConnection, "rollback"),
                      (AsyncAdapt_asyncpg_connection, "commit"),
                      (AsyncAdapt_asyncpg_connection, "rollback"),
                      (_ConnectionFairy, "_checkin"), (_ConnectionFairy, "_checkout"),
                      (_InLoopCursor, "_run")):  # fmt: skip
        setattr(cls, name, _timed(f"  dbapi {name}", getattr(cls, name)))
    # Not "bot api call": Telegram is called from tasks (the outbox's sender, a button's
    # acknowledgement), inside a turn only when one runs during its awaits (PostgreSQL).
    return [*wrapped, "dialogue.step", "renderer", "uow enter", "uow exit", "commit"]


def unused_steps(measured: Measured, wrapped: list[str]) -> list[str]:
    """Warnings for the steps ``wrapped`` that no common turn called: the product reaches their
    function another way, and their time lands in other steps (session 12 to 14's claim and
    load). Read from the steps recorded (a call records its step, even at 0 s): nothing timed."""
    called: set[str] = set()
    for name, kind in measured.kinds.items():
        if name.endswith("/ common"):
            called |= set(kind.steps)
    turns = sum(len(k.cpu) for name, k in measured.kinds.items() if name.endswith("/ common"))
    return [f"warning: --steps' step {step} was never called in the {turns} common turns: "
            f"the turn reaches its code another way (another reference, a task), its time is in "
            f"other steps or outside the turn"
            for step in wrapped if step not in called]  # fmt: skip


@dataclass
class Measured:
    kinds: dict[str, Kind] = field(default_factory=lambda: defaultdict(Kind))
    profile: pstats.Stats | None = None
    driver: float = 0.0
    total: float = 0.0
    imported: list[str] = field(default_factory=list)  # modules first imported while measured


def _incoming(payload: dict[str, Any]) -> str:
    if "callback_query" in payload:
        return "button"
    text = payload["message"].get("text") or ""
    return "command" if text.startswith("/") else "text"


def _sent(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    _statements.append(statement)


@contextlib.contextmanager
def listening(declic: Any) -> Iterator[None]:
    """The SQL each update sends, collected (``_statements``) for ``fed_alone``."""
    sync = declic.core.engine.sync_engine
    event.listen(sync, "before_cursor_execute", _sent)
    try:
        yield
    finally:
        event.remove(sync, "before_cursor_execute", _sent)


async def fed_alone(
    declic: Any, update: Any, profiler: cProfile.Profile | None = None
) -> tuple[float, str]:
    """``update`` fed alone (inside ``listening``): its CPU in seconds by thread time, the
    simulated residents' own work taken out, and its kind, read from the SQL it sent."""
    _statements.clear()
    before = DriverClock.spent
    if profiler is not None:
        profiler.enable()
    start = time.thread_time()
    await declic.dp.feed_update(declic.bot, update)
    spent = time.thread_time() - start - (DriverClock.spent - before)
    if profiler is not None:
        profiler.disable()
    kind = "common"
    for statement in _statements:
        kind = _kind_of(statement, kind)
    return spent, kind


async def one_at_a_time(declic: Any, plan: Plan, profile: str | None) -> Measured:
    """Every resident of ``plan`` in turn, each update fed alone and timed by thread time."""
    measured = Measured()
    modules = set(sys.modules)
    driver = DriverClock.spent
    with listening(declic):
        for user_id in plan.user_ids():
            resident = plan.resident(user_id)
            resident.attach()
            ids = itertools.count(user_id * 10_000)
            for gap in plan.gaps(user_id):
                if gap:
                    await asyncio.sleep(gap)
                move = resident.next()
                payload = move_update(next(ids), user_id, resident.first_name, move)
                update = mount(payload, declic.bot)
                _step.clear()
                profiler = cProfile.Profile(time.thread_time) if profile else None
                spent, kind = await fed_alone(declic, update, profiler)
                name = f"{_incoming(payload)} / {kind}"
                record = measured.kinds[name]
                record.cpu.append(spent)
                record.statements += len(_statements)
                for step, value in _step.items():
                    record.steps[step] += value
                measured.total += spent
                if profiler is not None and profile in ("all", kind):
                    stats = pstats.Stats(profiler)
                    if measured.profile is None:
                        measured.profile = stats
                    else:
                        measured.profile.add(stats)
    measured.driver = DriverClock.spent - driver
    measured.imported = sorted(set(sys.modules) - modules)
    return measured


def _steps(measured: Measured, label: str) -> list[str]:
    """CPU by step of the turns of kind ``label`` (``common``: every common turn)."""
    steps: dict[str, float] = defaultdict(float)
    cpu: list[float] = []
    for name, k in measured.kinds.items():
        if label == name or (label == "common" and name.endswith("/ common")):
            cpu += k.cpu
            for step, value in k.steps.items():
                steps[step] += value
    if not steps:
        return []
    n = len(cpu)
    lines = [f"{label} turns ({n}), ms of CPU a turn by step (nested ones in their callers too):"]
    lines.append(f"  {'the update':<16} {sum(cpu) / n * 1e3:7.3f}")
    lines.append(f"  {'outside handle':<16} {(sum(cpu) - steps['handle']) / n * 1e3:7.3f}")
    for step, value in sorted(steps.items(), key=lambda item: -item[1]):
        if step.endswith(" #"):
            continue
        count = steps.get(step + " #")
        per = f"  ({count / n:.2f} a turn, {value / count * 1e3:.3f} each)" if count else ""
        lines.append(f"  {step:<16} {value / n * 1e3:7.3f}{per}")
    return lines


def report(backend: str, measured: Measured, profile: str | None) -> str:
    turns = sum(len(k.cpu) for k in measured.kinds.values())
    lines = [
        f"{backend}: {turns} turns one at a time, CPU per update "
        f"{measured.total / turns * 1e3:.3f} ms (residents' own work taken out)",
        f"{'kind':<26} {'turns':>6} {'stmts':>6} {'mean ms':>8} {'median':>8} {'share':>6}",
    ]
    if measured.imported:
        lines.append(f"modules imported while measuring: {', '.join(measured.imported)}")
    common: list[float] = []
    for name in sorted(measured.kinds, key=lambda n: -sum(measured.kinds[n].cpu)):
        k = measured.kinds[name]
        if name.endswith("/ common"):
            common += k.cpu
        lines.append(
            f"{name:<26} {len(k.cpu):>6} {k.statements / len(k.cpu):>6.2f} "
            f"{statistics.fmean(k.cpu) * 1e3:>8.3f} {statistics.median(k.cpu) * 1e3:>8.3f} "
            f"{sum(k.cpu) / measured.total:>6.1%}"
        )
    if common:
        lines.append(
            f"{'common turns':<26} {len(common):>6} {'':>6} "
            f"{statistics.fmean(common) * 1e3:>8.3f} {statistics.median(common) * 1e3:>8.3f} "
            f"{sum(common) / measured.total:>6.1%}"
        )
    for label in ("common", *sorted(measured.kinds)):
        lines += _steps(measured, label)
    if measured.profile is not None:
        out = io.StringIO()
        stats = measured.profile
        stats.stream = out  # type: ignore[attr-defined]
        stats.strip_dirs().sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(70)
        lines.append(f"--- {backend}: cProfile (thread time) of the {profile} turns")
        lines.append(out.getvalue())
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> None:
    plan = Plan(args.residents, args.messages, args.think, args.seed)
    warmup = Plan(args.warmup_residents, 5, 0.0, args.seed, first_user_id=900_000)
    with tempfile.TemporaryDirectory() as tmp:
        async with fresh_database(args.backend, Path(tmp)) as url, declic_bot(url) as declic:
            await converse(declic.dp, declic.bot, warmup)
            wrapped = time_steps(declic) if args.steps else []
            for _ in range(args.rounds):
                measured = await one_at_a_time(declic, plan, args.profile)
                print(report(args.backend, measured, args.profile), flush=True)
                for warning in unused_steps(measured, wrapped):
                    print(warning, file=sys.stderr, flush=True)
                plan = Plan(plan.residents, plan.messages, plan.think, plan.seed,
                            first_user_id=plan.first_user_id + 10_000)  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.turn_cpu",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    one_at_a_time_arguments(parser, residents=60, residents_help="residents a round")
    parser.add_argument("--rounds", type=int, default=1, help="measured rounds, fresh residents")
    parser.add_argument("--profile", choices=("common", "submission", "new idea",
                                              "new resident", "all"))  # fmt: skip
    parser.add_argument("--steps", action="store_true", help="CPU by step of the common turns")
    args = parser.parse_args(argv)
    announce()
    asyncio.run(run(args))


def one_at_a_time_arguments(
    parser: argparse.ArgumentParser, residents: int, residents_help: str
) -> None:
    """The options of a run of residents fed one at a time (here and in ``bench.turn_ab``)."""
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--residents", type=int, default=residents, help=residents_help)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds between updates")
    parser.add_argument("--warmup-residents", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)


def announce() -> None:
    """The machine's load before the run: figures from a busy box are not figures."""
    print(f"load average {os.getloadavg()[0]:.2f} before the run, Python "
          f"{sys.version.split()[0]}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
