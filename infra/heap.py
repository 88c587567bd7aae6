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

Turns make garbage in reference cycles (coroutines, sessions and their states, pydantic and
aiogram objects), freed only by the collector. CPython collects its young generation every 700
objects made and not yet freed: at a hundred updates a second, several times a second, in the
middle of turns. Each young collection walks the objects of the turns in flight, alive, which it
then keeps (promotes) to be walked again by the next generation's collection (2–6 ms, about every
tenth) and at times the full one: a pause every turn in flight, and every update arriving,
waits for (bench/README.md, session 12). ``freeze_startup_heap`` also has the young
collections done when the process rests, if it does: when its last turn (or outbox step) gives
back its slot (``infra.slots``), ``at_rest`` collects the young generations once ``REST_YOUNG``
objects wait, before CPython's collector (left as it is, for a process that does not rest)
would in the middle of turns. With no turn in flight the young generation is mostly garbage,
which is freed, and little is promoted, so the older generations' collections are smaller and
rarer too.

``loading()`` does the same for a command's imports (aiogram's types, SQLAlchemy, FastAPI):
while they are created the collector runs full passes over the growing heap and finds almost
nothing to free, about a fifth of the CPU of a `declic bot` start (measured); it pauses the
collector around them, then freezes what they loaded.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# A collection at rest is due once REST_YOUNG objects wait in the young generation: about half
# CPython's first threshold (700), so that a process that rests now and then collects at rest,
# before the automatic collector (left as it is) would in the middle of its turns.
REST_YOUNG = 350


class _Rest:
    active = False


def collect_at_rest(active: bool = True) -> None:
    """From now on (``active``), collect at rest (``at_rest``) as well; or no longer."""
    _Rest.active = active


def due() -> bool:
    """Whether a collection at rest is due (``collect_at_rest`` on, REST_YOUNG objects wait)."""
    return _Rest.active and gc.get_count()[0] >= REST_YOUNG


def at_rest() -> None:
    """The young collection due now, if any: of the middle generation too once its count has
    reached CPython's threshold for it (``gc.get_threshold``), as its collector would. The full
    collection is left to CPython's collector and its rules."""
    if due():
        gc.collect(1 if gc.get_count()[1] >= gc.get_threshold()[1] else 0)


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
    """Collect once, then leave what start-up built out of later collections, and collect at
    rest from now on (``collect_at_rest``); how many objects were frozen. Call it once the
    process is wired, just before it starts serving."""
    gc.collect()
    gc.freeze()
    collect_at_rest()
    return gc.get_freeze_count()
