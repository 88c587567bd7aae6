"""The sprint planner's vocabulary: the panel's skills, the people, rooms and request it plans
with, the town's rules, and the options and plan it returns (plain values, no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from routing.reasons import Reason

FACILITATION = "facilitation"
# The panel's skills (an idea's needs call for them; the directory's themes are skills too).
SKILLS = ("legal", "funding", "space", "communication", "accessibility", FACILITATION)
SAME, NEAR, TOWN, AWAY = 0, 1, 2, 3
OPTION_KINDS = ("earliest", "coverage", "nearest")


@dataclass(frozen=True)
class Person:
    id: int
    skills: frozenset[str]
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    territories: frozenset[str] = frozenset()  # empty: the whole town
    monthly_cap: int = 2
    busy: frozenset[date] = frozenset()  # absences and days already committed
    load: Mapping[tuple[int, int], int] = field(default_factory=dict)  # sprints per month


@dataclass(frozen=True)
class Room:
    id: int
    territory: str | None
    capacity: int | None
    step_free: bool | None
    busy: frozenset[date] = frozenset()


@dataclass(frozen=True)
class Request:
    needed: frozenset[str]  # skill codes
    earliest: date
    latest: date
    quartier: str | None = None
    step_free: bool = False
    attendees: int = 8  # the panel, the resident and a few of their group


@dataclass(frozen=True)
class Rules:
    """The town's rules for sprints; ``tz`` says what "today" is and when a day starts, and the
    public holidays (of ``holidays_country``, "" for none) are not working days; ``locale`` is
    the town's language, for a panel member who chose none. Those four come from the settings
    (``routing.sprints.service.rules_of``) and have no default, so no caller can forget
    DECLIC_TIMEZONE, DECLIC_CASE_HOLIDAYS_COUNTRY or DECLIC_LOCALE."""

    notice_days: int = 7
    horizon_days: int = 90
    panel_min: int = 3
    panel_max: int = 5
    max_distance: int = TOWN
    options: int = 3
    _: KW_ONLY
    tz: ZoneInfo
    holidays_country: str
    holidays_subdivision: str | None
    locale: str


@dataclass(frozen=True)
class Option:
    day1: date
    day2: date
    room_id: int
    panel: tuple[int, ...]  # the facilitator first
    facilitator_id: int
    covered: frozenset[str]
    missing: frozenset[str]
    distance: int
    kind: str = "earliest"
    reasons: tuple[Reason, ...] = ()

    @property
    def coverage(self) -> float:
        total = len(self.covered) + len(self.missing)
        return 1.0 if total == 0 else len(self.covered) / total


@dataclass(frozen=True)
class Plan:
    options: tuple[Option, ...]
    needed: frozenset[str]
    unknown_skills: frozenset[str]  # needed, and nobody on any panel has them
    problems: tuple[Reason, ...] = ()  # why there is no option (empty when there are)
