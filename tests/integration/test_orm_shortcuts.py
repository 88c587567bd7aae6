"""infra.orm.loaded_or_get and flush_pending: what session.get and session.flush do, without the
call when the session already has the answer (issue 18: a submission asked four times for
objects it held, and flushed five times with nothing to write); infra.orm.stored: a row read as
Core columns made the object an ORM load would give (a turn's first statement), and the claim's
row the same."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from infra.orm import column_keys, flush_pending, loaded_or_get, stored
from routing import cases
from routing.cases.states import CLAIMED
from routing.conversation.claim_first import claim_and_load
from routing.conversation.inbound import Inbound
from routing.intake import TextIn
from routing.journey import Conversation, Idea, Resident
from tests.support.conversation import statements_sent
from tests.support.rows import resident_and_idea

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@asynccontextmanager
async def _watched(uow_factory) -> AsyncIterator[tuple[AsyncSession, list[str], int, int]]:  # type: ignore[no-untyped-def]
    """A resident and their idea stored, then a turn's session and the SQL it sends."""
    resident_id, idea_id = await resident_and_idea(
        uow_factory, NOW, ref="T-1", status="draft", unmet_needs=[], title="Un jardin"
    )
    async with uow_factory() as uow, statements_sent(uow_factory) as sent:
        yield uow.session, sent, resident_id, idea_id


def _counted(monkeypatch: pytest.MonkeyPatch, session: object, method: str) -> list[object]:
    """Each call of the session's ``method`` (its arguments), still carried out."""
    calls: list[object] = []
    original = getattr(session, method)

    async def counted(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return await original(*args, **kwargs)

    monkeypatch.setattr(session, method, counted)
    return calls


async def test_an_object_the_session_holds_comes_without_a_statement(
    uow_factory, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    async with _watched(uow_factory) as (session, sent, _, idea_id):
        gets = _counted(monkeypatch, session, "get")
        assert await loaded_or_get(session, Idea, idea_id + 1) is None  # not there: asked
        loaded = await loaded_or_get(session, Idea, idea_id)  # not held yet: read
        assert loaded is not None and loaded.title == "Un jardin"
        assert len(sent) == 2
        assert await loaded_or_get(session, Idea, idea_id) is loaded
        sent.clear()
        gets.clear()
        assert await loaded_or_get(session, Idea, idea_id) is loaded
        assert sent == [] and gets == []  # held: neither a statement nor session.get
        session.expire(loaded)  # expired: read again, as get does
        again = await loaded_or_get(session, Idea, idea_id)
        assert again is loaded and again.title == "Un jardin"
        assert len(sent) == 1 and len(gets) == 1


async def test_a_flush_is_sent_only_with_something_to_write(
    uow_factory, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    async with _watched(uow_factory) as (session, sent, resident_id, idea_id):
        idea = await session.get(Idea, idea_id)
        assert idea is not None
        sent.clear()
        flushes = _counted(monkeypatch, session, "flush")
        await flush_pending(session)
        assert sent == [] and flushes == []  # nothing to write: no flush at all
        idea.title = "Un jardin partagé"  # changed
        await flush_pending(session)
        assert len(sent) == 1 and sent[0].startswith("UPDATE ideas")
        session.add(Idea(ref="T-2", resident_id=resident_id, status="draft", locale="fr",
                         created_at=NOW, updated_at=NOW, unmet_needs=[]))  # fmt: skip
        await flush_pending(session)  # new
        assert len(sent) == 2 and sent[1].startswith("INSERT INTO ideas")
        await session.delete(idea)
        await flush_pending(session)  # deleted
        assert len(sent) == 3 and sent[2].startswith("DELETE FROM ideas")


async def test_a_row_read_by_core_becomes_the_object_the_orm_would_load(
    uow_factory, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    resident_id, _ = await resident_and_idea(uow_factory, NOW, ref="T-1", status="draft")
    async with uow_factory() as uow:  # what the ORM loads, in the table's column order
        loaded = await uow.session.get(Resident, resident_id)
        assert loaded is not None
        expected = [getattr(loaded, key) for key in column_keys(Resident)]
    async with uow_factory() as uow, statements_sent(uow_factory) as sent:
        session = uow.session
        residents = Resident.__table__
        row = (
            await session.execute(select(*residents.c).where(residents.c.id == resident_id))
        ).one()
        resident = stored(session, Resident, row)
        assert [getattr(resident, key) for key in column_keys(Resident)] == expected
        assert inspect(resident).persistent and not session.dirty and not session.new
        sent.clear()
        gets = _counted(monkeypatch, session, "get")
        assert await loaded_or_get(session, Resident, resident_id) is resident  # in the map
        await flush_pending(session)
        assert sent == [] and gets == []  # loaded whole, nothing to write
        assert stored(session, Resident, row) is resident  # held: returned as it is
        resident.chat_id = "8"
        await flush_pending(session)  # a change is written as for a loaded object
        assert len(sent) == 1 and sent[0].startswith("UPDATE residents SET chat_id")


async def test_the_claim_reads_the_turn_rows_as_the_orm_loads_them(uow_factory) -> None:  # type: ignore[no-untyped-def]
    """``claim_and_load``'s objects (SQLite: the claim's INSERT returns the row, one subquery a
    column; PostgreSQL: a CTE) hold what an ORM load gives: instants, booleans, JSON, NULLs and
    text with quotes, of the same types, and the held case; a resident not yet known: nothing."""
    state = {"step": "asking", "draft": {"text": 'Un « jardin » "partagé" \\ é', "needs": ["place"],
             "score": 0.5, "timing": None}, "version": 3}  # fmt: skip
    async with uow_factory() as uow:
        resident = Resident(channel="telegram", external_id="7", chat_id="7", locale="fr",
                            display_name="Zoé \"Z\" l'amie", consent_at=NOW, reachable=False,
                            followups_paused=True, created_at=NOW, last_seen_at=NOW)  # fmt: skip
        uow.session.add(resident)
        await uow.session.flush()
        uow.session.add(Conversation(resident_id=resident.id, state=state, version=3,
                                     updated_at=NOW))  # fmt: skip
        case = await cases.open_case(uow, resident.id, None, "asked", NOW, "resident")
        case.status = CLAIMED  # a person holds the conversation
        await uow.commit()
        resident_id = resident.id
    async with uow_factory() as uow:
        loaded = await uow.session.get(Resident, resident_id)
        talk = await uow.session.get(Conversation, resident_id)
        held = await cases.active_case(uow, resident_id)
        assert loaded is not None and talk is not None and held is not None
        expected = (
            [(type(v), v) for v in (getattr(loaded, k) for k in column_keys(Resident))],
            [(type(v), v) for v in (getattr(talk, k) for k in column_keys(Conversation))],
            held.id,
        )
    inbound = Inbound("telegram", "7", "7", TextIn("bonjour"), update_id=5)
    async with uow_factory() as uow:
        claimed = await claim_and_load(uow.session, inbound, "text", NOW)
        assert claimed is not None
        person, conversation, held_id = claimed.row
        assert person is not None and conversation is not None
        assert (
            [(type(v), v) for v in (getattr(person, k) for k in column_keys(Resident))],
            [(type(v), v) for v in (getattr(conversation, k) for k in column_keys(Conversation))],
            held_id,
        ) == expected
    stranger = Inbound("telegram", "8", "8", TextIn("bonjour"), update_id=6)
    async with uow_factory() as uow:
        claimed = await claim_and_load(uow.session, stranger, "text", NOW)
        assert claimed is not None and claimed.row == (None, None, None)
