"""The hand-edited YAML directory: a list of resources (or ``resources:`` holding one)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml

from knowledge.importers.fields import resource_from_mapping
from knowledge.importers.problems import Problems
from knowledge.resources import Resource, facts_of
from knowledge.yaml_files import load_text

LINE = "__line__"


class _LineLoader(yaml.SafeLoader):
    """Remembers the line where each mapping starts, to say where a problem is."""


class _FastLineLoader(yaml.CSafeLoader):
    """The same on libyaml's parser (a 48 kB directory: 15 ms of CPU instead of 130)."""


def _mapping_with_line(
    loader: yaml.SafeLoader | yaml.CSafeLoader, node: yaml.MappingNode
) -> dict[Hashable, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)
_FastLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def read_yaml(
    text: str, source: str, problems: Problems, territories: frozenset[str]
) -> list[Resource]:
    try:
        document = load_text(text, _LineLoader, _FastLineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"{source}:{mark.line + 1}" if mark else source
        problems.error(place, "unreadable", detail=str(getattr(exc, "problem", exc)))
        return []
    if isinstance(document, dict) and "resources" in document:
        document = document["resources"]
    if not isinstance(document, list):
        problems.error(source, "not_a_list")
        return []
    resources: list[Resource] = []
    for position, item in enumerate(document, start=1):
        if not isinstance(item, dict):
            problems.error(f"{source}: #{position}", "not_a_list")
            continue
        place = f"{source}:{item.pop(LINE, '?')}"
        resource = resource_from_mapping(item, place, problems, territories)
        if resource is not None:
            resources.append(resource)
    return resources


def write_yaml(resources: list[Resource]) -> str:
    rows = []
    for resource in resources:
        row: dict[str, Any] = {"id": resource.external_id, "kind": resource.kind}
        row["name"] = resource.name
        if resource.organization:
            row["organization"] = resource.organization
        if resource.description:
            row["description"] = resource.description
        row["themes"] = list(resource.themes)
        row["territories"] = list(resource.territories)
        row["status"] = resource.status
        if resource.verified_on:
            row["verified_on"] = resource.verified_on
        row.update(facts_of(resource))
        rows.append({k: v for k, v in row.items() if v is not None})
    return yaml.safe_dump({"resources": rows}, allow_unicode=True, sort_keys=False, width=100)
