"""Read the city's files into plain changes and located problems; nothing touches the database.

- ``.yaml``/``.yml``: a list of territories ``{id, name, level, parent, aliases, neighbours,
  streets}`` (the demo's schema plus the streets, squares and estates of each quartier);
- ``.geojson``/``.json``: a FeatureCollection whose features carry ``{id, name, level,
  parent}`` and a Polygon or MultiPolygon, adding a shape to a territory or creating it;
- ``.csv``: the national address file (Base Adresse Nationale: ``nom_voie``, ``nom_commune``,
  ``lon``, ``lat``…), read by :mod:`knowledge.city.addresses`.

Places are « file:line » for YAML and CSV and « file#feature N » (counted from 1) for GeoJSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.city.problems import Problems
from knowledge.shapes import ShapeError, polygon_of
from knowledge.yaml_files import LIBYAML

FORMATS = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".geojson": "geojson",
    ".json": "geojson",
    ".csv": "csv",
}
FIELDS = frozenset({"id", "name", "level", "parent", "aliases", "neighbours", "streets"})
ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")
MAX_ID = 64


@dataclass
class TerritorySpec:
    """One territory as a file states it; ``None`` fields are left as they are."""

    id: str
    place: str
    name: str | None = None
    level: str | None = None
    parent: str | None = None
    parent_given: bool = False
    aliases: list[str] | None = None
    neighbours: list[str] | None = None
    streets: list[str] | None = None


@dataclass
class CityFile:
    source: str
    format: str
    territories: list[TerritorySpec] = field(default_factory=list)
    shapes: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)
    text: str = ""  # the address file, read by knowledge.city.addresses

    @property
    def ok(self) -> bool:
        return not self.problems.errors


def read_city_file(path: Path) -> CityFile:
    """The YAML or GeoJSON file's changes (the CSV needs shapes: see knowledge.city.addresses)."""
    source = path.name
    fmt = FORMATS.get(path.suffix.lower(), "")
    found = CityFile(source, fmt)
    if not fmt:
        found.problems.error(source, "unknown_format")
        return found
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        found.problems.error(source, "unreadable", detail=type(exc).__name__)
        return found
    if fmt == "csv":
        found.text = text
    elif fmt == "yaml":
        _read_yaml(text, found)
    else:
        _read_geojson(text, found)
    return found


def _root(text: str) -> tuple[yaml.SafeLoader | yaml.CSafeLoader, yaml.Node | None]:
    """A loader and the document's root node, composed by libyaml when PyYAML has it (the
    demo's territories: 2 ms of CPU instead of 12); a text libyaml refuses is composed again
    by PyYAML's parser, whose error (its problem, its line) is the one reported."""
    if LIBYAML:
        fast = yaml.CSafeLoader(text)
        try:
            return fast, fast.get_single_node()
        except yaml.YAMLError:
            fast.dispose()
    loader = yaml.SafeLoader(text)
    try:
        return loader, loader.get_single_node()
    except yaml.YAMLError:
        loader.dispose()
        raise


def _read_yaml(text: str, found: CityFile) -> None:
    try:
        loader, root = _root(text)
    except yaml.YAMLError as exc:
        _bad_yaml(exc, found)
        return
    try:
        if root is None or not isinstance(root, yaml.SequenceNode):
            line = root.start_mark.line + 1 if root is not None else 1
            found.problems.error(f"{found.source}:{line}", "not_a_list")
            return
        for node in root.value:
            place = f"{found.source}:{node.start_mark.line + 1}"
            item = loader.construct_document(node)
            if not isinstance(item, dict):
                found.problems.error(place, "not_a_mapping")
                continue
            spec = _spec(item, place, found.problems, creating=True)
            if spec is not None:
                found.territories.append(spec)
    except yaml.YAMLError as exc:
        _bad_yaml(exc, found)
    finally:
        loader.dispose()
    _no_duplicates(found)


def _bad_yaml(exc: yaml.YAMLError, found: CityFile) -> None:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 1
    # a character YAML does not allow (a ReaderError) has a reason, not a problem
    detail = getattr(exc, "problem", None) or getattr(exc, "reason", None) or ""
    found.problems.error(f"{found.source}:{line}", "bad_yaml", detail=detail)


def _read_geojson(text: str, found: CityFile) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        found.problems.error(f"{found.source}:{exc.lineno}", "bad_json", detail=exc.msg)
        return
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        found.problems.error(found.source, "not_a_feature_collection")
        return
    features = document.get("features")
    if not isinstance(features, list):
        found.problems.error(found.source, "not_a_feature_collection")
        return
    for number, feature in enumerate(features, start=1):
        place = f"{found.source}#feature {number}"
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            found.problems.error(place, "no_properties")
            continue
        spec = _spec(feature["properties"], place, found.problems, creating=False)
        if spec is None:
            continue
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict):
            found.problems.error(place, "no_geometry", id=spec.id)
            continue
        try:
            polygon_of(geometry)
        except ShapeError as exc:
            found.problems.error(place, exc.code, id=spec.id, detail=exc.detail)
            continue
        found.territories.append(spec)
        found.shapes[spec.id] = {"type": geometry["type"], "coordinates": geometry["coordinates"]}
    _no_duplicates(found)


def _spec(
    item: Mapping[str, Any], place: str, problems: Problems, *, creating: bool
) -> TerritorySpec | None:
    raw_id = item.get("id")
    territory_id = str(raw_id).strip() if raw_id is not None else ""
    if not territory_id:
        problems.error(place, "missing_field", field="id")
        return None
    if len(territory_id) > MAX_ID or not set(territory_id) <= ID_CHARS:
        problems.error(place, "bad_id", id=territory_id)
        return None
    if creating:
        for name in ("name", "level"):
            if not str(item.get(name) or "").strip():
                problems.error(place, "missing_field", field=name)
        if not str(item.get("name") or "").strip() or not str(item.get("level") or "").strip():
            return None
        for unknown in sorted(set(item) - FIELDS):
            problems.warn(place, "unknown_field", field=str(unknown))
    spec = TerritorySpec(territory_id, place)
    if str(item.get("name") or "").strip():
        spec.name = " ".join(str(item["name"]).split())
    if str(item.get("level") or "").strip():
        spec.level = str(item["level"]).strip().lower()
    if "parent" in item:
        spec.parent_given = True
        spec.parent = str(item["parent"]).strip() or None if item["parent"] else None
    for name in ("aliases", "neighbours", "streets"):
        if name not in item or item[name] is None:
            continue
        value = item[name]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            problems.error(place, "not_a_list_of_names", field=name)
            continue
        setattr(spec, name, [" ".join(str(v).split()) for v in value if str(v).strip()])
    return spec


def _no_duplicates(found: CityFile) -> None:
    seen: dict[str, str] = {}
    for spec in found.territories:
        if spec.id in seen:
            found.problems.error(spec.place, "duplicate_id", id=spec.id, first=seen[spec.id])
        seen.setdefault(spec.id, spec.place)
