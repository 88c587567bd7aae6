"""What the domain tells people outside a resident's turn, and the one place rows are written.

A use case says *what* to send (``Text``, ``ClaimOffer``, ``Rewrite``, ``Attachment``: words
already in the reader's language) or hands over the drafts its transport's renderer made;
``enqueue`` writes them as outbox rows in the caller's transaction. Only the transport knows
how a message becomes a Bot API call (``bot.wire``): the row's ``method`` is the message's
kind, its payload the message's fields.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, assert_never

from sqlalchemy import (
    Boolean,
    Integer,
    String,
    bindparam,
    column,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from infra import driver
from infra.orm import many_rows
from routing.journey import OutgoingMessage
from routing.outbox.drafts import OutgoingDraft

KEY_CHARS = 96  # outgoing_messages.idempotency_key
# The kinds of message a row may hold besides the transport's own drafts: its ``method``.
TEXT, CLAIM_OFFER, REWRITE, ATTACHMENT = "text", "claim_offer", "rewrite", "attachment"
KINDS = (TEXT, CLAIM_OFFER, REWRITE, ATTACHMENT)  # the transport must deliver each


@dataclass(frozen=True)
class Text:
    """Words to send as they are; ``locale``, when set, is the language they are in."""

    text: str
    locale: str | None = None


@dataclass(frozen=True)
class ClaimOffer:
    """A case posted to the staff group, with a button (``button``, its words) to claim it."""

    text: str
    case_id: int
    button: str
    locale: str


@dataclass(frozen=True)
class Rewrite:
    """A message already delivered (``message_id`` in its chat), now with these words."""

    message_id: int
    text: str


@dataclass(frozen=True)
class Attachment:
    """A file, with an optional caption."""

    filename: str
    content: bytes
    caption: str | None = None


Notice = Text | ClaimOffer | Rewrite | Attachment


def stored(message: Notice | OutgoingDraft) -> tuple[str, dict[str, Any]]:
    """The row's ``method`` and ``payload`` for one message."""
    match message:
        case OutgoingDraft(method=method, payload=payload):
            return method, payload
        case Text(text=text, locale=locale):
            return TEXT, {"text": text} | ({"locale": locale} if locale else {})
        case ClaimOffer(text=text, case_id=case_id, button=button, locale=locale):
            return CLAIM_OFFER, {
                "text": text,
                "case_id": case_id,
                "button": button,
                "locale": locale,
            }
        case Rewrite(message_id=message_id, text=text):
            return REWRITE, {"text": text, "message_id": message_id}
        case Attachment(filename=filename, content=content, caption=caption):
            payload = {"filename": filename, "content_b64": base64.b64encode(content).decode()}
            return ATTACHMENT, payload | ({"caption": caption} if caption is not None else {})
        case _:
            assert_never(message)


@dataclass(frozen=True)
class Recipient:
    """Who gets the rows: a resident (``resident_id``, so erasure finds them) or a staff chat."""

    channel: str
    chat_id: str | None  # None: never reachable; the sender fails the row
    resident_id: int | None = None


# The ids come back with their idempotency keys (unique) instead of in the rows' order: asked
# for an order, SQLite's INSERT of several rows is sent row by row.
_INSERT = insert(OutgoingMessage.__table__).returning(
    OutgoingMessage.__table__.c.id, OutgoingMessage.__table__.c.idempotency_key
)
# ``write_rows`` on the driver (``infra.driver``) up to this many rows, through the session
# beyond: one statement built and compiled for each number of rows.
DRIVER_ROWS = 16


async def enqueue(
    session: AsyncSession,
    to: Recipient,
    messages: Sequence[Notice | OutgoingDraft],
    key: str,
    now: datetime,
    *,
    numbered: bool = True,
    erase_after_send: bool = False,
) -> tuple[int, ...]:
    """Write the messages as pending outbox rows (one INSERT) and return their ids, in order.

    Each row's idempotency key is ``key:<index>`` (``key`` alone for a single message when
    ``numbered`` is False): writing the same messages twice fails on the unique key instead of
    sending them twice. A draft that asks to be erased after sending is, and so is every row
    when ``erase_after_send``.
    """
    rows = pending_rows(
        to, messages, key, now, numbered=numbered, erase_after_send=erase_after_send
    )
    return await write_rows(session, rows)


def pending_rows(
    to: Recipient,
    messages: Sequence[Notice | OutgoingDraft],
    key: str,
    now: datetime,
    *,
    numbered: bool = True,
    erase_after_send: bool = False,
) -> list[dict[str, Any]]:
    """The rows ``enqueue`` writes, in sending order, for a caller that writes them in a
    statement of its own (a resident's turn on PostgreSQL: with the conversation's UPDATE)."""
    if not messages:
        return []
    if not numbered and len(messages) != 1:
        raise ValueError("an unnumbered key fits one message only")
    rows = []
    for index, message in enumerate(messages):
        method, payload = stored(message)
        erase = erase_after_send or (
            isinstance(message, OutgoingDraft) and message.erase_after_send
        )
        rows.append(
            {
                "resident_id": to.resident_id,
                "channel": to.channel,
                "chat_id": to.chat_id,
                "method": method,
                "payload": payload,
                "idempotency_key": (f"{key}:{index}" if numbered else key)[:KEY_CHARS],
                "status": "pending",
                "attempts": 0,
                "not_before": now,
                "erase_after_send": erase,
                "created_at": now,
            }
        )
    return rows


async def write_rows(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> tuple[int, ...]:
    """Insert ``pending_rows`` (one INSERT); their ids, in order.

    Up to ``DRIVER_ROWS`` rows on the driver (``infra.driver.rows``: about 0.1 ms of CPU less on
    SQLite, where a resident's turn writes its rows this way), the statement the session sends
    (its one VALUES for a row, its insertmanyvalues' VALUES a row for several: the same SQL and
    arguments, ``uncertain`` given its default), the same errors; beyond, through the session."""
    if not rows:
        return ()
    if len(rows) > DRIVER_ROWS:
        result = await session.execute(_INSERT, list(rows))
        return json_row_ids(result.all(), rows)
    statement, names = _inserting(len(rows))
    parameters: dict[str, Any] = {}
    for row, row_names in zip(rows, names, strict=True):
        values = (*(row[name] for name in ROW_COLUMNS), False)
        parameters.update(zip(row_names, values, strict=True))
    return json_row_ids(await driver.rows(session, statement, parameters), rows)


# PostgreSQL: ``pending_rows`` written by a statement a caller builds around them (a resident's
# turn adds its conversation's UPDATE as a data-modifying CTE: one round trip for both). The
# rows come as one JSONB array (one parameter whatever their number, so nothing is processed
# row by row in Python), read back by jsonb_to_recordset and inserted in their order. Every
# parameter is prefixed ``outbox_``: none names a column the caller's UPDATEs would SET.
_out = OutgoingMessage.__table__.c
_JSON_ROWS = (
    func.jsonb_to_recordset(bindparam("outbox_rows", type_=JSONB))
    .table_valued(
        column("i", Integer),
        column("method", String),
        column("payload", JSONB),
        column("idempotency_key", String),
        column("erase_after_send", Boolean),
    )
    .render_derived(name="sent", with_types=True)
)
ROW_COLUMNS = ("resident_id", "channel", "chat_id", "method", "payload", "idempotency_key",
               "status", "attempts", "not_before", "erase_after_send", "created_at")  # fmt: skip
ROWS_FROM_JSON = (
    insert(OutgoingMessage.__table__)
    .from_select(
        [*ROW_COLUMNS, "uncertain"],
        select(
            bindparam("outbox_resident", type_=_out.resident_id.type),
            bindparam("outbox_channel", type_=_out.channel.type),
            bindparam("outbox_chat", type_=_out.chat_id.type),
            _JSON_ROWS.c.method,
            _JSON_ROWS.c.payload,
            _JSON_ROWS.c.idempotency_key,
            literal("pending", _out.status.type),
            literal(0, _out.attempts.type),
            bindparam("outbox_at", type_=_out.not_before.type),
            _JSON_ROWS.c.erase_after_send,
            bindparam("outbox_at", type_=_out.created_at.type),
            literal(False, _out.uncertain.type),  # the column's default, which INSERT…SELECT omits
        ).order_by(_JSON_ROWS.c.i),
    )
    .returning(_out.id, _out.idempotency_key)
)


_WRITTEN = (*ROW_COLUMNS, "uncertain")  # write_rows' columns, uncertain False (its default)


@functools.cache  # at most DRIVER_ROWS statements
def _inserting(count: int) -> tuple[Executable, tuple[tuple[str, ...], ...]]:
    """``write_rows``' INSERT of ``count`` rows (``infra.orm.many_rows``) with its RETURNING,
    built once, and each row's parameter names (``_WRITTEN``'s, numbered)."""
    names = tuple(tuple(f"{name}_{i}" for name in _WRITTEN) for i in range(count))
    inserted = many_rows(OutgoingMessage.__table__, _WRITTEN, count)
    return inserted.returning(_out.id, _out.idempotency_key), names


def json_rows(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``ROWS_FROM_JSON``'s parameters for ``pending_rows`` of one recipient at one instant
    (what every row of a turn shares)."""
    first = rows[0]
    return {
        "outbox_resident": first["resident_id"],
        "outbox_channel": first["channel"],
        "outbox_chat": first["chat_id"],
        "outbox_at": first["created_at"],
        "outbox_rows": [
            {
                "i": i,
                "method": row["method"],
                "payload": row["payload"],
                "idempotency_key": row["idempotency_key"],
                "erase_after_send": row["erase_after_send"],
            }
            for i, row in enumerate(rows)
        ],
    }


def json_row_ids(
    returned: Sequence[Sequence[Any]], rows: Sequence[dict[str, Any]]
) -> tuple[int, ...]:
    """The ids an INSERT of ``rows`` returned with their keys (``ROWS_FROM_JSON``,
    ``write_rows``), in the rows' order (RETURNING promises none)."""
    ids = {key: row_id for row_id, key in returned}
    return tuple(ids[row["idempotency_key"]] for row in rows)
