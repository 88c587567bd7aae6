"""infra.slots: N at once, in arrival order, waiting turns before waiting background steps."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncGenerator
from typing import Any

import pytest

from infra.slots import Slots


async def _hold(
    slots: Slots, kind: str, name: str, order: list[str], release: asyncio.Event
) -> None:
    async with slots.turn() if kind == "turn" else slots.background():
        order.append(name)
        await release.wait()


async def test_a_freed_slot_goes_to_a_waiting_turn_before_earlier_background_steps() -> None:
    slots, order, release = Slots(1), list[str](), asyncio.Event()
    first = asyncio.create_task(_hold(slots, "background", "b0", order, release))
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(_hold(slots, kind, name, order, release))
               for kind, name in (("background", "b1"), ("background", "b2"), ("turn", "t1"),
                                  ("turn", "t2"))]  # fmt: skip
    await asyncio.sleep(0)
    assert order == ["b0"] and slots.waiting == 4
    release.set()
    await asyncio.gather(first, *waiting)
    assert order == ["b0", "t1", "t2", "b1", "b2"]
    assert slots.used == 0 and slots.waiting == 0


async def test_at_most_size_at_once_and_background_runs_when_no_turn_waits() -> None:
    slots, inside, most = Slots(3), [0], [0]

    async def work(kind: str) -> None:
        async with slots.turn() if kind == "turn" else slots.background():
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            await asyncio.sleep(0.001)
            inside[0] -= 1

    await asyncio.gather(*(work("turn" if n % 3 else "background") for n in range(30)))
    assert most[0] == 3 and slots.used == 0


async def test_a_waiter_cancelled_gives_nothing_away() -> None:
    slots, order, release = Slots(1), list[str](), asyncio.Event()
    holder = asyncio.create_task(_hold(slots, "turn", "t0", order, release))
    await asyncio.sleep(0)
    cancelled = asyncio.create_task(_hold(slots, "turn", "t1", order, release))
    later = asyncio.create_task(_hold(slots, "background", "b1", order, release))
    await asyncio.sleep(0)
    cancelled.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await cancelled
    release.set()
    await asyncio.gather(holder, later)
    assert order == ["t0", "b1"] and slots.used == 0
    async with slots.turn():  # the slot is free again, not lost to the cancelled waiter
        assert slots.used == 1


def test_slots_need_one() -> None:
    with pytest.raises(ValueError, match="at least one slot"):
        Slots(0)


async def test_a_turn_starts_no_async_generator() -> None:
    """Every resident's update enters ``Slots.turn``: a class, not an ``asynccontextmanager``
    (whose generator the loop registers and finalises, about 5-10 µs a turn hot)."""
    started: list[AsyncGenerator[Any, Any]] = []
    hooks = sys.get_asyncgen_hooks()

    def firstiter(generator: AsyncGenerator[Any, Any]) -> None:
        started.append(generator)
        if hooks.firstiter is not None:
            hooks.firstiter(generator)

    sys.set_asyncgen_hooks(firstiter=firstiter, finalizer=hooks.finalizer)
    try:
        slots = Slots(1)
        async with slots.turn():
            assert slots.used == 1
    finally:
        sys.set_asyncgen_hooks(*hooks)
    assert started == [] and slots.used == 0
