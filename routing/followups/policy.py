"""When Déclic writes to a resident on its own: reminders, check-ins, a nudge (pure, no I/O).

Given an idea's facts (submitted when, sprint days, realized or paused, what was already
answered) and the settings, :func:`schedule` says which follow-ups are due and when:

- a confirmed sprint: reminders 3 days and 1 day before (address, what to bring);
- the day after the sprint (its second day): "Comment ça s'est passé ?" (1 to 5, a comment);
- 30 and 90 days after the sprint, or after submission when there was none: a check-in
  ("Ça avance", "C'est bloqué", "J'ai mis en pause", "C'est réalisé !");
- 7 days after submission when nothing happened: a gentle nudge.

Quiet hours: nothing between 20:00 and 09:00 (local time), on Sundays or on public holidays;
a follow-up due then moves to the next allowed time. A sprint reminder that would then reach
the resident on or after the sprint's first morning moves back to the last allowed day before.
Wall times are computed in the local time zone, so a daylight-saving change moves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as _holidays


class Kind(StrEnum):
    REMINDER_3D = "reminder_3d"
    REMINDER_1D = "reminder_1d"
    SPRINT_FEEDBACK = "sprint_feedback"
    CHECKIN_30 = "checkin_30"
    CHECKIN_90 = "checkin_90"
    NUDGE = "nudge"


REMINDERS = (Kind.REMINDER_3D, Kind.REMINDER_1D)
CHECKINS = (Kind.CHECKIN_30, Kind.CHECKIN_90)


class Answer(StrEnum):
    """A resident's answer to a check-in (or a nudge)."""

    MOVING = "moving"  # « Ça avance »
    BLOCKED = "blocked"  # « C'est bloqué »
    PAUSED = "paused"  # « J'ai mis en pause »
    REALIZED = "realized"  # « C'est réalisé ! »


@dataclass(frozen=True)
class Policy:
    """The configurable part: when and how quiet. The town's time zone and public holidays
    come from the settings (``policy_of``) and have no default, so no caller can forget them."""

    send_at: time = time(10, 0)  # day-based follow-ups go out at this wall time
    quiet_start: time = time(20, 0)
    quiet_end: time = time(9, 0)
    quiet_weekdays: frozenset[int] = frozenset({6})  # Sunday
    reminder_days: tuple[int, ...] = (3, 1)
    checkin_days: tuple[int, ...] = (30, 90)
    nudge_days: int = 7
    _: KW_ONLY
    tz: ZoneInfo
    holidays_country: str | None  # None or "": no public holidays
    holidays_subdivision: str | None

    def is_holiday(self, day: date) -> bool:
        if not self.holidays_country:
            return False
        return day in _calendar(self.holidays_country, self.holidays_subdivision, day.year)

    def quiet_day(self, day: date) -> bool:
        return day.weekday() in self.quiet_weekdays or self.is_holiday(day)

    def allowed(self, moment: datetime) -> bool:
        local = moment.astimezone(self.tz)
        if self.quiet_day(local.date()):
            return False
        wall = local.time()
        return self.quiet_end <= wall < self.quiet_start

    def next_allowed(self, moment: datetime) -> datetime:
        """``moment`` itself when allowed, else the first allowed instant after it."""
        if self.allowed(moment):
            return moment
        local = moment.astimezone(self.tz)
        day = local.date()
        if local.time() >= self.quiet_end:
            day += timedelta(days=1)  # evening, or a quiet day: tomorrow morning at the earliest
        for _ in range(400):
            if not self.quiet_day(day):
                return _at(day, self.quiet_end, self.tz)
            day += timedelta(days=1)
        raise ValueError("no allowed day within a year")  # pragma: no cover (policy misconfigured)

    def last_allowed_day_before(self, day: date) -> date | None:
        for back in range(1, 15):
            candidate = day - timedelta(days=back)
            if not self.quiet_day(candidate):
                return candidate
        return None


@lru_cache(maxsize=64)
def _calendar(country: str, subdivision: str | None, year: int) -> _holidays.HolidayBase:
    return _holidays.country_holidays(country, subdiv=subdivision, years=year)


def _at(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """``day`` at the wall time ``wall`` in ``tz`` (a time skipped by DST maps forward)."""
    local = datetime.combine(day, wall, tzinfo=tz)
    return local.astimezone(UTC).astimezone(tz)


@dataclass(frozen=True)
class IdeaFacts:
    submitted_at: datetime
    sprint_day1: date | None = None
    sprint_day2: date | None = None
    realized: bool = False
    paused: bool = False  # the idea is on hold ("J'ai mis en pause"), or its resident paused
    answered: frozenset[Kind] = frozenset()
    active: bool = False  # something happened after submission (a yes to a suggestion, a case…)


@dataclass(frozen=True, order=True)
class Due:
    due_at: datetime
    kind: Kind


def schedule(facts: IdeaFacts, policy: Policy, now: datetime | None = None) -> tuple[Due, ...]:
    """The follow-ups this idea should have, in time order. With ``now``, sprint reminders
    already past are left out (a sprint booked two days ahead gets no 3-day reminder)."""
    if facts.realized or facts.paused:
        return ()
    out: list[Due] = []
    tz = policy.tz
    if facts.sprint_day1 is not None:
        day2 = facts.sprint_day2 or facts.sprint_day1 + timedelta(days=1)
        start = _at(facts.sprint_day1, policy.quiet_end, tz)
        last: datetime | None = None
        for days in policy.reminder_days:
            kind = Kind.REMINDER_3D if days >= 3 else Kind.REMINDER_1D
            if kind in facts.answered:
                continue
            at = policy.next_allowed(
                _at(facts.sprint_day1 - timedelta(days=days), policy.send_at, tz)
            )
            if at >= start:
                before = policy.last_allowed_day_before(facts.sprint_day1)
                at = _at(before, policy.send_at, tz) if before else at
            if at >= start or (last is not None and at <= last):
                continue
            if now is not None and at < now:
                continue
            out.append(Due(at, kind))
            last = at
        if Kind.SPRINT_FEEDBACK not in facts.answered:
            at = _at(day2 + timedelta(days=1), policy.send_at, tz)
            out.append(Due(policy.next_allowed(at), Kind.SPRINT_FEEDBACK))
        base = day2
    else:
        base = facts.submitted_at.astimezone(tz).date()
        if not facts.active and Kind.NUDGE not in facts.answered:
            at = _wall_plus(facts.submitted_at, timedelta(days=policy.nudge_days), tz)
            out.append(Due(policy.next_allowed(at), Kind.NUDGE))
    for days, kind in zip(policy.checkin_days, CHECKINS, strict=False):
        if kind in facts.answered:
            continue
        at = _at(base + timedelta(days=days), policy.send_at, tz)
        out.append(Due(policy.next_allowed(at), kind))
    return tuple(sorted(out))


def _wall_plus(moment: datetime, delta: timedelta, tz: ZoneInfo) -> datetime:
    """The same wall time ``delta`` later (7 days after 18:00 is 18:00, DST or not)."""
    local = moment.astimezone(tz)
    shifted = datetime.combine(local.date() + delta, local.time(), tzinfo=tz)
    return shifted.astimezone(UTC).astimezone(tz)


# ---- answers ------------------------------------------------------------------------------

# What an answer does to the idea's status (its stage along the journey) and which anonymous
# journey event it adds beside ``followup_answered``.
ANSWER_STATUS: dict[Answer, str] = {
    Answer.MOVING: "in_progress",
    Answer.BLOCKED: "blocked",
    Answer.PAUSED: "paused",
    Answer.REALIZED: "realized",
}
ANSWER_EVENT: dict[Answer, str | None] = {
    Answer.MOVING: "action_started",
    Answer.BLOCKED: None,  # a case is opened instead: its events tell the rest
    Answer.PAUSED: "abandoned",
    Answer.REALIZED: "realized",
}
SCORES = ("1", "2", "3", "4", "5")

_WORDS: tuple[tuple[Answer, tuple[str, ...]], ...] = (
    (Answer.REALIZED, ("realise", "realisee", "fait", "termine", "reussi", "done", "realized",
                       "realised", "finished", "happened")),
    (Answer.BLOCKED, ("bloque", "bloquee", "coince", "stuck", "blocked", "probleme", "problem")),
    (Answer.PAUSED, ("pause", "paused", "arrete", "abandonne", "stopped", "hold")),
    (Answer.MOVING, ("avance", "avancer", "progresse", "continue", "moving", "progress",
                     "going", "ongoing")),
)  # fmt: skip


def answer_from_words(words: Sequence[str]) -> Answer | None:
    """Typed instead of a button: "ça avance bien", "c'est bloqué", "we're stuck" → an answer.
    ``words`` are normalised tokens (lower case, no accents); none or two answers: None."""
    found = {answer for answer, keys in _WORDS if any(w in keys for w in words)}
    if len(words) > 12 or len(found) != 1:
        return None
    return found.pop()


def score_from_words(words: Sequence[str]) -> int | None:
    """ "4", "4/5", "5 sur 5" → the score; anything else None."""
    digits = [w for w in words if w in SCORES]
    if len(words) > 4 or not digits:
        return None
    return int(digits[0])
