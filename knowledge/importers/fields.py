"""Turn hand-written values (YAML or CSV cells) into a Resource, reporting every bad value."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date
from typing import Any

from knowledge.importers.problems import Problems
from knowledge.resources import (
    GROUPS,
    KINDS,
    STATUSES,
    SUPPORTS,
    THEMES,
    Resource,
    canonical_theme,
)

INTEGER_FIELDS = frozenset({"capacity", "booking_notice_days", "grant_min_eur", "grant_max_eur"})
BOOLEAN_FIELDS = frozenset(
    {
        "wheelchair_accessible",
        "food_allowed",
        "association_required",
        "rolling",
        "newcomers_welcome",
    }
)
DATE_FIELDS = frozenset({"verified_on", "deadline"})
LIST_FIELDS = frozenset({"themes", "territories", "eligibility", "equipment", "support", "skills"})
KNOWN = frozenset(f.name for f in fields(Resource)) - {"extra", "external_id"} | {
    "id",
    "territory",
}
TRUE = frozenset({"true", "yes", "oui", "vrai", "1", "o", "y"})
FALSE = frozenset({"false", "no", "non", "faux", "0", "n"})
_STRONG_SPLIT = re.compile(r"\s*[;|]\s*")
_COMMA_SPLIT = re.compile(r"\s*,\s*")


def as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    splitter = _STRONG_SPLIT if (";" in text or "|" in text) else _COMMA_SPLIT
    return [v for v in splitter.split(text) if v]


def resource_from_mapping(
    row: dict[str, Any], place: str, problems: Problems, known_territories: frozenset[str]
) -> Resource | None:
    """A Resource from a flat mapping, or None when it cannot be one (problems say why)."""
    values: dict[str, Any] = {}
    for key, raw in row.items():
        if key not in KNOWN:
            problems.warn(place, "unknown_field", field=key)
            continue
        if raw is None or raw == "" or raw == []:
            continue
        if key in ("id", "name"):
            values[key] = str(raw).strip()
        elif key in INTEGER_FIELDS:
            number = _integer(raw)
            if number is None:
                problems.error(place, "bad_integer", field=key, value=raw)
            values[key] = number
        elif key in BOOLEAN_FIELDS:
            flag = _boolean(raw)
            if flag is None:
                problems.error(place, "bad_boolean", field=key, value=raw)
            values[key] = flag
        elif key in DATE_FIELDS:
            day = _date(raw)
            if day is None:
                problems.error(place, "bad_date", field=key, value=raw)
            values[key] = day
        elif key in LIST_FIELDS:
            values[key] = as_list(raw)
        elif key == "territory":
            values.setdefault("territories", [])
            values["territories"] = [*as_list(raw), *values["territories"]]
        else:
            values[key] = str(raw).strip()
    for required in ("id", "name"):
        if not values.get(required):
            problems.error(place, "missing_field", field=required)
    kind = values.get("kind")
    if kind is not None and kind not in KINDS:
        problems.error(place, "unknown_kind", value=kind)
    status = values.get("status", "active")
    if status not in STATUSES:
        problems.error(place, "unknown_status", value=status)
    for group in values.get("eligibility", ()):
        if group not in GROUPS:
            problems.error(place, "unknown_group", value=group)
    for support in values.get("support", ()):
        if support not in SUPPORTS:
            problems.error(place, "unknown_support", value=support)
    themes = [canonical_theme(t) for t in values.get("themes", ())]
    for theme in themes:
        if theme not in THEMES:
            problems.warn(place, "unknown_theme", value=theme)
    for area in values.get("territories", ()):
        if area not in known_territories:
            problems.warn(place, "unknown_territory", value=area)
    if not values.get("id") or not values.get("name"):
        return None
    external_id = values.pop("id")
    values["themes"] = themes
    fields: dict[str, Any] = {k: tuple(v) if k in LIST_FIELDS else v for k, v in values.items()}
    return Resource(external_id=external_id, **fields)


def _integer(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    text = str(raw).strip().replace(" ", "").replace("\u202f", "")
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def _boolean(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    return True if text in TRUE else False if text in FALSE else None


def _date(raw: Any) -> date | None:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        return None
