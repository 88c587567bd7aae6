"""Territories' shapes, and which territory a point lies in (shapely's STRtree, no hand-written
point-in-polygon).

A resident's shared location is turned into a territory id here and then forgotten: nothing
below keeps coordinates. GeoJSON is longitude first; so is every function here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

# Most specific first: a point in a quartier is in its commune too.
LEVEL_RANK = {"quartier": 0, "commune": 1, "agglomeration": 2, "departement": 3}


class ShapeError(ValueError):
    """A geometry that cannot be used; ``code`` names the problem (see knowledge.city)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def polygon_of(geometry: Mapping[str, Any]) -> BaseGeometry:
    """A Polygon or MultiPolygon from GeoJSON, refused when a ring is not closed or invalid."""
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise ShapeError("not_a_polygon", str(kind))
    polygons = geometry.get("coordinates")
    if not isinstance(polygons, list) or not polygons:
        raise ShapeError("bad_coordinates")
    for polygon in polygons if kind == "MultiPolygon" else [polygons]:
        if not isinstance(polygon, list) or not polygon:
            raise ShapeError("bad_coordinates")
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                raise ShapeError("ring_too_short")
            if list(ring[0])[:2] != list(ring[-1])[:2]:
                raise ShapeError("ring_not_closed")
    try:
        geom = shape(dict(geometry))
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise ShapeError("bad_coordinates", str(exc)) from None
    if not geom.is_valid:
        raise ShapeError("invalid_polygon", shapely.is_valid_reason(geom))
    return geom


@dataclass
class Locator:
    """Territory shapes in an STRtree; ``locate`` answers in microseconds for hundreds."""

    shapes: Mapping[str, BaseGeometry]
    levels: Mapping[str, str]
    _ids: list[str] = field(default_factory=list, repr=False)
    _tree: STRtree | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        ordered = sorted(
            self.shapes,
            key=lambda t: (LEVEL_RANK.get(self.levels.get(t, ""), 9), self.shapes[t].area),
        )
        self._ids = ordered
        geometries = [self.shapes[t] for t in ordered]
        for geom in geometries:
            shapely.prepare(geom)
        self._tree = STRtree(geometries) if geometries else None

    def __len__(self) -> int:
        return len(self._ids)

    def locate(self, longitude: float, latitude: float) -> str | None:
        """The most specific territory whose shape holds the point (borders included)."""
        if self._tree is None:
            return None
        hits = self._tree.query(Point(longitude, latitude), predicate="intersects")
        return self._ids[int(min(hits))] if len(hits) else None


def touching(shapes: Mapping[str, BaseGeometry]) -> dict[str, set[str]]:
    """Which shapes share a stretch of border with which (a corner alone is not enough):
    the default neighbours."""
    ids = list(shapes)
    tree = STRtree([shapes[t] for t in ids])
    out: dict[str, set[str]] = {t: set() for t in ids}
    for territory in ids:
        for other in tree.query(shapes[territory], predicate="intersects"):
            other_id = ids[int(other)]
            if other_id != territory and _share_border(shapes[territory], shapes[other_id]):
                out[territory].add(other_id)
    return out


def _share_border(one: BaseGeometry, other: BaseGeometry) -> bool:
    shared = one.intersection(other)
    return shared.length > 0 or shared.area > 0
