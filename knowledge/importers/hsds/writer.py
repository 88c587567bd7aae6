"""Resources into one HSDS document following the profile: services grouped by organization,
facts as attributes with their French labels, territories as a term chain up to the widest
area, a room's address and accessibility as a location. Ids are stable, so writing the same
directory twice gives the same document."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from knowledge.importers.hsds.profile import (
    BOOL_FACTS,
    INT_FACTS,
    TAXONOMIES,
    TEXT_FACTS,
    stable_id,
)
from knowledge.labels import labels
from knowledge.resources import Resource


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _term(
    family: str, name: str, *, code: str | None = None, parent: str | None = None
) -> dict[str, Any]:
    """A term with the value as ``code`` and, for the profile's families, its French label."""
    taxonomy = TAXONOMIES[family]
    code = code or name
    if family != "territory":
        name = next(iter(labels().get(family, {}).get(code, ())), name)
    term: dict[str, Any] = {
        "id": stable_id("term", taxonomy, code),
        "code": code,
        "name": name,
        "description": name,
        "taxonomy": taxonomy,
        "taxonomy_detail": {
            "id": stable_id("taxonomy", taxonomy),
            "name": taxonomy,
            "description": f"Déclic profile: {family}",
        },
    }
    if parent:
        term["parent_id"] = parent
    return term


def _attribute(
    service_id: str, family: str, term: dict[str, Any], value: str | None = None
) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "id": stable_id("attribute", service_id, family, term["code"], value or ""),
        "link_type": family,
        "link_entity": "service",
        "taxonomy_term": term,
    }
    if value is not None:
        attribute["value"] = value
    return attribute


def write_hsds(
    resources: list[Resource],
    territory_name: Callable[[str], str | None],
    territory_parent: Callable[[str], str | None],
) -> str:
    organizations: dict[str, dict[str, Any]] = {}
    for resource in resources:
        org_name = resource.organization or resource.name
        organization = organizations.setdefault(
            org_name,
            {
                "id": stable_id("organization", org_name),
                "name": org_name,
                "description": org_name,
                "services": [],
                "locations": [],
            },
        )
        organization["services"].append(
            _service_document(resource, territory_name, territory_parent, organization)
        )
    return json.dumps(list(organizations.values()), ensure_ascii=False, indent=1)


def _service_document(
    r: Resource,
    territory_name: Callable[[str], str | None],
    territory_parent: Callable[[str], str | None],
    organization: dict[str, Any],
) -> dict[str, Any]:
    service_id = r.external_id if _is_uuid(r.external_id) else stable_id("service", r.external_id)
    attributes: list[dict[str, Any]] = []
    if r.kind:
        attributes.append(_attribute(service_id, "kind", _term("kind", r.kind)))
    for theme in r.themes:
        attributes.append(_attribute(service_id, "theme", _term("theme", theme)))
    for area in r.territories:
        chain = []
        current: str | None = area
        while current:
            chain.append(current)
            current = territory_parent(current)
        parent_id = None
        for ancestor in reversed(chain):
            term = _term(
                "territory", territory_name(ancestor) or ancestor, code=ancestor, parent=parent_id
            )
            parent_id = term["id"]
        attributes.append(_attribute(service_id, "territory", term))
    for family, items in (
        ("eligibility", r.eligibility),
        ("support", r.support),
        ("equipment", r.equipment),
    ):
        for item in items:
            attributes.append(_attribute(service_id, family, _term(family, item)))
    facts: list[tuple[str, str]] = []
    for name in INT_FACTS:
        if getattr(r, name) is not None:
            facts.append((name, str(getattr(r, name))))
    for name in BOOL_FACTS:
        if getattr(r, name) is not None:
            facts.append((name, "true" if getattr(r, name) else "false"))
    if r.deadline:
        facts.append(("deadline", r.deadline.isoformat()))
    for name in TEXT_FACTS:
        value = r.external_id if name == "external_id" else getattr(r, name)
        if name == "external_id" and service_id == r.external_id:
            continue
        if value:
            facts.append((name, str(value)))
    for skill in r.skills:
        facts.append(("skills", skill))
    for name, value in facts:
        attributes.append(_attribute(service_id, "fact", _term("fact", name), value))
    service: dict[str, Any] = {
        "id": service_id,
        "name": r.name,
        "description": r.description,
        "status": r.status,
        "attributes": attributes,
        "service_areas": [
            {"id": stable_id("area", service_id, area), "name": territory_name(area) or area}
            for area in r.territories
        ],
    }
    if r.verified_on:
        service["assured_date"] = r.verified_on.isoformat()
    if r.email:
        service["email"] = r.email
    if r.url:
        service["url"] = r.url
    if r.person or r.team:
        service["contacts"] = [
            {
                "id": stable_id("contact", service_id),
                "name": r.person,
                "title": r.team,
                "email": r.email,
            }
        ]
        service["contacts"] = [{k: v for k, v in c.items() if v} for c in service["contacts"]]
    if r.kind == "room" and (r.address or r.wheelchair_accessible is not None):
        location_id = stable_id("location", service_id)
        location: dict[str, Any] = {
            "id": location_id,
            "location_type": "physical",
            "name": r.address or r.name,
        }
        if r.wheelchair_accessible is not None:
            location["accessibility"] = [
                {
                    "id": stable_id("accessibility", location_id),
                    "description": "Accessible en fauteuil roulant, sans marche"
                    if r.wheelchair_accessible
                    else "Non accessible en fauteuil roulant",
                }
            ]
        organization["locations"].append(location)
        service["service_at_locations"] = [
            {
                "id": stable_id("sal", service_id),
                "service_id": service_id,
                "location_id": location_id,
            }
        ]
    return service
