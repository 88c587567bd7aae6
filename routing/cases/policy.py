"""Pure rules for cases: which team a request goes to, and service-level time in working hours.

No database here: the service (``routing.cases.service``) loads rules and teams as plain values,
asks
this module, and records the answer. Working time is what service levels count, so a request
sent on Friday evening is not "late" on Saturday morning: it waits for Monday, and is not lost.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as public_holidays

MAX_SCAN_DAYS = 3700  # ten years of calendar: a policy with no working day at all is refused


@dataclass(frozen=True)
class Rule:
    """Route requests with this theme / neighbourhood / reason to a team; None matches any."""

    team_id: int
    priority: int = 100
    theme: str | None = None
    neighbourhood: str | None = None
    reason: str | None = None
    id: int = 0

    def matches(self, themes: Collection[str], neighbourhood: str | None, reason: str) -> bool:
        return (
            (self.theme is None or self.theme in themes)
            and (self.neighbourhood is None or self.neighbourhood == neighbourhood)
            and (self.reason is None or self.reason == reason)
        )


@dataclass(frozen=True)
class TeamScope:
    """A team's own themes and neighbourhoods, used when no explicit rule decides."""

    id: int
    themes: frozenset[str] = frozenset()
    neighbourhoods: frozenset[str] = frozenset()


def choose_team(
    rules: Iterable[Rule],
    teams: Iterable[TeamScope],
    themes: Collection[str],
    neighbourhood: str | None,
    reason: str,
    fallback: int | None = None,
) -> int | None:
    """The team for a request: the first matching rule (lowest priority number, then oldest),
    else the team whose scope fits best (theme and neighbourhood > theme > neighbourhood),
    else ``fallback``. None only when there is no team at all: coordinators see those."""
    for rule in sorted(rules, key=lambda r: (r.priority, r.id)):
        if rule.matches(themes, neighbourhood, reason):
            return rule.team_id
    best: tuple[int, int] | None = None
    for team in teams:
        theme_fit = bool(team.themes & set(themes))
        place_fit = neighbourhood is not None and neighbourhood in team.neighbourhoods
        score = 2 * theme_fit + place_fit
        if score and (best is None or (score, -team.id) > (best[0], -best[1])):
            best = (score, team.id)
    return best[1] if best else fallback


@dataclass(frozen=True)
class WorkingHours:
    """Office hours in a time zone (weekdays 0=Monday…), minus public holidays.

    Arithmetic is done on UTC instants, so a week with a clock change counts real minutes.
    """

    # From the settings (``service_levels.working_hours``), with no defaults: DECLIC_TIMEZONE,
    # DECLIC_CASE_WORK_START/END/DAYS and the holidays of DECLIC_CASE_HOLIDAYS_COUNTRY.
    tz: ZoneInfo
    start: time
    end: time
    weekdays: frozenset[int]
    holidays: Container[date]

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("working days must be a non-empty subset of 0..6")
        if self.start >= self.end:
            raise ValueError("the working day must start before it ends")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working window of one local day, as UTC instants (None on a day off)."""
        if not self.is_working_day(day):
            return None
        opens = datetime.combine(day, self.start, self.tz).astimezone(UTC)
        closes = datetime.combine(day, self.end, self.tz).astimezone(UTC)
        return opens, closes

    def is_open(self, moment: datetime) -> bool:
        window = self.window(moment.astimezone(self.tz).date())
        return window is not None and window[0] <= moment < window[1]

    def _windows_from(self, moment: datetime) -> Iterable[tuple[datetime, datetime]]:
        day = moment.astimezone(self.tz).date()
        for offset in range(MAX_SCAN_DAYS):
            window = self.window(day + timedelta(days=offset))
            if window is not None:
                yield window
        raise ValueError("no working day in ten years: check the working-hours settings")

    def add(self, moment: datetime, minutes: float) -> datetime:
        """The instant at which ``minutes`` working minutes have passed since ``moment``."""
        if moment.tzinfo is None:
            raise ValueError("naive datetimes are refused; use the clock")
        left = timedelta(minutes=max(0.0, minutes))
        cursor = moment.astimezone(UTC)
        for opens, closes in self._windows_from(cursor):
            if closes <= cursor:
                continue
            begin = max(opens, cursor)
            if begin + left <= closes:
                return begin + left
            left -= closes - begin
        raise AssertionError("unreachable")  # pragma: no cover

    def between(self, earlier: datetime, later: datetime) -> float:
        """Working minutes between two instants (0 if ``later`` is not after ``earlier``)."""
        a, b = earlier.astimezone(UTC), later.astimezone(UTC)
        total = timedelta()
        if b <= a:
            return 0.0
        for opens, closes in self._windows_from(a):
            if opens >= b:
                break
            total += max(timedelta(), min(closes, b) - max(opens, a))
        return total.total_seconds() / 60


def french_working_hours(
    tz: ZoneInfo,
    start: time,
    end: time,
    weekdays: Sequence[int],
    *,
    country: str | None,
    subdivision: str | None,
) -> WorkingHours:
    """Working hours with a country's public holidays ("" or None: none). The country and
    subdivision come from the settings (``service_levels.working_hours``): no default."""
    days_off: Container[date] = (
        public_holidays.country_holidays(country, subdiv=subdivision) if country else frozenset()
    )
    return WorkingHours(tz, start, end, frozenset(weekdays), days_off)
