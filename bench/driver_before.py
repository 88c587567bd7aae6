"""The turn's hot statements through the session's execution, as before session 10
(``bench.turn_ab driver``'s A): ``infra.driver.rows``' signature, SQLAlchemy's way."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import Executable

from infra import driver, uow
from infra import logging as logs
from infra.orm import column_keys, stored
from infra.slots import stepping_out
from infra.uow import UnitOfWork
from routing.conversation import claim_first, turn_rows
from routing.journey import Conversation, Resident
from routing.outbox import messages


async def rows(
    session: AsyncSession, statement: Executable, parameters: dict[str, Any]
) -> list[Any]:
    """``statement``'s rows as the session returns them (``Row`` objects), none for a
    statement that returns none."""
    result = await session.execute(statement, parameters)
    if isinstance(result, CursorResult) and not result.returns_rows:
        return []
    return list(result.all())


async def connection_of(session: AsyncSession) -> tuple[AsyncConnection, PoolProxiedConnection]:
    """``infra.driver.connection_of`` as it was: ``AsyncSession.connection`` at each statement
    (``bench.turn_ab held_connection``'s A)."""
    connection = await session.connection()
    return connection, await connection.get_raw_connection()


async def serialise(self: UnitOfWork, key: int) -> None:
    """``UnitOfWork.serialise`` as it was: the advisory lock tried through the session
    (``bench.turn_ab serialise``'s A)."""
    taken = await self.session.scalar(uow._TRY_ADVISORY_LOCK, {"key": key})
    if not taken:
        async with stepping_out():
            await self.session.execute(uow._ADVISORY_LOCK, {"key": key})


async def insert_resident(session: AsyncSession, values: dict[str, Any]) -> Resident:
    """``turn_rows.insert_resident`` through the session (``bench.turn_ab new_resident``'s A)."""
    inserted = await session.execute(turn_rows.INSERT_RESIDENT, values)
    values = values | {"id": inserted.scalar_one()}
    return stored(session, Resident, [values.get(key) for key in column_keys(Resident)])


async def insert_conversation(
    session: AsyncSession, conversation: Conversation, values: dict[str, Any]
) -> None:
    """``turn_rows.insert_conversation`` through the session."""
    for name, value in values.items():
        setattr(conversation, name, value)
    columns = {key: getattr(conversation, key) for key in column_keys(Conversation)}
    await session.execute(turn_rows.INSERT_CONVERSATION, columns)
    make_transient_to_detached(conversation)
    session.add(conversation)


async def write_rows(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> tuple[int, ...]:
    """``routing.outbox.write_rows`` through the session, as before session 11 (``bench.turn_ab
    outbox``'s A): an executemany for several rows, ``uncertain``'s default computed by it."""
    if not rows:
        return ()
    result = await session.execute(messages._INSERT, rows if len(rows) > 1 else rows[0])
    return messages.json_row_ids(result.all(), rows)


async def flush(self: UnitOfWork) -> None:
    """``UnitOfWork.flush`` as it was: ``AsyncSession.flush`` (its greenlet) even with nothing
    pending (``bench.turn_ab flush``'s A)."""
    await self.session.flush()


def arguments(compiled: Any, parameters: dict[str, Any]) -> tuple[Any, ...]:
    """``infra.driver._arguments`` as it was: every name looked up in turn (``bench.turn_ab
    arguments``' A)."""
    fixed = compiled.fixed
    values = [parameters[name] if name in parameters else fixed[name] for name in compiled.names]
    return tuple(
        value if process is None else process(value)
        for value, process in zip(values, compiled.binds, strict=True)
    )


def utc_text(value: Any) -> Any:
    """``infra.orm.utc_text`` as it was (``bench.turn_ab datetimes``' A): SQLAlchemy's two
    processors, ``UtcDateTime.process_bind_param`` then SQLite's DATETIME text. Its code runs
    as ``utc_text``'s (the function is held by the compiled statements' caches), so in
    ``infra.orm``'s namespace: ``datetimes`` puts the two there."""
    return _BEFORE_TEXT(_BEFORE_BIND(value, None))  # type: ignore[name-defined]  # noqa: F821


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``infra.logging.redact`` as it was (``bench.turn_ab logging``'s A): every rule's search
    run on every text."""
    for secret in secrets:
        if len(secret) >= logs._MIN_SECRET_LENGTH:
            text = text.replace(secret, "<secret>")
    for pattern, replacement, _needs in logs._RULES:
        text = pattern.sub(replacement, text)
    return text


async def sqlite_turn_row(session: AsyncSession, parameters: dict[str, Any]) -> tuple[Any, ...]:
    """``claim_first.sqlite_turn_row`` as it was (``bench.turn_ab claim_json``'s A): the claim's
    RETURNING with a scalar subquery a column (``CLAIM_RETURNING_LOAD``), on the driver."""
    (row,) = await driver.rows(session, claim_first.CLAIM_RETURNING_LOAD, parameters)
    return row
