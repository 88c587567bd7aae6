"""The directory's resources as plain data: one dataclass, kind-specific facts left None if unknown.

A fact is ``None`` when the source did not state it: importers never guess a capacity, an
amount or an accessibility. Matching treats an unknown fact as unknown, never as "yes".
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

KINDS = ("room", "grant", "legal", "sponsor", "contact", "initiative")
GROUPS = ("alone", "informal", "association")
SUPPORTS = ("financial", "skills", "in_kind")
ACTIVE = "active"
STATUSES = ("active", "inactive", "defunct", "temporarily closed")
# The profile's themes: the ones the understanding reads in residents' words.
PROFILE_THEMES = (
    "garden",
    "food",
    "culture",
    "youth",
    "energy",
    "repair",
    "parenting",
    "sport",
    "mobility",
    "digital",
    "health",
    "housing",
    "environment",
    "elderly",
    "accessibility",
    "events",
)
# Then those a city added (see PROFILE.md: "a city may add its own").
THEMES = (*PROFILE_THEMES, "solidarity", "education", "languages", "living")
# The intake lexicon's names for the same themes.
THEME_ALIASES = {"parents": "parenting", "seniors": "elderly", "festivity": "events"}
EQUIPMENT = (
    "kitchen",
    "pro_kitchen",
    "kitchenette",
    "projector",
    "sound_system",
    "garden_plot",
    "workshop_tools",
    "wifi",
    "tables_chairs",
    "stage",
    "sewing_machines",
    "computers",
    "tent",
    "crockery",
)
KITCHENS = frozenset({"kitchen", "pro_kitchen", "kitchenette"})


def canonical_theme(theme: str) -> str:
    return THEME_ALIASES.get(theme, theme)


@dataclass(frozen=True)
class Resource:
    """One entry of the directory. ``external_id`` is the source's id (HSDS ``service.id``)."""

    external_id: str
    name: str
    kind: str | None = None
    description: str = ""
    organization: str | None = None
    themes: tuple[str, ...] = ()
    # Areas served, most specific first: territory ids (quartier, commune, agglomeration)
    # or, when the source names an area we do not know, its name as written.
    territories: tuple[str, ...] = ()
    status: str = ACTIVE
    verified_on: date | None = None
    eligibility: tuple[str, ...] = ()  # group types allowed; empty = not stated
    email: str | None = None
    phone: str | None = None
    url: str | None = None
    address: str | None = None
    # room
    capacity: int | None = None
    wheelchair_accessible: bool | None = None
    food_allowed: bool | None = None
    equipment: tuple[str, ...] = ()
    booking_notice_days: int | None = None
    # grant
    grant_min_eur: int | None = None
    grant_max_eur: int | None = None
    association_required: bool | None = None
    deadline: date | None = None
    rolling: bool | None = None
    # legal
    covers: str | None = None
    opening_hours: str | None = None
    # sponsor
    support: tuple[str, ...] = ()
    # contact
    skills: tuple[str, ...] = ()
    team: str | None = None
    person: str | None = None
    # initiative
    newcomers_welcome: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def is_suggestible(self, today: date) -> bool:
        """Active in its source and not past its deadline."""
        if self.status != ACTIVE:
            return False
        return not (self.deadline is not None and self.deadline < today and not self.rolling)

    def only_for_associations(self) -> bool:
        if self.association_required:
            return True
        return bool(self.eligibility) and set(self.eligibility) == {"association"}

    def text(self) -> str:
        """Every human-written word of the entry, for relevance."""
        parts = [self.name, self.organization or "", self.description, self.covers or ""]
        parts += [self.opening_hours or "", self.team or "", " ".join(self.skills)]
        parts += [str(v) for v in self.extra.get("prose", ())]
        parts += [str(v) for v in self.extra.get("terms", ())]  # the taxonomy's own words
        return "\n".join(p for p in parts if p)


FACT_FIELDS = tuple(
    f.name
    for f in fields(Resource)
    if f.name
    not in {
        "external_id",
        "name",
        "kind",
        "description",
        "organization",
        "themes",
        "territories",
        "status",
        "verified_on",
        "extra",
    }
)
TUPLE_FIELDS = frozenset(f.name for f in fields(Resource) if str(f.type).startswith("tuple"))
DATE_FIELDS = frozenset({"verified_on", "deadline"})


def facts_of(resource: Resource) -> dict[str, Any]:
    """Known kind-specific facts as JSON-ready values (unknown ones left out)."""
    out: dict[str, Any] = {}
    for name in FACT_FIELDS:
        value = getattr(resource, name)
        if value is None or value == ():
            continue
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, date):
            value = value.isoformat()
        out[name] = value
    return out


def with_facts(resource: Resource, facts: dict[str, Any]) -> Resource:
    """The inverse of :func:`facts_of`; unknown keys are ignored."""
    changes: dict[str, Any] = {}
    for name, value in facts.items():
        if name not in FACT_FIELDS or value is None:
            continue
        if name in TUPLE_FIELDS:
            value = tuple(value)
        elif name in DATE_FIELDS:
            value = date.fromisoformat(value)
        changes[name] = value
    return replace(resource, **changes)
