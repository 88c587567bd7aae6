"""The states a case goes through and the two moves every path shares (back to the queue,
closed), its sources and outcomes, the limits on what staff write, and the errors every case
use case raises (``CaseError`` and its kinds)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from routing.journey import Case

OPEN, CLAIMED, WAITING, RESOLVED = "open", "claimed", "waiting", "resolved"
ACTIVE = (OPEN, CLAIMED, WAITING)
HELD = (CLAIMED, WAITING)  # a person holds the conversation
SOURCES = ("resident", "dialogue", "agent")
OUTCOMES = ("answered", "referred", "sprint", "no_reply", "duplicate", "other")
HANDED_BACK = "handed_back"  # the outcome of a hand back
REPLY_MAX_CHARS = 20_000  # sent in parts of Telegram's 4,096 (routing.cases.parts), never cut
CLOSING_MAX_CHARS = 1000
NOTE_MAX_CHARS = 2000
SUPERVISORS = ("coordinator", "admin")


class CaseError(Exception):
    pass


class UnknownCase(CaseError, LookupError):
    pass


class UnknownStaff(CaseError, LookupError):
    pass


class NotAllowed(CaseError, PermissionError):
    pass


class CaseClosed(CaseError):
    """The case is resolved (or its resident erased): nothing more can happen to it."""


class InvalidRequest(CaseError, ValueError):
    pass


def back_to_queue(case: Case, now: datetime) -> None:
    case.status = OPEN
    case.holder_id = None
    case.queued_at = now
    case.escalated_at = None
    case.awaiting_holder_since = None


def close(case: Case, outcome: str, note: str | None, now: datetime) -> None:
    case.status = RESOLVED
    case.outcome = outcome
    case.resolution_note = note
    case.resolved_at = now
    case.awaiting_holder_since = None
