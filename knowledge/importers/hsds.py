"""Open Referral HSDS 3.0 JSON, read and written following the Déclic profile (PROFILE.md).

One resource is one ``service``; its external id is ``service.id``. Facts travel as
``attributes`` (``link_type`` = family, ``taxonomy_term.code`` = value, its ``name`` a label
tried when the code is unknown; ``value`` for ``fact``).
A directory written without the profile still imports: the kind is inferred from taxonomy terms
and words, facts are read only where the text states them plainly (a location's accessibility,
"ni nourriture", "réservé aux associations"), everything else stays unknown and is reported.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from knowledge.catalogue import infer_kind
from knowledge.importers.problems import Problems
from knowledge.labels import OPEN_FAMILIES, labels, value_of
from knowledge.resources import STATUSES, Resource, canonical_theme
from knowledge.vocabulary import PhraseTagger, merged_entries

# The official schemas ship with the package (knowledge/hsds, gzipped; see its README for the
# upstream commit); a deployment that keeps another copy says where with DECLIC_HSDS_DIR.
HSDS_DIR = Path(os.environ.get("DECLIC_HSDS_DIR") or Path(__file__).resolve().parents[1] / "hsds")
NAMESPACE = uuid.UUID("5f0c3a8e-2d4b-4f8e-9a61-d3c1e1a0b7aa")
TAXONOMIES = {
    "kind": "declic-kinds",
    "theme": "declic-themes",
    "territory": "declic-territories",
    "eligibility": "declic-groups",
    "support": "declic-support",
    "equipment": "declic-equipment",
    "fact": "declic-facts",
}
# Attribute families whose values are codes, and the Resource field a family fills.
FAMILIES = {
    "kind": "kind",
    "theme": "themes",
    "eligibility": "eligibility",
    "support": "support",
    "equipment": "equipment",
    "fact": "fact",
}
DESCRIBED = frozenset({"kind", "theme", "support", "equipment"})
INT_FACTS = ("capacity", "grant_min_eur", "grant_max_eur", "booking_notice_days")
BOOL_FACTS = (
    "wheelchair_accessible",
    "association_required",
    "food_allowed",
    "rolling",
    "newcomers_welcome",
)
TEXT_FACTS = ("covers", "opening_hours", "team", "person", "address", "phone", "external_id")
LIST_FACTS = ("skills",)
NOT_STEP_FREE = re.compile(
    r"non accessible|pas accessible|inaccessible|not (?:wheelchair )?accessible|"
    r"no wheelchair|no step.free|escalier|stairs|pas d.ascenseur|sans ascenseur|no lift",
)
STEP_FREE = re.compile(
    r"wheelchair access|wheelchair accessible|accessible en fauteuil|accessible aux fauteuils|"
    r"plain.pied|step.free|acc[eè]s pmr|accessible pmr|accessible aux personnes à mobilité",
)
NO_FOOD = re.compile(
    r"ni (?:boissons? ni )?(?:nourriture|repas)|ni repas|pas de repas|no food|interdit de manger|"
    r"(?:nourriture|repas) (?:est |sont )?interdits?e?s?|no eating|no meals|"
    r"food (?:is )?not allowed|repas non autoris[ée]s",
)
ASSOCIATION_ONLY = re.compile(
    r"r[ée]serv[ée]e?s? aux associations|associations? d[ée]clar[ée]es? uniquement|"
    r"r[ée]serv[ée]e?s? (?:aux|à des) [^.;]{0,60}\bassociations? (?:d[ée]clar[ée]es|loi 1901)|"
    r"(?:ouverte?s?|destin[ée]e?s?) (?:uniquement |seulement )?aux associations d[ée]clar[ée]es|"
    r"pour les associations (?:loi 1901 )?d[ée]clar[ée]es|"
    r"uniquement (?:aux|pour les) associations|registered charities only|"
    r"only (?:for )?registered (?:charities|associations|organisations|organizations)",
)
NOT_ASSOCIATION_ONLY = re.compile(
    r"pas besoin d.[êe]tre (?:en|une) association|sans [êe]tre (?:en|une) association|"
    r"no need to be (?:a )?(?:registered|charity|association)",
)
CLOSED = re.compile(
    r"(?:d[ée]p[ôo]t des dossiers|candidatures?|inscriptions?|appel) (?:est |sont )?"
    r"(?:clos|close|cl[ôo]tur[ée]e?s?|ferm[ée]e?s?)\b|"
    r"applications? (?:are |is )?closed|no longer accepting|n.est plus (?:ouvert|actif|propos[ée])",
)
MONTHS = {
    m: i + 1
    for i, names in enumerate(
        (
            ("janvier", "january"),
            ("fevrier", "février", "february"),
            ("mars", "march"),
            ("avril", "april"),
            ("mai", "may"),
            ("juin", "june"),
            ("juillet", "july"),
            ("aout", "août", "august"),
            ("septembre", "september"),
            ("octobre", "october"),
            ("novembre", "november"),
            ("decembre", "décembre", "december"),
        )
    )
    for m in names
}
DEADLINE = re.compile(
    r"(?:jusqu.(?:au|à)|avant le|au plus tard le|date limite[^0-9]{0,20}|cl[ôo]tur[ée]e? le|"
    r"until|by|before|deadline[^0-9]{0,12})\s*(\d{1,2})(?:er)? (" + "|".join(MONTHS) + r") (20\d\d)"
)
CAPACITY = re.compile(r"\b(\d{1,4})\s*(?:places|couverts|personnes|people|seats|persons)\b")


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@cache
def _validator(name: str) -> Draft202012Validator:
    path = HSDS_DIR / "compiled" / name
    if not path.exists():  # the shipped copy is gzipped; an override may hold plain files
        path = path.with_name(name + ".gz")
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    schema = json.loads(raw.decode("utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_for(document: Any) -> str:
    if isinstance(document, list):
        first = document[0] if document and isinstance(document[0], dict) else {}
        return "service_package.json" if "status" in first else "organization_package.json"
    if isinstance(document, dict) and "status" in document and "services" not in document:
        return "service.json"
    return "organization.json"


def _schema_subject(document: Any) -> Any:
    """What the schemas describe: a page's items, a service_at_location's service."""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        document = document["contents"]

    def held(item: Any) -> Any:
        inner = item.get("service") if isinstance(item, dict) and "status" not in item else None
        return inner if isinstance(inner, dict) else item

    return [held(item) for item in document] if isinstance(document, list) else held(document)


def validate(document: Any, source: str, problems: Problems, *, as_errors: bool) -> None:
    report = problems.error if as_errors else problems.warn
    try:
        validator = _validator(schema_for(document))
    except OSError:
        report(source, "schema", detail=f"HSDS schemas not found in {HSDS_DIR} (DECLIC_HSDS_DIR)")
        return
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        pointer = "/" + "/".join(str(p) for p in error.absolute_path)
        report(f"{source}#{pointer}", "schema", detail=error.message[:200])


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
        validate(_schema_subject(document), source, problems, as_errors=False)
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
    _facts_from_prose(kind, description, prose, locations, values)
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


def _facts_from_prose(
    kind: str | None,
    description: str,
    prose: list[str],
    locations: list[dict[str, Any]],
    values: dict[str, Any],
) -> None:
    """Facts the text states plainly; nothing is guessed beyond these patterns."""
    words = " ".join([description, *prose]).lower()
    access = " ".join(
        str(a.get("description") or "") + " " + str(a.get("details") or "")
        for location in locations
        for a in location.get("accessibility") or []
    ).lower()
    if "wheelchair_accessible" not in values:
        for text in (access, words):
            if NOT_STEP_FREE.search(text):
                values["wheelchair_accessible"] = False
                break
            if STEP_FREE.search(text):
                values["wheelchair_accessible"] = True
                break
    if "food_allowed" not in values and NO_FOOD.search(words):
        values["food_allowed"] = False
    if "association_required" not in values:
        if NOT_ASSOCIATION_ONLY.search(words):
            values["association_required"] = False
        elif ASSOCIATION_ONLY.search(words):
            values["association_required"] = True
    if kind in ("grant", "sponsor") and values.get("deadline") is None:
        found = DEADLINE.search(words)
        if found:
            day, month, year = int(found.group(1)), MONTHS[found.group(2)], int(found.group(3))
            with contextlib.suppress(ValueError):  # "31 février": no date, no guess
                values["deadline"] = date(year, month, day)
    if kind == "room" and "capacity" not in values:
        match = CAPACITY.search(words)
        if match:
            values["capacity"] = int(match.group(1))
    if "address" not in values:
        for location in locations:
            for address in location.get("addresses") or []:
                parts = [address.get("address_1"), address.get("city")]
                values["address"] = ", ".join(p for p in parts if p)
                return


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


# ───────────────────────────── export ─────────────────────────────


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
