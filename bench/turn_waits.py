"""Where a turn's wall time goes: CPU, or waiting (``bench.intake_latency --waits``).

Each measured update runs in its resident's task; a context variable gives that task a
``TurnWaits`` record, and hooks on the engine add to it (SQLAlchemy runs a statement in a
greenlet of the same task, so the record is found there):

- *pool*: waiting for a connection (``Pool._do_get``): SQLite's one writer connection, or
  PostgreSQL's pool when every connection is busy;
- *statements*: from sending a statement to having its rows (``before/after_cursor_execute``),
  which is the database's own work, SQLite's writer lock (``busy_timeout``), PostgreSQL's
  advisory lock (``pg_advisory_xact_lock``, counted apart as *lock*), and the hand-over to
  aiosqlite's thread or asyncpg's protocol and back;
- *commit*: ``COMMIT`` (no cursor event fires for it);
- on PostgreSQL, inside *statements*: *begin* (asyncpg's ``BEGIN``, sent before a
  transaction's first statement) and *prepare* (a statement's first use on a connection:
  asyncpg prepares it, one more round trip), counted apart; and the connections opened (a
  pool's overflow connection, made inside the pool wait and closed again when it comes back
  to a full pool).

Each turn also records how many turns were in flight when it started.

The rest of the turn's wall time is CPU in the event loop, this turn's own or other turns'
(the event loop's queue: a ready task waits while others run). The loop's own lag is sampled
by a task that asks to wake every millisecond and records how late it is (``bench.loop_lag``).
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.loop_lag import watch_loop


@dataclass
class TurnWaits:
    pool: float = 0.0
    statements: float = 0.0
    lock: float = 0.0
    commit: float = 0.0
    begin: float = 0.0  # PostgreSQL: BEGIN round trips (inside *statements*)
    prepare: float = 0.0  # PostgreSQL: statements prepared on their connection (idem)
    prepared: int = 0
    connects: int = 0  # connections opened for this turn (within the pool wait)
    in_flight: int = 0  # turns in flight when it started, itself included
    count: int = 0  # statements sent
    longest: float = 0.0  # the turn's slowest statement (seconds) and its first words
    longest_statement: str = ""
    kind: str = "common"  # what the turn did, read from its statements (``_KINDS``)
    waiting: str = ""  # what the turn waits for now, if anything (``bench.tail_attribution``)
    started: float = 0.0  # perf_counter at the turn's start and end
    ended: float = 0.0


# A turn's kind, from the statements it sent: the first kind whose markers are all in one
# statement, in this order, wins. A submission writes submitted_at (a turn that only loads the
# idea row names the column too: the next page of suggestions, an edit).
_KINDS = (
    ("submission", ("UPDATE ideas SET", "submitted_at")),
    ("new idea", ("INSERT INTO ideas",)),
    ("new resident", ("INSERT INTO residents",)),
)
_RANK = {name: rank for rank, (name, _) in enumerate(_KINDS)}


def _kind_of(statement: str, current: str) -> str:
    for name, markers in _KINDS:
        if _RANK.get(current, len(_KINDS)) <= _RANK[name]:
            return current
        if all(marker in statement for marker in markers):
            return name
    return current


def _shape(statement: str) -> str:
    """A statement's first words, to name what a turn waits for."""
    return " ".join(statement.split()[:4])[:40]


CURRENT: ContextVar[TurnWaits | None] = ContextVar("bench_turn_waits", default=None)


@dataclass
class Waits:
    """Every measured turn's record, and the event loop's lag samples."""

    turns: list[TurnWaits] = field(default_factory=list)
    loop_lag: list[float] = field(default_factory=list)
    # (generation, wall seconds, CPU seconds of the loop's thread)
    gc_pauses: list[tuple[int, float, float]] = field(default_factory=list)
    in_flight: int = 0

    @contextlib.contextmanager
    def turn(self) -> Iterator[TurnWaits]:
        self.in_flight += 1
        record = TurnWaits(in_flight=self.in_flight, started=time.perf_counter())
        token = CURRENT.set(record)
        try:
            yield record
        finally:
            record.ended = time.perf_counter()
            CURRENT.reset(token)
            self.in_flight -= 1
            self.turns.append(record)


def instrument(engine: AsyncEngine) -> None:
    """Hook the engine's pool, statements and commits (for a benchmark's engine only)."""
    sync = engine.sync_engine
    pool = sync.pool
    do_get = pool._do_get

    def timed_get() -> Any:
        start = time.perf_counter()
        record = CURRENT.get()
        if record is not None:
            record.waiting = "pool"
        try:
            return do_get()
        finally:
            if record is not None:
                record.pool += time.perf_counter() - start
                record.waiting = ""

    pool._do_get = timed_get  # type: ignore[method-assign]

    def before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        conn.info["bench_sent"] = time.perf_counter()
        record = CURRENT.get()
        if record is not None:
            record.waiting = _shape(statement)

    def after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        record = CURRENT.get()
        if record is None:
            return
        spent = time.perf_counter() - conn.info.pop("bench_sent", time.perf_counter())
        record.waiting = ""
        record.count += 1
        record.kind = _kind_of(statement, record.kind)
        if spent > record.longest:
            record.longest, record.longest_statement = spent, " ".join(statement.split()[:6])
        if "advisory_xact_lock" in statement:
            record.lock += spent
        else:
            record.statements += spent

    event.listen(sync, "before_cursor_execute", before)
    event.listen(sync, "after_cursor_execute", after)

    dialect = sync.dialect
    do_commit = dialect.do_commit

    def timed_commit(dbapi_connection: Any) -> None:
        start = time.perf_counter()
        record = CURRENT.get()
        if record is not None:
            record.waiting = "COMMIT"
        try:
            do_commit(dbapi_connection)
        finally:
            if record is not None:
                record.commit += time.perf_counter() - start
                record.waiting = ""

    dialect.do_commit = timed_commit  # type: ignore[method-assign]

    def opened(*_args: Any) -> None:
        record = CURRENT.get()
        if record is not None:
            record.connects += 1

    event.listen(sync, "connect", opened)
    if dialect.name == "postgresql":
        _instrument_asyncpg()


_asyncpg_hooked: list[bool] = []


def _instrument_asyncpg() -> None:
    """Time asyncpg's BEGIN and prepares (class-wide, once per process: benchmarks only)."""
    if _asyncpg_hooked:
        return
    _asyncpg_hooked.append(True)
    from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection as conn

    start_transaction: Callable[[Any], Awaitable[None]] = conn._start_transaction
    prepare: Callable[[Any, Any, Any], Awaitable[Any]] = conn._prepare

    async def timed_begin(self: Any) -> None:
        start = time.perf_counter()
        try:
            await start_transaction(self)
        finally:
            record = CURRENT.get()
            if record is not None:
                record.begin += time.perf_counter() - start

    async def timed_prepare(self: Any, operation: Any, invalidate: Any) -> Any:
        cache = self._prepared_statement_cache
        cached = cache is not None and operation in cache
        start = time.perf_counter()
        try:
            return await prepare(self, operation, invalidate)
        finally:
            record = CURRENT.get()
            if record is not None and not cached:
                record.prepare += time.perf_counter() - start
                record.prepared += 1

    setattr(conn, "_start_transaction", timed_begin)  # noqa: B010 (mypy: method-assign)
    setattr(conn, "_prepare", timed_prepare)  # noqa: B010


@contextlib.asynccontextmanager
async def watching_loop(waits: Waits, every: float = 0.001) -> AsyncIterator[None]:
    """While inside: the event loop's lag (``bench.loop_lag``) and every garbage collection."""
    started: list[tuple[float, float]] = []

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append((time.perf_counter(), time.thread_time()))
        elif started:
            wall, cpu = started.pop()
            waits.gc_pauses.append(
                (info["generation"], time.perf_counter() - wall, time.thread_time() - cpu)
            )

    gc.callbacks.append(collected)
    try:
        async with watch_loop(waits.loop_lag, every):
            yield
    finally:
        gc.callbacks.remove(collected)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] if ordered else 0.0


def _by_latency(waits: Waits, latencies: list[float]) -> list[str]:
    """The slowest 1 % of turns against the rest: what they waited for, how many ran with them."""
    if len(latencies) != len(waits.turns) or len(latencies) < 100:
        return []
    pairs = sorted(zip(latencies, waits.turns, strict=True), key=lambda pair: pair[0])
    cut = len(pairs) - max(1, len(pairs) // 100)
    lines = [
        "  slowest 1 % against the rest: wall, pool, statements, BEGIN, prepare, turns in "
        "flight at start, connections opened"
    ]
    for name, group in (("rest", pairs[:cut]), ("slowest 1 %", pairs[cut:])):
        turns = [t for _, t in group]
        lines.append(
            f"    {name:<12} wall {_mean([w for w, _ in group]) * 1e3:8.2f}  "
            f"pool {_mean([t.pool for t in turns]) * 1e3:7.2f}  "
            f"stmts {_mean([t.statements for t in turns]) * 1e3:7.2f}  "
            f"begin {_mean([t.begin for t in turns]) * 1e3:6.2f}  "
            f"prepare {_mean([t.prepare for t in turns]) * 1e3:6.2f}  "
            f"in flight {_mean([float(t.in_flight) for t in turns]):5.1f}  "
            f"connects {sum(t.connects for t in turns)}"
        )
    slowest = [t for _, t in pairs[cut:]]
    shapes = Counter(t.longest_statement for t in slowest)
    longest = _mean([t.longest for t in slowest]) * 1e3
    common = "; ".join(f"{n} × {shape[:60]}" for shape, n in shapes.most_common(3))
    lines.append(f"    slowest 1 %: its slowest statement {longest:.2f} ms on average; {common}")
    lines.append("  by kind: turns, statements, p50 / p99 wall ms, share of the slowest 1 %")
    slow_kinds = Counter(t.kind for t in slowest)
    for kind in sorted({t.kind for _, t in pairs}):
        walls = [w for w, t in pairs if t.kind == kind]
        counts = [float(t.count) for _, t in pairs if t.kind == kind]
        lines.append(
            f"    {kind:<13} {len(walls):5d}  {_mean(counts):5.1f}  "
            f"{_p(walls, 50) * 1e3:7.2f} / {_p(walls, 99) * 1e3:7.2f}  "
            f"{slow_kinds[kind]:3d} of {len(slowest)}"
        )
    return lines


def breakdown(
    backend: str, waits: Waits, latencies: list[float], loop_cpu: float, process_cpu: float
) -> list[str]:
    """Mean and p99 per update of each part, and what is left for CPU and the loop's queue."""
    n = len(waits.turns)
    if not n:
        return [f"{backend}: no turn recorded"]
    parts = {
        "pool wait": [t.pool for t in waits.turns],
        "statements": [t.statements for t in waits.turns],
        "advisory lock": [t.lock for t in waits.turns],
        "commit": [t.commit for t in waits.turns],
    }
    wall = _mean(latencies)
    waited = sum(_mean(v) for v in parts.values())
    own_cpu = loop_cpu / n
    lines = [
        f"{backend}: where a turn's wall time goes, mean over {n} updates "
        f"(p99 of each part apart; {_mean([t.count for t in waits.turns]):.1f} statements/turn)",
        f"  wall (feed_update)          mean {wall * 1e3:7.2f} ms   "
        f"p99 {_p(latencies, 99) * 1e3:8.2f}",
    ]
    for name, values in parts.items():
        lines.append(f"  {name:<27} mean {_mean(values) * 1e3:7.2f} ms   "
                     f"p99 {_p(values, 99) * 1e3:8.2f}")  # fmt: skip
    lines.append(f"  CPU in the loop's thread    mean {own_cpu * 1e3:7.2f} ms   "
                 f"(process CPU {process_cpu * 1e3 / n:.2f} ms/update, all threads)")  # fmt: skip
    queue = max(0.0, wall - waited - own_cpu)
    lines.append(f"  left: waiting for the loop  mean {queue * 1e3:7.2f} ms   "
                 f"(wall − waits − own CPU: other turns' CPU ahead in the queue)")  # fmt: skip
    if any(t.begin or t.prepared or t.connects for t in waits.turns):
        begins, prepares = [t.begin for t in waits.turns], [t.prepare for t in waits.turns]
        prepared = sum(t.prepared for t in waits.turns)
        connects = sum(t.connects for t in waits.turns)
        lines.append(f"    of which BEGIN            mean {_mean(begins) * 1e3:7.2f} ms   "
                     f"p99 {_p(begins, 99) * 1e3:8.2f}")  # fmt: skip
        lines.append(f"    of which prepare          mean {_mean(prepares) * 1e3:7.2f} ms   "
                     f"p99 {_p(prepares, 99) * 1e3:8.2f}   ({prepared} prepared)")  # fmt: skip
        lines.append(f"  connections opened          {connects} during the run "
                     f"(in {sum(1 for t in waits.turns if t.connects)} turns)")  # fmt: skip
    lines += _by_latency(waits, latencies)
    for generation in (0, 1, 2):
        pauses = [t for g, t, _ in waits.gc_pauses if g == generation]
        if pauses:
            cpu = sum(c for g, _, c in waits.gc_pauses if g == generation)
            mean, longest = _mean(pauses) * 1e3, max(pauses) * 1e3
            lines.append(f"  garbage collections, gen {generation}   {len(pauses):5d}, "
                         f"mean {mean:6.2f} ms, max {longest:7.2f} ms (wall); "
                         f"CPU {cpu * 1e3 / n:.2f} ms/update")  # fmt: skip
    lag = waits.loop_lag
    lines.append(f"  event-loop lag (1 ms timer) mean {_mean(lag) * 1e3:7.2f} ms   "
                 f"p99 {_p(lag, 99) * 1e3:8.2f}   "
                 f"max {max(lag, default=0.0) * 1e3:.1f}")  # fmt: skip
    return lines
