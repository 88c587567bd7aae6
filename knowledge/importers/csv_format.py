"""CSV for spreadsheets: one row per resource, lists separated by ``;``, header = field names."""

from __future__ import annotations

import csv
import io

from knowledge.importers.fields import LIST_FIELDS, resource_from_mapping
from knowledge.importers.problems import Problems
from knowledge.resources import FACT_FIELDS, Resource, facts_of

COLUMNS = (
    "id",
    "kind",
    "name",
    "organization",
    "description",
    "themes",
    "territories",
    "status",
    "verified_on",
    *FACT_FIELDS,
)


def read_csv(
    text: str, source: str, problems: Problems, territories: frozenset[str]
) -> list[Resource]:
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    resources: list[Resource] = []
    try:
        for row in reader:
            place = f"{source}:{reader.line_num}"
            cleaned = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
            resource = resource_from_mapping(cleaned, place, problems, territories)
            if resource is not None:
                resources.append(resource)
    except csv.Error as exc:
        problems.error(f"{source}:{reader.line_num}", "unreadable", detail=str(exc))
    return resources


def write_csv(resources: list[Resource]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for resource in resources:
        row = {
            "id": resource.external_id,
            "kind": resource.kind or "",
            "name": resource.name,
            "organization": resource.organization or "",
            "description": resource.description,
            "themes": "; ".join(resource.themes),
            "territories": "; ".join(resource.territories),
            "status": resource.status,
            "verified_on": resource.verified_on.isoformat() if resource.verified_on else "",
        }
        for name, value in facts_of(resource).items():
            if name in LIST_FIELDS:
                value = "; ".join(value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            row[name] = value
        writer.writerow(row)
    return buffer.getvalue()
