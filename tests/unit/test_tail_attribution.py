"""bench.tail_attribution: a turn's wall time cut into what the loop did meanwhile, adding up."""

from __future__ import annotations

import asyncio
import time

import pytest

from bench.tail_attribution import Timeline, attribute, recording, report
from bench.turn_waits import CURRENT, TurnWaits, Waits


def _timeline(turn: TurnWaits, other: TurnWaits) -> Timeline:
    """0–1 ms the turn runs; 1–5 it waits for its claim (loop idle 1–2, the other turn's
    callback 2–5, 1 ms of it preempted, 0.5 ms a collection); ready at 5, it waits behind the
    other turn until 6, then runs until 7."""
    t = Timeline()
    for start, end, cpu, owner in ((0, 1, 1, turn), (2, 5, 2, other), (5, 6, 1, other),
                                   (6, 7, 1, turn)):  # fmt: skip
        t.starts.append(start / 1e3)
        t.ends.append(end / 1e3)
        t.cpus.append(cpu / 1e3)
        t.owners.append(owner)
        t.labels.append("task turn")
    t.idle.append((1e-3, 2e-3))
    t.gcs.append((3e-3, 3.5e-3, 1))
    t.gc_cpus.append(0.5e-3)
    t.moments[id(turn)] += [(0.0, "run", ""), (1e-3, "wait", "WITH seen AS (UPDATE"),
                            (5e-3, "ready", ""), (6e-3, "run", "")]  # fmt: skip
    return t


def test_a_turns_parts_add_up_to_its_wall_time() -> None:
    turn, other = TurnWaits(), TurnWaits(kind="submission")
    parts = attribute(_timeline(turn, other), turn, 0.0, 7e-3)
    ms = {key: round(value * 1e3, 6) for key, value in parts.items() if value}
    assert ms == {
        "own: CPU": 2.0,
        "waiting (claim): loop idle": 1.0,
        "waiting (claim), meanwhile submission (CPU)": 1.5,
        "waiting (claim), meanwhile collections": 0.5,
        "waiting (claim), meanwhile preempted": 1.0,
        "ready: behind submission (CPU)": 1.0,
    }
    assert sum(parts.values()) == pytest.approx(7e-3)
    lines = report(_timeline(turn, other), [turn, other], [7e-3, 4e-3], 5e-3)
    assert lines[0].startswith("tails: 1 of 2 turns over 5 ms (kinds: common 1")


async def test_the_recording_sees_a_turns_callbacks_and_waits() -> None:
    record = TurnWaits()

    async def turn() -> None:
        CURRENT.set(record)
        record.started = asyncio.get_running_loop().time()
        record.waiting = "COMMIT"
        await asyncio.sleep(0.002)
        record.waiting = ""

    with recording(asyncio.get_running_loop()) as timeline:
        await asyncio.create_task(turn())
    states = [state for _, state, _ in timeline.moments[id(record)]]
    assert states[:3] == ["wait", "ready", "run"]
    assert timeline.moments[id(record)][0][2] == "COMMIT"
    assert record in timeline.owners and timeline.idle


def _burn(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


async def test_a_turn_that_awaits_nothing_is_its_residents_step_cut_in_three() -> None:
    """A SQLite turn awaits nothing: it begins and ends inside one step of its resident's task,
    whose owner is None before and after. Its CPU is the turn's own, not a callback of no turn;
    the resident's work around it is named apart."""
    waits = Waits()

    async def resident() -> None:
        await asyncio.sleep(0)
        _burn(0.002)  # choosing and typing the next message
        with waits.turn():
            _burn(0.004)  # the whole turn
        _burn(0.001)

    with recording(asyncio.get_running_loop()) as timeline:
        await asyncio.create_task(resident())
    (record,) = waits.turns
    parts = attribute(timeline, record, record.started, record.ended)
    assert parts["own: CPU"] == pytest.approx(0.004, abs=0.001)
    assert not any(key.startswith("ready") for key in parts)
    pieces = [(label, cpu) for label, cpu, owner in
              zip(timeline.labels, timeline.cpus, timeline.owners, strict=True)
              if owner is None and cpu > 0.0005]  # fmt: skip
    assert [label for label, _ in pieces] == [
        "task " + resident.__qualname__ + ", outside its turn"
    ] * 2
    assert sum(cpu for _, cpu in pieces) == pytest.approx(0.003, abs=0.001)
    table = report(timeline, [record], [record.ended - record.started], 1.0)
    assert any("outside its turn" in line for line in table)


async def test_a_task_the_turn_started_is_not_the_turn() -> None:
    """A button's acknowledgement runs in a task that copied the turn's context: it is not the
    turn (nor makes it "ready"), but work of no turn, named by its coroutine."""
    waits = Waits()
    tasks: list[asyncio.Task[None]] = []

    async def acknowledge() -> None:
        _burn(0.002)

    async def resident() -> None:
        with waits.turn():
            tasks.append(asyncio.get_running_loop().create_task(acknowledge()))

    with recording(asyncio.get_running_loop()) as timeline:
        await asyncio.create_task(resident())
        await tasks[0]
    labels = {label: owner for label, owner in zip(timeline.labels, timeline.owners, strict=True)}
    assert labels["task " + acknowledge.__qualname__] is None
    (record,) = waits.turns
    assert [state for _, state, _ in timeline.moments[id(record)]] == ["run"]  # never "ready"


async def test_a_residents_late_wake_up_before_its_turn_is_measured() -> None:
    """The queue before a turn's start is not in its latency: the resident's timer was due, and
    its step waited behind another callback (3 ms of CPU) before feed_update began."""
    waits = Waits()
    loop = asyncio.get_running_loop()

    async def resident() -> None:
        await asyncio.sleep(0.001)
        with waits.turn():
            pass

    with recording(loop) as timeline:
        task = asyncio.create_task(resident())
        await asyncio.sleep(0)
        loop.call_later(0.0005, _burn, 0.003)  # due before the resident's timer, runs past it
        await task
    (late,) = timeline.late
    assert 0.0015 <= late < 0.05
