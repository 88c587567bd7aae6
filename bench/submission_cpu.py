"""CPU of a resident's turn by kind, one resident at a time: the submission turn's, mainly.

Run: ``.venv/bin/python -m bench.submission_cpu [--backend both] [--residents 60]
[--rounds 1] [--profile] [--phases]``. See ``bench/README.md`` ("Session 7: the submission
turn's CPU").

The production wiring (``declic.runtime.build_core``, ``prime``) over a fresh database with the
demo town's directory (84 entries), as ``bench.intake_latency`` builds it; the simulated
residents of ``bench.residents`` (seeded) talk to ``ConversationService.handle`` directly, one
turn at a time, so nothing else runs in the process while a turn is measured: a turn's CPU is
``time.thread_time()`` of the event loop's thread around it (``process`` adds the other threads,
aiosqlite's on SQLite). Each turn's kind is read from its statements (``bench.turn_waits``): a
submission writes ``submitted_at``. A warm-up (``--warmup`` residents) runs first, unmeasured.

``--phases`` times steps of the turns (inclusive CPU of the loop's thread, summed per kind:
``match`` is inside ``suggest``, which is inside ``effects``); ``--profile`` runs cProfile
around each measured turn and prints the submissions' profile (and the common turns' with
``--profile-all``). The last line, ``rows``, is a digest of what the turns wrote (suggestions,
outbox payloads, ideas' unmet needs and themes), to show that a change left them the same.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import dataclasses
import functools
import hashlib
import io
import itertools
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from bench.databases import fresh_database
from bench.intake_latency import recording_core
from bench.residents import RecordingRenderer, Resident
from bot.callbacks import unpack
from declic.runtime import Core, prime
from infra.heap import freeze_startup_heap
from routing.conversation.inbound import Inbound
from routing.intake import ButtonIn, TextIn, parse_command
from routing.journey.records import Idea, OutgoingMessage
from routing.matching.records import Suggestion

FIRST_NAMES = ("Awa", "Léa", "Karim", "Inès", "Jules", "Yasmine", "Paul", "Chloé", "Mehdi", "Zoé")
KINDS = ("submission", "new idea", "new resident", "common")


@dataclass
class Kind:
    thread: list[float] = field(default_factory=list)  # s of the loop's thread, per turn
    process: list[float] = field(default_factory=list)  # s of the whole process, per turn
    statements: list[int] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    own: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    profiles: list[cProfile.Profile] = field(default_factory=list)


@dataclass
class Turn:
    kind: str = "common"
    statements: int = 0
    renders: list[tuple[Any, ...]] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    own: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    children: list[float] = field(default_factory=list)  # CPU of the phases inside each open one
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))


_current: list[Turn | None] = [None]
# A turn's kind, from its statements: the submission's UPDATE of the idea (``bench.turn_waits``
# counts any statement naming ``submitted_at``, reads of a submitted idea included), a new idea's
# INSERT, a new resident's INSERT; the first found in this order wins.
_MARKERS = (
    ("submission", ("UPDATE ideas SET", "submitted_at")),
    ("new idea", ("INSERT INTO ideas",)),
    ("new resident", ("INSERT INTO residents",)),
)


def _kind_of(statement: str, current: str) -> str:
    for name, markers in _MARKERS:
        if current == name:
            return current
        if all(marker in statement for marker in markers):
            return name
    return current


def _enter(turn: Turn | None) -> float:
    if turn is not None:
        turn.children.append(0.0)
    return time.thread_time()


def _leave(turn: Turn | None, name: str, start: float) -> None:
    """A phase ends: its CPU, inclusive and its own (less the timed phases inside it)."""
    if turn is None:
        return
    spent = time.thread_time() - start
    inside = turn.children.pop()
    turn.phases[name] += spent
    turn.own[name] += spent - inside
    turn.calls[name] += 1
    if turn.children:
        turn.children[-1] += spent


def _timed_async(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    async def timed(*args: Any, **kwargs: Any) -> Any:
        turn = _current[0]
        start = _enter(turn)
        try:
            return await fn(*args, **kwargs)
        finally:
            _leave(turn, name, start)

    return timed


_labels: dict[int, str] = {}


def _label(statement: Any) -> str:
    """A statement's first words (kept per statement object: they are built once)."""
    key = id(statement)
    if key not in _labels:
        try:
            text = " ".join(str(statement).split())
        except Exception:  # a dialect's own construct: its class then
            text = type(statement).__name__
        _labels[key] = text[:60]
    return _labels[key]


def _timed_statement(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``AsyncSession.execute`` timed per statement (``session.execute: <its first words>``)."""

    @functools.wraps(fn)
    async def timed(self: Any, statement: Any, *args: Any, **kwargs: Any) -> Any:
        turn = _current[0]
        start = _enter(turn)
        try:
            return await fn(self, statement, *args, **kwargs)
        finally:
            _leave(turn, f"session.execute: {_label(statement)}", start)

    return timed


def _timed_sync(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        turn = _current[0]
        start = _enter(turn)
        try:
            return fn(*args, **kwargs)
        finally:
            _leave(turn, name, start)

    return timed


@dataclass
class Recorded:
    """The measured submissions' matches and renders, to replay alone (``--replay``)."""

    matches: list[tuple[Any, ...]] = field(default_factory=list)  # (match, catalogue, query, today)
    renders: list[tuple[Any, ...]] = field(default_factory=list)  # (renderer, replies, context)


@contextmanager
def recording(core: Core, recorded: Recorded) -> Iterator[None]:
    """Keep each measured turn's match and render calls (their arguments), for ``replay``."""
    from routing.matching import suggestions

    match = getattr(suggestions, "match")  # noqa: B009 (the name the module calls)
    renderer = core.service.renderer
    inner = renderer.inner if isinstance(renderer, RecordingRenderer) else renderer

    def kept_match(*args: Any) -> Any:
        if _current[0] is not None:
            recorded.matches.append((match, *args))
        return match(*args)

    def kept_render(replies: Any, context: Any) -> Any:
        turn = _current[0]
        if turn is not None:
            turn.renders.append((inner, replies, context))
        return renderer(replies, context)

    setattr(suggestions, "match", kept_match)  # noqa: B010
    setattr(core.service, "renderer", kept_render)  # noqa: B010
    try:
        yield
    finally:
        setattr(suggestions, "match", match)  # noqa: B010
        core.service.renderer = renderer


def _call_all(calls: list[tuple[Any, ...]]) -> list[Any]:
    return [call[0](*call[1:]) for call in calls]


def replay(recorded: Recorded, times: int, profile: int = 0) -> str:
    """Each recorded match and render again, ``times`` times in a row: µs of CPU a call
    (median of the rounds), and a digest of what they returned; with ``profile``, then
    cProfile one more round of each and print its ``profile`` costliest functions."""
    lines = []
    for name, calls in (("match", recorded.matches), ("render", recorded.renders)):
        if not calls:
            continue
        if profile:
            profiler = cProfile.Profile()
            profiler.runcall(_call_all, calls)
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text).strip_dirs()
            stats.sort_stats("tottime").print_stats(profile)
            stats.sort_stats("cumulative").print_stats(profile)
            lines.append(f"--- replayed {name} calls, cProfile\n{text.getvalue()}")
        rounds = []
        results: list[str] = []
        for round_ in range(times):
            start = time.thread_time()
            out = _call_all(calls)
            rounds.append((time.thread_time() - start) / len(calls))
            if round_ == 0:
                results = [repr(_canonical(o)) for o in out]
        digest_ = hashlib.sha256("\n".join(results).encode()).hexdigest()[:16]
        lines.append(
            f"  replay {name:6s} {len(calls):4d} calls × {times}: "
            f"{statistics.median(rounds) * 1e6:8.1f} µs a call (min {min(rounds) * 1e6:.1f}), "
            f"results {digest_}"
        )
    return "\n".join(lines)


def _canonical(value: Any) -> Any:
    """``value`` with its sets sorted and its dataclasses as tuples: the same in every process
    (a frozenset of strings iterates in an order that changes with the hash seed)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(_canonical(getattr(value, f.name))
                                        for f in dataclasses.fields(value)))  # fmt: skip
    if isinstance(value, set | frozenset):
        return sorted(repr(_canonical(v)) for v in value)
    if isinstance(value, dict):
        return sorted((repr(_canonical(k)), _canonical(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def _assign(owner: Any, attr: str, value: Any) -> None:
    if isinstance(owner, type):
        setattr(owner, attr, value)
    else:  # object.__setattr__: the planner and the dialogue are frozen dataclasses
        object.__setattr__(owner, attr, value)


@contextmanager
def phases(core: Core) -> Iterator[None]:
    """Time the steps of a turn (``--phases``): module attributes, the service's own, and the
    session's methods (``sqlalchemy``: every statement, flush and commit, wherever called)."""
    from sqlalchemy.ext.asyncio import AsyncSession

    from routing import cases, matching
    from routing.conversation import effects, service
    from routing.matching import suggestions

    methods = ("scalars", "scalar", "get", "flush", "commit")
    sessions = [(AsyncSession, method, f"session.{method}", True) for method in methods]
    targets: list[tuple[Any, str, str, bool]] = [
        *sessions,
        (service, "claim_and_load", "claim and load", True),
        (effects, "_submitted", "submit statement", True),
        (matching, "suggest_for_idea", "suggest", True),
        (suggestions, "match", "match", False),
        (cases, "open_case", "open case", True),
        (core.service.followups, "plan", "plan follow-ups", True),
        (core.service, "_apply", "effects", True),
        (core.service, "_situation", "situation", True),
        (core.service, "_resolve", "resolve replies", True),
        (core.service, "_save", "save (and send)", True),
        (core.service, "_outbox", "render outbox", False),
        (core.service.dialogue, "step", "dialogue step", False),
        (core.service, "_read", "understand", False),
    ]
    saved = [(owner, attr, owner.__dict__.get(attr)) for owner, attr, _, _ in targets]
    saved.append((AsyncSession, "execute", AsyncSession.__dict__["execute"]))
    AsyncSession.execute = _timed_statement(AsyncSession.execute)  # type: ignore[method-assign]
    for owner, attr, name, is_async in targets:
        fn = getattr(owner, attr)
        _assign(owner, attr, (_timed_async if is_async else _timed_sync)(name, fn))
    try:
        yield
    finally:
        for owner, attr, original in saved:
            if original is None:
                object.__delattr__(owner, attr)
            else:
                _assign(owner, attr, original)


def _inbound(resident: Resident, update_id: int) -> Inbound:
    move = resident.next()
    user = str(resident.user_id)
    if move.data is None:
        text = move.text or ""
        return Inbound("telegram", user, user, parse_command(text) or TextIn(text), "text",
                       text, first_name=resident.first_name, language_code="fr",
                       update_id=update_id, channel_message_id=move.message_id)  # fmt: skip
    cb = unpack(move.data)
    assert cb is not None
    return Inbound("telegram", user, user, ButtonIn(cb.action, cb.value, cb.version), "button",
                   first_name=resident.first_name, language_code="fr", update_id=update_id,
                   edit_target=move.message_id)  # fmt: skip


async def _converse(core: Core, users: range, messages: int, seed: int,
                    kinds: dict[str, Kind] | None, profile: set[str],
                    recorded: Recorded | None = None) -> None:  # fmt: skip
    """Each resident of ``users`` in turn, ``messages`` updates each; measured into ``kinds``."""
    import random

    service = core.service
    for user_id in users:
        resident = Resident(user_id, FIRST_NAMES[user_id % len(FIRST_NAMES)],
                            random.Random(f"{seed}:words:{user_id}"))  # fmt: skip
        resident.attach()
        update_ids = itertools.count(user_id * 10_000)
        for _ in range(messages):
            inbound = _inbound(resident, next(update_ids))
            turn = Turn()
            profiler = cProfile.Profile() if profile and kinds is not None else None
            _current[0] = turn
            if profiler is not None:
                profiler.enable()
            thread, process = time.thread_time(), time.process_time()
            await service.handle(inbound)
            thread, process = time.thread_time() - thread, time.process_time() - process
            if profiler is not None:
                profiler.disable()
            _current[0] = None
            if kinds is None:
                continue
            if recorded is not None and turn.kind == "submission":
                recorded.renders.extend(turn.renders)
            kind = kinds[turn.kind]
            kind.thread.append(thread)
            kind.process.append(process)
            kind.statements.append(turn.statements)
            for name, spent in turn.phases.items():
                kind.phases[name] += spent
            for name, spent in turn.own.items():
                kind.own[name] += spent
            for name, calls in turn.calls.items():
                kind.calls[name] += calls
            if profiler is not None and turn.kind in profile:
                kind.profiles.append(profiler)


async def digest(core: Core) -> str:
    """What the turns wrote that matching and rendering decide, as a short hash."""
    async with core.uow_factory() as uow:
        session = uow.session
        suggestions = (await session.execute(select(
            Suggestion.idea_id, Suggestion.external_id, Suggestion.rank, Suggestion.need,
            Suggestion.score, Suggestion.reasons, Suggestion.status,
        ).order_by(Suggestion.idea_id, Suggestion.rank))).all()  # fmt: skip
        ideas = (await session.execute(
            select(Idea.id, Idea.unmet_needs, Idea.themes, Idea.status).order_by(Idea.id)
        )).all()  # fmt: skip
        payloads = (await session.scalars(
            select(OutgoingMessage.payload).order_by(OutgoingMessage.id)
        )).all()  # fmt: skip
    blob = json.dumps([[list(r) for r in suggestions], [list(r) for r in ideas],
                       list(payloads)], sort_keys=True, default=str)  # fmt: skip
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


async def bench_backend(backend: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="declic-subcpu-") as tmp:
        async with fresh_database(backend, Path(tmp)) as url:
            core = await recording_core(url, directory=True)
            try:
                await prime(core)
                freeze_startup_heap()
                await _measure(core, backend, args)
            finally:
                await core.close()


async def _measure(core: Core, backend: str, args: argparse.Namespace) -> None:
    async with core.uow_factory() as uow:
        engine = uow.engine

    def statement(_conn: object, _cursor: object, text: str, *_args: object) -> None:
        turn = _current[0]
        if turn is not None:
            turn.statements += 1
            turn.kind = _kind_of(text, turn.kind)

    event.listen(engine.sync_engine, "before_cursor_execute", statement)
    warm = range(900_000, 900_000 + args.warmup)
    await _converse(core, warm, args.messages, args.seed, None, set())
    kinds = {name: Kind() for name in KINDS}
    profile = set()
    if args.profile:
        profile = set(KINDS) if args.profile_all else {"submission"}
    timing = phases(core) if args.phases else _nothing()
    recorded = Recorded() if args.replay else None
    with timing, recording(core, recorded) if recorded is not None else _nothing():
        for round_ in range(args.rounds):
            first = 100_000 + round_ * 10_000
            users = range(first, first + args.residents)
            await _converse(core, users, args.messages, args.seed, kinds, profile, recorded)
    event.remove(engine.sync_engine, "before_cursor_execute", statement)
    print(report(backend, kinds, args.phases))
    print(f"{backend}: rows {await digest(core)}")
    if recorded is not None:
        print(replay(recorded, args.replay, args.top if args.replay_profile else 0))
    for name in KINDS:
        profiles = kinds[name].profiles
        if profiles:
            out = io.StringIO()
            stats = pstats.Stats(*profiles, stream=out)
            if args.dump:
                stats.dump_stats(f"{args.dump}-{backend}-{name.replace(' ', '_')}.prof")
            calls = stats.total_calls / len(profiles)  # type: ignore[attr-defined]
            print(f"{backend}: {name} turns, {calls:.0f} Python calls a turn (cProfile)")
            if args.top:
                stats.strip_dirs().sort_stats("tottime").print_stats(args.top)
                stats.sort_stats("cumulative").print_stats(args.top + 20)
                print(f"--- {backend}: {name} turns, cProfile (loop thread)\n{out.getvalue()}")


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def report(backend: str, kinds: dict[str, Kind], with_phases: bool) -> str:
    lines = [f"{backend:10s} {'turns':>6s} {'stmts':>6s} {'thread ms: mean':>16s} "
             f"{'median':>7s} {'p90':>7s}  {'process mean':>12s}  share"]  # fmt: skip
    total = sum(sum(k.thread) for k in kinds.values()) or 1.0
    for name, kind in kinds.items():
        if not kind.thread:
            continue
        ms = sorted(t * 1000 for t in kind.thread)
        p90 = ms[min(len(ms) - 1, int(0.9 * len(ms)))]
        lines.append(
            f"  {name:12s} {len(ms):6d} {statistics.mean(kind.statements):6.1f} "
            f"{statistics.mean(ms):16.3f} {statistics.median(ms):7.3f} {p90:7.3f}  "
            f"{statistics.mean(kind.process) * 1000:12.3f}  {sum(kind.thread) / total:5.1%}"
        )
    if with_phases:
        for name, kind in kinds.items():
            if not kind.phases:
                continue
            count = len(kind.thread)
            parts = sorted(kind.phases.items(), key=lambda p: -p[1])
            lines.append(f"  {name} phases, ms a turn (inclusive): " + ", ".join(
                f"{phase} {spent / count * 1000:.3f}" for phase, spent in parts
            ))  # fmt: skip
            own = sorted(kind.own.items(), key=lambda p: -p[1])
            rest = statistics.mean(kind.thread) - sum(kind.own.values()) / count
            lines.append(f"  {name} phases, ms a turn (own; calls a turn): " + ", ".join(
                f"{phase} {spent / count * 1000:.3f} ({kind.calls[phase] / count:.1f})"
                for phase, spent in own
            ) + f", outside them {rest * 1000:.3f}")  # fmt: skip
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.submission_cpu",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--residents", type=int, default=60, help="measured, one at a time")
    parser.add_argument("--messages", type=int, default=10, help="updates per resident")
    parser.add_argument("--rounds", type=int, default=1, help="fresh residents each round")
    parser.add_argument("--warmup", type=int, default=20, help="residents before measuring")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--phases", action="store_true", help="time the steps of the turns")
    parser.add_argument("--profile", action="store_true", help="cProfile the submission turns")
    parser.add_argument("--profile-all", action="store_true", help="and every other kind")
    parser.add_argument(
        "--replay",
        type=int,
        default=0,
        metavar="TIMES",
        help="then replay the submissions' matches and renders TIMES times",
    )
    parser.add_argument(
        "--replay-profile", action="store_true", help="cProfile one more replay of each"
    )
    parser.add_argument(
        "--dump", metavar="PREFIX", help="also write each profile to PREFIX-<backend>-<kind>.prof"
    )
    parser.add_argument("--top", type=int, default=30, help="rows of each profile")
    return parser.parse_args(argv)


async def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    print(f"{args.residents} residents × {args.messages} updates × {args.rounds} rounds, one at "
          f"a time, warm-up {args.warmup}; Python {sys.version.split()[0]}, {os.cpu_count()} "
          f"CPUs, load average {os.getloadavg()[0]:.1f} before the run")  # fmt: skip
    for backend in backends:
        await bench_backend(backend, args)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
