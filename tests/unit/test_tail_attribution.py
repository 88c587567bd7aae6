"""bench.tail_attribution: a turn's wall time cut into what the loop did meanwhile, adding up."""

from __future__ import annotations

import asyncio

import pytest

from bench.tail_attribution import Timeline, attribute, recording, report
from bench.turn_waits import CURRENT, TurnWaits


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
