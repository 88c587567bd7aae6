"""Read a directory file (YAML, CSV or HSDS JSON) into resources and located problems.

Reading never touches the database; :mod:`knowledge.store` applies a clean batch in one
transaction. Problems of severity ``error`` make the whole import refuse; warnings are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from knowledge.importers.csv_format import read_csv
from knowledge.importers.hsds import learn, read_hsds, validate
from knowledge.importers.problems import Problem, Problems
from knowledge.importers.yaml_format import read_yaml
from knowledge.resources import Resource
from knowledge.territory import Gazetteer, Territory

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".json": "hsds"}


@dataclass
class Batch:
    source: str
    format: str
    resources: list[Resource] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    # Territories of an HSDS `territory` taxonomy the city did not know (learned on import).
    territories: list[Territory] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems.errors


def read_directory(
    path: Path, gazetteer: Gazetteer | None = None, *, text: str | None = None
) -> Batch:
    from knowledge.catalogue import Catalogue  # resolver shared with matching

    gazetteer = gazetteer or Gazetteer(())
    source = path.name
    fmt = FORMATS.get(path.suffix.lower(), "")
    batch = Batch(source, fmt)
    if not fmt:
        batch.problems.error(source, "unknown_format")
        return batch
    if text is None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            batch.problems.error(source, "unreadable", detail=str(exc))
            return batch
    known = frozenset(t.id for t in gazetteer.territories)
    if fmt == "yaml":
        batch.resources = read_yaml(text, source, batch.problems, known)
    elif fmt == "csv":
        batch.resources = read_csv(text, source, batch.problems, known)
    else:
        learned, unplaced = learn(text, gazetteer, Catalogue([], gazetteer).resolve)
        if learned:
            gazetteer = Gazetteer((*gazetteer.territories, *learned), gazetteer.streets)
            batch.territories = learned
        for territory in learned:
            batch.problems.warn(
                source, "learned_territory", value=territory.name, level=territory.level
            )
        for name in unplaced:
            batch.problems.warn(source, "unplaced_territory", value=name)
        resolver = Catalogue([], gazetteer).resolve
        batch.resources = read_hsds(text, source, batch.problems, resolver)
    seen: set[str] = set()
    for resource in batch.resources:
        if resource.external_id in seen:
            batch.problems.error(source, "duplicate_id", value=resource.external_id)
        seen.add(resource.external_id)
    return batch


def check_directory(path: Path, gazetteer: Gazetteer | None = None) -> Batch:
    """Validate only. For HSDS, schema violations are errors here (warnings on import)."""
    batch = read_directory(path, gazetteer)
    if batch.format == "hsds" and batch.ok:
        import json

        schema_problems = Problems()
        validate(
            json.loads(path.read_text(encoding="utf-8-sig")),
            path.name,
            schema_problems,
            as_errors=True,
        )
        batch.problems = Problems(
            [p for p in batch.problems if p.code != "schema"] + schema_problems
        )
    return batch


__all__ = ["FORMATS", "Batch", "Problem", "Problems", "check_directory", "read_directory"]
