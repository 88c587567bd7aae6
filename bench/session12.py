"""``bench.turn_ab``'s session-12 variants (issue 18): the PostgreSQL turn. Each switch puts the
tree's way (B, ``on``) or another way (A) in place; see bench/README.md ("Session 12")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from infra import driver
from infra.uow import UnitOfWork
from routing import followups
from routing.conversation import service
from routing.conversation.claim_first import Claimed, claim_and_load
from routing.conversation.claim_last import claim_last, rows_and_later
from routing.conversation.inbound import Inbound
from routing.followups import answers as followups_answers

_ONE = text("SELECT 1")


async def _one_more_round_trip(uow: UnitOfWork, inbound: Inbound, now: datetime) -> Any:
    """A turn's claim, then one more round trip (a ``SELECT 1`` on the driver, in the turn's
    transaction if one has begun, else alone): what a round trip costs in a turn."""
    claimed = await claim_last(uow, inbound, now)
    await driver.rows(uow.session, _ONE, {}, begin=False)
    return claimed


def _round_trip(declic: Any, on: bool) -> None:
    """Not a change: a measure. B: the tree's turn; A: the same with one more round trip (its
    statement the cheapest there is), as the ``BEGIN`` or the ``COMMIT`` each are one. (First run
    at ff348a7, before ``claim_last``, with the ``SELECT 1`` before the claim.)"""
    setattr(service, "claim_last", claim_last if on else _one_more_round_trip)  # noqa: B010


async def claim_first(uow: UnitOfWork, inbound: Inbound, now: datetime) -> Claimed | None:
    """The turn's claim as before session 12: its first statement (``BEGIN``, then
    ``CLAIM_KEEP_AND_LOAD``), the transaction ended by a ``COMMIT``."""
    return await claim_and_load(uow.session, inbound, inbound.kind, now, keep=True)


def _claim_last_switch(declic: Any, on: bool) -> None:
    """B: a known resident's claim written by the turn's last statement, the read and that
    write each a transaction of their own (``routing.conversation.claim_last``); A: claimed
    first, in a transaction begun for it."""
    setattr(service, "claim_last", claim_last if on else claim_first)  # noqa: B010


async def rows_before(uow: UnitOfWork, outbox: list[dict[str, Any]], write: Any) -> Any:
    """``claim_last.rows_and_later`` before: the outbox rows alone (the deferred writes then
    sent each on its own before the commit)."""
    return await write(uow.session, outbox)


async def open_followup_before(
    session: AsyncSession, resident_id: int, idea_id: int, now: datetime
) -> tuple[tuple[int, str] | None, date | None]:
    """``followups.open_followup_and_sprint_day`` before: through the session (a ``BEGIN``)."""
    since = now - timedelta(days=followups_answers.OPEN_FOR_DAYS)
    parameters = {"resident_id": resident_id, "since": since, "idea_id": idea_id}
    statement = followups_answers._OPEN_FOLLOWUP_AND_SPRINT
    row = (await session.execute(statement, parameters)).one()
    return ((row.id, row.kind) if row.id is not None else None), row.sprint_day


_open_followup = followups_answers.open_followup_and_sprint_day


def _after_submission(declic: Any, on: bool) -> None:
    """B: a typed turn after a submission reads its follow-up and sprint on the driver, alone,
    and writes its outbox rows with the deferred writes in one statement; A: the read through
    the session, the rows alone."""
    setattr(service, "rows_and_later", rows_and_later if on else rows_before)  # noqa: B010
    read = _open_followup if on else open_followup_before
    setattr(followups, "open_followup_and_sprint_day", read)  # noqa: B010


VARIANTS: dict[str, Callable[[Any, bool], None]] = {
    "after_submission": _after_submission,
    "claim_last": _claim_last_switch,
    "round_trip": _round_trip,
}
