"""The matcher: an idea (text, quartier, group, needs) → ranked, explained suggestions. Pure.

Steps: understand the idea (lexicon: themes, needs, equipment, food, wheelchair, head count;
typo-tolerant words) → gather candidates from the catalogue's inverted index (BM25 over words,
plus concept terms for themes, needs and equipment) → drop what the hard rules forbid → score
with text, themes, needs, geography and facts → keep one good resource per stated need, then
the best of the rest, without near-duplicates. Nothing here touches a database.

Hard rules, never broken: nothing inactive or expired; nothing reserved to associations for an
individual or an informal group; nothing of another commune; no room without step-free access
when the idea mentions a wheelchair; no room too small, or forbidding food, when the idea needs it.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz

from knowledge.catalogue import STEM_MIN, Catalogue, Entry, Nearby
from knowledge.resources import KITCHENS
from knowledge.vocabulary import stem_key
from routing.matching.idea_reading import IdeaQuery, Understanding, understand
from routing.reasons import Reason

POOL = 100
NEED_POOL = 12  # candidates per stated need, added to the pool whatever their words
NEED_BUCKET_CAP = 60  # read per need and geographic bucket
TEXT_POSTINGS_CAP = 1000  # impact-ordered: the weakest postings of very common words are skipped
STEM_POSTINGS_CAP = 300  # a word's family adds its strongest documents only
CONCEPT_BUCKET_CAP = 150  # per concept and territory bucket
THEME_WEIGHT = 1.3
NEED_WEIGHT = 0.9
EQUIPMENT_WEIGHT = 0.8
TEXT_FLOOR = 4.0
DUPLICATE_SIMILARITY = 90.0
NEED_PICK_FLOOR = 0.3  # a need's pick must score at least this share of the best score
TAIL_CAPS = (3, 10)  # after the first cards: at most three of a kind, unless nothing else
MAX_PER_KIND = 2  # without stated needs, show a spread of kinds
FIRST_CARDS = 5  # what the resident sees first
NEED_SLOTS = 3  # of the first five, how many go to the stated needs (shared between them)
BROAD_THEMES = 5  # an entry tagged with this many themes serves any idea
NARROW_PENALTY = 0.7
BROAD_CREDIT = 0.5  # theme fit granted to a broad entry
TEXT_WEIGHT = 0.45
THEMES_WEIGHT = 0.2
NEED_FIT_WEIGHT = 0.22
FACTS_WEIGHT = 0.05
GEO_WEIGHT = 0.08
ROOM_GEO_WEIGHT = 0.15  # a room nearby is easier to use than one across town
CONTACT_GEO_WEIGHT = 0.3
STEPS_PENALTY = 0.9
OTHER_QUARTIER = 0.8  # an entry placed in another quartier than the resident's
OTHER_QUARTIER_CONTACT = 0.7  # a person placed in another quartier is someone else's


@dataclass(frozen=True)
class Suggestion:
    external_id: str
    kind: str | None
    name: str
    score: float
    need: str | None
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class MatchResult:
    suggestions: tuple[Suggestion, ...]
    unmet_needs: tuple[str, ...]
    understood: Understanding
    excluded: dict[str, int] = field(default_factory=dict)

    def for_need(self, need: str) -> list[Suggestion]:
        return [s for s in self.suggestions if s.need == need]


def exclusion(entry: Entry, idea: Understanding, home: str | None, today: date) -> str | None:
    """Why a hard rule forbids suggesting this entry for this idea, or None."""
    resource = entry.resource
    if not resource.is_suggestible(today):
        return "expired" if resource.status == "active" else "inactive"
    if idea.group in ("alone", "informal") and entry.associations_only:
        return "association_only"
    if idea.group and resource.eligibility and idea.group not in resource.eligibility:
        return "not_eligible"
    if entry.communes and "*" not in entry.communes and home not in entry.communes:
        return "other_commune"
    # A room must be known to be step-free; any other place stated as not step-free is out too.
    step_free = resource.wheelchair_accessible
    if idea.wheelchair and (step_free is False or (entry.kind == "room" and step_free is None)):
        return "not_step_free"
    if idea.headcount and resource.capacity is not None and resource.capacity < idea.headcount:
        return "too_small"
    if idea.food and resource.food_allowed is False:
        return "no_food"
    cooking = idea.equipment & KITCHENS
    if cooking and entry.kind == "room" and not entry.equipment & KITCHENS:
        return "no_kitchen"  # the idea asks for a kitchen; nothing says this room has one
    return None


class _Scored:
    __slots__ = ("entry", "need", "score", "text")

    def __init__(self, entry: Entry, score: float, text: float) -> None:
        self.entry = entry
        self.score = score
        self.text = text
        self.need: str | None = None


def match(catalogue: Catalogue, query: IdeaQuery, today: date) -> MatchResult:
    idea = understand(catalogue, query)
    home = idea.commune or catalogue.home_commune
    nearby = catalogue.nearby(idea.quartier, home)
    text_scores, prelim = _accumulate(catalogue, idea, nearby)
    pool = heapq.nlargest(POOL, prelim, key=prelim.__getitem__)
    entries = catalogue.entries
    excluded: dict[str, int] = defaultdict(int)
    verdicts: dict[int, str | None] = {}  # each entry's exclusion, found once per idea
    valid: list[int] = []
    for i in pool:
        why = verdicts[i] = exclusion(entries[i], idea, home, today)
        if why:
            excluded[why] += 1
        else:
            valid.append(i)

    def allowed_entry(i: int) -> bool:
        if i not in verdicts:
            verdicts[i] = exclusion(entries[i], idea, home, today)
        return verdicts[i] is None

    # Each stated need brings its best allowed candidates near the resident into the pool,
    # whatever their words: a generic fund answers "some money" for any idea.
    for need in idea.needs:
        near = {
            i
            for found in catalogue.concept_lists("#n:" + need, nearby, NEED_BUCKET_CAP)
            for i in found
        }
        ranked = heapq.nlargest(2 * NEED_POOL, near, key=lambda i: prelim.get(i, 0.0))
        valid.extend(itertools.islice(filter(allowed_entry, ranked), NEED_POOL))
    best_text = max((text_scores.get(i, 0.0) for i in valid), default=0.0)
    home_quartier = catalogue.gazetteer.get(idea.quartier) if idea.quartier else None
    neighbours = frozenset(home_quartier.neighbours) if home_quartier else frozenset()
    scored = _scored(entries, dict.fromkeys(valid), idea, text_scores, best_text, neighbours)
    scored.sort(key=lambda s: -s.score)
    picked = _pick(scored, idea, query.top)
    unmet = tuple(need for need in idea.needs if not any(need in s.entry.serves for s in scored))
    suggestions = tuple(_suggestion(s, idea, catalogue) for s in picked)
    return MatchResult(suggestions, unmet, idea, dict(excluded))


def _accumulate(
    catalogue: Catalogue, idea: Understanding, nearby: Nearby
) -> tuple[dict[int, float], dict[int, float]]:
    """BM25 over words (text), then words plus concepts read near the resident (total)."""
    text: dict[int, float] = defaultdict(float)
    idf = catalogue.idf
    postings = catalogue.postings
    query_terms: dict[str, float] = {}
    for word in idea.words:
        query_terms[word] = 1.0
        # A word's family (jardin, jardinage) meets through its stem, unless the word
        # itself is already common enough to find its documents.
        if len(word) > STEM_MIN and len(postings.get(word, ())) < TEXT_POSTINGS_CAP // 3:
            query_terms.setdefault(stem_key(word), 1.0)
    for word, weight in query_terms.items():
        factor = idf.get(word, 0.0) * weight
        if factor <= 0:
            continue
        cap = STEM_POSTINGS_CAP if word[0] == "~" else TEXT_POSTINGS_CAP
        for i, w in postings.get(word, ())[:cap]:
            text[i] += factor * w
    total: dict[int, float] = defaultdict(float, text)
    concepts = [("#t:" + t, THEME_WEIGHT) for t in idea.themes]
    concepts += [("#n:" + n, NEED_WEIGHT) for n in idea.needs]
    concepts += [("#e:" + e, EQUIPMENT_WEIGHT) for e in idea.equipment]
    for key, weight in concepts:
        factor = idf.get(key, 0.0) * weight
        for found in catalogue.concept_lists(key, nearby, CONCEPT_BUCKET_CAP):
            for i in found:
                total[i] += factor
    return text, total


# A place's weight in the score by kind: a person to call is first someone of the resident's
# own quartier, and a room nearby is easier to use than one across town.
_GEO_WEIGHTS: dict[str | None, float] = {"contact": CONTACT_GEO_WEIGHT, "room": ROOM_GEO_WEIGHT}


def _scored(
    entries: Sequence[Entry],
    candidates: Iterable[int],
    idea: Understanding,
    text_scores: dict[int, float],
    best_text: float,
    neighbours: frozenset[str],
) -> list[_Scored]:
    """Each candidate's score, in the candidates' order: its words' relevance (``text`` over
    the best candidate's, at least ``TEXT_FLOOR``), themes, needs, geography and facts.
    ``neighbours``: the quartiers next to the resident's (``_geography``'s "nearby"). One loop
    with what the idea says read once (about 40 candidates a match), the same arithmetic in
    the same order as a call per candidate made (issue 18, session 14)."""
    scale = max(best_text, TEXT_FLOOR)
    idea_themes = idea.themes
    needs = idea.needs
    quartier = idea.quartier
    headcount, wheelchair, food = idea.headcount, idea.wheelchair, idea.food
    equipment, group = idea.equipment, idea.group
    get_text = text_scores.get
    out: list[_Scored] = []
    for i in candidates:
        entry = entries[i]
        text = get_text(i, 0.0)
        resource = entry.resource
        kind = entry.kind
        entry_themes = entry.themes
        relevance = text / scale
        broad = not entry_themes or len(entry_themes) >= BROAD_THEMES
        shared: frozenset[str] = frozenset()
        themes = 0.0
        if idea_themes and entry_themes:
            shared = idea_themes & entry_themes
            themes = len(shared) / len(idea_themes)
            if broad:
                themes = max(themes, BROAD_CREDIT)
        need_fit = (0.0 if entry.serves.isdisjoint(needs) else 1.0) if needs else 0.5
        # the geography's score alone (``_geography``'s, no reason built)
        quartiers = entry.quartiers
        if quartier and quartier in quartiers:
            geo = 1.0
        elif quartier and not quartiers.isdisjoint(neighbours):
            geo = 0.6
        elif entry.town_wide:
            geo = 0.45 if "*" in entry.communes else 0.5
        elif quartiers:
            geo = 0.15 if quartier else 0.35
        else:
            geo = 0.35
        facts = 0.0
        if kind == "room":
            if headcount and resource.capacity and resource.capacity >= headcount:
                facts += 0.5
            if wheelchair and resource.wheelchair_accessible:
                facts += 0.5
            if food and not entry.equipment.isdisjoint(KITCHENS):
                facts += 0.5
        if equipment and not equipment.isdisjoint(entry.equipment):
            facts += 0.5
        if group and group in resource.eligibility:
            facts += 0.3
        geo_weight = _GEO_WEIGHTS.get(kind, GEO_WEIGHT)
        score = (
            TEXT_WEIGHT * min(relevance, 1.0) + THEMES_WEIGHT * themes + NEED_FIT_WEIGHT * need_fit
        )
        score += geo_weight * geo + FACTS_WEIGHT * min(facts, 1.0)
        if (kind == "grant" or kind == "sponsor") and idea_themes and not broad and not shared:
            score *= NARROW_PENALTY  # a fund or sponsor for other themes
        if group is None and entry.associations_only:
            score *= 0.85
        if quartier and quartiers and quartier not in quartiers:
            # Placed in another quartier: someone else's person to call, a room across town.
            score *= OTHER_QUARTIER_CONTACT if kind == "contact" else OTHER_QUARTIER
        if kind == "room" and resource.wheelchair_accessible is False:
            score *= STEPS_PENALTY  # not asked for, but a place everyone can reach comes first
        out.append(_Scored(entry, round(score, 4), text))
    return out


def _geography(
    catalogue: Catalogue, entry: Entry, quartier: str | None
) -> tuple[float, Reason | None]:
    gazetteer = catalogue.gazetteer
    if quartier and quartier in entry.quartiers:
        return 1.0, Reason("same_quartier", {"quartier": gazetteer.name(quartier)})
    if quartier:
        home = gazetteer.get(quartier)
        near = [q for q in (home.neighbours if home else ()) if q in entry.quartiers]
        if near:
            return 0.6, Reason("nearby", {"quartier": gazetteer.name(near[0])})
    if entry.town_wide:
        if "*" in entry.communes:
            return 0.45, Reason("area_wide")
        return 0.5, Reason("town_wide")
    if entry.quartiers:
        return (0.15 if quartier else 0.35), None
    return 0.35, None


def _duplicate(candidate: _Scored, picked: Iterable[_Scored]) -> bool:
    """Same kind and nearly the same name as something already picked (a near-duplicate)."""
    entry = candidate.entry
    return any(
        other.entry.kind == entry.kind
        and fuzz.token_sort_ratio(other.entry.key, entry.key) >= DUPLICATE_SIMILARITY
        for other in picked
    )


def _pick(scored: list[_Scored], idea: Understanding, top: int) -> list[_Scored]:
    """The cards in the order the resident sees them: the best answer to each stated need
    first, then more answers to the needs (``NEED_SLOTS`` in all), then the best of the rest,
    a spread of kinds when no need was stated. A longer list starts with the shorter one."""
    if not scored:
        return []
    floor = scored[0].score * NEED_PICK_FLOOR
    picked: list[_Scored] = []
    per_need = max(1, NEED_SLOTS // max(1, len(idea.needs)))
    queues = {need: [c for c in scored if need in c.entry.serves] for need in idea.needs}
    for _ in range(per_need):
        chosen: list[_Scored] = []
        for need in idea.needs:
            for candidate in queues[need]:
                if candidate in picked or candidate in chosen or candidate.score < floor:
                    continue
                if _duplicate(candidate, [*picked, *chosen]):
                    continue
                candidate.need = need
                chosen.append(candidate)
                break
        chosen.sort(key=lambda s: -s.score)
        picked.extend(chosen)
    limit = top if idea.needs else MAX_PER_KIND
    _fill(picked, scored, idea, min(top, FIRST_CARDS), (limit, top))
    if top > FIRST_CARDS:
        _fill(picked, scored, idea, top, TAIL_CAPS)
    # The first cards, best first: the needs are covered, the strongest answer leads.
    head = sorted(picked[:FIRST_CARDS], key=lambda s: -s.score)
    if idea.needs and head and head[0].need is None:  # the first card answers a stated need
        lead = next((s for s in head if s.need is not None), None)
        if lead is not None:
            head.remove(lead)
            head.insert(0, lead)
    return [*head, *picked[FIRST_CARDS:top]]


def _fill(
    picked: list[_Scored],
    scored: list[_Scored],
    idea: Understanding,
    upto: int,
    caps: tuple[int, ...],
) -> None:
    per_kind: dict[str | None, int] = defaultdict(int)
    for candidate in picked:
        per_kind[candidate.entry.kind] += 1
    for pass_limit in caps:
        for candidate in scored:
            if len(picked) >= upto:
                return
            if candidate in picked or per_kind[candidate.entry.kind] >= pass_limit:
                continue
            if not _duplicate(candidate, picked):
                per_kind[candidate.entry.kind] += 1
                candidate.need = next((n for n in idea.needs if n in candidate.entry.serves), None)
                picked.append(candidate)


def _suggestion(scored: _Scored, idea: Understanding, catalogue: Catalogue) -> Suggestion:
    """The card: what the resource does for this idea first, then the need it answers, where
    it is and the facts that decide. No reason quotes the resident's words back."""
    entry = scored.entry
    resource = entry.resource
    reasons: list[Reason] = [*_headline(entry, idea)]
    if scored.need and not reasons:
        reasons.append(Reason("need", {"need": scored.need}))
    common = sorted(idea.themes & entry.themes)
    if common and entry.kind not in ("room",):
        reasons.append(Reason("themes", {"themes": common[:2]}))
    geo = _geography(catalogue, entry, idea.quartier)[1]
    if geo:
        reasons.append(geo)
    reasons.extend(_fact_reasons(entry, idea))
    return Suggestion(
        external_id=resource.external_id,
        kind=entry.kind,
        name=resource.name,
        score=scored.score,
        need=scored.need,
        reasons=tuple(reasons),
    )


def _headline(entry: Entry, idea: Understanding) -> list[Reason]:
    """One sentence saying what the resource does, built from its facts."""
    r = entry.resource
    if entry.kind == "room":
        step_free = bool(r.wheelchair_accessible)
        if r.capacity:
            code = "lends_room_step_free" if step_free else "lends_room"
            return [Reason(code, {"capacity": r.capacity})]
        return [Reason("lends_step_free_room" if step_free else "lends_room_plain")]
    if entry.kind == "grant" or (entry.kind == "sponsor" and "financial" in r.support):
        who = _who(r.eligibility, entry.associations_only, idea.group)
        if r.grant_min_eur and r.grant_max_eur:
            return [
                Reason(
                    "funds_from_to", {"who": who, "min": r.grant_min_eur, "max": r.grant_max_eur}
                )
            ]
        if r.grant_max_eur:
            return [Reason("funds_up_to", {"who": who, "max": r.grant_max_eur})]
        if entry.kind == "grant":
            return [Reason("funds", {"who": who})]
    return []


def _who(eligibility: tuple[str, ...], associations_only: bool, group: str | None) -> str:
    """Whom a fund is for, as the resident would put it: their own kind of group first."""
    if associations_only:
        return "for_association"
    if group and group in eligibility:
        return "for_" + group
    if eligibility and len(eligibility) == 1:
        return "for_" + eligibility[0]
    return "for_anyone"


def _fact_reasons(entry: Entry, idea: Understanding) -> list[Reason]:
    r = entry.resource
    out: list[Reason] = []
    if entry.kind == "room":
        if idea.food and r.food_allowed:
            out.append(Reason("food_allowed"))
        wanted = sorted((idea.equipment | (KITCHENS if idea.food else set())) & entry.equipment)
        if wanted:
            out.append(Reason("equipment", {"equipment": wanted}))
        if r.booking_notice_days:
            out.append(Reason("booking_notice", {"days": r.booking_notice_days}))
    elif entry.kind == "grant":
        if r.rolling:
            out.append(Reason("rolling"))
        elif r.deadline:
            out.append(Reason("deadline", {"date": r.deadline.isoformat()}))
    elif entry.kind == "sponsor" and r.support:
        support = [s if s != "skills" else "skills_support" for s in r.support]
        out.append(Reason("support", {"support": support}))
    elif entry.kind == "contact" and r.skills:
        out.append(Reason("skills", {"skills": list(r.skills[:3])}))
    elif entry.kind == "legal" and r.opening_hours:
        out.append(Reason("opening_hours", {"hours": r.opening_hours}))
    elif entry.kind == "initiative" and r.newcomers_welcome:
        out.append(Reason("newcomers"))
    if idea.group is None and entry.associations_only:
        out.append(Reason("association_only"))
    return out
