"""Understanding latency per message, against a plain lowercase + regex pass, in the same run.

Run: ``.venv/bin/python -m bench.understanding [--rounds N]``. Messages are the tuning half of
the evaluation set and the layer's own training texts (never the held-out half), each at its
step and at two other steps, so short answers and long letters are both in the mix. The baseline
lowercases the text and runs one alternation of command words over it: the least any
understanding could cost. Target (issue 14): p95 ≤ 2 ms per message.

Also printed: the start-up cost, in fresh interpreters so nothing is cached in memory: import of
the package, fitting the classifier (scikit-learn imported), and loading saved weights (numpy
only), each the median of three.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.territory import load_gazetteer  # noqa: E402
from routing.understanding import Context, GazetteerPlaces, Step, Understander  # noqa: E402
from routing.understanding.training import own_examples  # noqa: E402

TUNING = ROOT / "tests" / "data" / "understanding" / "tuning.jsonl"
CONTEXT = Context(
    today=datetime.date(2026, 12, 3),
    options=(datetime.date(2027, 4, 12), datetime.date(2027, 4, 22), datetime.date(2027, 5, 3)),
)
TARGET_MS = 2.0
BASELINE = re.compile(
    r"\b(annul\w*|cancel|efface\w*|supprim\w*|delete|stop|pause|humain|human|oui|non|merci)\b"
)


def messages() -> list[tuple[str, Step, str]]:
    rows = [json.loads(line) for line in TUNING.read_text(encoding="utf-8").splitlines()]
    out = [(r["text"], Step(r["step"]), r["locale"]) for r in rows]
    out += [(e.text, e.step, "fr") for e in own_examples()]
    steps = list(Step)
    return out + [
        (text, steps[(i * 5 + 3) % len(steps)], locale) for i, (text, _, locale) in enumerate(out)
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def time_each(
    function: Callable[[str, Step, str], object],
    batch: Sequence[tuple[str, Step, str]],
    rounds: int,
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per message (CPU time is what a busy machine cannot
    inflate: on a shared box the wall clock also counts time spent waiting for a core)."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        for text, step, locale in batch:
            started, started_cpu = time.perf_counter(), time.thread_time()
            function(text, step, locale)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def fresh(code: str) -> float:
    """Median wall time of ``code`` in three fresh interpreters, as they print it."""
    runs = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        )
        runs.append(float(done.stdout.strip()))
    return statistics.median(runs)


def startup() -> None:
    with tempfile.TemporaryDirectory() as cache:
        timer = "import time; t = time.perf_counter()\n"
        build = (
            "from knowledge.territory import load_gazetteer\n"
            "from routing.understanding import GazetteerPlaces, Understander\n"
            "from pathlib import Path\n"
        )
        imported = fresh(timer + build + "print(time.perf_counter() - t)")
        cold = fresh(
            timer + build + "Understander(GazetteerPlaces(load_gazetteer()))\n"
            "print(time.perf_counter() - t)"
        )
        subprocess.run(
            [sys.executable, "-c", build + f"Understander(None, cache_dir=Path({cache!r}))"],
            check=True,
            cwd=ROOT,
        )
        warm = fresh(
            timer + build + f"Understander(GazetteerPlaces(load_gazetteer()), "
            f"cache_dir=Path({cache!r}))\n"
            "import sys; assert 'sklearn' not in sys.modules\n"
            "print(time.perf_counter() - t)"
        )
    print(
        f"start-up: import {imported:.2f} s; import + fit {cold:.2f} s; "
        f"import + load saved weights {warm:.2f} s (scikit-learn not imported)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-startup", action="store_true")
    args = parser.parse_args()
    understander = Understander(GazetteerPlaces(load_gazetteer()))
    batch = messages()

    def ours(text: str, step: Step, locale: str) -> object:
        return understander.understand(text, step, locale, CONTEXT)

    def baseline(text: str, step: Step, locale: str) -> object:
        return BASELINE.findall(text.lower())

    time_each(ours, batch[:200], 1)  # warm caches of the first calls
    base_wall, _ = time_each(baseline, batch, args.rounds)
    wall, cpu = time_each(ours, batch, args.rounds)
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"{len(batch)} messages × {args.rounds} rounds; load average at the end {load}")
    print(f"{'':<30}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, timings in (
        ("baseline (lower+regex), wall", base_wall),
        ("understanding, wall", wall),
        ("understanding, CPU", cpu),
    ):
        print(
            f"{name:<30}{percentile(timings, 0.5):>9.3f}{percentile(timings, 0.95):>9.3f}"
            f"{percentile(timings, 0.99):>9.3f}{max(timings):>9.3f}"
        )
    p95 = percentile(wall, 0.95)
    verdict = "meets" if p95 <= TARGET_MS else "MISSES"
    print(
        f"understanding p95 {p95:.3f} ms wall ({verdict} the {TARGET_MS} ms target), "
        f"{percentile(cpu, 0.95):.3f} ms CPU; "
        f"{p95 / max(percentile(base_wall, 0.95), 1e-9):.0f}× the baseline's p95"
    )
    if not args.no_startup:
        startup()


if __name__ == "__main__":
    main()
