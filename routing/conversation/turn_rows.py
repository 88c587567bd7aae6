"""The rows a turn writes on the hot path: the statements built once, the resident's message
kept, a new resident's and conversation's rows, the seen mark, the conversation saved (on
PostgreSQL with the draft's mirror, a new idea and the outbox rows in the same statement), the
idea row mirroring the draft, and a new idea's reference. The update's claim and the rows the
turn reads with it are ``routing.conversation.claim_first``."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import (
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from infra.driver import rows
from infra.orm import column_keys, stored, update_by_parameters
from routing import outbox
from routing.conversation.claim_first import kept_message
from routing.conversation.inbound import Inbound
from routing.intake import Draft
from routing.journey import (
    Conversation,
    Idea,
    JourneyEvent,
    Message,
    Resident,
    journey_event_from,
)

REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# -- hot-path statements -------------------------------------------------------------------
# Built once: building a select() (operator overloading, coercion) costs more CPU than running
# it from SQLAlchemy's compiled cache. Append-only rows go through Core inserts: the ORM's unit
# of work (identity map, dependency sort, per-object events) is pure overhead for a row that
# is never read back in the same turn. RETURNING gives the ids the callers need.

_residents = Resident.__table__
_conversations = Conversation.__table__
KEEP_MESSAGE = insert(Message.__table__)
KEEP_MESSAGE_ID = insert(Message.__table__).returning(Message.__table__.c.id)
MIRROR_DRAFT = update(Idea.__table__).where(Idea.__table__.c.id == bindparam("idea_id"))
SAVE_CONVERSATION = update(Conversation.__table__).where(
    Conversation.__table__.c.resident_id == bindparam("conversation_of")
)
# PostgreSQL: the draft's mirror and the conversation's write in one statement (the idea's
# UPDATE as a data-modifying CTE), when a turn has both. Explicit parameter names: a CTE's
# UPDATE would otherwise SET every column the parameters happen to name.
MIRRORED = ("text", "title", "neighbourhood", "needs", "themes", "group_type", "timing",
            "timing_words", "source", "updated_at")  # fmt: skip
SAVED = ("state", "version", "updated_at", "idea_id")
_MIRROR = update_by_parameters(Idea.__table__.c.id, "mirror_of", MIRRORED, "idea_").cte("mirror")
_SAVE_BY_PARAMETERS = update_by_parameters(
    Conversation.__table__.c.resident_id, "conversation_of", SAVED, "conversation_"
)
MIRROR_AND_SAVE = _SAVE_BY_PARAMETERS.add_cte(_MIRROR)
# PostgreSQL: the conversation's write (and the draft's mirror) and the turn's outbox rows in
# one statement, the UPDATEs as data-modifying CTEs: one round trip fewer in most turns. The
# rows' INSERT is the outbox's own (``routing.outbox.ROWS_FROM_JSON``, the one writer of outbox
# rows); every parameter is prefixed, so that none names a column the UPDATEs would SET.
_SAVE = _SAVE_BY_PARAMETERS.cte("saved")
SAVE_AND_SEND = outbox.ROWS_FROM_JSON.add_cte(_SAVE)
MIRROR_SAVE_AND_SEND = outbox.ROWS_FROM_JSON.add_cte(_MIRROR).add_cte(_SAVE)
# PostgreSQL, a new idea's first words: its INSERT and its idea_received event carried by the
# same statement too (a round trip fewer), the conversation's idea_id taken from the INSERT's
# row, and that id returned beside each outbox row's. Every parameter prefixed ``new_idea_``.
NEW_IDEA_COLUMNS = ("ref", "resident_id", "status", "locale", "created_at", "unmet_needs",
                    *MIRRORED)  # fmt: skip
_ideas = Idea.__table__
_NEW_IDEA = (
    insert(_ideas)
    .values({name: bindparam(f"new_idea_{name}") for name in NEW_IDEA_COLUMNS})
    .returning(_ideas.c.id)
    .cte("new_idea")
)
_NEW_IDEA_ID = select(_NEW_IDEA.c.id).scalar_subquery()
_RECEIVED = journey_event_from(
    _NEW_IDEA.c.id,
    "idea_received",
    bindparam("new_idea_event", type_=JourneyEvent.__table__.c.data.type),
    at="new_idea_at",
).cte("received")
_SAVE_STATE = update_by_parameters(
    _conversations.c.resident_id, "conversation_of", SAVED[:3], "conversation_"
)
_SAVE_NEW = _SAVE_STATE.values(idea_id=_NEW_IDEA_ID).cte("saved")
NEW_IDEA_SAVE_AND_SEND = (
    outbox.ROWS_FROM_JSON.add_cte(_NEW_IDEA)
    .add_cte(_RECEIVED)
    .add_cte(_SAVE_NEW)
    .returning(_NEW_IDEA_ID.label("new_idea"))
)
# Its rows: each outbox row's id and key (``outbox.json_row_ids``), then the new idea's id.
NEW_IDEA_ID_COLUMN = 2


async def sent(
    session: AsyncSession, statement: Any, parameters: dict[str, Any], *, last: bool = False
) -> list[tuple[Any, ...]]:
    """The rows of one of the turn's writes (the save-and-send statement, the conversation's
    UPDATE, the draft's mirror), run on the driver (``infra.driver.rows``) in the turn's
    transaction. ``rows`` is looked up here at each call, so that the service's writes and this
    module's own statements go the same way (``bench.turn_ab driver`` swaps it for both).
    ``last``: the turn's last write, carrying every deferred one (``claim_last``): when nothing
    was written before it, a transaction of its own (``rows``' ``begin=False``)."""
    return await rows(session, statement, parameters, begin=not last)


def mirrored(draft: Draft) -> dict[str, Any]:
    """The idea row's columns that mirror the draft."""
    return {
        "text": draft.text,
        "title": draft.title,
        "neighbourhood": draft.neighbourhood,
        "needs": sorted(n.value for n in draft.needs or ()),
        "themes": sorted(draft.themes),
        "group_type": draft.group.value if draft.group else None,
        "timing": draft.timing.value if draft.timing else None,
        "timing_words": draft.timing_words,
        "source": draft.source,
    }


async def keep_message(
    session: AsyncSession,
    resident: Resident,
    conversation: Conversation,
    inbound: Inbound,
    now: datetime,
    *,
    want_id: bool = False,
) -> int | None:
    """Every word and file a resident sends is kept; button presses carry no words.

    A Core INSERT (the row is not read back in the turn); its id only when ``want_id`` (a
    person holds the conversation and the case links the message).
    """
    if inbound.kind == "button":
        return None
    values = kept_message(resident.id, conversation.idea_id, inbound, now)
    if want_id:
        ((message_id,),) = await rows(session, KEEP_MESSAGE_ID, values)
        return int(message_id)
    await rows(session, KEEP_MESSAGE, values)
    return None


INSERT_RESIDENT = insert(_residents).returning(_residents.c.id)


async def insert_resident(session: AsyncSession, values: dict[str, Any]) -> Resident:
    """A new resident's row (one INSERT, its id returned), as the session's persistent object:
    what adding ``Resident(**values)`` and flushing gives (every column loaded, those not in
    ``values`` None), without the ORM's unit of work for one row (a flush cost about twice the
    statement)."""
    ((resident_id,),) = await rows(session, INSERT_RESIDENT, values)
    values = values | {"id": resident_id}
    return stored(session, Resident, [values.get(key) for key in column_keys(Resident)])


INSERT_CONVERSATION = insert(_conversations)


async def insert_conversation(
    session: AsyncSession, conversation: Conversation, values: dict[str, Any]
) -> None:
    """A new conversation's row, ``values`` (the turn's) over those it was made with: one Core
    INSERT, the object then persistent in the session as a flush leaves it. The turn made it
    without adding it to the session: the first statement after (keeping the message) flushed
    it, and the turn's UPDATE wrote the same row again, on SQLite a statement and an ORM flush
    more than this."""
    for name, value in values.items():
        setattr(conversation, name, value)
    await rows(
        session,
        INSERT_CONVERSATION,
        {key: getattr(conversation, key) for key in column_keys(Conversation)},
    )
    make_transient_to_detached(conversation)  # every attribute as stored
    session.add(conversation)


MARK_SEEN = update(_residents).where(_residents.c.id == bindparam("resident_id"))


async def mark_seen(session: AsyncSession, resident: Resident, now: datetime) -> None:
    """``residents.last_seen_at`` moved to ``now`` by a Core UPDATE, the object told it is
    stored: the ORM's flush of that one dirty attribute cost about twice the statement (on
    PostgreSQL, where a resident back after a pause pays it, 532 against 279 µs). Any other
    change to the resident in the turn is still written by the turn's flush."""
    await rows(session, MARK_SEEN, {"resident_id": resident.id, "last_seen_at": now})
    set_committed_value(resident, "last_seen_at", now)


def hold(session: AsyncSession, row: object) -> None:
    """Keep ``row`` in the session's identity map until the turn ends.

    The map holds unchanged objects weakly: the idea a step loaded (submitted, then flushed)
    was dropped as soon as that step returned, and the next step (the suggestions' page, the
    draft's mirror) read it again. The turn's session is closed at its end, and the list with it.
    """
    session.info.setdefault("held", []).append(row)


def point_to_idea(conversation: Conversation, idea_id: int | None) -> None:
    """The conversation's current idea, written with the rest of the conversation by the
    turn's one UPDATE (``ConversationService._save``), not by a flush of its own: assigned as
    if stored, so no autoflush in between sends a separate ``UPDATE conversations``."""
    set_committed_value(conversation, "idea_id", idea_id)


def new_ref() -> str:
    return "D-" + "".join(secrets.choice(REF_ALPHABET) for _ in range(6))
