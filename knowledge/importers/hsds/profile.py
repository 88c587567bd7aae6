"""The Déclic profile of HSDS (knowledge/hsds/PROFILE.md) as names: the taxonomy of each
attribute family, the Resource field a family fills, the facts and their types, and the stable
ids a written document gives its organizations, services, terms and attributes."""

from __future__ import annotations

import uuid

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


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))
