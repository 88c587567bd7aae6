"""The turn's rows loaded through the ORM, as before session 8 (``bench.turn_ab claim``'s A).

``routing.conversation.claim_first`` reads them as Core columns and makes the objects with
``infra.orm.stored``; this is the same SQL with ``Resident`` and ``Conversation`` as the
statement's ORM entities, and ``claim_and_load`` as it was.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from routing import cases
from routing.conversation import claim_first as rows
from routing.conversation.claim_first import Claimed
from routing.conversation.inbound import Inbound
from routing.journey import Case, Conversation, InboundUpdate, Resident

# The claim as a plain INSERT, the turn's rows read by a SELECT after it (the way before the
# claim read them itself, claim_first.CLAIM_RETURNING_LOAD / CLAIM_AND_LOAD).
CLAIM_UPDATE = insert(InboundUpdate.__table__)

_THE_RESIDENT = and_(
    Resident.channel == bindparam("of_channel"),
    Resident.external_id == bindparam("of_external_id"),
)
_HELD = Case.status.in_([literal(status) for status in cases.HELD])
_TURN_ROWS = select(Resident, Conversation, Case.id)
LOAD_TURN = (
    _TURN_ROWS.outerjoin(Conversation, Conversation.resident_id == Resident.id)
    .outerjoin(Case, and_(Case.resident_id == Resident.id, _HELD))
    .where(_THE_RESIDENT)
)
_SEEN = (
    update(Resident)
    .where(_THE_RESIDENT, Resident.last_seen_at <= bindparam("seen_before"))
    .values(last_seen_at=bindparam("received_at"))
    .returning(Resident.__table__.c.id)
    .cte("seen")
)
CLAIM_AND_LOAD = (
    _TURN_ROWS.add_columns(select(_SEEN.c.id).scalar_subquery())
    .select_from(rows._CLAIM)
    .outerjoin(Resident, _THE_RESIDENT)
    .outerjoin(Conversation, Conversation.resident_id == Resident.id)
    .outerjoin(Case, and_(Case.resident_id == Resident.id, _HELD))
)
CLAIM_KEEP_AND_LOAD = CLAIM_AND_LOAD.add_columns(select(rows._KEPT.c.id).scalar_subquery())


async def claim_and_load(
    session: AsyncSession, inbound: Inbound, kind: str, now: datetime, *, keep: bool = False
) -> Claimed | None:
    """``claim_first.claim_and_load`` as it was: the same statements, the rows as ORM entities."""
    load = {"of_channel": inbound.channel, "of_external_id": inbound.external_user_id}
    if inbound.update_id is None:
        return Claimed(_row((await session.execute(LOAD_TURN, load)).first()))
    claim: dict[str, Any] = {"update_id": inbound.update_id, "kind": kind, "received_at": now}
    try:
        if session.get_bind().dialect.name == "postgresql":
            claim |= load | {"seen_before": now - rows.LAST_SEEN_STEP}
            if keep and inbound.kind != "button":
                found = await session.execute(CLAIM_KEEP_AND_LOAD, claim | rows._words(inbound))
                resident, conversation, held_id, seen, message_id = found.one()
                return Claimed((resident, conversation, held_id), message_id is not None,
                               message_id, seen is not None)  # fmt: skip
            resident, conversation, held_id, seen = (
                await session.execute(CLAIM_AND_LOAD, claim)
            ).one()
            return Claimed((resident, conversation, held_id), seen=seen is not None)
        await session.execute(CLAIM_UPDATE, claim | {"channel": inbound.channel})
    except IntegrityError:
        await session.rollback()
        return None
    return Claimed(_row((await session.execute(LOAD_TURN, load)).first()))


def _row(row: Any) -> rows.TurnRow:
    if row is None:
        return None, None, None
    resident, conversation, held_id = row
    return resident, conversation, held_id
