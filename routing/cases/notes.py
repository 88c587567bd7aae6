"""Private staff notes on a case: a ``note`` case event, shown in the console's history only.

Nothing here writes to the outbox, and the resident's data export leaves case events out, so a
note never reaches the resident; erasing the resident clears the notes' words
(``routing.privacy.service``).
"""

from __future__ import annotations

from datetime import datetime

from infra.uow import UnitOfWork
from routing.cases.records import CaseEvent
from routing.cases.states import NOTE_MAX_CHARS, InvalidRequest, UnknownCase
from routing.journey import Case

NOTE = "note"


async def add_note(uow: UnitOfWork, case_id: int, staff_id: int, text: str, now: datetime) -> int:
    """Keep a staff note on the case (any status, closed included); returns the event id."""
    words = text.strip()
    if not words or len(words) > NOTE_MAX_CHARS:
        raise InvalidRequest("a note has 1 to 2,000 characters")
    if await uow.session.get(Case, case_id) is None:
        raise UnknownCase(case_id)
    event = CaseEvent(
        case_id=case_id, kind=NOTE, actor_id=staff_id, note=words, data={}, occurred_at=now
    )
    uow.session.add(event)
    await uow.session.flush()
    return event.id
