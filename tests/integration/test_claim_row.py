"""SQLite's claim reads the turn's row as one JSON array (``claim_first.sqlite_turn_row``): the
same columns, values and types as the 19 subqueries of ``CLAIM_RETURNING_LOAD`` (issue 18)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import update

from infra import driver
from routing.conversation.claim_first import CLAIM_RETURNING_LOAD, sqlite_turn_row
from routing.journey import Case, Conversation, Resident
from tests.support.rows import resident_and_idea

NOW = datetime(2026, 12, 6, 9, 0, 0, 123456, tzinfo=UTC)
STATE = {"step": "timing", "draft": {"text": 'un "jardin"\n\tà l\'école ✓ \\ \u2028'}, "n": 3}


async def _both(uow_factory, external_id: str) -> tuple[Any, Any]:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        load = {"of_channel": "telegram", "of_external_id": external_id}
        claim = {"kind": "text", "received_at": NOW}
        (before,) = await driver.rows(uow.session, CLAIM_RETURNING_LOAD,
                                      claim | load | {"update_id": 1})  # fmt: skip
        now = await sqlite_turn_row(uow.session, claim | load | {"update_id": 2})
    return before, now  # rolled back


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL reads its row by CLAIM_AND_LOAD
@pytest.mark.parametrize("known", ["with everything", "without conversation", "unknown"])
async def test_the_same_row_as_the_subqueries(uow_factory, backend: str, known: str) -> None:  # type: ignore[no-untyped-def]
    resident_id, idea_id = await resident_and_idea(uow_factory, NOW, ref="T-1", status="draft")
    async with uow_factory() as uow:
        await uow.session.execute(
            update(Resident).where(Resident.id == resident_id).values(
                display_name="Awa « la voisine » O'Neil", consent_at=NOW, neighbourhood=None,
                followups_paused=True, retention_notice_at=None)
        )  # fmt: skip
        if known == "with everything":
            uow.session.add(Conversation(resident_id=resident_id, idea_id=idea_id, version=7,
                                         state=STATE, updated_at=NOW))  # fmt: skip
            uow.session.add(Case(resident_id=resident_id, idea_id=idea_id, reason="human",
                                 status="claimed", opened_at=NOW))  # fmt: skip
        await uow.commit()
    before, now = await _both(uow_factory, "nobody" if known == "unknown" else "7")
    assert now == tuple(before)
    assert [type(value) for value in now] == [type(value) for value in before]
    if known == "with everything":
        assert now[0] == resident_id and now[4] == "Awa « la voisine » O'Neil"
        assert now[7] == NOW and now[9] is True and now[15] == STATE and now[16] == 7
        assert now[18] is not None  # the held case's id
    elif known == "unknown":
        assert set(now) == {None}
