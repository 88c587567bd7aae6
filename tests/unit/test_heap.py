"""infra.heap: what start-up built is left out of later collections; later garbage is not;
collections at rest when the last slot is given back (``infra.slots``)."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from infra import heap
from infra.heap import freeze_startup_heap
from infra.slots import Slots


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_startup_objects_are_frozen_and_later_garbage_is_still_collected() -> None:
    kept = [_Node() for _ in range(100)]
    try:
        frozen = freeze_startup_heap()
        # A frozen object can leave the permanent generation (freed by another thread of this
        # worker meanwhile), never join it without another freeze: not an equality.
        assert frozen >= gc.get_freeze_count() >= len(kept)
        later = [weakref.ref(_Node()) for _ in range(100)]  # cycles made after the freeze
        gc.collect()
        assert all(ref() is None for ref in later)
        assert all(node.me is node for node in kept)
        assert heap._Rest.active  # and collections at rest from now on
    finally:
        gc.unfreeze()
        heap.collect_at_rest(False)


@contextmanager
def _collections() -> Iterator[list[int]]:
    """The generations collected inside, the automatic collector paused (so that only the
    collections asked for happen) and collections at rest on; both as they were after."""
    seen: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    was_enabled, was_resting = gc.isenabled(), heap._Rest.active
    gc.disable()
    gc.collect()
    heap.collect_at_rest()
    gc.callbacks.append(record)
    try:
        yield seen
    finally:
        gc.callbacks.remove(record)
        heap.collect_at_rest(was_resting)
        if was_enabled:
            gc.enable()


def _young(count: int) -> list[list[int]]:
    return [[n] for n in range(count)]  # lists: objects the collector tracks


def test_at_rest_collects_the_young_generations_once_enough_objects_wait() -> None:
    with _collections() as seen:
        kept = _young(heap.REST_YOUNG // 2)
        assert not heap.due()
        heap.at_rest()
        assert seen == []  # too few waiting
        kept += _young(heap.REST_YOUNG)
        assert heap.due()
        heap.at_rest()
        assert seen == [0] and gc.get_count()[0] < heap.REST_YOUNG
        for _ in range(gc.get_threshold()[1] - 1):
            kept += _young(heap.REST_YOUNG)
            heap.at_rest()
        kept += _young(heap.REST_YOUNG)
        heap.at_rest()  # the middle generation's turn, as CPython's collector counts
        assert seen[-1] == 1 and seen.count(1) == 1 and 2 not in seen
        heap.collect_at_rest(False)
        kept += _young(heap.REST_YOUNG)
        assert not heap.due()
        heap.at_rest()
        assert seen.count(0) == gc.get_threshold()[1]  # off: nothing more


async def test_a_collection_at_rest_follows_the_last_slot_given_back() -> None:
    slots = Slots(2)
    with _collections() as seen:
        async with slots.turn():
            async with slots.turn():
                kept = _young(heap.REST_YOUNG)
            await asyncio.sleep(0)
            assert seen == []  # a turn still runs
        assert seen == []  # not in the releasing task's step
        await asyncio.sleep(0)
        assert seen == [0]
        kept += _young(heap.REST_YOUNG)
        async with slots.turn():
            pass
        await slots._acquire(slots._turns, free=True)  # taken again before the rest came
        await asyncio.sleep(0)
        assert seen == [0]
        slots._release()
        await asyncio.sleep(0)
        assert seen == [0, 0]
    assert kept
