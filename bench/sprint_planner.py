"""Sprint planner latency: 500 people × 50 rooms × a 90-day horizon, 3 options per request.

Run: ``.venv/bin/python -m bench.sprint_planner [--requests N]``. People have random skills,
weekly patterns, absences, bookings and monthly loads; rooms have random capacity, access,
quartier and bookings. Each request builds the planner (its indexes) and plans, as the service
does per resident. The baseline, measured in the same run, is the same search without the
indexes: every day pair checks every person and room against plain lists, and scans the whole
horizon (no early stop). Target (DESIGN §6): 3 options in < 200 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.territory import load_gazetteer  # noqa: E402
from routing.sprints.planner import Planner  # noqa: E402
from routing.sprints.planning_terms import FACILITATION, Person, Request, Room, Rules  # noqa: E402
from routing.sprints.skills_and_distances import distances  # noqa: E402

# The settings' defaults (DECLIC_TIMEZONE, DECLIC_CASE_HOLIDAYS_COUNTRY).
RULES = Rules(
    tz=ZoneInfo("Europe/Paris"), holidays_country="FR", holidays_subdivision=None, locale="fr"
)

PEOPLE, ROOMS, HORIZON = 500, 50, 90
SKILLS = ["legal", "funding", "space", "communication", "accessibility"]
THEMES = ["garden", "food", "culture", "youth", "energy", "repair", "sport", "digital", "events"]
QUARTIERS = [
    "centre-ville", "tanneurs", "bois-fleuri", "saint-eloi", "moulin-neuf", "haut-vernet",
    "glycines", "gare",
]  # fmt: skip
TODAY = date(2026, 11, 23)


def world(seed: int = 7) -> tuple[list[Person], list[Room]]:
    rnd = random.Random(seed)
    start = TODAY
    people = []
    for i in range(PEOPLE):
        skills = set(rnd.sample(SKILLS, rnd.randint(1, 2))) | set(rnd.sample(THEMES, 2))
        if rnd.random() < 0.15:
            skills.add(FACILITATION)
        busy = {
            start + timedelta(days=rnd.randrange(HORIZON + 14)) for _ in range(rnd.randint(5, 25))
        }
        load = {(2026, 12): rnd.randint(0, 2), (2027, 1): rnd.randint(0, 2)}
        people.append(
            Person(
                i,
                frozenset(skills),
                frozenset(rnd.sample(range(5), rnd.randint(2, 5))),
                frozenset(rnd.sample(QUARTIERS, rnd.randint(0, 2))),
                monthly_cap=rnd.randint(1, 3),
                busy=frozenset(busy),
                load=load,
            )
        )
    rooms = [
        Room(
            i,
            rnd.choice(QUARTIERS),
            rnd.choice([6, 10, 15, 25, 40, 80]),
            rnd.random() < 0.7,
            frozenset(start + timedelta(days=rnd.randrange(HORIZON + 14)) for _ in range(40)),
        )
        for i in range(ROOMS)
    ]
    return people, rooms


class Naive(Planner):
    """The same search without indexes: lists instead of sets, no early stop."""

    def __init__(self, people: Sequence[Person], rooms: Sequence[Room], rules: Rules) -> None:
        super().__init__(people, rooms, rules)
        self._people_list = [(p, list(p.busy)) for p in people]
        self._room_lists = {r.id: list(r.busy) for r in rooms}

    def _free_people(self, day1: date, day2: date) -> set[int]:
        month = (day1.year, day1.month)
        return {
            p.id
            for p, busy in self._people_list
            if day1.weekday() in p.weekdays
            and day2.weekday() in p.weekdays
            and day1 not in busy
            and day2 not in busy
            and p.load.get(month, 0) < p.monthly_cap
        }

    def _enough(self, candidates: object, coverable: int, best_distance: int) -> bool:
        return False


def requests(n: int, seed: int = 11) -> list[tuple[Request, dict[str, int]]]:
    rnd = random.Random(seed)
    gazetteer = load_gazetteer()
    out = []
    for _ in range(n):
        quartier = rnd.choice(QUARTIERS)
        needed = frozenset(rnd.sample(SKILLS, rnd.randint(1, 3)) + rnd.sample(THEMES, 1))
        request = Request(
            needed,
            TODAY + timedelta(days=7),
            TODAY + timedelta(days=HORIZON),
            quartier,
            step_free=rnd.random() < 0.3,
        )
        out.append((request, distances(gazetteer, quartier)))
    return out


def measure(
    kind: type[Planner],
    people: Sequence[Person],
    rooms: Sequence[Room],
    cases: Sequence[tuple[Request, dict[str, int]]],
) -> tuple[list[float], int]:
    times: list[float] = []
    options = 0
    for request, near in cases:
        started = time.perf_counter()
        result = kind(people, rooms, RULES).plan(request, near)
        times.append((time.perf_counter() - started) * 1000)
        options += len(result.options)
    return times, options


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    people, rooms = world()
    cases = requests(args.requests)
    measure(Planner, people, rooms, cases[:3])  # warm up (holidays, imports)
    fast, found = measure(Planner, people, rooms, cases)
    slow, found_naive = measure(Naive, people, rooms, cases)
    print(
        f"sprint planner: {PEOPLE} people × {ROOMS} rooms × {HORIZON} days, {len(cases)} requests"
    )
    print(
        f"  planner   p50 {statistics.median(fast):7.2f} ms   p95 {pct(fast, 0.95):7.2f} ms"
        f"   ({found / len(cases):.1f} options per request)"
    )
    print(
        f"  baseline  p50 {statistics.median(slow):7.2f} ms   p95 {pct(slow, 0.95):7.2f} ms"
        f"   ({found_naive / len(cases):.1f} options per request; no indexes, full scan)"
    )
    ratio = pct(slow, 0.95) / pct(fast, 0.95)
    verdict = "met" if pct(fast, 0.95) < 200 else "MISSED"
    print(f"  p95 ratio baseline/planner {ratio:.1f}×; target 3 options < 200 ms: {verdict}")


if __name__ == "__main__":
    main()
