"""Routing a request to a team, and counting service levels in working hours (pure)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.cases.policy import Rule, TeamScope, WorkingHours, choose_team, french_working_hours

PARIS = ZoneInfo("Europe/Paris")
DAY = (time(9, 0), time(17, 30))
# Mon–Fri 9:00–17:30, French public holidays: the settings' defaults
HOURS = french_working_hours(PARIS, *DAY, range(5), country="FR", subdivision=None)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


# -- routing ---------------------------------------------------------------------------------

GARDENS, TANNEURS, LEGAL, WELCOME = 1, 2, 3, 4
RULES = (
    Rule(LEGAL, priority=10, reason="legal", id=1),
    Rule(TANNEURS, priority=20, neighbourhood="tanneurs", id=2),
    Rule(GARDENS, priority=30, theme="nature", id=3),
    Rule(WELCOME, priority=1000, id=4),  # no criteria: the fallback team
)


@pytest.mark.parametrize(
    ("themes", "neighbourhood", "reason", "team"),
    [
        pytest.param({"nature"}, "tanneurs", "legal", LEGAL, id="reason-rule-first"),
        pytest.param({"nature"}, "tanneurs", "asked", TANNEURS, id="quartier-before-theme"),
        pytest.param({"nature", "food"}, "glycines", "asked", GARDENS, id="theme"),
        pytest.param({"music"}, None, "voice", WELCOME, id="fallback-rule"),
    ],
)
def test_the_first_matching_rule_by_priority_wins(
    themes: set[str], neighbourhood: str | None, reason: str, team: int
) -> None:
    assert choose_team(RULES, (), themes, neighbourhood, reason) == team


def test_without_a_rule_the_team_whose_scope_fits_best_gets_it() -> None:
    teams = (
        TeamScope(5, themes=frozenset({"nature"})),
        TeamScope(6, neighbourhoods=frozenset({"glycines"})),
        TeamScope(7, themes=frozenset({"nature"}), neighbourhoods=frozenset({"glycines"})),
    )
    assert choose_team((), teams, {"nature"}, "glycines", "asked") == 7
    assert choose_team((), teams, {"nature"}, "tanneurs", "asked") == 5
    assert choose_team((), teams, {"music"}, "glycines", "asked") == 6
    assert choose_team((), teams, {"music"}, "tanneurs", "asked", fallback=9) == 9
    assert choose_team((), (), {"music"}, None, "asked") is None  # coordinators see it


rules_st = st.lists(
    st.builds(
        Rule,
        team_id=st.integers(1, 5),
        priority=st.integers(0, 5),
        theme=st.sampled_from([None, "nature", "culture"]),
        neighbourhood=st.sampled_from([None, "tanneurs", "glycines"]),
        reason=st.sampled_from([None, "asked", "voice"]),
        id=st.integers(1, 10_000),
    ),
    max_size=8,
    unique_by=lambda r: r.id,
)


@given(
    rules=rules_st,
    themes=st.sets(st.sampled_from(["nature", "culture", "food"])),
    neighbourhood=st.sampled_from([None, "tanneurs", "glycines"]),
    reason=st.sampled_from(["asked", "voice", "no_match"]),
    seed=st.integers(0, 1000),
)
def test_routing_is_the_best_ranked_matching_rule_whatever_the_order(
    rules: list[Rule], themes: set[str], neighbourhood: str | None, reason: str, seed: int
) -> None:
    shuffled = list(rules)
    random.Random(seed).shuffle(shuffled)
    chosen = choose_team(shuffled, (), themes, neighbourhood, reason, fallback=99)
    assert chosen == choose_team(rules, (), themes, neighbourhood, reason, fallback=99)
    matching = sorted(
        (r for r in rules if r.matches(themes, neighbourhood, reason)),
        key=lambda r: (r.priority, r.id),
    )
    assert chosen == (matching[0].team_id if matching else 99)


# -- working hours -----------------------------------------------------------------------------


def test_a_request_on_friday_evening_is_due_on_monday_morning() -> None:
    assert HOURS.add(paris(2026, 11, 27, 17, 0), 120) == paris(2026, 11, 30, 10, 30)
    assert HOURS.add(paris(2026, 11, 28, 3, 0), 120) == paris(2026, 11, 30, 11, 0)  # Saturday
    assert HOURS.between(paris(2026, 11, 27, 17, 0), paris(2026, 11, 30, 10, 30)) == 120


def test_public_holidays_are_not_working_time() -> None:
    # Wednesday 11 November 2026 is Armistice Day.
    assert HOURS.add(paris(2026, 11, 10, 17, 0), 60) == paris(2026, 11, 12, 9, 30)
    assert not HOURS.is_working_day(date(2026, 11, 11))
    assert not HOURS.is_working_day(date(2026, 12, 25))
    moselle = french_working_hours(PARIS, *DAY, range(5), country="FR", subdivision="57")
    assert not moselle.is_working_day(date(2026, 4, 3))  # Good Friday, Alsace-Moselle only
    assert HOURS.is_working_day(date(2026, 4, 3))


def test_a_week_with_a_clock_change_counts_real_minutes() -> None:
    # Summer time starts on Sunday 29 March 2026: Monday opens at 07:00 UTC, not 08:00.
    due = HOURS.add(paris(2026, 3, 27, 17, 0), 60)
    assert due == paris(2026, 3, 30, 9, 30)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 7, 30, tzinfo=UTC)
    assert HOURS.between(paris(2026, 3, 27, 9, 0), paris(2026, 3, 30, 17, 30)) == 2 * 510
    # Winter time on Sunday 25 October 2026.
    assert HOURS.add(paris(2026, 10, 23, 17, 0), 60) == paris(2026, 10, 26, 9, 30)


def test_a_policy_without_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="working days"):
        WorkingHours(PARIS, *DAY, frozenset(), frozenset())
    with pytest.raises(ValueError, match="start before"):
        WorkingHours(PARIS, time(18, 0), time(9, 0), frozenset(range(5)), frozenset())


moments = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2028, 12, 31),
    timezones=st.just(PARIS),
    allow_imaginary=False,
)
minutes = st.integers(min_value=0, max_value=5 * 510 * 4)  # up to four working weeks


@settings(max_examples=200, deadline=None)
@given(start=moments, a=minutes, b=minutes)
def test_adding_working_minutes_is_monotonic_and_consistent(
    start: datetime, a: int, b: int
) -> None:
    low, high = sorted((a, b))
    first, second = HOURS.add(start, low), HOURS.add(start, high)
    assert start <= first <= second
    assert HOURS.between(start, second) == pytest.approx(high)
    assert HOURS.between(first, second) == pytest.approx(high - low)


@settings(max_examples=200, deadline=None)
@given(start=moments, amount=st.integers(min_value=1, max_value=5 * 510 * 4))
def test_a_deadline_always_falls_inside_working_hours(start: datetime, amount: int) -> None:
    due = HOURS.add(start, amount).astimezone(PARIS)
    assert HOURS.is_working_day(due.date())
    assert time(9, 0) < due.time() <= time(17, 30)


@settings(max_examples=200, deadline=None)
@given(a=moments, b=moments, c=moments)
def test_working_minutes_between_add_up(a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted((a, b, c))
    total = HOURS.between(a, c)
    assert total == pytest.approx(HOURS.between(a, b) + HOURS.between(b, c))
    assert 0 <= total <= (c - a).total_seconds() / 60
    assert HOURS.between(c, a) == 0


@settings(max_examples=100, deadline=None)
@given(start=moments)
def test_nights_weekends_and_holidays_add_no_working_time(start: datetime) -> None:
    day = start.astimezone(PARIS).date()
    if HOURS.is_working_day(day):
        night = datetime.combine(day, time(17, 30), PARIS)
        assert HOURS.between(night, night + timedelta(hours=15, minutes=30)) == 0
    else:
        midnight = datetime.combine(day, time(0, 0), PARIS)
        assert HOURS.between(midnight, midnight + timedelta(hours=23)) == 0
