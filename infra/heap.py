"""The garbage collector and a long-running process's start-up objects.

After start a bot process holds a few hundred thousand objects that live as long as it does:
modules, the understanding layer's vocabularies and weights, the city's gazetteer, SQLAlchemy's
and pydantic's models. CPython's full (generation 2) collection walks every one of them, about
a tenth of a second of CPU on a small server, during which the event loop stops: every turn in
flight, and every update arriving meanwhile, waits. Measured with ``bench.intake_latency
--waits``, that pause is what the slowest turns had in common (bench/README.md, session 4).

``gc.freeze()`` moves everything alive at that moment to a permanent generation the collector
no longer walks. Objects made later are collected as before; what start-up made and later
drops is still freed by reference counting (only reference cycles among frozen objects would
stay, and start-up builds them to keep them).

``loading()`` does the same for a command's imports (aiogram's types, SQLAlchemy, FastAPI):
while they are created the collector runs full passes over the growing heap and finds almost
nothing to free, about a fifth of the CPU of a `declic bot` start (measured); it pauses the
collector around them, then freezes what they loaded.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def loading() -> Iterator[None]:
    """Pause the collector for the imports inside; freeze what they loaded. Nests safely."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


def freeze_startup_heap() -> int:
    """Collect once, then leave what start-up built out of later collections; how many objects
    were frozen. Call it once the process is wired, just before it starts serving."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
