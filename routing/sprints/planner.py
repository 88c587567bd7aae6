"""The sprint planner, pure: two consecutive working days, a panel of 3–5 people, a room.

For an idea it returns the three best options (the earliest, the best-covered, the nearest),
each with its reasons as codes, or explains why none exists. No database, no clock: the caller
passes plain values (people, rooms, what is already taken) and "today".

Hard rules, never broken by an option (property-tested in ``tests/unit/test_sprint_planner.py``):

- the two days are consecutive calendar days, Monday to Friday, neither a French public
  holiday, on or after ``earliest`` and on or before ``latest`` (Friday and Monday are *not*
  consecutive);
- the panel has ``panel_min``–``panel_max`` people including one facilitator, each working
  on both weekdays by their pattern, absent or booked on neither day, and under their monthly
  cap in the month of the first day;
- the room is free on both days, seats everyone, is step-free when the idea needs it, and is in
  the resident's quartier or near it (``max_distance``).

Soft goals, used to rank: cover the idea's needed skills (a greedy weighted set cover, each
person's weight growing with their load, so the load is spread), people who know the quartier,
the nearest room, the earliest dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from infra.views import view_of
from routing.reasons import Reason
from routing.sprints.planning_terms import (
    AWAY,
    FACILITATION,
    NEAR,
    TOWN,
    Option,
    Person,
    Plan,
    Request,
    Room,
    Rules,
)
from routing.sprints.working_days import day_pairs


@dataclass
class _Candidate:
    day1: date
    day2: date
    room_id: int
    distance: int
    panel: tuple[int, ...]
    facilitator_id: int
    covered: frozenset[str]


class Planner:
    """Indexes people and rooms once, then answers for one request.

    The indexes (people by weekday, days taken, people at their cap per month, skill bit masks,
    rooms by distance) make one day pair cost a few set operations, so a 90-day horizon with
    500 people and 50 rooms is planned in milliseconds (``bench/sprint_planner.py``).
    """

    def __init__(
        self,
        people: Sequence[Person],
        rooms: Sequence[Room],
        rules: Rules,
    ) -> None:
        self.rules = rules
        self.people = {p.id: p for p in people}
        self.rooms = list(rooms)
        self.by_weekday: dict[int, set[int]] = {d: set() for d in range(7)}
        self.busy: dict[date, set[int]] = {}
        self.capped: dict[tuple[int, int], set[int]] = {}
        self.facilitators = {p.id for p in people if FACILITATION in p.skills}
        for person in people:
            if person.monthly_cap <= 0:
                continue  # a cap of 0: not sitting on panels at the moment
            for weekday in person.weekdays:
                self.by_weekday[weekday].add(person.id)
            for day in person.busy:
                self.busy.setdefault(day, set()).add(person.id)
            for month, count in person.load.items():
                if count >= person.monthly_cap:
                    self.capped.setdefault(month, set()).add(person.id)
        self.room_busy: dict[date, set[int]] = {}
        for room in rooms:
            for day in room.busy:
                self.room_busy.setdefault(day, set()).add(room.id)

    def plan(self, request: Request, near: Mapping[str, int] | None = None) -> Plan:
        rules = self.rules
        near = near or {}
        known = set().union(*(p.skills for p in self.people.values())) if self.people else set()
        needed = frozenset(request.needed)
        unknown = frozenset(needed - known)
        coverable = sorted(needed & known)
        bit = {skill: 1 << i for i, skill in enumerate(coverable)}
        masks = {p.id: sum(bit[s] for s in p.skills if s in bit) for p in self.people.values()}
        full = (1 << len(coverable)) - 1
        pairs = day_pairs(request.earliest, request.latest, rules)
        if not pairs:
            return Plan((), needed, unknown, (Reason("sprint_no_days"),))
        if not self.facilitators:
            return Plan((), needed, unknown, (Reason("sprint_no_facilitator"),))
        rooms = self._eligible_rooms(request, near)
        if not rooms:
            return Plan((), needed, unknown, self._room_problems(request, near))
        knows_quartier = self._knows_quartier(request.quartier, near)
        best_distance = rooms[0][0]
        candidates: list[_Candidate] = []
        short = rooms_busy = 0
        best_covered = -1
        for day1, day2 in pairs:
            free = self._free_people(day1, day2)
            if len(free) < rules.panel_min or not free & self.facilitators:
                short += 1
                continue
            taken = self.room_busy.get(day1, set()) | self.room_busy.get(day2, set())
            room = next(((d, r) for d, r in rooms if r.id not in taken), None)
            if room is None:
                rooms_busy += 1
                continue
            panel, facilitator, mask = self._panel(
                free, masks, full, (day1.year, day1.month), knows_quartier
            )
            covered = frozenset(s for s in coverable if mask & bit[s])
            candidates.append(
                _Candidate(day1, day2, room[1].id, room[0], panel, facilitator, covered)
            )
            best_covered = max(best_covered, len(covered))
            if self._enough(candidates, len(coverable), best_distance):
                break
        if not candidates:
            problems = []
            if short:
                problems.append(Reason("sprint_nobody_free"))
            if rooms_busy:
                problems.append(Reason("sprint_rooms_busy"))
            return Plan((), needed, unknown, tuple(problems))
        chosen = self._choose(candidates)
        options = tuple(
            self._option(candidate, kind, needed, request) for kind, candidate in chosen
        )
        return Plan(options, needed, unknown)

    # -- pieces --------------------------------------------------------------------------------

    def _skill_masks(
        self, needed: frozenset[str]
    ) -> tuple[list[str], dict[str, int], dict[int, int]]:
        """The needed skills someone has, one bit each, and each person's bits."""
        known: set[str] = set().union(*(p.skills for p in self.people.values()))
        coverable = sorted(needed & known)
        bit = {skill: 1 << i for i, skill in enumerate(coverable)}
        masks = {p.id: sum(bit[s] for s in p.skills if s in bit) for p in self.people.values()}
        return coverable, bit, masks

    def _eligible_rooms(self, request: Request, near: Mapping[str, int]) -> list[tuple[int, Room]]:
        out = []
        for room in self.rooms:
            if room.capacity is None or room.capacity < request.attendees:
                continue
            if request.step_free and room.step_free is not True:
                continue
            distance = self._distance(room, near)
            if distance > self.rules.max_distance:
                continue
            out.append((distance, room))
        out.sort(key=lambda pair: (pair[0], pair[1].id))
        return out

    @staticmethod
    def _distance(room: Room, near: Mapping[str, int]) -> int:
        if not near:
            return TOWN
        if room.territory is None:
            return AWAY
        return near.get(room.territory, AWAY)

    def _room_problems(self, request: Request, near: Mapping[str, int]) -> tuple[Reason, ...]:
        big = [r for r in self.rooms if r.capacity is not None and r.capacity >= request.attendees]
        if not big:
            return (Reason("sprint_no_room_big_enough", {"attendees": request.attendees}),)
        if request.step_free and not any(r.step_free is True for r in big):
            return (Reason("sprint_no_room_step_free"),)
        return (Reason("sprint_no_room_near"),)

    def _knows_quartier(self, quartier: str | None, near: Mapping[str, int]) -> set[int]:
        if not quartier:
            return set(self.people)
        close = {t for t, d in near.items() if d <= NEAR} | {quartier}
        return {p.id for p in self.people.values() if not p.territories or p.territories & close}

    def _free_people(self, day1: date, day2: date) -> set[int]:
        free = self.by_weekday[day1.weekday()] & self.by_weekday[day2.weekday()]
        for taken in (
            self.busy.get(day1),
            self.busy.get(day2),
            self.capped.get((day1.year, day1.month)),
        ):
            if taken:
                free = free - taken
        return free

    def _cost(self, person_id: int, month: tuple[int, int], local: set[int]) -> float:
        person = self.people[person_id]
        return 1.0 + person.load.get(month, 0) + (0.0 if person_id in local else 0.5)

    def _panel(
        self,
        free: set[int],
        masks: Mapping[int, int],
        full: int,
        month: tuple[int, int],
        local: set[int],
    ) -> tuple[tuple[int, ...], int, int]:
        """A facilitator, then a greedy weighted set cover of the needed skills, then the
        least-loaded people up to the minimum size. Ties break on the id, so it is stable."""
        rules = self.rules
        cost = {pid: self._cost(pid, month, local) for pid in free}

        def gain_key(pid: int, uncovered: int) -> tuple[float, float, int]:
            gain = (masks[pid] & uncovered).bit_count()
            return (gain / cost[pid], -cost[pid], -pid)

        facilitator = max(free & self.facilitators, key=lambda pid: gain_key(pid, full))
        panel = [facilitator]
        covered = masks[facilitator]
        helpers = [pid for pid in free if masks[pid] and pid != facilitator]
        while covered != full and len(panel) < rules.panel_max and helpers:
            uncovered = full & ~covered
            best = max(helpers, key=lambda pid: gain_key(pid, uncovered))
            if not masks[best] & uncovered:
                break
            panel.append(best)
            covered |= masks[best]
            helpers.remove(best)
        if len(panel) < rules.panel_min:
            rest = sorted(
                (pid for pid in free if pid not in panel), key=lambda pid: (cost[pid], pid)
            )
            panel.extend(rest[: rules.panel_min - len(panel)])
        return tuple(panel), facilitator, covered

    def _enough(self, candidates: list[_Candidate], coverable: int, best_distance: int) -> bool:
        """Stop scanning once the earliest option is known and a fully covered one and a
        nearest one are in hand on days apart from it: later dates only come later."""
        if len(candidates) < 2 * self.rules.options:
            return False
        first = candidates[0]
        apart = [c for c in candidates[1:] if not {c.day1, c.day2} & {first.day1, first.day2}]
        return any(len(c.covered) == coverable for c in apart) and any(
            c.distance == best_distance for c in apart
        )

    def _choose(self, candidates: list[_Candidate]) -> list[tuple[str, _Candidate]]:
        """Earliest, best coverage, nearest: three genuinely different options (distinct day
        pairs, no shared day when possible), then the next earliest ones to make three."""
        chosen: list[tuple[str, _Candidate]] = [("earliest", candidates[0])]

        def clashes(c: _Candidate, strict: bool) -> bool:
            for _, other in chosen:
                if c is other or c.day1 == other.day1:
                    return True
                if strict and {c.day1, c.day2} & {other.day1, other.day2}:
                    return True
            return False

        keys = {
            "coverage": lambda c: (-len(c.covered), c.distance, c.day1),
            "nearest": lambda c: (c.distance, -len(c.covered), c.day1),
        }
        for kind in ("coverage", "nearest"):
            for strict in (True, False):
                pool = [c for c in candidates if not clashes(c, strict)]
                if pool:
                    chosen.append((kind, min(pool, key=keys[kind])))
                    break
        for candidate in candidates:
            if len(chosen) >= self.rules.options:
                break
            if not clashes(candidate, strict=False):
                chosen.append(("earliest", candidate))
        return chosen[: self.rules.options]

    def _option(
        self, candidate: _Candidate, kind: str, needed: frozenset[str], request: Request
    ) -> Option:
        missing = needed - candidate.covered
        reasons = [Reason(f"sprint_{kind}")]
        if candidate.covered:
            reasons.append(Reason("sprint_covers", {"skills": sorted(candidate.covered)}))
        if missing:
            reasons.append(Reason("sprint_missing", {"skills": sorted(missing)}))
        reasons.append(Reason("sprint_panel", {"count": len(candidate.panel)}))
        reasons.append(
            Reason(("sprint_room_same", "sprint_room_near", "sprint_room_town")[candidate.distance])
            if candidate.distance <= TOWN
            else Reason("sprint_room_town")
        )
        if request.step_free:
            reasons.append(Reason("step_free"))
        return view_of(
            Option, candidate, missing=frozenset(missing), kind=kind, reasons=tuple(reasons)
        )


def evaluate(
    planner: Planner, request: Request, near: Mapping[str, int] | None, day1: date, room_id: int
) -> Option | None:
    """The option on ``day1`` and the next day in this room, if every hard rule still holds
    (the resident chose it from an earlier list; the world may have moved since)."""
    day2 = day1 + timedelta(days=1)
    if (day1, day2) not in day_pairs(request.earliest, request.latest, planner.rules):
        return None
    near = near or {}
    eligible = planner._eligible_rooms(request, near)
    room = next(((d, r) for d, r in eligible if r.id == room_id), None)
    if room is None:
        return None
    taken = planner.room_busy.get(day1, set()) | planner.room_busy.get(day2, set())
    free = planner._free_people(day1, day2)
    if room_id in taken or len(free) < planner.rules.panel_min or not free & planner.facilitators:
        return None
    needed = frozenset(request.needed)
    coverable, bit, masks = planner._skill_masks(needed)
    local = planner._knows_quartier(request.quartier, near)
    panel, facilitator, mask = planner._panel(
        free, masks, (1 << len(coverable)) - 1, (day1.year, day1.month), local
    )
    covered = frozenset(s for s in coverable if mask & bit[s])
    candidate = _Candidate(day1, day2, room_id, room[0], panel, facilitator, covered)
    return planner._option(candidate, "chosen", needed, request)


def plan(
    request: Request,
    people: Sequence[Person],
    rooms: Sequence[Room],
    rules: Rules,
    near: Mapping[str, int] | None = None,
) -> Plan:
    return Planner(people, rooms, rules).plan(request, near)


def option_for(plan_: Plan, day1: date, room_id: int) -> Option | None:
    """The option of a plan on these dates in this room, if it is still there."""
    return next((o for o in plan_.options if o.day1 == day1 and o.room_id == room_id), None)
