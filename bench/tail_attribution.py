"""Where a slow turn's wall time went, moment by moment (``bench.intake_latency --tails MS``).

``bench.turn_waits`` sums what each turn waited for (pool, statements, commit) and calls the
rest "waiting for the loop". This goes further, for benchmarks only: it times every callback the
event loop runs (``asyncio.events.Handle._run``), every wait in the selector (the loop idle),
every garbage collection (``gc.callbacks``), and for each measured turn the moments its task
was made ready (a wake-up scheduled: ``Handle.__init__`` with the task's step or wake-up), ran,
and went back to waiting, with what it was waiting for (a statement, the commit, a turn slot,
the pool: set by ``bench.turn_waits``' hooks and by a hook on ``infra.slots.Slots``).

A turn's wall time is then cut into:

- *own*: its task's callbacks running: its CPU (``thread_time``), of which garbage collections,
  and the wall time the OS took the CPU away from the process meanwhile (*preempted*);
- *ready*: woken, queued behind other callbacks: other turns' callbacks by the kind of turn
  (their CPU), garbage collections inside them, the OS's preemption inside them, callbacks
  that belong to no turn (asyncpg's socket reads, the residents' timers), the loop's own
  (selecting with a timeout of 0, scheduling);
- *waiting* for something outside the loop (a statement's answer, the commit, a slot, the
  pool), split into time the loop sat idle in the selector (nothing else to do: PostgreSQL's
  own time, the network, the kernel) and time it was busy with other callbacks (the answer may
  have come meanwhile and waited unseen: an upper bound of the database's part).
"""

from __future__ import annotations

import asyncio
import bisect
import gc
import itertools
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bench.turn_waits import CURRENT, TurnWaits, Waits
from infra.slots import Slots

Parts = defaultdict[str, float]
_now = time.perf_counter
_cpu = time.thread_time


@dataclass
class Timeline:
    """Everything the loop did while installed (times are ``perf_counter``)."""

    starts: list[float] = field(default_factory=list)  # callbacks, in the order they ran
    ends: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    owners: list[TurnWaits | None] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # what each ran (``_label``)
    idle: list[tuple[float, float]] = field(default_factory=list)  # in the selector
    gcs: list[tuple[float, float, int]] = field(default_factory=list)  # start, end, generation
    gc_cpus: list[float] = field(default_factory=list)
    # how late each step in which a turn began ran after its task's timer was due (its sleep)
    late: list[float] = field(default_factory=list)
    # per turn (id of its record): (time, "ready" | "run" | "wait", what it waits for)
    moments: dict[int, list[tuple[float, str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )


def _label(callback: Any) -> str:
    """What a callback runs: a task's coroutine, or the function called."""
    task = getattr(callback, "__self__", None)
    if isinstance(task, asyncio.Task):
        coro = task.get_coro()
        return f"task {getattr(coro, '__qualname__', type(coro).__name__)}"
    inner = getattr(callback, "func", callback)  # a functools.partial
    return getattr(inner, "__qualname__", type(inner).__name__)


def _owner(callback: Any, context: Any, tasks: dict[int, asyncio.Task[Any]]) -> TurnWaits | None:
    """The turn a task's step belongs to: the turn its context names, if this task runs it
    (``tasks``: each turn's task, when known). A task the turn started, such as a button's
    acknowledgement, copied the turn's context but is not the turn."""
    task = getattr(callback, "__self__", None)
    if not isinstance(task, asyncio.Task):
        return None
    record: TurnWaits | None = context.get(CURRENT) if context is not None else None
    if record is None or tasks.get(id(record), task) is not task:
        return None
    return record


@contextmanager
def recording(loop: asyncio.AbstractEventLoop) -> Iterator[Timeline]:
    """While inside, ``loop``'s callbacks, selects and collections, and the turns' moments."""
    timeline = Timeline()
    handle = asyncio.events.Handle
    init, run = handle.__init__, handle._run
    selector: Any = loop._selector  # type: ignore[attr-defined]
    select = selector.select
    acquire = Slots._acquire
    moments = timeline.moments
    turn = Waits.turn
    # A turn's entry and exit inside the callback running now: (time, CPU, its record or None).
    # On SQLite a known resident's turn awaits nothing (session 13): it begins and ends inside
    # one step of its resident's task, whose owner is None before and after.
    marks: list[tuple[float, float, TurnWaits | None]] = []
    tasks: dict[int, asyncio.Task[Any]] = {}  # the task running each turn (id of its record)
    firing: list[float | None] = [None]  # the due time of the timer running now (loop.time())
    due: dict[int, float] = {}  # a task woken by a timer (id): when the timer was due

    def timed_init(self: Any, callback: Any, args: Any, loop: Any, context: Any = None) -> None:
        init(self, callback, args, loop, context)
        owner = _owner(callback, self._context, tasks)
        if owner is not None:
            moments[id(owner)].append((_now(), "ready", ""))
        task = getattr(callback, "__self__", None)
        if firing[0] is not None and isinstance(task, asyncio.Task):
            due[id(task)] = firing[0]

    def timed_run(self: Any) -> None:
        owner = _owner(self._callback, self._context, tasks)
        marks.clear()
        task = getattr(self._callback, "__self__", None)
        when = due.pop(id(task), None) if task is not None else None
        late = loop.time() - when if when is not None else None
        firing[0] = self.when() if isinstance(self, asyncio.TimerHandle) else None
        start, cpu = _now(), _cpu()
        if owner is not None:
            moments[id(owner)].append((start, "run", ""))
        try:
            run(self)
        finally:
            firing[0] = None
        end, cpu_end = _now(), _cpu()
        if late is not None and marks and marks[0][2] is not None:
            timeline.late.append(late)
        label = _label(self._callback)
        # The callback cut where a turn began or ended inside it, each piece with its owner.
        for (a, a_cpu, who), (b, b_cpu, _) in itertools.pairwise(
            [(start, cpu, owner), *marks, (end, cpu_end, None)]
        ):
            timeline.starts.append(a)
            timeline.ends.append(b)
            timeline.cpus.append(b_cpu - a_cpu)
            timeline.owners.append(who)
            outside = marks and who is None
            timeline.labels.append(f"{label}, outside its turn" if outside else label)
        after = marks[-1][2] if marks else owner or _owner(self._callback, self._context, tasks)
        if after is not None:  # the turn goes on: it waits now
            moments[id(after)].append((end, "wait", after.waiting))

    def timed_select(timeout: Any = None) -> Any:
        start = _now()
        try:
            return select(timeout)
        finally:
            timeline.idle.append((start, _now()))

    @contextmanager
    def marked_turn(self: Waits) -> Iterator[TurnWaits]:
        with turn(self) as record:
            task = asyncio.current_task()
            if task is not None:
                tasks[id(record)] = task
            marks.append((_now(), _cpu(), record))
            moments[id(record)].append((marks[-1][0], "run", ""))
            try:
                yield record
            finally:
                marks.append((_now(), _cpu(), None))

    async def marked_acquire(self: Slots, queue: Any, *, free: bool) -> None:
        record = CURRENT.get()
        if record is None:
            return await acquire(self, queue, free=free)
        before, record.waiting = record.waiting, "turn slot"
        try:
            return await acquire(self, queue, free=free)
        finally:
            record.waiting = before

    started: list[tuple[float, float, int]] = []

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append((_now(), _cpu(), info["generation"]))
        elif started:
            begun, cpu, generation = started.pop()
            timeline.gcs.append((begun, _now(), generation))
            timeline.gc_cpus.append(_cpu() - cpu)

    handle.__init__ = timed_init  # type: ignore[method-assign]
    handle._run = timed_run  # type: ignore[method-assign]
    selector.select = timed_select
    Slots._acquire = marked_acquire  # type: ignore[method-assign]
    Waits.turn = marked_turn  # type: ignore[method-assign]
    gc.callbacks.append(collected)
    try:
        yield timeline
    finally:
        gc.callbacks.remove(collected)
        handle.__init__ = init  # type: ignore[method-assign]
        handle._run = run  # type: ignore[method-assign]
        selector.select = select
        Slots._acquire = acquire  # type: ignore[method-assign]
        Waits.turn = turn  # type: ignore[method-assign]


def _overlap(a: float, b: float, c: float, d: float) -> float:
    return max(0.0, min(b, d) - max(a, c))


class _Cutter:
    def __init__(self, timeline: Timeline) -> None:
        self.t = timeline
        self.gc_starts = [g[0] for g in timeline.gcs]
        self.idle_starts = [i[0] for i in timeline.idle]

    def gc_in(self, a: float, b: float) -> tuple[float, int]:
        """Collection time in [a, b], and the highest generation collected there (-1: none)."""
        gcs = self.t.gcs
        i = max(0, bisect.bisect_left(self.gc_starts, a) - 1)
        spent, top = 0.0, -1
        while i < len(gcs) and gcs[i][0] < b:
            part = _overlap(a, b, gcs[i][0], gcs[i][1])
            if part > 0:
                spent, top = spent + part, max(top, gcs[i][2])
            i += 1
        return spent, top

    def idle_in(self, a: float, b: float) -> float:
        idle = self.t.idle
        i = max(0, bisect.bisect_left(self.idle_starts, a) - 1)
        spent = 0.0
        while i < len(idle) and idle[i][0] < b:
            spent += _overlap(a, b, *idle[i])
            i += 1
        return spent

    def callbacks_in(self, a: float, b: float) -> Iterator[tuple[float, float, TurnWaits | None]]:
        """(wall inside [a, b], CPU pro rata, owner) of each callback overlapping [a, b]."""
        t = self.t
        i = max(0, bisect.bisect_left(t.starts, a) - 1)
        while i < len(t.starts) and t.starts[i] < b:
            wall = t.ends[i] - t.starts[i]
            part = _overlap(a, b, t.starts[i], t.ends[i])
            if part > 0 and wall > 0:
                yield part, t.cpus[i] * part / wall, t.owners[i]
            i += 1


def attribute(timeline: Timeline, record: TurnWaits, start: float, end: float) -> dict[str, float]:
    """``record``'s wall time [start, end] cut into named parts (seconds), adding up to it."""
    cut = _Cutter(timeline)
    parts: Parts = defaultdict(float)
    moments = [m for m in timeline.moments.get(id(record), []) if start <= m[0] <= end]
    state, reason, since = "run", "", start
    for when, next_state, next_reason in [*moments, (end, "end", "")]:
        if when > since:
            _cut(cut, parts, record, state, reason, since, when)
        state, reason, since = next_state, next_reason, max(since, when)
    return dict(parts)


def _cut(
    cut: _Cutter, parts: Parts, record: TurnWaits, state: str, reason: str,
    a: float, b: float,
) -> None:  # fmt: skip
    if state == "run":
        gc_spent, _ = cut.gc_in(a, b)
        cpu = sum(c for _, c, owner in cut.callbacks_in(a, b) if owner is record)
        parts["own: CPU"] += max(0.0, cpu - gc_spent)
        parts["own: collections"] += gc_spent
        parts["own: preempted"] += max(0.0, (b - a) - cpu)
        return
    if state == "wait":
        what = _group(reason)
        idle = cut.idle_in(a, b)
        parts[f"waiting ({what}): loop idle"] += idle
        _behind(cut, parts, f"waiting ({what}), meanwhile", a, b, idle)
        return
    _behind(cut, parts, "ready: behind", a, b, 0.0)


def _group(reason: str) -> str:
    """What a turn waits for, in a few groups: its first statement (the claim with BEGIN, or
    the read of a turn that claims last), the save (its last one), the others, COMMIT, a slot,
    the pool."""
    if reason.startswith("WITH seen AS") or reason.startswith("SELECT residents."):
        return "claim"  # the claim and load, or claim_last's read
    if reason.startswith("WITH saved AS") or reason.startswith("WITH mirror AS"):
        return "save"
    if reason in ("COMMIT", "turn slot", "pool", ""):
        return reason or "other"
    return "other statement"


def _behind(cut: _Cutter, parts: Parts, prefix: str, a: float, b: float, idle: float) -> None:
    """What the loop ran in [a, b] (other turns' callbacks by kind, callbacks of no turn, the
    collector, the OS's preemption inside them), and the loop itself (what is left, less
    ``idle``)."""
    local: Parts = defaultdict(float)
    covered = 0.0
    for wall, cpu, owner in cut.callbacks_in(a, b):
        covered += wall
        name = "no turn" if owner is None else owner.kind
        local[f"{prefix} {name} (CPU)"] += cpu
        local[f"{prefix} preempted"] += max(0.0, wall - cpu)
    gc_spent, _ = cut.gc_in(a, b)
    if gc_spent:
        local[f"{prefix} collections"] += gc_spent
        _take(local, prefix, gc_spent)
    local[f"{prefix} loop itself"] += max(0.0, (b - a) - covered - idle)
    _add(parts, local)


def _add(into: Parts, parts: dict[str, float]) -> None:
    for key, value in parts.items():
        into[key] += value


def _take(parts: Parts, prefix: str, amount: float) -> None:
    """Collections ran inside other callbacks: take their time out of those callbacks' CPU."""
    keys = sorted((k for k in parts if k.endswith("(CPU)")), key=lambda k: -parts[k])
    for key in keys:
        taken = min(parts[key], amount)
        parts[key] -= taken
        amount -= taken
        if amount <= 0:
            return


def report(
    timeline: Timeline, records: list[TurnWaits], latencies: list[float], over: float
) -> list[str]:
    """Mean parts of the turns over ``over`` seconds (and of all turns), largest first."""
    if len(records) != len(latencies):
        return ["tails: records and latencies differ, nothing attributed"]
    slow: Parts = defaultdict(float)
    every: Parts = defaultdict(float)
    kinds: Counter[str] = Counter()
    tops: Counter[int] = Counter()
    cut = _Cutter(timeline)
    n_slow = 0
    for record, latency in zip(records, latencies, strict=True):
        parts = attribute(timeline, record, record.started, record.ended)
        _add(every, parts)
        if latency >= over:
            n_slow += 1
            _add(slow, parts)
            kinds[record.kind] += 1
            tops[cut.gc_in(record.started, record.ended)[1]] += 1
    n = len(records)
    lines = [
        f"tails: {n_slow} of {n} turns over {over * 1e3:g} ms "
        f"(kinds: {', '.join(f'{k} {v}' for k, v in kinds.most_common())}; "
        f"with a collection in their window, by top generation: "
        f"{', '.join(f'gen {g} {v}' for g, v in sorted(tops.items()) if g >= 0) or 'none'})",
        f"  {'part (ms per turn)':<48} {'slow turns':>10} {'all turns':>10}",
    ]
    total_slow = sum(slow.values()) / max(1, n_slow)
    total_all = sum(every.values()) / max(1, n)
    for key, _ in sorted(slow.items(), key=lambda kv: -kv[1]):
        s, a = slow[key] / max(1, n_slow), every[key] / max(1, n)
        if s < 5e-6 and a < 5e-6:
            continue
        lines.append(f"  {key:<48} {s * 1e3:10.2f} {a * 1e3:10.2f}")
    lines.append(
        f"  {'total (the wall time)':<48} {total_slow * 1e3:10.2f} {total_all * 1e3:10.2f}"
    )
    cpus: dict[int, list[float]] = defaultdict(list)
    for (_, _, g), c in zip(timeline.gcs, timeline.gc_cpus, strict=True):
        cpus[g].append(c)
    lines.append(
        "  collections during the run (CPU): "
        + ", ".join(
            f"gen {g} × {len(c)} (mean {sum(c) / len(c) * 1e3:.2f} ms, max {max(c) * 1e3:.1f})"
            for g, c in sorted(cpus.items())
        )
    )
    lines.append(_hits(timeline, records))
    lines.append(_yields(timeline, records))
    if timeline.late:
        late = sorted(timeline.late)
        lines.append(
            f"  a turn's resident woke late (its timer due -> its step: the loop's queue before "
            f"feed_update, not in the latency): p50 {late[len(late) // 2] * 1e3:.2f}, "
            f"p99 {late[int(len(late) * 0.99)] * 1e3:.2f}, max {late[-1] * 1e3:.2f} ms "
            f"over {len(late)} turns"
        )
    lines += _steps(timeline)
    lines += _no_turn(timeline)
    return lines


def _yields(timeline: Timeline, records: list[TurnWaits]) -> str:
    """How many turns gave the loop back before their end, and what for (on SQLite a known
    resident's turn awaits nothing: it runs in one callback, and nothing can pass it)."""
    waited: Counter[str] = Counter()
    for record in records:
        reasons = {
            _group(reason)
            for when, state, reason in timeline.moments.get(id(record), [])
            if state == "wait" and record.started <= when < record.ended
        }
        for reason in reasons or {"none: one callback"}:
            waited[f"{record.kind} {reason}"] += 1
    return "  turns by what they gave the loop back for: " + ", ".join(
        f"{k} {v}" for k, v in waited.most_common()
    )


def _hits(timeline: Timeline, records: list[TurnWaits]) -> str:
    """How many collections paused turns in flight, and how many turns each."""
    spans = sorted((r.started, r.ended) for r in records)
    starts = [a for a, _ in spans]
    hit, turns = 0, 0
    for a, b, _ in timeline.gcs:
        i = bisect.bisect_right(starts, b)
        inside = sum(1 for s, e in spans[max(0, i - 200) : i] if e > a and s < b)
        hit += inside > 0
        turns += inside
    return (
        f"  collections with a measured turn in flight: {hit} of {len(timeline.gcs)}, "
        f"{turns} turns paused in all"
    )


def _steps(timeline: Timeline) -> list[str]:
    """How long a turn holds the loop at once: each kind's callbacks' CPU (p50, p99, max) and
    its turns' longest callback (mean)."""
    steps: dict[str, list[float]] = defaultdict(list)
    longest: dict[int, float] = defaultdict(float)
    kinds: dict[int, str] = {}
    for cpu, owner in zip(timeline.cpus, timeline.owners, strict=True):
        if owner is None:
            steps["no turn"].append(cpu)
            continue
        steps[owner.kind].append(cpu)
        longest[id(owner)] = max(longest[id(owner)], cpu)
        kinds[id(owner)] = owner.kind
    lines = ["  callbacks' CPU by kind of turn: count, p50, p99, max; a turn's longest (mean) ms"]
    for kind, values in sorted(steps.items()):
        ordered = sorted(values)
        tops = [v for k, v in longest.items() if kinds[k] == kind]
        lines.append(
            f"    {kind:<13} {len(ordered):7d} {ordered[len(ordered) // 2] * 1e3:7.3f} "
            f"{ordered[int(len(ordered) * 0.99)] * 1e3:7.3f} {ordered[-1] * 1e3:7.2f}   "
            f"{(sum(tops) / len(tops) * 1e3) if tops else 0.0:6.2f}"
        )
    return lines


def _no_turn(timeline: Timeline, top: int = 12) -> list[str]:
    """The callbacks (or pieces of one) that belong to no turn, by what they ran: count, CPU
    p50, p99, max and total, the heaviest in total first."""
    by: dict[str, list[float]] = defaultdict(list)
    for cpu, owner, label in zip(timeline.cpus, timeline.owners, timeline.labels, strict=True):
        if owner is None:
            by[label].append(cpu)
    lines = ["  callbacks of no turn by what they ran: count, CPU p50, p99, max, total ms"]
    for label, values in sorted(by.items(), key=lambda kv: -sum(kv[1]))[:top]:
        ordered = sorted(values)
        label = label if len(label) <= 60 else "…" + label[-59:]
        lines.append(
            f"    {label:<60} {len(ordered):6d} {ordered[len(ordered) // 2] * 1e3:7.3f} "
            f"{ordered[int(len(ordered) * 0.99)] * 1e3:7.3f} {ordered[-1] * 1e3:7.2f} "
            f"{sum(ordered) * 1e3:8.1f}"
        )
    return lines
