"""Working days for sprints: the town's public holidays, the pairs of consecutive working days
in a window, and what "today" is in the town's time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

import holidays as _holidays

from routing.sprints.planning_terms import Rules


@cache
def _holidays_of(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """A country's public holidays in a year: data, computed once per country and year."""
    if not country:
        return frozenset()
    return frozenset(_holidays.country_holidays(country, subdiv=subdivision, years=year))


def is_holiday(day: date, rules: Rules) -> bool:
    return day in _holidays_of(rules.holidays_country, rules.holidays_subdivision, day.year)


def is_working_day(day: date, rules: Rules) -> bool:
    return day.weekday() < 5 and not is_holiday(day, rules)


def day_pairs(earliest: date, latest: date, rules: Rules) -> list[tuple[date, date]]:
    """Every (day, next day) both working days, inside [earliest, latest]. Friday→Monday is
    three days apart, so never a pair; a holiday breaks the pairs on either side of it."""
    pairs = []
    day = earliest
    while day < latest:
        following = day + timedelta(days=1)
        if is_working_day(day, rules) and is_working_day(following, rules):
            pairs.append((day, following))
        day = following
    return pairs


def today(now: datetime, rules: Rules) -> date:
    """The day it is in the town (``rules.tz``), whatever time zone ``now`` is given in."""
    return now.astimezone(rules.tz).date()


def window(today: date, rules: Rules) -> tuple[date, date]:
    return today + timedelta(days=rules.notice_days), today + timedelta(days=rules.horizon_days)
