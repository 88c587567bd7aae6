"""Streets from the national address file (Base Adresse Nationale, BAN): each street goes to the
quartier whose polygon holds most of its addresses, so a city gets its streets without typing
them. A street whose addresses lie in no quartier goes to its commune when that commune is
known (a commune without quartiers), and is otherwise reported and left out.

All points of the file are located in one vectorised STRtree query (shapely 2), which keeps a
200,000-line file well under a minute (``bench/city_import.py``).
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from knowledge.city.problems import ERRORS_SHOWN, Problems

REQUIRED = ("nom_voie", "nom_commune", "lon", "lat")


@dataclass
class AddressStreets:
    source: str
    streets: list[tuple[str, str]] = field(default_factory=list)  # (street name, territory id)
    rows: int = 0
    problems: Problems = field(default_factory=Problems)

    @property
    def ok(self) -> bool:
        return not self.problems.errors


def read_addresses(
    text: str,
    source: str,
    quartier_shapes: Mapping[str, BaseGeometry],
    resolve_commune: Callable[[str], str | None],
) -> AddressStreets:
    found = AddressStreets(source)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        found.problems.error(f"{source}:1", "missing_columns", columns=", ".join(missing))
        return found
    at = {name: header.index(name) for name in REQUIRED}
    streets: list[tuple[str, str]] = []
    lons: list[float] = []
    lats: list[float] = []
    errors = 0
    for line, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        try:
            street = " ".join(row[at["nom_voie"]].split())
            commune = " ".join(row[at["nom_commune"]].split())
            lon, lat = float(row[at["lon"]]), float(row[at["lat"]])
        except (IndexError, ValueError):
            errors += 1
            if errors <= ERRORS_SHOWN:
                cells = [row[at[c]] if at[c] < len(row) else "" for c in ("lon", "lat")]
                found.problems.error(f"{source}:{line}", "bad_point", lon=cells[0], lat=cells[1])
            continue
        if not street:
            continue
        streets.append((street, commune))
        lons.append(lon)
        lats.append(lat)
    if errors > ERRORS_SHOWN:
        found.problems.error(source, "more_errors", count=errors - ERRORS_SHOWN)
    found.rows = len(streets)
    if not found.ok:
        return found
    found.streets = _assign(streets, lons, lats, quartier_shapes, resolve_commune, found)
    return found


def _assign(
    streets: list[tuple[str, str]],
    lons: list[float],
    lats: list[float],
    quartier_shapes: Mapping[str, BaseGeometry],
    resolve_commune: Callable[[str], str | None],
    found: AddressStreets,
) -> list[tuple[str, str]]:
    ids = list(quartier_shapes)
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    located = np.full(len(streets), -1)
    if ids and streets:
        tree = STRtree([quartier_shapes[q] for q in ids])
        points = shapely.points(np.asarray(lons), np.asarray(lats))
        point_index, shape_index = tree.query(points, predicate="intersects")
        located[point_index] = shape_index  # a point on a border: either side will do
    for number, key in enumerate(streets):
        if located[number] >= 0:
            votes[key][ids[int(located[number])]] += 1
        else:
            votes[key]
    out: list[tuple[str, str]] = []
    unplaced: Counter[str] = Counter()
    for (street, commune), counter in votes.items():
        if counter:
            out.append((street, counter.most_common(1)[0][0]))
            continue
        home = resolve_commune(commune)
        if home is not None:
            out.append((street, home))
        else:
            unplaced[commune] += 1
    for commune, count in sorted(unplaced.items()):
        found.problems.warn(found.source, "unplaced_streets", commune=commune or "?", count=count)
    return out
