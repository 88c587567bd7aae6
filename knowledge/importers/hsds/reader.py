"""HSDS services into resources: organizations, services and service_at_locations alike, the
profile's attributes into facts, the territory taxonomy up to an area the city knows, and what the
publisher wrote where the profile is not followed. Every value nobody can explain is reported."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from knowledge.catalogue import infer_kind
from knowledge.importers.hsds.profile import (
    BOOL_FACTS,
    DESCRIBED,
    FAMILIES,
    INT_FACTS,
    LIST_FACTS,
    TEXT_FACTS,
)
from knowledge.importers.hsds.prose import CLOSED, facts_from_prose
from knowledge.importers.hsds.schema import schema_subject, validate
from knowledge.importers.problems import Problems
from knowledge.labels import OPEN_FAMILIES, value_of
from knowledge.resources import STATUSES, Resource, canonical_theme
from knowledge.vocabulary import PhraseTagger, merged_entries


def read_hsds(
    text: str,
    source: str,
    problems: Problems,
    resolve: Callable[[str], str | None],
    *,
    check_schema: bool = True,
) -> list[Resource]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.error(f"{source}:{exc.lineno}", "unreadable", detail=exc.msg)
        return []
    if check_schema:
        validate(schema_subject(document), source, problems, as_errors=False)
    services: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    base = ""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        document, base = document["contents"], "/contents"  # a page of an HSDS API list
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        problems.error(source, "not_a_list")
        return []
    for i, item in enumerate(document):
        place = f"{source}#{base}/{i}"
        if not isinstance(item, dict):
            problems.error(place, "not_a_list")
            continue
        if isinstance(item.get("service"), dict) and "status" not in item:
            service = item["service"]  # a service_at_location: the service it holds
            services.append((f"{place}/service", service, service.get("organization") or {}))
        elif "services" in item or "status" not in item:
            org_services = item.get("services") or []
            if not org_services:
                problems.warn(place, "no_services")
            for j, service in enumerate(org_services):
                services.append((f"{place}/services/{j}", service, item))
        else:
            services.append((place, item, item.get("organization") or {}))
    terms = _territory_terms(services)
    tagger = PhraseTagger(merged_entries())
    unknown = UnknownValues()
    resources = []
    for place, service, organization in services:
        resource = _service(place, service, organization, problems, resolve, terms, tagger, unknown)
        if resource is not None:
            resources.append(resource)
    unknown.report(problems)
    return resources


class UnknownValues:
    """Values no code or label explains, reported once each with how often they occur."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], list[Any]] = {}

    def note(self, family: str, value: str, place: str) -> None:
        self._seen.setdefault((family, value), [place, 0])[1] += 1

    def report(self, problems: Problems) -> None:
        for (family, value), (place, count) in self._seen.items():
            problems.warn(place, "unknown_value", field=family, value=value, count=count)


def _territory_terms(
    services: Iterable[tuple[str, dict[str, Any], dict[str, Any]]],
) -> dict[str, dict[str, Any]]:
    """Every territory term of the file by id (services' and service areas' attributes), so
    that a term's ``parent_id`` can be followed up to an area the city knows."""
    terms: dict[str, dict[str, Any]] = {}
    for _, service, _ in services:
        holders = [service, *(service.get("service_areas") or [])]
        for holder in holders:
            for attribute in holder.get("attributes") or []:
                term = attribute.get("taxonomy_term") or {}
                if (attribute.get("link_type") or "").lower() == "territory" and term.get("id"):
                    terms[term["id"]] = term
    return terms


def _service(
    place: str,
    service: dict[str, Any],
    organization: dict[str, Any],
    problems: Problems,
    resolve: Callable[[str], str | None],
    terms: dict[str, dict[str, Any]],
    tagger: PhraseTagger,
    unknown: UnknownValues,
) -> Resource | None:
    service_id, name = service.get("id"), service.get("name")
    if not service_id:
        problems.error(place, "missing_field", field="id")
    if not name:
        problems.error(place, "missing_field", field="name")
    if not service_id or not name:
        return None
    values: dict[str, Any] = {"themes": [], "territories": [], "eligibility": []}
    values.update(support=[], equipment=[], skills=[])
    other_terms: list[str] = []
    labels_seen: list[str] = []
    kinds: list[str] = []
    for k, attribute in enumerate(service.get("attributes") or []):
        at = f"{place}/attributes/{k}"
        family = (attribute.get("link_type") or "").strip().lower()
        term = attribute.get("taxonomy_term") or {}
        code = str(term.get("code") or "").strip()
        label = str(term.get("name") or "").strip()
        if family == "territory":
            values["territories"].append(_territory(term, terms, resolve))
            continue
        if family not in FAMILIES:
            if label or code:
                other_terms.append(label or code)
            continue
        if family in DESCRIBED:  # the publisher's own words for the value feed the index
            labels_seen.extend(str(term.get(k) or "") for k in ("name", "description"))
        value = value_of(family, code, label)
        if value is None:
            unknown.note(family, code or label, at)
            if family not in OPEN_FAMILIES or not (code or label):
                continue
            value = code or label
        if family == "kind":
            kinds.append(value)
        elif family == "theme":
            values["themes"].append(canonical_theme(value))
        elif family == "fact":
            _fact(at, value, attribute.get("value"), values, problems)
        else:
            values[FAMILIES[family]].append(value)
    status = service.get("status") or "active"
    if status not in STATUSES:
        problems.warn(f"{place}/status", "unknown_status", value=status)
    locations = _locations(service, organization)
    said = " ".join(str(service.get(k) or "") for k in ("description", "alert")).lower()
    if status == "active" and not kinds and CLOSED.search(said):  # profiled: facts say it
        status = "temporarily closed"
        problems.warn(place, "closed_in_text")
    prose = [
        service.get(key) or ""
        for key in (
            "alternate_name",
            "eligibility_description",
            "application_process",
            "fees_description",
            "alert",
        )
    ]
    description = service.get("description") or ""
    if not values["territories"]:
        for area in service.get("service_areas") or []:
            area_terms = [
                a.get("taxonomy_term") or {}
                for a in area.get("attributes") or []
                if (a.get("link_type") or "").lower() == "territory"
            ]
            found = (
                _territory(area_terms[0], terms, resolve)
                if area_terms
                else resolve(area.get("name") or "")
            )
            if found and found not in values["territories"]:
                values["territories"].append(found)
        for location in locations:
            for address in location.get("addresses") or []:
                found = resolve(address.get("city") or "")
                if found and found not in values["territories"]:
                    values["territories"].append(found)
    text = " ".join([name, description, *prose, *other_terms])
    kind = kinds[0] if kinds else None
    if kind is None:
        kind = infer_kind(tagger.tags(text))
        if kind:
            problems.warn(place, "kind_inferred", value=kind)
        else:
            problems.warn(place, "unclassified")
    facts_from_prose(kind, description, prose, locations, values)
    contacts = service.get("contacts") or []
    if contacts and not values.get("person") and kind == "contact":
        values["person"] = contacts[0].get("name")
    email = service.get("email") or next((c.get("email") for c in contacts if c.get("email")), None)
    phones = service.get("phones") or []
    verified = service.get("assured_date") or (service.get("last_modified") or "")[:10]
    external_id = values.pop("external_id", None) or service_id
    phone = values.pop("phone", None) or (phones[0].get("number") if phones else None)
    extra: dict[str, Any] = {"prose": [p for p in [*prose, *other_terms] if p]}
    terms_text = list(dict.fromkeys(t for t in labels_seen if t.strip()))
    fields: dict[str, Any] = {
        k: tuple(dict.fromkeys(v)) if isinstance(v, list) else v for k, v in values.items()
    }
    if terms_text:
        extra["terms"] = terms_text
    return Resource(
        external_id=external_id,
        name=name,
        kind=kind,
        description=description,
        organization=organization.get("name"),
        status=status,
        verified_on=_date(verified),
        email=email,
        phone=phone,
        url=service.get("url"),
        extra={k: v for k, v in extra.items() if v},
        **fields,
    )


def _territory(
    term: dict[str, Any], terms: dict[str, dict[str, Any]], resolve: Callable[[str], str | None]
) -> str:
    current: dict[str, Any] | None = term
    seen: set[str] = set()
    while current is not None and current.get("id") not in seen:
        seen.add(current.get("id", ""))
        for label in (current.get("code"), current.get("name")):
            if label and resolve(str(label)):
                return str(resolve(str(label)))
        current = terms.get(current.get("parent_id") or "")
    return str(term.get("name") or term.get("code") or "")


def _fact(at: str, name: str, raw: Any, values: dict[str, Any], problems: Problems) -> None:
    text = "" if raw is None else str(raw).strip()
    if name in INT_FACTS:
        if re.fullmatch(r"\d+", text):
            values[name] = int(text)
        else:
            problems.warn(at, "bad_integer", field=name, value=text)
    elif name in BOOL_FACTS:
        if text.lower() in ("true", "false"):
            values[name] = text.lower() == "true"
        else:
            problems.warn(at, "bad_boolean", field=name, value=text)
    elif name == "deadline":
        day = _date(text)
        if day is None:
            problems.warn(at, "bad_date", field=name, value=text)
        values[name] = day
    elif name in TEXT_FACTS:
        values[name] = text
    elif name in LIST_FACTS:
        values[name].append(text)
    else:
        problems.warn(at, "bad_term", field="fact", value=name)


def _locations(service: dict[str, Any], organization: dict[str, Any]) -> list[dict[str, Any]]:
    by_id = {loc.get("id"): loc for loc in organization.get("locations") or []}
    found = []
    for link in service.get("service_at_locations") or []:
        location = link.get("location") or by_id.get(link.get("location_id"))
        if location:
            found.append(location)
    return found


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
