"""The follow-up policy: what is due when, quiet hours, DST and public holidays (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from routing.followups.policy import (
    Answer,
    IdeaFacts,
    Kind,
    Policy,
    answer_from_words,
    schedule,
    score_from_words,
)

PARIS = ZoneInfo("Europe/Paris")
POLICY = Policy(tz=PARIS, holidays_country="FR", holidays_subdivision=None)


def paris(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=PARIS)


def test_quiet_hours_sundays_and_holidays_are_not_allowed() -> None:
    assert POLICY.allowed(paris(2027, 3, 3, 10))  # a Wednesday morning
    assert not POLICY.allowed(paris(2027, 3, 3, 20))  # 20:00 is quiet
    assert not POLICY.allowed(paris(2027, 3, 3, 8, 59))
    assert not POLICY.allowed(paris(2027, 3, 7, 12))  # a Sunday
    assert not POLICY.allowed(paris(2027, 5, 1, 12))  # May Day (a Saturday in 2027)
    assert not POLICY.allowed(paris(2026, 12, 25, 12))  # Christmas


def test_a_message_due_at_night_moves_to_the_next_morning_skipping_sundays_and_holidays() -> None:
    assert POLICY.next_allowed(paris(2027, 3, 3, 21)) == paris(2027, 3, 4, 9)
    assert POLICY.next_allowed(paris(2027, 3, 4, 6)) == paris(2027, 3, 4, 9)
    # Saturday evening → Monday morning (Sunday is quiet)
    assert POLICY.next_allowed(paris(2027, 3, 6, 22)) == paris(2027, 3, 8, 9)
    # Christmas Eve night 2026 (Thursday) → Christmas is a holiday → Saturday 26th
    assert POLICY.next_allowed(paris(2026, 12, 24, 23)) == paris(2026, 12, 26, 9)


def test_without_a_sprint_a_nudge_after_7_days_then_check_ins_at_30_and_90() -> None:
    submitted = paris(2027, 1, 13, 18, 30)  # a Wednesday
    due = schedule(IdeaFacts(submitted_at=submitted), POLICY)
    assert [d.kind for d in due] == [Kind.NUDGE, Kind.CHECKIN_30, Kind.CHECKIN_90]
    assert due[0].due_at == paris(2027, 1, 20, 18, 30)
    assert due[1].due_at == paris(2027, 2, 12, 10)  # 30 days later, at 10:00 (a Friday)
    assert due[2].due_at == paris(2027, 4, 13, 10)


def test_something_happened_means_no_nudge_and_realized_or_paused_means_nothing() -> None:
    submitted = paris(2027, 1, 13, 11)
    active = schedule(IdeaFacts(submitted_at=submitted, active=True), POLICY)
    assert Kind.NUDGE not in [d.kind for d in active]
    assert schedule(IdeaFacts(submitted_at=submitted, realized=True), POLICY) == ()
    assert schedule(IdeaFacts(submitted_at=submitted, paused=True), POLICY) == ()
    answered = IdeaFacts(submitted_at=submitted, answered=frozenset({Kind.CHECKIN_30}))
    assert [d.kind for d in schedule(answered, POLICY)] == [Kind.NUDGE, Kind.CHECKIN_90]


def test_a_sprint_brings_reminders_feedback_and_check_ins_after_it() -> None:
    facts = IdeaFacts(
        submitted_at=paris(2027, 2, 1, 10),
        sprint_day1=date(2027, 3, 4),  # Thursday and Friday
        sprint_day2=date(2027, 3, 5),
    )
    due = schedule(facts, POLICY)
    assert [(d.kind, d.due_at) for d in due] == [
        (Kind.REMINDER_3D, paris(2027, 3, 1, 10)),
        (Kind.REMINDER_1D, paris(2027, 3, 3, 10)),
        (Kind.SPRINT_FEEDBACK, paris(2027, 3, 6, 10)),  # Saturday: allowed
        (Kind.CHECKIN_30, paris(2027, 4, 5, 9)),  # 4 April is a Sunday: Monday at 09:00
        (Kind.CHECKIN_90, paris(2027, 6, 3, 10)),
    ]


def test_the_day_before_reminder_of_a_monday_sprint_goes_on_saturday_not_on_the_day() -> None:
    facts = IdeaFacts(
        submitted_at=paris(2027, 2, 1, 10),
        sprint_day1=date(2027, 3, 8),
        sprint_day2=date(2027, 3, 9),
    )
    due = {d.kind: d.due_at for d in schedule(facts, POLICY)}
    assert due[Kind.REMINDER_1D] == paris(2027, 3, 6, 10)  # Saturday
    assert due[Kind.REMINDER_3D] == paris(2027, 3, 5, 10)


def test_reminders_already_past_are_left_out_when_booking_late() -> None:
    facts = IdeaFacts(
        submitted_at=paris(2027, 3, 1, 10),
        sprint_day1=date(2027, 3, 4),
        sprint_day2=date(2027, 3, 5),
    )
    due = schedule(facts, POLICY, now=paris(2027, 3, 2, 15))
    assert [d.kind for d in due][:2] == [Kind.REMINDER_1D, Kind.SPRINT_FEEDBACK]


def test_wall_times_survive_the_daylight_saving_change() -> None:
    # Submitted on Wednesday 24 March 2027 at 18:00 (UTC+1); Paris moves to UTC+2 on the 28th.
    submitted = paris(2027, 3, 24, 18)
    nudge = schedule(IdeaFacts(submitted_at=submitted), POLICY)[0]
    assert nudge.kind is Kind.NUDGE
    assert nudge.due_at.astimezone(PARIS).time() == time(18, 0)
    assert nudge.due_at.astimezone(UTC).hour == 16  # not 17: the offset changed
    # and the autumn change: 10:00 stays 10:00
    facts = IdeaFacts(submitted_at=paris(2027, 10, 5, 11))  # summer time; due 4 November
    checkin = next(d for d in schedule(facts, POLICY, None) if d.kind is Kind.CHECKIN_30)
    assert checkin.due_at.astimezone(PARIS).time() == time(10, 0)
    assert checkin.due_at.utcoffset() == timedelta(hours=1)


def test_typed_answers() -> None:
    assert answer_from_words(["ca", "avance", "bien"]) is Answer.MOVING
    assert answer_from_words(["c", "est", "bloque"]) is Answer.BLOCKED
    assert answer_from_words(["we", "are", "stuck"]) is Answer.BLOCKED
    assert answer_from_words(["c", "est", "realise"]) is Answer.REALIZED
    assert answer_from_words(["j", "ai", "mis", "en", "pause"]) is Answer.PAUSED
    assert answer_from_words(["bonjour"]) is None
    assert answer_from_words(["ca", "avance", "mais", "c", "est", "bloque"]) is None
    assert score_from_words(["4"]) == 4
    assert score_from_words(["5", "sur", "5"]) == 5
    assert score_from_words(["merci"]) is None


moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(PARIS)
)


@settings(max_examples=300, deadline=None)
@given(moments)
def test_next_allowed_is_allowed_and_never_earlier(moment: datetime) -> None:
    moved = POLICY.next_allowed(moment)
    assert POLICY.allowed(moved)
    assert moved >= moment
    assert moved - moment < timedelta(days=5)


@settings(max_examples=200, deadline=None)
@given(moments, moments)
def test_moving_preserves_order(a: datetime, b: datetime) -> None:
    if a <= b:
        assert POLICY.next_allowed(a) <= POLICY.next_allowed(b)


@settings(max_examples=200, deadline=None)
@given(moments, st.booleans(), st.integers(min_value=3, max_value=120))
def test_a_schedule_is_never_in_quiet_hours_and_keeps_its_order(
    submitted: datetime, with_sprint: bool, days_later: int
) -> None:
    day1 = (submitted + timedelta(days=days_later)).date() if with_sprint else None
    while day1 is not None and (day1.weekday() >= 5 or POLICY.is_holiday(day1)):
        day1 += timedelta(days=1)
    day2 = day1 + timedelta(days=1) if day1 else None
    due = schedule(IdeaFacts(submitted_at=submitted, sprint_day1=day1, sprint_day2=day2), POLICY)
    assert all(POLICY.allowed(d.due_at) for d in due)
    assert [d.due_at for d in due] == sorted(d.due_at for d in due)
    nominal = [Kind.NUDGE, Kind.REMINDER_3D, Kind.REMINDER_1D, Kind.SPRINT_FEEDBACK,
               Kind.CHECKIN_30, Kind.CHECKIN_90]  # fmt: skip
    kinds = [d.kind for d in due]
    assert kinds == sorted(kinds, key=nominal.index)
    if day1 is not None:
        start = datetime.combine(day1, time(9), tzinfo=PARIS)
        assert all(d.due_at < start for d in due if d.kind in (Kind.REMINDER_3D, Kind.REMINDER_1D))
