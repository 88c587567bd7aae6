"""infra.heap: what start-up built is left out of later collections; later garbage is not."""

from __future__ import annotations

import gc
import weakref

from infra.heap import freeze_startup_heap


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
    finally:
        gc.unfreeze()
