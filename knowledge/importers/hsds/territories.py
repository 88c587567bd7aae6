"""Territories an HSDS directory knows and the city does not yet: learned from the `territory`
taxonomy's terms (their ``parent_id`` hierarchy) so a directory imported before the city's files
still files its services under real places. A term whose chain leads nowhere known, and a
service area naming no known place, are reported, never guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from knowledge.territory import Gazetteer, Territory
from knowledge.text import normalise

# Levels from the deepest term up (département > agglomération > commune > quartier).
LEVELS_UP = ("quartier", "commune", "agglomeration", "departement")
BELOW = {"departement": "agglomeration", "agglomeration": "commune", "commune": "quartier"}


def learn(
    text: str, gazetteer: Gazetteer, resolve: Callable[[str], str | None]
) -> tuple[list[Territory], list[str]]:
    """Territories to add (parents first) and the names that cannot be placed."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return [], []
    terms, areas = _terms_and_areas(document)

    def known(term: dict[str, Any]) -> str | None:
        for label in (term.get("code"), term.get("name")):
            if label and resolve(str(label)):
                return resolve(str(label))
        return None

    depth: dict[str, int] = {}

    def depth_of(term_id: str, seen: frozenset[str] = frozenset()) -> int:
        if term_id in depth:
            return depth[term_id]
        parent = terms[term_id].get("parent_id")
        value = (
            0 if parent not in terms or parent in seen else depth_of(parent, seen | {term_id}) + 1
        )
        depth[term_id] = value
        return value

    deepest = max((depth_of(t) for t in terms), default=0)
    placed: dict[str, str] = {}
    learned: list[Territory] = []
    unplaced: list[str] = []
    taken = {t.id for t in gazetteer.territories}

    def place(term_id: str, seen: frozenset[str] = frozenset()) -> str | None:
        if term_id in placed:
            return placed[term_id]
        term = terms[term_id]
        found = known(term)
        if found is None:
            parent = term.get("parent_id")
            parent_place = None
            if parent in terms and parent not in seen:
                parent_place = place(parent, seen | {term_id})
            if parent and parent_place is None:
                return None  # its chain leads nowhere known
            level = _level(gazetteer, learned, parent_place, deepest - depth_of(term_id))
            found = _new_id(str(term.get("code") or term.get("name") or term_id), taken)
            taken.add(found)
            name = str(term.get("name") or term.get("code") or found)
            learned.append(Territory(found, name, level, parent_place))
        placed[term_id] = found
        return found

    for term_id, term in terms.items():
        if place(term_id) is None:
            unplaced.append(str(term.get("name") or term.get("code") or term_id))
    names = {normalise(t.name) for t in learned}
    for area in sorted(areas):
        if not resolve(area) and normalise(area) not in names:
            unplaced.append(area)
    return learned, sorted(set(unplaced))


def _terms_and_areas(document: Any) -> tuple[dict[str, dict[str, Any]], set[str]]:
    terms: dict[str, dict[str, Any]] = {}
    areas: set[str] = set()
    items = document if isinstance(document, list) else [document]
    for item in items:
        if not isinstance(item, dict):
            continue
        services = item.get("services") if "services" in item else [item]
        for service in services or []:
            if not isinstance(service, dict):
                continue
            for attribute in service.get("attributes") or []:
                term = (attribute or {}).get("taxonomy_term") or {}
                family = str((attribute or {}).get("link_type") or "").lower()
                if family == "territory" and term.get("id"):
                    terms[str(term["id"])] = term
            for area in service.get("service_areas") or []:
                if isinstance(area, dict) and area.get("name"):
                    areas.add(str(area["name"]))
    return terms, areas


def _level(gazetteer: Gazetteer, learned: list[Territory], parent: str | None, height: int) -> str:
    if parent is not None:
        level = gazetteer.level(parent) or next((t.level for t in learned if t.id == parent), None)
        if level in BELOW:
            return BELOW[level]
    return LEVELS_UP[min(max(height, 0), len(LEVELS_UP) - 1)]


def _new_id(label: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", normalise(label)).strip("-")[:56] or "territoire"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate
