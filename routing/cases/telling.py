"""What the resident is told about their case (who holds it, a person's replies, its closing),
always as outbox rows keyed by the case's history, since only the outbox sender talks to
Telegram."""

from __future__ import annotations

from datetime import datetime

from infra.uow import UnitOfWork
from routing.cases import phrases as case_phrases
from routing.cases.access import first_name, resident_of, team_name_of
from routing.cases.records import CaseEvent
from routing.cases.states import CLOSING_MAX_CHARS
from routing.journey import Case, Resident, register_of
from routing.outbox import Recipient, Text, enqueue
from routing.staff import StaffMember

# For a resident whose conversation stored no register (none since it began storing one).
DEFAULT_REGISTER = "tu"


def event_key(case: Case, event: CaseEvent) -> str:
    return f"case:{case.id}:e{event.id}"


async def tell(uow: UnitOfWork, resident: Resident, text: str, key: str, now: datetime) -> int:
    """The resident's message, as an outbox row (only the outbox sender talks to Telegram)."""
    to = Recipient(resident.channel, resident.chat_id, resident.id)
    (row_id,) = await enqueue(uow.session, to, [Text(text)], key, now, numbered=False)
    return row_id


async def tell_parts(
    uow: UnitOfWork, resident: Resident, texts: list[str], key: str, now: datetime
) -> int:
    """A long reply in several messages, in order (keys ``key:0``, ``key:1``…); the first
    row's id."""
    if len(texts) == 1:
        return await tell(uow, resident, texts[0], key, now)
    to = Recipient(resident.channel, resident.chat_id, resident.id)
    ids = await enqueue(uow.session, to, [Text(t) for t in texts], key, now)
    return ids[0]


async def tell_holder(
    uow: UnitOfWork, case: Case, staff: StaffMember, event: CaseEvent, now: datetime
) -> None:
    """Tell the resident who now holds their request (DESIGN §5: say who holds it)."""
    resident = await resident_of(uow, case)
    if resident is None:
        return
    register = await register_of(uow.session, resident.id) or DEFAULT_REGISTER
    team = await team_name_of(uow, case)
    text = case_phrases.claimed(resident.locale, first_name(staff), team, register)
    await tell(uow, resident, text, event_key(case, event), now)
    await uow.session.flush()


async def tell_closing(
    uow: UnitOfWork,
    case: Case,
    actor: StaffMember,
    event: CaseEvent,
    now: datetime,
    message: str | None,
    was_held: bool,
) -> None:
    """One sentence when the case closes (``message``, else the outcome's default), only when a
    person held the conversation or the agent wrote one."""
    words = (message or "").strip()[:CLOSING_MAX_CHARS]
    if not words and not was_held:
        return
    resident = await resident_of(uow, case)
    if resident is None:
        return
    if not words:
        register = await register_of(uow.session, resident.id) or DEFAULT_REGISTER
        outcome = case.outcome or "other"
        words = case_phrases.closing(resident.locale, outcome, first_name(actor), register)
    await tell(uow, resident, words, event_key(case, event), now)
