"""The city's geography in the database: apply a city file in one transaction, read it back.

An import is all or nothing: every problem is found before anything is written, and the
caller's unit of work commits once. It is idempotent: a territory is found again by its id
and updated in place; a territory's streets listed in YAML replace its streets; streets from
the address file replace the same names in the same commune; a shape replaces the shape.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select

from infra.uow import UnitOfWork
from knowledge.city.addresses import read_addresses
from knowledge.city.files import CityFile, TerritorySpec, read_city_file
from knowledge.city.problems import Problems
from knowledge.city.records import CityImportRow, ShapeRow, StreetRow, TerritoryRow
from knowledge.streets import street_key
from knowledge.territory import Gazetteer, Territory
from knowledge.text import normalise


@dataclass
class CityImport:
    source: str
    format: str
    problems: Problems = field(default_factory=Problems)
    territories: int = 0  # created or updated
    streets: int = 0
    shapes: int = 0
    rows: int = 0  # address lines read (CSV)

    @property
    def ok(self) -> bool:
        return not self.problems.errors


async def import_city_file(uow: UnitOfWork, path: Path, now: datetime) -> CityImport:
    """Read and apply one city file (the caller commits only when ``ok``)."""
    parsed = read_city_file(path)
    result = CityImport(parsed.source, parsed.format, parsed.problems)
    if not parsed.ok:
        return result
    if parsed.format == "csv":
        result = await _import_addresses(uow, parsed.text, result)
    else:
        result = await _apply(uow, parsed, result)
    if result.ok:
        uow.session.add(
            CityImportRow(source=result.source[:300], format=result.format, imported_at=now)
        )
        await uow.session.flush()
    return result


async def city_version(uow: UnitOfWork) -> int:
    """The latest import's id (0: no city yet)."""
    return int((await uow.session.scalar(select(func.max(CityImportRow.id)))) or 0)


async def quartier_names(uow: UnitOfWork) -> dict[str, str]:
    """Quartier ids and names in the city's order: for words shown to people."""
    rows = await uow.session.execute(
        select(TerritoryRow.id, TerritoryRow.name)
        .where(TerritoryRow.level == "quartier")
        .order_by(TerritoryRow.position)
    )
    return {territory_id: name for territory_id, name in rows}


class CityCache:
    """The city read once per database and version: processes that run for days (the
    console, the scheduler) see a new import at their next use, without a restart."""

    def __init__(self) -> None:
        self._cached: dict[str, tuple[int, Gazetteer]] = {}

    async def get(self, uow: UnitOfWork) -> Gazetteer:
        key = str(uow.session.get_bind().engine.url)
        version = await city_version(uow)
        cached = self._cached.get(key)
        if cached is None or cached[0] != version:
            cached = (version, await load_city(uow))
            self._cached[key] = cached
        return cached[1]


async def _apply(uow: UnitOfWork, parsed: CityFile, result: CityImport) -> CityImport:
    rows = {row.id: row for row in (await uow.session.scalars(select(TerritoryRow))).all()}
    merged: dict[str, dict[str, Any]] = {
        t: {"parent": row.parent_id, "level": row.level} for t, row in rows.items()
    }
    for spec in parsed.territories:
        known = merged.get(spec.id)
        if known is None and (spec.name is None or spec.level is None):
            result.problems.error(spec.place, "unknown_territory", id=spec.id)
            continue
        entry = merged.setdefault(spec.id, {"parent": None, "level": spec.level})
        if spec.parent_given:
            entry["parent"] = spec.parent
        if spec.level:
            entry["level"] = spec.level
    for spec in parsed.territories:
        parent = merged.get(spec.id, {}).get("parent")
        if spec.parent_given and parent and parent not in merged:
            result.problems.error(spec.place, "unknown_parent", id=spec.id, parent=parent)
        for neighbour in spec.neighbours or ():
            if neighbour not in merged:
                result.problems.error(
                    spec.place, "unknown_neighbour", id=spec.id, neighbour=neighbour
                )
    _find_cycles(parsed.territories, merged, result.problems)
    if not result.ok:
        return result
    await _write(uow, parsed, rows, result)
    return result


def _find_cycles(
    specs: Sequence[TerritorySpec], merged: dict[str, dict[str, Any]], problems: Problems
) -> None:
    for spec in specs:
        chain, current = [spec.id], merged.get(spec.id, {}).get("parent")
        while current and current in merged:
            if current in chain:
                problems.error(spec.place, "cycle", id=spec.id, chain=" → ".join([*chain, current]))
                break
            chain.append(current)
            current = merged[current].get("parent")


async def _write(
    uow: UnitOfWork, parsed: CityFile, rows: dict[str, TerritoryRow], result: CityImport
) -> None:
    session = uow.session
    position = (await session.scalar(select(func.max(TerritoryRow.position)))) or 0
    parents: dict[str, str | None] = {}
    for spec in parsed.territories:
        row = rows.get(spec.id)
        created = row is None
        if row is None:
            position += 1
            row = TerritoryRow(id=spec.id, name=spec.name, level=spec.level, position=position)
            row.aliases, row.neighbours = [], []
            session.add(row)
            rows[spec.id] = row
        changed = _update(row, spec) or created
        if spec.parent_given and row.parent_id != spec.parent:
            parents[spec.id] = spec.parent
            changed = True
        result.territories += changed
    await session.flush()  # every territory exists before any points at it
    for territory_id, parent in parents.items():
        rows[territory_id].parent_id = parent
    for spec in parsed.territories:
        if spec.streets is not None:
            result.streets += await _replace_streets(uow, spec.id, spec.streets)
    for territory_id, geometry in parsed.shapes.items():
        text = json.dumps(geometry, separators=(",", ":"))
        shape = await session.get(ShapeRow, territory_id)
        if shape is None:
            session.add(ShapeRow(territory_id=territory_id, geometry=text))
        else:
            shape.geometry = text
        result.shapes += 1
    await session.flush()


def _update(row: TerritoryRow, spec: TerritorySpec) -> bool:
    changed = False
    for name, value in (
        ("name", spec.name),
        ("level", spec.level),
        ("aliases", spec.aliases),
        ("neighbours", spec.neighbours),
    ):
        if value is not None and getattr(row, name) != value:
            setattr(row, name, list(value) if isinstance(value, list) else value)
            changed = True
    return changed


async def _replace_streets(uow: UnitOfWork, territory_id: str, names: Iterable[str]) -> int:
    await uow.session.execute(delete(StreetRow).where(StreetRow.territory_id == territory_id))
    unique = {_key(name): name for name in names}
    values = [{"territory_id": territory_id, "name": n[:200], "key": k} for k, n in unique.items()]
    if values:
        await uow.session.execute(insert(StreetRow), values)
    return len(values)


def _key(name: str) -> str:
    return " ".join(street_key(name))[:200]


async def _import_addresses(uow: UnitOfWork, text: str, result: CityImport) -> CityImport:
    city = await load_city(uow)
    quartiers = {q.id: city.shapes[q.id] for q in city.quartiers if q.id in city.shapes}
    communes = {
        normalise(name): t.id
        for t in city.territories
        if t.level == "commune"
        for name in (t.name, t.id, *t.aliases)
    }
    found = read_addresses(text, result.source, quartiers, lambda c: communes.get(normalise(c)))
    result.problems.extend(found.problems)
    result.rows = found.rows
    if not found.ok:
        return result
    if not quartiers and not found.streets:
        result.problems.error(result.source, "no_shapes")
        return result
    by_commune: dict[str | None, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for name, territory in found.streets:
        by_commune[city.commune_of(territory)][territory].add(name)
    session = uow.session
    for commune, streets in by_commune.items():
        area = [
            t.id for t in city.territories if t.id == commune or city.commune_of(t.id) == commune
        ]
        keys = {_key(n) for names in streets.values() for n in names}
        for chunk in _chunks(sorted(keys), 500):
            await session.execute(
                delete(StreetRow).where(StreetRow.territory_id.in_(area), StreetRow.key.in_(chunk))
            )
        values = []
        for territory, names in streets.items():
            unique = {_key(n): n for n in names}
            values += [
                {"territory_id": territory, "name": n[:200], "key": k} for k, n in unique.items()
            ]
        if values:
            await session.execute(insert(StreetRow), values)
        result.streets += len(values)
    await session.flush()
    return result


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def learn_territories(
    uow: UnitOfWork, territories: Sequence[Territory], source: str, now: datetime
) -> int:
    """Add territories an import found (HSDS directory) that the city does not know yet;
    their parents must be known or come earlier in the list."""
    known = set((await uow.session.scalars(select(TerritoryRow.id))).all())
    position = (await uow.session.scalar(select(func.max(TerritoryRow.position)))) or 0
    added = 0
    for territory in territories:
        if territory.id in known or (territory.parent and territory.parent not in known):
            continue
        position += 1
        uow.session.add(
            TerritoryRow(
                id=territory.id,
                name=territory.name,
                level=territory.level,
                parent_id=territory.parent,
                aliases=list(territory.aliases),
                neighbours=[],
                position=position,
            )
        )
        await uow.session.flush()
        known.add(territory.id)
        added += 1
    if added:
        uow.session.add(CityImportRow(source=source[:300], format="hsds", imported_at=now))
        await uow.session.flush()
    return added


async def load_city(uow: UnitOfWork) -> Gazetteer:
    """The city as the database holds it; quartiers without listed neighbours get the
    quartiers whose shapes touch theirs."""
    from shapely.geometry import shape

    session = uow.session
    rows = (await session.scalars(select(TerritoryRow).order_by(TerritoryRow.position))).all()
    streets = (await session.execute(select(StreetRow.name, StreetRow.territory_id))).all()
    shapes = {
        s.territory_id: shape(json.loads(s.geometry))
        for s in (await session.scalars(select(ShapeRow))).all()
    }
    levels = {row.id: row.level for row in rows}
    quartier_shapes = {t: g for t, g in shapes.items() if levels.get(t) == "quartier"}
    touching = _touching(quartier_shapes) if quartier_shapes else {}
    territories = tuple(
        Territory(
            id=row.id,
            name=row.name,
            level=row.level,
            parent=row.parent_id,
            aliases=tuple(row.aliases or ()),
            neighbours=tuple(row.neighbours or ()) or tuple(sorted(touching.get(row.id, ()))),
        )
        for row in rows
    )
    return Gazetteer(territories, tuple((n, t) for n, t in streets), shapes)


def _touching(quartier_shapes: dict[str, Any]) -> dict[str, set[str]]:
    from knowledge.shapes import touching

    return touching(quartier_shapes)


@dataclass(frozen=True)
class CityCounts:
    territories: int
    quartiers: int
    streets: int
    shapes: int


def counts_of(city: Gazetteer) -> CityCounts:
    return CityCounts(
        len(city.territories), len(city.quartiers), len(city.streets), len(city.shapes)
    )


def city_document(city: Gazetteer) -> dict[str, Any]:
    """`declic city show --json`: the hierarchy with each territory's counts."""
    streets: dict[str, int] = defaultdict(int)
    for _, territory in city.streets:
        streets[territory] += 1
    counts = counts_of(city)
    return {
        "counts": {
            "territories": counts.territories,
            "quartiers": counts.quartiers,
            "streets": counts.streets,
            "shapes": counts.shapes,
        },
        "territories": [
            {
                "id": t.id,
                "name": t.name,
                "level": t.level,
                "parent": t.parent,
                "aliases": list(t.aliases),
                "neighbours": list(t.neighbours),
                "streets": streets.get(t.id, 0),
                "shape": t.id in city.shapes,
            }
            for t in city.territories
        ],
    }
