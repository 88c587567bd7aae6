"""Matching latency on 1k, 10k and 100k synthetic resources, against plain rapidfuzz.

Run: ``.venv/bin/python -m bench.matching [--queries N] [--territories FILE]``. Resources are
variations of the demo directory (a random quartier or commune of the territories file, random
status, facts and extra words); queries are the labelled resident messages. The baseline is
``rapidfuzz.process.extract`` (WRatio, limit 5) over the same texts, measured in the same run.
Target: p95 < 10 ms at 10k.

Each query's CPU time (``time.thread_time``) is printed next to its wall time: on a shared,
loaded machine the wall time mostly measures the wait for a CPU, the CPU time what matching costs.
The load average is printed first; only a quiet machine's wall times are figures.

``--quartiers 8,500`` matches instead in generated one-commune cities of that many quartiers
(a grid, each quartier next to the four around it), the same directory sizes spread over each city
and the demo queries' quartiers mapped onto the city's: what a match costs as the city grows, for
as many entries (DESIGN's "build for the next city").
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from knowledge.catalogue import Catalogue  # noqa: E402
from knowledge.demo import demo_batch  # noqa: E402
from knowledge.resources import Resource  # noqa: E402
from knowledge.territory import (  # noqa: E402
    DEMO_TERRITORIES,
    Gazetteer,
    Territory,
    load_gazetteer,
)
from routing.matching.idea_reading import IdeaQuery  # noqa: E402
from routing.matching.matcher import match  # noqa: E402

EXTRA = [
    "atelier",
    "rencontre",
    "voisins",
    "quartier",
    "habitants",
    "projet",
    "soutien",
    "local",
    "animation",
    "partage",
    "solidaire",
    "enfants",
    "famille",
    "jardin",
    "fête",
    "repas",
    "culture",
    "sport",
    "nature",
    "vélo",
    "numérique",
    "école",
    "parc",
    "rue",
    "immeuble",
    "association",
    "collectif",
    "bénévoles",
]


def synthetic(n: int, areas: list[str], seed: int = 7) -> list[Resource]:
    """``n`` variations of the demo directory, each placed in one of the city's ``areas``."""
    rng = random.Random(seed)
    templates = demo_batch().resources
    out = []
    for i in range(n):
        t = rng.choice(templates)
        words = " ".join(rng.sample(EXTRA, 4))
        out.append(
            replace(
                t,
                external_id=f"s{i}",
                name=f"{t.name} {i % 97}",
                description=f"{t.description} {words}",
                territories=(rng.choice(areas),),
                status="active" if rng.random() > 0.05 else "inactive",
                capacity=rng.choice([None, 15, 30, 60, 120, 300]) if t.kind == "room" else None,
            )
        )
    return out


def grid_city(quartiers: int) -> Gazetteer:
    """One commune of ``quartiers`` quartiers on a grid, each next to the four around it."""
    columns = max(1, round(math.sqrt(quartiers)))
    ids = [f"q{n}" for n in range(quartiers)]

    def around(n: int) -> tuple[str, ...]:
        row, column = divmod(n, columns)
        cells = [(row - 1, column), (row + 1, column), (row, column - 1), (row, column + 1)]
        return tuple(
            ids[r * columns + c]
            for r, c in cells
            if 0 <= c < columns and 0 <= r * columns + c < quartiers
        )

    return Gazetteer(
        (
            Territory("grid-town", "Grid Town", "commune"),
            *(
                Territory(q, f"Quartier {n}", "quartier", "grid-town", neighbours=around(n))
                for n, q in enumerate(ids)
            ),
        )
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument(
        "--territories",
        type=Path,
        default=DEMO_TERRITORIES,
        help="The city's territories (YAML, as `declic city import` reads them).",
    )
    parser.add_argument(
        "--quartiers",
        default="",
        help="Generated cities of these many quartiers (e.g. 8,500) instead of --territories.",
    )
    args = parser.parse_args()
    cases = [json.loads(line) for line in (ROOT / "tests/data/eval_demo.jsonl").open()]
    queries = [cases[i % len(cases)] for i in range(args.queries)]
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} CPUs")
    print(
        f"{'quartiers':>9} {'resources':>10} {'build s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'cpu p50':>8} {'cpu p95':>8} {'rf p50 ms':>10} {'rf p95 ms':>10} {'p50 ratio':>10}"
    )
    sizes = [int(s) for s in args.sizes.split(",")]
    if not args.quartiers:
        gazetteer = load_gazetteer(args.territories)
        for size in sizes:
            run(gazetteer, size, queries)
        return
    demo_quartiers = sorted({c["quartier"] for c in cases if c.get("quartier")})
    for count in (int(q) for q in args.quartiers.split(",")):
        city = grid_city(count)
        # The demo's quartiers spread over the city, each always onto the same quartier.
        onto = {q: f"q{n * count // len(demo_quartiers)}" for n, q in enumerate(demo_quartiers)}
        moved = [{**c, "quartier": onto.get(c.get("quartier") or "")} for c in queries]
        for size in sizes:
            run(city, size, moved)


def run(gazetteer: Gazetteer, size: int, queries: list[dict[str, Any]]) -> None:
    """One line: ``size`` synthetic entries placed over ``gazetteer``, ``queries`` matched."""
    today = date(2026, 11, 23)
    areas = [t.id for t in gazetteer.territories if t.level in ("quartier", "commune")]
    resources = synthetic(size, areas)
    start = time.perf_counter()
    catalogue = Catalogue(resources, gazetteer)
    build = time.perf_counter() - start
    texts = [r.text() for r in resources]
    for case in queries[:5]:  # warm caches (typo corrections, tokens)
        match(catalogue, IdeaQuery(case["text"], case["quartier"], case["group"]), today)
    ours: list[float] = []
    cpu: list[float] = []
    for case in queries:
        query = IdeaQuery(case["text"], case["quartier"], case["group"])
        c0, t0 = time.thread_time(), time.perf_counter()
        match(catalogue, query, today)
        ours.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    baseline: list[float] = []
    for case in queries[: max(20, len(queries) // (10 if size >= 100_000 else 1))]:
        t0 = time.perf_counter()
        process.extract(case["text"], texts, scorer=fuzz.WRatio, limit=5)
        baseline.append((time.perf_counter() - t0) * 1000)
    p50, p95 = statistics.median(ours), percentile(ours, 0.95)
    c50, c95 = statistics.median(cpu), percentile(cpu, 0.95)
    b50, b95 = statistics.median(baseline), percentile(baseline, 0.95)
    quartiers = len(gazetteer.quartiers)
    print(
        f"{quartiers:>9} {size:>10} {build:>8.2f} {p50:>8.2f} {p95:>8.2f} {c50:>8.2f} "
        f"{c95:>8.2f} {b50:>10.2f} {b95:>10.2f} {p50 / b50:>10.2f}"
    )
    if size == 10_000:
        print(
            f"target p95 < 10 ms at 10k: wall {p95:.1f} ms "
            f"[{'met' if p95 < 10 else 'MISSED'}], CPU {c95:.1f} ms "
            f"[{'met' if c95 < 10 else 'MISSED'}]"
        )


if __name__ == "__main__":
    main()
