"""``bench.turn_ab``'s session-14 variants (issue 18): the submission turn's CPU, SQLite first.
Each switch puts the tree's way (B, ``on``) or the way before (A) in place; see bench/README.md
("Session 14: the submission turn")."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from infra import orm
from knowledge.catalogue import Entry
from knowledge.resources import KITCHENS
from routing.matching import matcher, suggestions
from routing.matching.idea_reading import Understanding
from routing.matching.matcher import (
    _GEO_WEIGHTS,
    BROAD_CREDIT,
    BROAD_THEMES,
    FACTS_WEIGHT,
    GEO_WEIGHT,
    NARROW_PENALTY,
    NEED_FIT_WEIGHT,
    OTHER_QUARTIER,
    OTHER_QUARTIER_CONTACT,
    STEPS_PENALTY,
    TEXT_FLOOR,
    TEXT_WEIGHT,
    THEMES_WEIGHT,
    _Scored,
)
from routing.reasons import Reason

# ---- the candidates' scores: a call per candidate (before 14) ---------------------------------


def _geo_score(entry: Entry, quartier: str | None, neighbours: frozenset[str]) -> float:
    quartiers = entry.quartiers
    if quartier:
        if quartier in quartiers:
            return 1.0
        if not quartiers.isdisjoint(neighbours):
            return 0.6
    if entry.town_wide:
        return 0.45 if "*" in entry.communes else 0.5
    if quartiers:
        return 0.15 if quartier else 0.35
    return 0.35


def _score(
    entry: Entry, idea: Understanding, text: float, best_text: float, neighbours: frozenset[str]
) -> _Scored:
    resource = entry.resource
    kind = entry.kind
    entry_themes = entry.themes
    idea_themes = idea.themes
    relevance = text / max(best_text, TEXT_FLOOR)
    broad = not entry_themes or len(entry_themes) >= BROAD_THEMES
    shared: frozenset[str] = frozenset()
    themes = 0.0
    if idea_themes and entry_themes:
        shared = idea_themes & entry_themes
        themes = len(shared) / len(idea_themes)
        if broad:
            themes = max(themes, BROAD_CREDIT)
    needs = idea.needs
    need_fit = (0.0 if entry.serves.isdisjoint(needs) else 1.0) if needs else 0.5
    geo = _geo_score(entry, idea.quartier, neighbours)
    facts = 0.0
    if kind == "room":
        if idea.headcount and resource.capacity and resource.capacity >= idea.headcount:
            facts += 0.5
        if idea.wheelchair and resource.wheelchair_accessible:
            facts += 0.5
        if idea.food and not entry.equipment.isdisjoint(KITCHENS):
            facts += 0.5
    if idea.equipment and not idea.equipment.isdisjoint(entry.equipment):
        facts += 0.5
    if idea.group and idea.group in resource.eligibility:
        facts += 0.3
    geo_weight = _GEO_WEIGHTS.get(kind, GEO_WEIGHT)
    score = TEXT_WEIGHT * min(relevance, 1.0) + THEMES_WEIGHT * themes + NEED_FIT_WEIGHT * need_fit
    score += geo_weight * geo + FACTS_WEIGHT * min(facts, 1.0)
    if (kind == "grant" or kind == "sponsor") and idea_themes and not broad and not shared:
        score *= NARROW_PENALTY
    if idea.group is None and entry.associations_only:
        score *= 0.85
    quartier = idea.quartier
    if quartier and entry.quartiers and quartier not in entry.quartiers:
        score *= OTHER_QUARTIER_CONTACT if kind == "contact" else OTHER_QUARTIER
    if kind == "room" and resource.wheelchair_accessible is False:
        score *= STEPS_PENALTY
    return _Scored(entry, round(score, 4), text)


def scored_before(
    entries: Sequence[Entry],
    candidates: Iterable[int],
    idea: Understanding,
    text_scores: dict[int, float],
    best_text: float,
    neighbours: frozenset[str],
) -> list[_Scored]:
    """``matcher._scored`` before: ``_score`` called for each candidate, which read what the
    idea says again each time, and ``_geo_score`` called from it."""
    return [
        _score(entries[i], idea, text_scores.get(i, 0.0), best_text, neighbours) for i in candidates
    ]


# ---- the new suggestions' reasons in the turn's view (before 14) -----------------------------

_PLAIN = frozenset({str, int, float, bool, type(None)})


def as_stored_before(value: Any) -> Any:
    """``suggestions.as_stored`` before: a call for every value, plain ones too."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list or kind is tuple:
        return [as_stored_before(item) for item in value]
    if kind is dict and all(type(key) is str for key in value):
        return {key: as_stored_before(item) for key, item in value.items()}
    return json.loads(json.dumps(value))


def stored_reasons_before(reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
    """The view's reasons before: from the row's dictionaries of them copied (the way before
    took the row's own list, made for the INSERT; here made again: about 1 µs a suggestion)."""
    stored = as_stored_before([r.as_dict() for r in reasons])
    return tuple(Reason(r["code"], r["params"]) for r in stored)


# ---- SQLite's instants (before 14) ------------------------------------------------------------


def utc_text_before(value: datetime | None) -> str | None:
    """``infra.orm.utc_text`` before: every instant converted, the turn's ``now`` each time."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused; use the clock")
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


_scored = matcher._scored
_stored_reasons = suggestions.stored_reasons
_utc_text = orm.utc_text.__code__


def _score_loop(declic: Any, on: bool) -> None:
    """B: the candidates scored in one loop, the idea's facts read once; A: a call each."""
    setattr(matcher, "_scored", _scored if on else scored_before)  # noqa: B010


def _view_reasons(declic: Any, on: bool) -> None:
    """B: the view's reasons made from the match's, plain values not copied by a call of their
    own; A: from their dictionaries, through the recursive copy of every value."""
    setattr(suggestions, "stored_reasons", _stored_reasons if on else stored_reasons_before)  # noqa: B010


def _utc_last(declic: Any, on: bool) -> None:
    """B: ``utc_text`` gives the last instant's text again; A: converts each (the code swapped:
    the compiled statements hold the function)."""
    orm.utc_text.__code__ = _utc_text if on else utc_text_before.__code__


def _submission14(declic: Any, on: bool) -> None:
    """Session 14's cuts to the submission turn together."""
    for switch in (_score_loop, _view_reasons, _utc_last):
        switch(declic, on)


VARIANTS: dict[str, Callable[[Any, bool], None]] = {
    "score_loop": _score_loop,
    "view_reasons": _view_reasons,
    "utc_last": _utc_last,
    "submission14": _submission14,
}
