"""The rows a turn reads and writes on the hot path: the statements built once, the update id
claimed first (a redelivered update is handled once), the resident's message kept, the idea row
mirroring the draft, and a new idea's reference."""

from __future__ import annotations

import json
import secrets
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
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from infra.driver import rows
from infra.orm import column_keys, stored, update_by_parameters
from routing import cases, outbox
from routing.conversation.inbound import Inbound
from routing.intake import Draft
from routing.journey import (
    Case,
    Conversation,
    Idea,
    InboundUpdate,
    JourneyEvent,
    Message,
    Resident,
    journey_event_from,
)

REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
NEEDS_HUMAN = ("voice", "audio", "video_note")  # kinds a person must listen to

# -- hot-path statements -------------------------------------------------------------------
# Built once: building a select() (operator overloading, coercion) costs more CPU than running
# it from SQLAlchemy's compiled cache. Append-only rows go through Core inserts: the ORM's unit
# of work (identity map, dependency sort, per-object events) is pure overhead for a row that
# is never read back in the same turn. RETURNING gives the ids the callers need.

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
