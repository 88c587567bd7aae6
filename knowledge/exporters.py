"""Write the directory as HSDS 3.0 JSON (Déclic profile), YAML or CSV."""

from __future__ import annotations

from knowledge.importers.csv_format import write_csv
from knowledge.importers.hsds import write_hsds
from knowledge.importers.yaml_format import write_yaml
from knowledge.resources import Resource
from knowledge.territory import Gazetteer

EXPORT_FORMATS = ("hsds", "yaml", "csv")


def export_directory(
    resources: list[Resource], fmt: str, gazetteer: Gazetteer | None = None
) -> str:
    if fmt == "yaml":
        return write_yaml(resources)
    if fmt == "csv":
        return write_csv(resources)
    if fmt == "hsds":
        gazetteer = gazetteer or Gazetteer(())

        def name(territory_id: str) -> str | None:
            return gazetteer.name(territory_id)

        def parent(territory_id: str) -> str | None:
            territory = gazetteer.get(territory_id)
            return territory.parent if territory else None

        return write_hsds(resources, name, parent)
    raise ValueError(f"unknown export format {fmt!r}")
