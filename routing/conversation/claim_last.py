"""PostgreSQL: a turn whose claim is written by its last statement, not its first (issue 18).

A turn's writes must be one transaction: the update's claim (``inbound_updates``, what makes a
redelivered update a no-op), the message kept, the resident seen, the conversation's state and
the outbox rows. As ``BEGIN``, claim-and-load, save-and-send and ``COMMIT``, that is four round
trips, and asyncpg sends ``BEGIN`` and ``COMMIT`` each as a round trip of its own (it cannot send
them with the next statement); a round trip costs a turn about 0.17 ms of CPU (bench/README.md,
session 12). Here a known resident's turn reads its rows alone (no write, so no transaction:
``LOAD_UNCLAIMED``, with whether the update is claimed already) and offers the claim, the kept
message and the seen mark to the unit of work as deferred writes (``UnitOfWork.defer``), which
the save-and-send statement carries as data-modifying CTEs: the turn's one write, a transaction
of its own, two round trips in all. A turn that writes something else first (a submission, a
flush of the resident's changes) begins its transaction there, as before, and the claim is
still written with the rest, before its commit.

The guarantees stay: nothing of the turn is stored before its last statement commits (a crash
meanwhile leaves the update unclaimed, so it is handled when delivered again); an update
already claimed is not handled again (the read sees it; one claimed meanwhile by another
process fails the last statement on the unique key, the whole turn with it). What changes: the
claim no longer makes a second worker wait for the first one's commit before it reads, so this
runs only where nothing else orders the chat's turns across processes, i.e. outside a unit of
work that took the chat's advisory lock (webhook mode, ``UnitOfWork.serialise``: a transaction
begun before the claim, which then keeps its place). A new resident (rows to insert first) and
a conversation a person holds (the kept message's id is wanted) are claimed first, as before,
after the read; ``/start``, most often a resident's first update, and a throttled update (no
state to save, so no statement to carry the writes) without it. A turn whose last write
carries nothing still sends the deferred writes before its commit (``write_deferred``), each a
statement: correct, only slower.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from infra.driver import rows
from infra.orm import ONE_ROW, insert_by_parameters, update_by_parameters
from infra.uow import LaterWrite, UnitOfWork
from routing.conversation.claim_first import (
    _CONVERSATION_END,
    _ITS_CONVERSATION,
    _ITS_HELD_CASE,
    _RESIDENT_END,
    _THE_RESIDENT,
    _TURN_COLUMNS,
    KEPT_COLUMNS,
    LAST_SEEN_STEP,
    Claimed,
    _cases,
    _conversations,
    _residents,
    _turn_row,
    claim_and_load,
    kept_message,
)
from routing.conversation.inbound import Inbound
from routing.intake import Command, CommandIn
from routing.journey import InboundUpdate, Message
from routing.outbox import ROWS_FROM_JSON, json_row_ids, json_rows

_updates = InboundUpdate.__table__
_messages = Message.__table__
_CLAIMED_ALREADY = exists().where(
    and_(
        _updates.c.channel == bindparam("of_channel"),
        _updates.c.update_id == bindparam("update_id"),
    )
)
# The turn's row as ``CLAIM_AND_LOAD`` reads it (NULLs for a resident not yet known), and
# whether the update is claimed already; one row whatever the resident.
LOAD_UNCLAIMED = (
    select(*_TURN_COLUMNS, _CLAIMED_ALREADY.label("claimed"))
    .select_from(ONE_ROW)
    .outerjoin(_residents, _THE_RESIDENT)
    .outerjoin(_conversations, _ITS_CONVERSATION)
    .outerjoin(_cases, _ITS_HELD_CASE)
)
_LAST_SEEN = [column.key for column in _residents.c].index("last_seen_at")
_IDEA = _RESIDENT_END + [column.key for column in _conversations.c].index("idea_id")
# The deferred writes, their parameters named apart (a carrying statement's UPDATEs would SET a
# column named by any parameter of the execution, ``infra.uow.carrying``).
_CLAIM_COLUMNS = ("channel", "update_id", "kind", "received_at")
CLAIM_LATER = insert_by_parameters(_updates, _CLAIM_COLUMNS, "claim_")
KEEP_LATER = insert_by_parameters(_messages, KEPT_COLUMNS, "kept_")
SEEN_LATER = update_by_parameters(_residents.c.id, "seen_of", ("last_seen_at",), "seen_")
_Writer = Callable[[AsyncSession, list[dict[str, Any]]], Awaitable[tuple[int, ...]]]
CLAIM_WRITES = frozenset(("claimed", "seen", "kept"))  # their names (``LaterWrite.name``)


def _starts(inbound: Inbound) -> bool:
    """``/start`` (a poster's deep link too): most often a resident's first update, whose turn
    inserts rows before anything else."""
    event = inbound.event
    return isinstance(event, CommandIn) and event.command is Command.START


async def claim_last(uow: UnitOfWork, inbound: Inbound, now: datetime) -> Claimed | None:
    """``claim_and_load(..., keep=True)`` for a turn whose last statement carries the deferred
    writes (``UnitOfWork.carry_later``); None when the update was claimed already."""
    session = uow.session
    if (
        inbound.update_id is None
        or session.in_transaction()
        or uow.dialect != "postgresql"
        or _starts(inbound)
        or inbound.throttled  # no change to save: no statement to carry the writes
    ):
        return await claim_and_load(session, inbound, inbound.kind, now, keep=True)
    load = {
        "of_channel": inbound.channel,
        "of_external_id": inbound.external_user_id,
        "update_id": inbound.update_id,
    }
    ((*row, claimed),) = await rows(session, LOAD_UNCLAIMED, load, begin=False)
    if claimed:  # delivered again
        return None
    if row[0] is None or row[_RESIDENT_END] is None or row[_CONVERSATION_END] is not None:
        # A new resident, one without a conversation (its INSERT carries nothing), or a held
        # conversation: claimed first, in a transaction begun now.
        return await claim_and_load(session, inbound, inbound.kind, now, keep=True)
    claim = {
        "claim_channel": inbound.channel,
        "claim_update_id": inbound.update_id,
        "claim_kind": inbound.kind,
        "claim_received_at": now,
    }
    uow.defer(LaterWrite("claimed", CLAIM_LATER, claim))
    seen = row[_LAST_SEEN] is not None and row[_LAST_SEEN] <= now - LAST_SEEN_STEP
    if seen:
        uow.defer(LaterWrite("seen", SEEN_LATER, {"seen_of": row[0], "seen_last_seen_at": now}))
    kept = inbound.kind != "button"
    if kept:
        message = kept_message(row[0], row[_IDEA], inbound, now)
        words = {f"kept_{name}": value for name, value in message.items()}
        uow.defer(LaterWrite("kept", KEEP_LATER, words))
    return Claimed(_turn_row(session, tuple(row)), kept, None, seen)


async def rows_and_later(
    uow: UnitOfWork, outbox: list[dict[str, Any]], write: _Writer
) -> tuple[int, ...]:
    """The turn's outbox rows written (``write``: the caller's ``outbox.write_rows``) when no
    save-and-send statement wrote them (a turn with nothing to save, a "merci" after a
    submission): on PostgreSQL, with the writes deferred still (``claim_last``'s) carried by
    the same statement, the turn's last."""
    if not outbox or not uow.deferred or uow.dialect != "postgresql":
        return await write(uow.session, outbox)
    statement, parameters = uow.carry_later(ROWS_FROM_JSON, json_rows(outbox))
    return json_row_ids(await rows(uow.session, statement, parameters, begin=False), outbox)
