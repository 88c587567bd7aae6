"""infra.orm.many_rows: several rows as one INSERT (a VALUES list) on the driver store what
SQLAlchemy's executemany of them through the session stores: the submission's follow-ups,
suggestions (their resources found by a subquery each, their ids returned) and journey events,
in their order (issue 18, session 11)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text

from infra.orm import many_rows, numbered
from knowledge.demo import load_demo_directory
from knowledge.records import ResourceRow
from routing.followups import service as followups_service
from routing.followups.records import FollowUp
from routing.journey import JOURNEY_EVENT_INSERT
from routing.matching import suggestions
from tests.support.rows import resident_and_idea

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
STORED = {
    "followups": "SELECT idea_id, resident_id, kind, due_at, status, data, created_at,"
    " updated_at, cancel_reason FROM followups ORDER BY id",
    "idea_suggestions": "SELECT idea_id, resource_id, external_id, kind, name, need, rank, score,"
    " reasons, status, created_at, responded_at FROM idea_suggestions ORDER BY id",
    "journey_events": "SELECT idea_id, kind, occurred_at, data FROM journey_events"
    " WHERE kind IN ('intake_completed', 'suggested') ORDER BY id",
}


def _rows(
    idea_id: int, resident_id: int, external_ids: list[str]
) -> dict[str, list[dict[str, Any]]]:
    followups = [
        {"idea_id": idea_id, "resident_id": resident_id, "kind": kind, "due_at": NOW + delay,
         "status": "pending", "data": data, "created_at": NOW, "updated_at": NOW}
        for kind, delay, data in (("nudge", timedelta(days=2), {}),
                                  ("checkin", timedelta(days=9), {"day1": None}))
    ]  # fmt: skip
    made = [
        {"idea_id": idea_id, "external_id": external_id, "resource_external_id": external_id,
         "kind": "place", "name": f"Lieu {rank}", "need": "place" if rank > 1 else None,
         "rank": rank, "score": 0.5 / rank, "reasons": [{"code": "near", "params": {"n": rank}}],
         "status": "proposed", "created_at": NOW, "responded_at": None}
        for rank, external_id in enumerate(external_ids, start=1)
    ]  # fmt: skip
    events = [
        {"idea_id": idea_id, "kind": "intake_completed", "occurred_at": NOW,
         "data": {"locale": "fr", "themes": ["garden"]}},
        {"idea_id": idea_id, "kind": "suggested", "occurred_at": NOW,
         "data": {"suggestions": 3, "unmet_needs": []}},
    ]  # fmt: skip
    return {"followups": followups, "idea_suggestions": made, "journey_events": events}


async def test_the_rows_executemany_stores(uow_factory) -> None:  # type: ignore[no-untyped-def]
    await load_demo_directory(uow_factory, NOW)
    resident_id, idea_id = await resident_and_idea(uow_factory, NOW, ref="T-1", status="draft")
    async with uow_factory() as uow:
        known = (await uow.session.scalars(select(ResourceRow.external_id).limit(2))).all()
    rows = _rows(idea_id, resident_id, [*known, "not-in-the-directory"])
    stored: list[dict[str, Any]] = []
    returned: list[dict[str, int]] = []
    for way in ("session", "driver"):
        async with uow_factory() as uow:
            session = uow.session
            if way == "session":
                await session.execute(insert(FollowUp.__table__), rows["followups"])
                added = await session.execute(suggestions._ADD, rows["idea_suggestions"])
                returned.append({external_id: id_ for id_, external_id in added.all()})
                await session.execute(JOURNEY_EVENT_INSERT, rows["journey_events"])
            else:
                await followups_service.inserted(session, rows["followups"])
                returned.append(await suggestions.inserted(session, rows["idea_suggestions"]))
                await suggestions.recorded(session, rows["journey_events"])
            await uow.commit()
        async with uow_factory() as uow:
            stored.append({table: [tuple(row) for row in await uow.session.execute(text(sql))]
                           for table, sql in STORED.items()})  # fmt: skip
            ids = dict((await uow.session.execute(
                text("SELECT external_id, id FROM idea_suggestions"))).all())  # fmt: skip
            assert returned[-1] == ids
            for table in STORED:
                await uow.session.execute(text(f"DELETE FROM {table}"))
            await uow.commit()
    assert stored[0] == stored[1]
    assert [len(found) for found in stored[1].values()] == [2, 3, 2]
    resources = [row[1] for row in stored[1]["idea_suggestions"]]
    assert None not in resources[:2] and resources[2] is None


def test_one_statement_per_count() -> None:
    table = FollowUp.__table__
    names = ("idea_id", "kind")
    assert many_rows(table, names, 2) is many_rows(table, names, 2)
    assert many_rows(table, names, 2) is not many_rows(table, names, 3)
    assert numbered([{"idea_id": 1, "kind": "a"}, {"idea_id": 1, "kind": "b"}], names) == {
        "idea_id_0": 1, "kind_0": "a", "idea_id_1": 1, "kind_1": "b",
    }  # fmt: skip
