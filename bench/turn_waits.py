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
- *commit*: ``COMMIT`` (no cursor event fires for it).

The rest of the turn's wall time is CPU in the event loop, this turn's own or other turns'
(the event loop's queue: a ready task waits while others run). The loop's own lag is sampled
by a task that asks to wake every millisecond and records how late it is (``bench.loop_lag``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class TurnWaits:
    pool: float = 0.0
    statements: float = 0.0
    lock: float = 0.0
    commit: float = 0.0
    count: int = 0  # statements sent


CURRENT: ContextVar[TurnWaits | None] = ContextVar("bench_turn_waits", default=None)


@dataclass
class Waits:
    """Every measured turn's record, and the event loop's lag samples."""

    turns: list[TurnWaits] = field(default_factory=list)
    loop_lag: list[float] = field(default_factory=list)

    @contextlib.contextmanager
    def turn(self) -> Iterator[TurnWaits]:
        record = TurnWaits()
        token = CURRENT.set(record)
        try:
            yield record
        finally:
            CURRENT.reset(token)
            self.turns.append(record)


def instrument(engine: AsyncEngine) -> None:
    """Hook the engine's pool, statements and commits (for a benchmark's engine only)."""
    sync = engine.sync_engine
    pool = sync.pool
    do_get = pool._do_get

    def timed_get() -> Any:
        start = time.perf_counter()
        try:
            return do_get()
        finally:
            record = CURRENT.get()
            if record is not None:
                record.pool += time.perf_counter() - start

    pool._do_get = timed_get  # type: ignore[method-assign]

    def before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        conn.info["bench_sent"] = time.perf_counter()

    def after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        record = CURRENT.get()
        if record is None:
            return
        spent = time.perf_counter() - conn.info.pop("bench_sent", time.perf_counter())
        record.count += 1
        if "pg_advisory_xact_lock" in statement:
            record.lock += spent
        else:
            record.statements += spent

    event.listen(sync, "before_cursor_execute", before)
    event.listen(sync, "after_cursor_execute", after)

    dialect = sync.dialect
    do_commit = dialect.do_commit

    def timed_commit(dbapi_connection: Any) -> None:
        start = time.perf_counter()
        try:
            do_commit(dbapi_connection)
        finally:
            record = CURRENT.get()
            if record is not None:
                record.commit += time.perf_counter() - start

    dialect.do_commit = timed_commit  # type: ignore[method-assign]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] if ordered else 0.0


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
    lag = waits.loop_lag
    lines.append(f"  event-loop lag (1 ms timer) mean {_mean(lag) * 1e3:7.2f} ms   "
                 f"p99 {_p(lag, 99) * 1e3:8.2f}   "
                 f"max {max(lag, default=0.0) * 1e3:.1f}")  # fmt: skip
    return lines
