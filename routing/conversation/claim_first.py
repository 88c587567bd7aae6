"""The turn's first statement: the update claimed (a redelivered update is handled once) and the
turn's rows read with it, the resident, their conversation and the id of the case a person holds
(``claim_and_load``), each dialect's way; on PostgreSQL a known resident's message kept and seen
mark moved by the same statement. Also the turn's row as these statements give it
(``_TURN_COLUMNS``, made objects by ``_turn_row``), which ``claim_last`` reads too. Apart from
the rows the turn writes afterwards (``routing.conversation.turn_rows``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    FromClause,
    Row,
    and_,
    bindparam,
    func,
    insert,
    literal,
    literal_column,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from infra.driver import rows
from infra.orm import stored
from routing import cases
from routing.conversation.inbound import Inbound
from routing.journey import (
    Case,
    Conversation,
    InboundUpdate,
    Message,
    Resident,
)

NEEDS_HUMAN = ("voice", "audio", "video_note")  # kinds a person must listen to

# Built once: building a select() (operator overloading, coercion) costs more CPU than running
# it from SQLAlchemy's compiled cache.
_residents = Resident.__table__
_conversations = Conversation.__table__
_cases = Case.__table__
# Core statements over the tables, not the ORM's entities: the turn's first statement read
# Resident and Conversation through the ORM, and its execution and loading cost about twice the
# statement as Core rows (the objects are then made from the row: ``_turn_row``).
_THE_RESIDENT = and_(
    _residents.c.channel == bindparam("of_channel"),
    _residents.c.external_id == bindparam("of_external_id"),
)
# Fixed values, not an expanding IN: that one is rendered into the SQL again at every execution.
_HELD = _cases.c.status.in_([literal(status) for status in cases.HELD])
# The held case's id only: it is there in few turns.
_TURN_COLUMNS = (*_residents.c, *_conversations.c, _cases.c.id)
_RESIDENT_END = len(_residents.c)
_CONVERSATION_END = _RESIDENT_END + len(_conversations.c)
_ITS_CONVERSATION = _conversations.c.resident_id == _residents.c.id
# At most one unresolved case per resident (a partial unique index): at most one row.
_ITS_HELD_CASE = and_(_cases.c.resident_id == _residents.c.id, _HELD)
LOAD_TURN = (
    select(*_TURN_COLUMNS)
    .select_from(_residents)
    .outerjoin(_conversations, _ITS_CONVERSATION)
    .outerjoin(_cases, _ITS_HELD_CASE)
    .where(_THE_RESIDENT)
)
_CLAIMED: dict[str, Any] = {
    "channel": bindparam("of_channel"),
    "update_id": bindparam("update_id"),
    "kind": bindparam("kind"),
    "received_at": bindparam("received_at"),
}


def _named(column: Any) -> Any:
    """``column`` with its table's name in any context: in a RETURNING clause SQLAlchemy's
    SQLite dialect renders columns without their table, and so the subqueries' ``WHERE`` and
    ``ON`` too, where a bare ``id`` or ``resident_id`` is ambiguous or worse."""
    return literal_column(f"{column.table.name}.{column.name}", column.type)


_ITS_CONVERSATION_NAMED = _named(_conversations.c.resident_id) == _named(_residents.c.id)
_ITS_HELD_CASE_NAMED = and_(
    _named(_cases.c.resident_id) == _named(_residents.c.id),
    _named(_cases.c.status).in_([literal(status) for status in cases.HELD]),
)
_THE_RESIDENT_NAMED = and_(
    _named(_residents.c.channel) == bindparam("of_channel"),
    _named(_residents.c.external_id) == bindparam("of_external_id"),
)


def _turn_column(column: Any) -> Any:
    """``column`` of the turn's row (``LOAD_TURN``) as a scalar subquery of its own."""
    source: FromClause = _residents
    if column.table is _conversations:
        source = _residents.join(_conversations, _ITS_CONVERSATION_NAMED)
    elif column.table is _cases:
        source = _residents.join(_cases, _ITS_HELD_CASE_NAMED)
    found = select(_named(column)).select_from(source).where(_THE_RESIDENT_NAMED)
    return found.scalar_subquery()


# SQLite: the claim and the load in one statement too, the row read by the INSERT's RETURNING
# (SQLite has no data-modifying CTE, but a RETURNING clause may hold scalar subqueries over
# other tables): one column a subquery, uncorrelated, so SQLite evaluates each once; NULLs for
# a resident not yet known, as on PostgreSQL; a duplicate update fails on the unique key as
# the plain INSERT did. A statement fewer in every turn: SQLAlchemy's execution of the
# separate SELECT cost about 0.3 ms of CPU in a turn, the subqueries a few µs of SQLite's.
CLAIM_RETURNING_LOAD = (
    insert(InboundUpdate.__table__)
    .values(_CLAIMED)
    .returning(*(_turn_column(column).label(f"turn_{i}") for i, column in enumerate(_TURN_COLUMNS)))
)
# SQLite: the same row as one JSON array read by one subquery (``json_array``, each column as
# SQLite reads it: text, integers, NULLs), decoded and each column processed as its type
# would be (``sqlite_turn_row``): in sqlite3 about 60 µs less than the 19 subqueries above.
CLAIM_RETURNING_ROW = (
    insert(InboundUpdate.__table__)
    .values(_CLAIMED)
    .returning(
        select(func.json_array(*(_named(column) for column in _TURN_COLUMNS)))
        .select_from(
            _residents.outerjoin(_conversations, _ITS_CONVERSATION_NAMED).outerjoin(
                _cases, _ITS_HELD_CASE_NAMED
            )
        )
        .where(_THE_RESIDENT_NAMED)
        .scalar_subquery()
        .label("turn")
    )
)
_ROW_PROCESSORS: dict[str, tuple[Any, ...]] = {}


async def sqlite_turn_row(session: AsyncSession, parameters: dict[str, Any]) -> tuple[Any, ...]:
    """SQLite: claim the update and read the turn's row (``CLAIM_RETURNING_ROW``), its columns
    as ``CLAIM_RETURNING_LOAD`` gives them (NULLs for a resident not yet known)."""
    ((found,),) = await rows(session, CLAIM_RETURNING_ROW, parameters)
    if found is None:
        return (None,) * len(_TURN_COLUMNS)
    dialect = session.get_bind().dialect
    processors = _ROW_PROCESSORS.get(dialect.name)
    if processors is None:
        processors = tuple(c.type._cached_result_processor(dialect, None) for c in _TURN_COLUMNS)
        _ROW_PROCESSORS[dialect.name] = processors
    return tuple(
        value if process is None or value is None else process(value)
        for value, process in zip(json.loads(found), processors, strict=True)
    )


# PostgreSQL: the claim and the load in one round trip. The INSERT runs in a data-modifying
# CTE and the row always comes back (from the CTE), with NULLs for a resident not yet known; a
# duplicate update fails the whole statement on the unique key, as the INSERT alone would.
_CLAIM = (
    insert(InboundUpdate.__table__)
    .values(_CLAIMED)
    .returning(InboundUpdate.__table__.c.update_id)
    .cte("claim")
)
# ``residents.last_seen_at`` is kept to the minute: an UPDATE per message bought nothing.
LAST_SEEN_STEP = timedelta(minutes=1)
# PostgreSQL: a known resident back after a minute or more is marked seen by the same statement
# (a data-modifying CTE; the row read beside it is the row as it was, so the statement says
# whether it moved: ``Claimed.seen``), not by an UPDATE of its own, one round trip fewer.
_SEEN = (
    update(_residents)
    .where(_THE_RESIDENT, _residents.c.last_seen_at <= bindparam("seen_before"))
    .values(last_seen_at=bindparam("received_at"))
    .returning(_residents.c.id)
    .cte("seen")
)
CLAIM_AND_LOAD = (
    select(*_TURN_COLUMNS, select(_SEEN.c.id).scalar_subquery())
    .select_from(_CLAIM)
    .outerjoin(_residents, _THE_RESIDENT)
    .outerjoin(_conversations, _ITS_CONVERSATION)
    .outerjoin(_cases, _ITS_HELD_CASE)
)
# PostgreSQL, an update with words: the message is kept by the same statement (a second
# data-modifying CTE, from the resident's and conversation's rows as stored, so nothing when the
# resident is new: the turn keeps it after creating them), and its id comes back with the row.
_messages = Message.__table__.c
# A kept message's columns, as ``kept_message`` gives them.
KEPT_COLUMNS = (
    "resident_id",
    "idea_id",
    "direction",
    "kind",
    "text",
    "file_id",
    "channel_message_id",
    "needs_human",
    "created_at",
)
_KEPT = (
    insert(Message.__table__)
    .from_select(
        KEPT_COLUMNS,
        select(
            _residents.c.id,
            _conversations.c.idea_id,
            literal("in", _messages.direction.type),
            bindparam("kind", type_=_messages.kind.type),
            bindparam("text", type_=_messages.text.type),
            bindparam("file_id", type_=_messages.file_id.type),
            bindparam("channel_message_id", type_=_messages.channel_message_id.type),
            bindparam("needs_human", type_=_messages.needs_human.type),
            bindparam("received_at", type_=_messages.created_at.type),
        )
        .select_from(_residents)
        .outerjoin(_conversations, _ITS_CONVERSATION)
        .where(_THE_RESIDENT),
    )
    .returning(_messages.id)
    .cte("kept")
)
CLAIM_KEEP_AND_LOAD = CLAIM_AND_LOAD.add_columns(select(_KEPT.c.id).scalar_subquery())


TurnRow = tuple[Resident | None, Conversation | None, int | None]


@dataclass(frozen=True)
class Claimed:
    """What ``claim_and_load`` read: the turn's rows, and the kept message's id (PostgreSQL)."""

    row: TurnRow
    kept: bool = False  # the message is already in the transcript
    message_id: int | None = None
    # PostgreSQL: the statement moved ``last_seen_at`` to the turn's time (the row read is the
    # row as it was before).
    seen: bool = False


async def claim_and_load(
    session: AsyncSession, inbound: Inbound, kind: str, now: datetime, *, keep: bool = False
) -> Claimed | None:
    """Record the update first, then read the resident, their conversation and the id of the
    case a person holds; None when the update was already handled (redelivered).

    One INSERT instead of SELECT-then-INSERT: the unique key decides, so two workers given the
    same update cannot both handle it (the second waits for the first, then sees the conflict).
    The INSERT and the read are one statement (PostgreSQL: ``CLAIM_AND_LOAD``; SQLite:
    ``CLAIM_RETURNING_LOAD``); on PostgreSQL, with ``keep`` (``kind`` is then the message's), a
    known resident's message is kept by it too.
    """
    # The resident's key under names that are no column of ``residents``: an UPDATE in a
    # data-modifying CTE (``_SEEN``) would SET every column the parameters name.
    load = {"of_channel": inbound.channel, "of_external_id": inbound.external_user_id}
    if inbound.update_id is None:  # not from Telegram: nothing to claim
        return Claimed(_turn_row(session, (await session.execute(LOAD_TURN, load)).first()))
    claim = {"update_id": inbound.update_id, "kind": kind, "received_at": now}
    try:
        # The transaction's first write: a rollback loses nothing else.
        if session.get_bind().dialect.name == "postgresql":
            claim |= load | {"seen_before": now - LAST_SEEN_STEP}
            if keep and inbound.kind != "button":
                (found,) = await rows(session, CLAIM_KEEP_AND_LOAD, claim | _words(inbound))
                seen, message_id = found[-2:]
                return Claimed(
                    _turn_row(session, found), message_id is not None, message_id, seen is not None
                )
            (found,) = await rows(session, CLAIM_AND_LOAD, claim)
            return Claimed(_turn_row(session, found), seen=found[-1] is not None)
        row = await sqlite_turn_row(session, claim | load)
    except IntegrityError:
        await session.rollback()
        return None
    return Claimed(_turn_row(session, row))


def kept_message(
    resident_id: int, idea_id: int | None, inbound: Inbound, now: datetime
) -> dict[str, Any]:
    """The row an inbound message is kept as (``KEPT_COLUMNS``)."""
    return {
        "resident_id": resident_id,
        "idea_id": idea_id,
        "direction": "in",
        "kind": inbound.kind,
        **_words(inbound),
        "created_at": now,
    }


def _words(inbound: Inbound) -> dict[str, Any]:
    """An inbound message's own columns, for both ways of keeping it."""
    return {
        "text": inbound.text,
        "file_id": inbound.file_id,
        "channel_message_id": inbound.channel_message_id,
        "needs_human": inbound.kind in NEEDS_HUMAN,
    }


def _turn_row(session: AsyncSession, row: Row[Any] | tuple[Any, ...] | None) -> TurnRow:
    """The resident and their conversation, from the row's columns (``_TURN_COLUMNS``), made
    persistent in the session as the ORM's load would, and the held case's id."""
    if row is None or row[0] is None:  # a resident not yet known (PostgreSQL: NULLs)
        return None, None, None
    resident = stored(session, Resident, row[:_RESIDENT_END])
    conversation = None
    if row[_RESIDENT_END] is not None:  # the conversation's key
        conversation = stored(session, Conversation, row[_RESIDENT_END:_CONVERSATION_END])
    held_id: int | None = row[_CONVERSATION_END]
    return resident, conversation, held_id
