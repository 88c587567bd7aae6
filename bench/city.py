"""The city's geography: locating a point among 500 quartier polygons, and importing a national
address file of 200,000 rows.

Run: ``.venv/bin/python -m bench.city [--points N] [--rows N] [--backend sqlite|postgresql|both]``.

- **Locate.** 500 quartiers tile a 25 × 20 grid of irregular polygons (each a 24-gon, jittered);
  ``Gazetteer.locate`` (shapely's STRtree, prepared geometries) answers for random points. The
  baseline, in the same run, tests each polygon in turn with shapely (no index). Target
  (issue 13): p95 < 1 ms.
- **Import.** A generated BAN CSV (200,000 addresses on 4,000 streets over those quartiers) is
  imported into a throw-away database (an SQLite file, or a PostgreSQL database made and dropped
  by ``bench.databases``) by ``import_city_file``, as ``declic city import``
  does (read, vectorised point location, majority vote, one transaction). The baseline is the
  same file read with ``csv`` and parsed, nothing located or written. Target: < 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import math
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shapely.geometry import Point, Polygon  # noqa: E402

from bench.databases import fresh_database  # noqa: E402
from infra.clock import SystemClock  # noqa: E402
from infra.db import make_engine  # noqa: E402
from infra.uow import uow_factory_for  # noqa: E402
from knowledge.city import import_city_file  # noqa: E402
from knowledge.territory import Gazetteer, Territory  # noqa: E402

COLUMNS, ROWS_OF_QUARTIERS = 25, 20  # 500 quartiers
CELL = 0.01  # degrees
ORIGIN = (2.0, 45.0)
BAN_HEADER = (
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;"
    "code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;"
    "libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;"
    "cad_parcelles"
)


def quartier_polygons(rng: random.Random) -> dict[str, Polygon]:
    """500 star-shaped 24-gons, one per grid cell, touching neither each other nor the cell's
    border (points falling between them locate nowhere, as outside a real city)."""
    out = {}
    for row in range(ROWS_OF_QUARTIERS):
        for column in range(COLUMNS):
            cx = ORIGIN[0] + (column + 0.5) * CELL
            cy = ORIGIN[1] + (row + 0.5) * CELL
            ring = []
            for k in range(24):
                angle = 2 * math.pi * k / 24
                radius = CELL * rng.uniform(0.35, 0.49)
                ring.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
            out[f"q-{row}-{column}"] = Polygon(ring)
    return out


def city_of(polygons: dict[str, Polygon]) -> Gazetteer:
    territories = (
        Territory("bench-town", "Bench Town", "commune"),
        *(Territory(q, q, "quartier", "bench-town") for q in polygons),
    )
    return Gazetteer(territories, shapes=polygons)


def random_points(rng: random.Random, count: int) -> list[tuple[float, float]]:
    width, height = COLUMNS * CELL, ROWS_OF_QUARTIERS * CELL
    return [
        (ORIGIN[0] + rng.random() * width, ORIGIN[1] + rng.random() * height) for _ in range(count)
    ]


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[94]


def bench_locate(points: int) -> None:
    rng = random.Random(13)
    polygons = quartier_polygons(rng)
    city = city_of(polygons)
    city.locate(*ORIGIN)  # build the tree once, as the first resident's location would
    sample = random_points(rng, points)
    indexed, found = [], 0
    for lon, lat in sample:
        start = time.perf_counter()
        found += city.locate(lon, lat) is not None
        indexed.append((time.perf_counter() - start) * 1000)
    plain = []
    shapes = list(polygons.items())
    for lon, lat in sample[: max(200, points // 10)]:
        start = time.perf_counter()
        point = Point(lon, lat)
        next((q for q, shape in shapes if shape.intersects(point)), None)
        plain.append((time.perf_counter() - start) * 1000)
    print(f"locate among {len(polygons)} quartier polygons, {points} points ({found} inside one)")
    print(
        f"  STRtree    p50 {statistics.median(indexed):.3f} ms  p95 {p95(indexed):.3f} ms  "
        f"max {max(indexed):.3f} ms   target p95 < 1 ms: {'met' if p95(indexed) < 1 else 'MISSED'}"
    )
    print(
        f"  baseline (each polygon in turn)  p50 {statistics.median(plain):.3f} ms  "
        f"p95 {p95(plain):.3f} ms   ratio p95 {p95(plain) / p95(indexed):.0f}×"
    )


def address_file(rng: random.Random, rows: int, polygons: dict[str, Polygon]) -> str:
    streets = 4000
    centres = [(rng.choice(list(polygons.values())).centroid, s) for s in range(streets)]
    out = io.StringIO()
    out.write(BAN_HEADER + "\n")
    for number in range(rows):
        centre, street = centres[number % streets]
        lon = centre.x + rng.uniform(-0.002, 0.002)
        lat = centre.y + rng.uniform(-0.002, 0.002)
        out.write(
            f"00000_{street:04d}_{number:05d};;{number};;Rue numéro {street};99000;99999;"
            f"Bench Town;;;0;0;{lon:.6f};{lat:.6f};entrée;;;BENCH TOWN;;commune;commune;0;\n"
        )
    return out.getvalue()


async def bench_import(rows: int, backend: str) -> None:
    rng = random.Random(14)
    polygons = quartier_polygons(rng)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        territories = [{"id": "bench-town", "name": "Bench Town", "level": "commune"}]
        features = [
            {
                "type": "Feature",
                "properties": {"id": q, "name": q, "level": "quartier", "parent": "bench-town"},
                "geometry": {"type": "Polygon", "coordinates": [list(p.exterior.coords)]},
            }
            for q, p in polygons.items()
        ]
        (base / "t.yaml").write_text(json.dumps(territories), encoding="utf-8")  # JSON is YAML
        (base / "q.geojson").write_text(
            json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
        )
        text = address_file(rng, rows, polygons)
        (base / "adresses.csv").write_text(text, encoding="utf-8")
        async with fresh_database(backend, base) as url:
            engine = make_engine(url)
            factory = uow_factory_for(engine)
            now = SystemClock(ZoneInfo("Europe/Paris")).now()
            for name in ("t.yaml", "q.geojson"):
                async with factory() as uow:
                    assert (await import_city_file(uow, base / name, now)).ok
                    await uow.commit()
            start = time.perf_counter()
            async with factory() as uow:
                result = await import_city_file(uow, base / "adresses.csv", now)
                await uow.commit()
            took = time.perf_counter() - start
            await engine.dispose()
        start = time.perf_counter()
        reader = csv.reader(io.StringIO(text), delimiter=";")
        next(reader)
        parsed = sum(1 for row in reader if float(row[12]) + float(row[13]) > 0)
        baseline = time.perf_counter() - start
    print(
        f"import a national address file of {rows:,} rows into {backend} "
        f"({result.streets:,} streets placed)"
    )
    print(f"  import     {took:.2f} s   target < 60 s: {'met' if took < 60 else 'MISSED'}")
    print(
        f"  baseline (csv read and parse only, {parsed:,} lines)  {baseline:.2f} s   "
        f"ratio {took / baseline:.1f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=20000)
    parser.add_argument("--rows", type=int, default=200000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    bench_locate(args.points)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        asyncio.run(bench_import(args.rows, backend))


if __name__ == "__main__":
    main()
