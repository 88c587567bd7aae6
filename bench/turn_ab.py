"""Two ways of a turn alternated in one process (issue 18, session 8).

Run: ``.venv/bin/python -m bench.turn_ab VARIANT [--backend sqlite] [--residents 30]
[--rounds 4] [--think 0]`` (``--think``: mean seconds between a resident's updates, the loop
idle meanwhile as at the issue's load; 0: one update right after the other).

``bench.turn_cpu``'s harness (the real dispatcher after its warm-up, residents one at a time,
each update's CPU by ``time.thread_time``, the residents' own work taken out), with residents in
twins: two new residents who make the same moves (the same random generator), one served the
way before (A, put back by ``VARIANTS[VARIANT](declic, False)``), the other the tree's way (B),
one right after the other, in the order A B then B A for the next twins. The difference is read
twin by twin (a common turn's mean CPU; ``--kind``: another kind's, as ``bench.turn_cpu`` reads
them), so the box's drift over minutes cancels out. Prints, per round of ``--residents`` twins
and in all: A's and B's mean CPU of a turn of that kind, the mean B - A difference and its
standard error, the load average.
See ``bench/README.md`` ("Session 8").
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.databases import fresh_database
from bench.intake_latency import FIRST_NAMES, Plan, converse, declic_bot
from bench.residents import Resident
from bench.telegram_fakes import mount, move_update
from bench.turn_ab_guard import dead_warning
from bench.turn_ab_variants import DEAD, VARIANTS
from bench.turn_cpu import announce, fed_alone, listening, one_at_a_time_arguments


async def serve(
    declic: Any, resident: Resident, gaps: list[float], ids: Any, kind: str = "common"
) -> list[float]:
    """CPU of each turn of ``kind`` of ``resident`` (ms), fed one update at a time, each after
    its gap (seconds: the loop idle meanwhile, as between a city's updates)."""
    common: list[float] = []
    with listening(declic):
        resident.attach()
        for gap in gaps:
            if gap:
                await asyncio.sleep(gap)
            move = resident.next()
            update = mount(move_update(next(ids), resident.user_id, resident.first_name, move),
                           declic.bot)  # fmt: skip
            spent, its_kind = await fed_alone(declic, update)
            if its_kind == kind:
                common.append(spent * 1e3)
    return common


async def run(args: argparse.Namespace) -> None:
    switch = VARIANTS[args.variant]
    warmup = Plan(args.warmup_residents, 5, 0.0, args.seed, first_user_id=900_000)
    ids = itertools.count(10_000_000)
    every: list[float] = []
    sums = {False: 0.0, True: 0.0}
    counts = {False: 0, True: 0}
    with tempfile.TemporaryDirectory() as tmp:
        async with fresh_database(args.backend, Path(tmp)) as url, declic_bot(url) as declic:
            await converse(declic.dp, declic.bot, warmup)
            if warning := await dead_warning(args.variant, declic, args.backend, args.messages,
                                             args.seed):  # fmt: skip
                print(warning, flush=True)
            user_id = 100_000
            for round_ in range(args.rounds):
                diffs: list[float] = []
                for twin in range(args.residents):
                    means: dict[bool, float] = {}
                    order = (False, True) if (round_ * args.residents + twin) % 2 == 0 else (
                        True, False)  # fmt: skip
                    for on in order:
                        user_id += 1
                        rng = random.Random(f"{args.seed}:words:{twin}")
                        name = FIRST_NAMES[twin % len(FIRST_NAMES)]
                        switch(declic, on)
                        gaps = Plan(1, args.messages, args.think, args.seed).gaps(twin)
                        twin_resident = Resident(user_id, name, rng)
                        cpu = await serve(declic, twin_resident, gaps, ids, args.kind)
                        means[on] = statistics.fmean(cpu) if cpu else float("nan")
                        sums[on] += sum(cpu)
                        counts[on] += len(cpu)
                    if means[False] == means[False] and means[True] == means[True]:
                        diffs.append((means[True] - means[False]) * 1e3)
                every += diffs
                print(f"{args.backend} round {round_}: B - A {statistics.fmean(diffs):+.1f} µs "
                      f"a {args.kind} turn (± {statistics.stdev(diffs) / len(diffs) ** 0.5:.1f}), "
                      f"load {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
            switch(declic, True)
    error = statistics.stdev(every) / len(every) ** 0.5
    print(f"{args.backend} {args.variant}: {args.kind} turn A {sums[False] / counts[False]:.3f} ms "
          f"({counts[False]}), B {sums[True] / counts[True]:.3f} ms ({counts[True]}); B - A "
          f"{statistics.fmean(every):+.1f} µs ± {error:.1f} over {len(every)} twins, "
          f"load {os.getloadavg()[0]:.2f}")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    dead = "".join(f"\n  {name}: {why}" for name, why in sorted(DEAD.items()))
    epilog = f"dead variants (kept for their figures, they measure nothing now):{dead}"
    parser = argparse.ArgumentParser(
        prog="python -m bench.turn_ab",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=epilog if dead else None,
    )
    parser.add_argument("variant", choices=sorted(VARIANTS))
    one_at_a_time_arguments(parser, residents=30, residents_help="twins a round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--kind", default="common", choices=("common", "submission", "new idea",
                        "new resident"), help="the turns compared")  # fmt: skip
    args = parser.parse_args(argv)
    announce()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
