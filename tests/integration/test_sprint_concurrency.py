"""20 residents confirm overlapping sprint options at the same instant, on PostgreSQL, each on
its own engine and connection behind an asyncio barrier: no person or room is booked twice, and
exactly one confirmation per option wins; the others are told at once, with fresh options."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select

from declic.demo import load_demo_sprints
from infra.db import make_engine
from infra.uow import uow_factory_for
from knowledge.demo import load_demo_directory
from knowledge.territory import load_gazetteer
from routing.journey.records import Idea
from routing.sprints import availability
from routing.sprints import service as sprints
from routing.sprints.records import PersonDay, RoomDay, Sprint
from tests.support.conversation import FOLLOWUPS, RULES

CONTENDERS = 20
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


async def test_twenty_concurrent_confirmations_never_double_book(postgres_url: str) -> None:
    url = postgres_url
    engine = make_engine(url)
    factory = uow_factory_for(engine)
    await load_demo_directory(factory, NOW)
    await load_demo_sprints(factory)
    async with factory() as uow:
        ideas = [
            Idea(
                ref=f"D-C{i:04d}",
                status="submitted",
                text="Un jardin partagé",
                title="Un jardin partagé",
                neighbourhood="glycines",
                needs=["place", "funding"],
                themes=["garden"],
                unmet_needs=[],
                locale="fr",
                created_at=NOW,
                updated_at=NOW,
            )
            for i in range(CONTENDERS)
        ]
        uow.session.add_all(ideas)
        await uow.commit()
        idea_ids = [idea.id for idea in ideas]
    async with factory() as uow:
        offer = await availability.sprint_options(
            uow, idea_ids[0], NOW, gazetteer=load_gazetteer(), rules=RULES
        )
    options = offer.plan.options
    assert len(options) == 3
    await engine.dispose()

    barrier = asyncio.Barrier(CONTENDERS)

    async def contender(index: int) -> tuple[int, str]:
        own = make_engine(url)  # its own engine, its own connection
        try:
            async with uow_factory_for(own)() as uow:
                await uow.session.execute(select(1))  # connected before the start line
                await barrier.wait()
                outcome = await sprints.confirm(
                    uow,
                    idea_ids[index],
                    options[index % 3],
                    NOW,
                    followups=FOLLOWUPS,
                    gazetteer=load_gazetteer(),
                    rules=RULES,
                )
                await uow.commit()
                if isinstance(outcome, sprints.Lost):
                    assert outcome.offer.plan.options or outcome.offer.plan.problems
                    return index, "lost"
                return index, "won"
        finally:
            await own.dispose()

    results = await asyncio.gather(*(contender(i) for i in range(CONTENDERS)))
    winners = [i for i, verdict in results if verdict == "won"]
    assert len(winners) == 3
    assert sorted(i % 3 for i in winners) == [0, 1, 2]  # exactly one per option

    engine = make_engine(url)
    async with uow_factory_for(engine)() as uow:
        session = uow.session
        assert await session.scalar(select(func.count()).select_from(Sprint)) == 3
        person_days = (await session.execute(select(PersonDay.person_id, PersonDay.day))).all()
        room_days = (
            await session.execute(
                select(RoomDay.room_id, RoomDay.day).where(RoomDay.sprint_id.is_not(None))
            )
        ).all()
        expected = sum(2 * len(options[i % 3].panel) for i in winners)
        assert len(person_days) == len(set(person_days)) == expected
        assert len(room_days) == len(set(room_days)) == 6
        booked = (await session.scalars(select(Sprint.idea_id))).all()
        assert sorted(booked) == sorted(idea_ids[i] for i in winners)
    await engine.dispose()
