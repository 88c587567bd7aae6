"""The sprint as the resident is told of it: options, booked, cancelled, gone.

Replies of the resident's conversation and of staff acting on their sprint alike; the
transport's renderer words them (``bot.sprint_render``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from routing.reasons import Reason


@dataclass(frozen=True)
class SprintChoice:
    """One option as the resident sees it."""

    idea_id: int
    day1: date
    day2: date
    room_id: int
    room_name: str
    address: str | None
    panel_size: int
    kind: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class SprintOptionsPage:
    idea_id: int | None
    choices: tuple[SprintChoice, ...]
    problems: tuple[Reason, ...] = ()
    unknown_skills: tuple[str, ...] = ()
    lost: bool = False  # someone else just took the option chosen
    rescheduling: bool = False


@dataclass(frozen=True)
class SprintBooked:
    idea_id: int
    sprint_id: int
    day1: date
    day2: date
    room_name: str | None
    address: str | None
    panel_size: int
    needs: tuple[str, ...]
    ics: bytes
    rescheduled: bool = False


@dataclass(frozen=True)
class SprintCancelled:
    idea_id: int
    day1: date
    day2: date
    ics: bytes


@dataclass(frozen=True)
class SprintGone:
    """The button's idea is not the resident's, or has no sprint to cancel."""


SprintReply = SprintOptionsPage | SprintBooked | SprintCancelled | SprintGone
