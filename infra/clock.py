"""The one clock: code asks it for "now" so tests can travel in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """A timezone-aware datetime."""
        ...


class SystemClock:
    """The real time, in the town's time zone (DECLIC_TIMEZONE, given by the composition root:
    no default)."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(self.tz)


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware start")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, moment: datetime) -> None:
        self._now = moment


def utc(moment: datetime) -> datetime:
    """Normalise to UTC for storage; the database keeps instants, not wall times."""
    return moment.astimezone(UTC)
