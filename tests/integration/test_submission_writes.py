"""A submission on PostgreSQL in three statements leaves the same rows as one that reads and
writes one thing at a time: its writes deferred to the turn's last statement (the follow-ups'
and suggestions' INSERTs, the match and its event, carried by the conversation's UPDATE and the
outbox rows' INSERT; ``infra.uow.LaterWrite``), the planning's and the match's reads answered
by the submission's own statement for an idea new to them (``followups.untouched``,
``matching.first_match``); the cards' buttons name the suggestions' rows (their ids taken before
the rows were written)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import TextClause, bindparam, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from infra.clock import FrozenClock
from infra.db import make_engine
from infra.orm import UtcDateTime
from infra.uow import LaterWrite, UnitOfWork, uow_factory_for
from knowledge.demo import load_demo_directory
from routing import followups, matching
from routing.conversation import effects
from routing.conversation.service import ConversationService
from routing.journey import Idea
from routing.journey.records import OutgoingMessage
from tests.support.conversation import conversation_service, statements_sent
from tests.support.residents import ScriptedResident

IDEA = (
    "Avec des voisins on voudrait un jardin partagé aux Glycines, "
    "il nous faut un lieu et un peu d'argent pour les graines"
)
# Each table's rows of one resident's idea, without the columns that name rows (ids, refs) or
# the resident (their chat, their updates' ids in the outbox keys).
SNAPSHOT = {
    "ideas": "SELECT status, text, title, neighbourhood, needs, themes, unmet_needs, group_type,"
    " timing, timing_words, source, locale, created_at, updated_at, submitted_at FROM ideas"
    " WHERE id = :idea",
    "followups": "SELECT kind, due_at, status, data, created_at, updated_at, cancel_reason"
    " FROM followups WHERE idea_id = :idea ORDER BY kind, due_at",
    "idea_suggestions": "SELECT external_id, kind, name, need, rank, score, reasons, status,"
    " created_at, responded_at, resource_id FROM idea_suggestions WHERE idea_id = :idea"
    " ORDER BY rank",
    "journey_events": "SELECT kind, occurred_at, data FROM journey_events WHERE idea_id = :idea"
    " ORDER BY id",
    "cases": "SELECT reason, status, source, team_id, opened_at FROM cases WHERE idea_id = :idea",
    "case_events": "SELECT e.kind, e.data, e.occurred_at FROM case_events e"
    " JOIN cases c ON c.id = e.case_id WHERE c.idea_id = :idea ORDER BY e.id",
}


@pytest.fixture
async def postgres_uow(postgres_url: str) -> AsyncIterator[Callable[[], UnitOfWork]]:
    engine = make_engine(postgres_url)
    yield uow_factory_for(engine)
    await engine.dispose()


def _service(uow_factory: Callable[[], UnitOfWork], clock: FrozenClock) -> ConversationService:
    return conversation_service(uow_factory, clock, directory=True)


@contextmanager
def _writing_now(uow: UnitOfWork) -> Iterator[None]:
    """``UnitOfWork.writing_later`` that defers nothing: every write sent when it is made."""
    yield


async def _holding_nothing(uow: UnitOfWork, write: LaterWrite) -> None:
    """``UnitOfWork.hold`` that holds nothing: the write sent when it is made."""
    await uow.session.execute(write.statement, write.parameters)


async def _submission(
    service: ConversationService, user_id: str, statements: list[str]
) -> dict[str, Any]:
    """One resident's submission; what it wrote, and the cards' suggestion ids by rank."""
    resident = ScriptedResident(service, user_id=user_id)
    await resident.reaches_summary(IDEA, "cet été")
    async with statements_sent(service.uow_factory) as sent:
        submitted = await resident.presses("s", "ok")
    statements.extend(sent)
    assert submitted.handled
    async with service.uow_factory() as uow:
        session = uow.session
        idea = await session.scalar(select(Idea.id).where(Idea.status == "submitted").where(
            Idea.resident_id == submitted.resident_id))  # fmt: skip
        rows = {
            table: [tuple(row) for row in await session.execute(text(sql), {"idea": idea})]
            for table, sql in SNAPSHOT.items()
        }
        ranks = dict(
            (await session.execute(
                text("SELECT id, rank FROM idea_suggestions WHERE idea_id = :idea"), {"idea": idea}
            )).all()
        )  # fmt: skip
        payloads = (
            await session.scalars(
                select(OutgoingMessage.payload)
                .where(OutgoingMessage.id.in_(submitted.outbox_ids))
                .order_by(OutgoingMessage.id)
            )
        ).all()
    # The cards' buttons carry the suggestions' ids: each must be a row of this idea's.
    cards = [json.dumps(payload, sort_keys=True) for payload in payloads]
    named = {int(found) for card in cards for found in re.findall(r'"d:g:(\d+)\.', card)}
    assert named <= set(ranks)
    ranked = [
        re.sub(r'"d:g:(\d+)\.', lambda m: f'"d:g:#{ranks[int(m[1])]}.', card) for card in cards
    ]
    return {"rows": rows, "cards": ranked, "named": len(named)}


@pytest.mark.parametrize("directory", ["demo", "empty"])
async def test_deferred_writes_leave_the_same_rows(
    uow_factory: Callable[[], UnitOfWork],
    backend: str,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    directory: str,
) -> None:
    """(SQLite defers nothing but the intake_completed event, written with the match's
    "suggested" one: there, the reads the submission's statement spares, and that INSERT.)"""
    if directory == "demo":
        await load_demo_directory(uow_factory, datetime(2026, 11, 1, tzinfo=UTC))
    service = _service(uow_factory, clock)
    async with uow_factory() as uow:  # built before the turns, as the bot's commands do
        assert service.catalogues is not None
        await service.catalogues.get(uow)
    deferred_sql: list[str] = []
    deferred = await _submission(service, "42", deferred_sql)
    monkeypatch.setattr(UnitOfWork, "writing_later", _writing_now)
    monkeypatch.setattr(UnitOfWork, "hold", _holding_nothing)
    submitted = effects._submitted

    async def reading(*args: Any) -> Any:  # the planning and the match read for themselves
        idea, _known = await submitted(*args)
        return idea, effects._NOTHING_KNOWN

    monkeypatch.setattr(effects, "_submitted", reading)
    one_by_one_sql: list[str] = []
    one_by_one = await _submission(service, "43", one_by_one_sql)

    assert deferred == one_by_one
    assert deferred["rows"]["followups"]  # the nudge and the check-ins
    if directory == "demo":
        assert 0 < deferred["named"] <= len(deferred["rows"]["idea_suggestions"])  # a page
    else:
        assert deferred["rows"]["cases"] and not deferred["rows"]["idea_suggestions"]
    if backend == "sqlite":
        # the planning's, the match's reads; the event held for the match's
        assert len(deferred_sql) == len(one_by_one_sql) - 3
        return
    # The turn's last statement (save and send) carries the rest; with nothing found, the
    # case's opening read does, before the case's own events.
    carried = deferred_sql[-1] if directory == "demo" else deferred_sql[-3]
    assert "followups_added AS" in carried and "suggested AS" in carried
    if directory == "demo":
        assert "suggestions_added AS" in carried
        assert len(deferred_sql) == len(one_by_one_sql) - 5  # 2 reads, 3 writes
    else:
        assert "JOIN teams" in carried
        assert len(deferred_sql) == len(one_by_one_sql) - 4  # 2 reads, 2 writes


async def test_ids_taken_once_per_match_whatever_the_earlier_suggestions(
    postgres_uow: Callable[[], UnitOfWork], clock: FrozenClock
) -> None:
    """The ids' subquery runs once, also when the idea's earlier suggestions make several rows;
    a second match of the idea takes fresh ids, its answered suggestions kept."""
    await load_demo_directory(postgres_uow, datetime(2026, 11, 1, tzinfo=UTC))
    service = _service(postgres_uow, clock)
    await _submission(service, "42", [])
    catalogues = service.catalogues
    assert catalogues is not None
    async with postgres_uow() as uow:
        idea_id = await uow.session.scalar(select(Idea.id))
        assert idea_id is not None
        first = await uow.session.scalar(text("SELECT min(id) FROM idea_suggestions"))
        await uow.session.execute(
            text("UPDATE idea_suggestions SET status = 'accepted' WHERE id = :id"), {"id": first}
        )
        before = await uow.session.scalar(text("SELECT last_value FROM idea_suggestions_id_seq"))
        with uow.writing_later():
            found = await matching.suggest_for_idea(uow, idea_id, catalogues, clock.now(), top=6)
        after = await uow.session.scalar(text("SELECT last_value FROM idea_suggestions_id_seq"))
        assert after == before + 6
        await uow.commit()
    async with postgres_uow() as uow:
        rows = (
            await uow.session.execute(
                text("SELECT id, status FROM idea_suggestions WHERE idea_id = :i ORDER BY rank"),
                {"i": idea_id},
            )
        ).all()
    assert (first, "accepted") in rows
    assert len(rows) == len(found.suggestions)
    assert all(before < row_id <= after for row_id, status in rows if status == "proposed")


def _at_now(sql: str) -> TextClause:
    """A raw statement whose ``:now`` is bound as the product's columns store an instant
    (``infra.orm.UtcDateTime``: UTC text on SQLite), not by sqlite3's default datetime adapter,
    which Python 3.12 deprecates (and which would store the clock's offset)."""
    statement = text(sql)
    if ":now" not in sql:
        return statement
    return statement.bindparams(bindparam("now", type_=UtcDateTime()))


async def test_the_submission_says_what_the_reads_would(
    uow_factory: Callable[[], UnitOfWork], clock: FrozenClock
) -> None:
    """``followups.untouched`` and ``matching.first_match`` answer as the planning's and the
    match's own reads: an idea with nothing, then with a follow-up, a live sprint (a cancelled
    one does not count), an activity event (another event does not count), a suggestion."""
    await load_demo_directory(uow_factory, datetime(2026, 11, 1, tzinfo=UTC))
    service = _service(uow_factory, clock)
    await _submission(service, "42", [])
    now = clock.now()
    async with uow_factory() as uow:
        session = uow.session
        resident_id, ref = (
            await session.execute(text("SELECT id, 'D-FRESH1' FROM residents"))
        ).one()
        fresh = await session.scalar(
            _at_now(
                "INSERT INTO ideas (ref, resident_id, status, locale, created_at, updated_at,"
                " needs, themes, unmet_needs) VALUES (:ref, :r, 'draft', 'fr',"
                " :now, :now, '[]', '[]', '[]') RETURNING id"
            ),
            {"ref": ref, "r": resident_id, "now": now},
        )
        submitted = await session.scalar(select(Idea.id).where(Idea.status == "submitted"))
        await uow.commit()

    async def said(idea_id: int) -> tuple[bool, bool]:
        known = matching.first_match(literal(idea_id), ids=False)
        async with uow_factory() as uow:
            row = (
                await uow.session.execute(select(followups.untouched(literal(idea_id)), *known))
            ).one()
        return bool(row[0]), bool(row.unmatched)

    async def run(sql: str) -> None:
        async with uow_factory() as uow:
            await uow.session.execute(_at_now(sql), {"i": fresh, "now": now})
            await uow.commit()

    assert await said(submitted) == (False, False)  # its follow-ups, its suggestions
    assert await said(fresh) == (True, True)
    sprint = (
        "INSERT INTO sprints (idea_id, status, day1, day2, needed, covered, ics_uid, sequence,"
        " created_at, updated_at) VALUES (:i, '{status}', '2026-12-12', '2026-12-13', '[]',"
        " '[]', '{uid}', 0, :now, :now)"
    )
    await run(sprint.format(status="cancelled", uid="a@declic"))
    assert await said(fresh) == (True, True)
    await run(sprint.format(status="held", uid="b@declic"))
    assert await said(fresh) == (False, True)
    await run("DELETE FROM sprints WHERE idea_id = :i")
    event = (
        "INSERT INTO journey_events (idea_id, kind, occurred_at, data)"
        " VALUES (:i, '{}', :now, '{{}}')"
    )
    await run(event.format("suggested"))
    assert await said(fresh) == (True, True)
    await run(event.format("case_claimed"))
    assert await said(fresh) == (False, True)
    await run("DELETE FROM journey_events WHERE idea_id = :i")
    await run(
        "INSERT INTO followups (idea_id, kind, due_at, status, data, created_at, updated_at)"
        " VALUES (:i, 'nudge', :now, 'cancelled', '{}', :now, :now)"
    )
    assert await said(fresh) == (False, True)
    await run("DELETE FROM followups WHERE idea_id = :i")
    await run(
        "INSERT INTO idea_suggestions (idea_id, external_id, name, rank, score, reasons, status,"
        " created_at) VALUES (:i, 'x', 'x', 1, 0.5, '[]', 'declined', :now)"
    )
    assert await said(fresh) == (True, False)


async def test_the_submissions_writes_run_on_the_driver(
    uow_factory: Callable[[], UnitOfWork],
    backend: str,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The idea's and the resident's UPDATEs, the follow-ups', suggestions' and journey events'
    INSERTs of a submission are sent by ``infra.driver``, none through the session's execution
    (issue 18, session 11: there each cost about as much CPU again as its statement)."""
    await load_demo_directory(uow_factory, datetime(2026, 11, 1, tzinfo=UTC))
    service = _service(uow_factory, clock)
    resident = ScriptedResident(service, user_id="42")
    await resident.reaches_summary(IDEA, "cet été")
    through_session: list[str] = []
    execute = AsyncSession.execute

    async def executed(self: AsyncSession, statement: Any, *args: Any, **kwargs: Any) -> Any:
        async with statements_sent(service.uow_factory) as sent:
            result = await execute(self, statement, *args, **kwargs)
        through_session.extend(sent)
        return result

    monkeypatch.setattr(AsyncSession, "execute", executed)
    async with statements_sent(service.uow_factory) as sent:
        assert (await resident.presses("s", "ok")).handled
    ours = ("UPDATE ideas", "WITH consented", "UPDATE residents", "INSERT INTO followups",
            "INSERT INTO idea_suggestions", "INSERT INTO journey_events")  # fmt: skip
    assert any(sql.startswith(ours) for sql in sent)  # the submission's own
    assert not [sql for sql in through_session if sql.startswith(ours)]
