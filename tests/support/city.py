"""A city's files read into a Gazetteer without a database (the unit tests' city)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from shapely.geometry import shape

from knowledge.territory import Gazetteer, territories_from_rows

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = DATA / "city_sample"
HELDOUT = DATA / "heldout_town"


def city_from_files(folder: Path) -> Gazetteer:
    rows = yaml.safe_load((folder / "territories.yaml").read_text(encoding="utf-8"))
    known = {row["id"] for row in rows}
    document = json.loads((folder / "territories.geojson").read_text(encoding="utf-8"))
    shapes = {}
    for feature in document["features"]:
        properties = feature["properties"]
        shapes[properties["id"]] = shape(feature["geometry"])
        if properties["id"] not in known:
            rows.append(properties)
    return territories_from_rows(rows, shapes=shapes)
