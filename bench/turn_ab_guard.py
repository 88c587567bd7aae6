"""Does a ``bench.turn_ab`` variant still change the code a turn runs? (issue 18, session 14)

A switch swaps an attribute (``service.claim_and_load``, ``UnitOfWork.commit``, a middleware);
when the product moves the call elsewhere (session 12: turns reach ``claim_and_load`` through
``claim_last``'s own import), the swap still happens but nothing calls it, and the twins go on
printing a B - A of noise around zero: the variant measures nothing and says nothing. This module
finds such variants without knowing what each switch swaps: the same twin (new residents making
the same moves) is served A, B, A, B, each run under ``sys.setprofile`` recording the Python code
objects it calls; the switch is alive when some code is called by both runs of one way and by
neither run of the other. Code reached by chance (a timer, a first compile) is not called by both
runs of one way alone, so it cannot make a dead variant look alive. Tracing is slow: the runs are
not timed and not part of the twins' figures.

``bench.turn_ab`` runs this before its twins and prints a warning when A and B ran the same code;
``python -m bench.turn_ab_guard [NAME ...] [--backend sqlite]`` checks every variant (or those
named) and prints the dead ones. A variant can be alive on one backend only (PostgreSQL's
statements, SQLite's RETURNING): the check is per backend.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import itertools
import random
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

from bench.databases import fresh_database
from bench.intake_latency import FIRST_NAMES, Plan, converse, declic_bot
from bench.residents import Resident
from bench.telegram_fakes import mount, move_update
from bench.turn_ab_variants import DEAD, VARIANTS

Twin = Callable[[], Awaitable[None]]
Call = tuple[CodeType | None, CodeType]
_USER_IDS = itertools.count(800_000)
_UPDATE_IDS = itertools.count(20_000_000)


@contextlib.contextmanager
def calls() -> Iterator[set[Call]]:
    """The calls made in this thread meanwhile: (caller's code, called code), Python's only;
    the garbage collector off meanwhile."""
    called: set[Call] = set()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            caller = frame.f_back
            called.add((caller.f_code if caller else None, frame.f_code))

    previous = sys.getprofile()
    collecting = gc.isenabled()
    gc.collect()
    gc.disable()  # the collector's weakref callbacks would land in random callers
    sys.setprofile(profile)
    try:
        yield called
    finally:
        sys.setprofile(previous)
        if collecting:
            gc.enable()


async def changed(switch: Callable[[bool], None], twin: Twin) -> set[Call]:
    """The calls ``twin`` makes one way only (in both runs of that way, in neither of the
    other); empty: the switch changes nothing ``twin`` runs. Leaves the switch on (B)."""
    runs: dict[bool, list[set[Call]]] = {False: [], True: []}
    for on in (False, True, False, True):
        switch(on)
        with calls() as called:
            await twin()
        runs[on].append(called)
    switch(True)
    only = set[Call]()
    for way, other in ((False, True), (True, False)):
        only |= (runs[way][0] & runs[way][1]) - (runs[other][0] | runs[other][1])
    return only


def twins(declic: Any, messages: int, seed: int, residents: int = 10) -> Twin:
    """New residents, each time the same ``residents`` making the same ``messages`` moves one
    update after the other, as ``bench.turn_ab``'s twins (user ids from 800,000, update ids from
    20,000,000, apart from the twins' and never the same twice in a process)."""
    user_ids, update_ids = _USER_IDS, _UPDATE_IDS

    async def twin() -> None:
        for n in range(residents):
            rng = random.Random(f"{seed}:words:{n}")
            resident = Resident(next(user_ids), FIRST_NAMES[n % len(FIRST_NAMES)], rng)
            resident.attach()
            for _ in range(messages):
                move = resident.next()
                update = move_update(next(update_ids), resident.user_id, resident.first_name, move)
                await declic.dp.feed_update(declic.bot, mount(update, declic.bot))

    return twin


async def dead_warning(name: str, declic: Any, backend: str, messages: int, seed: int) -> str:
    """A line saying ``name`` measures nothing on ``backend``, or "" when its switch changes the
    code a turn runs."""
    switch = VARIANTS[name]
    if await changed(lambda on: switch(declic, on), twins(declic, messages, seed)):
        return ""
    why = f" ({DEAD[name]})" if name in DEAD else ""
    return (f"warning: {name} changes no code a turn runs on {backend}: A and B are the same, "
            f"the twins measure nothing{why}")  # fmt: skip


async def sweep(names: list[str], backend: str, messages: int, seed: int) -> list[str]:
    """The warnings of ``names`` on ``backend``, one bot after the usual warm-up."""
    warmup = Plan(5, 5, 0.0, seed, first_user_id=900_000)
    warnings = []
    with tempfile.TemporaryDirectory() as tmp:
        async with fresh_database(backend, Path(tmp)) as url, declic_bot(url) as declic:
            await converse(declic.dp, declic.bot, warmup)
            for name in names:
                warning = await dead_warning(name, declic, backend, messages, seed)
                print(warning or f"{name}: alive on {backend}", flush=True)
                warnings.append(warning)
    return [warning for warning in warnings if warning]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.turn_ab_guard",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="variants (all by default)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    names = args.names or sorted(VARIANTS)
    if unknown := set(names) - set(VARIANTS):
        parser.error(f"no such variant: {', '.join(sorted(unknown))}")
    dead = asyncio.run(sweep(names, args.backend, args.messages, args.seed))
    print(f"{len(dead)} of {len(names)} variants dead on {args.backend}")


if __name__ == "__main__":
    main()
