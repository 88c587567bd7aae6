"""Suggestions recorded on an idea, grouped by need, and the resident's answers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from knowledge.demo import demo_city, load_demo_directory
from knowledge.store import CatalogueCache
from routing.journey.records import Idea, JourneyEvent
from routing.matching.suggestions import (
    record_response,
    suggest_for_idea,
    suggestions_by_need,
    suggestions_for_idea,
)

DEMO_CITY = demo_city()

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def _idea(uow_factory, **fields) -> int:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        idea = Idea(
            ref="T1", status="submitted", locale="fr", created_at=NOW, updated_at=NOW, **fields
        )
        uow.session.add(idea)
        await uow.commit()
        return idea.id


async def test_matching_an_idea_records_suggestions_unmet_needs_and_events(uow_factory) -> None:  # type: ignore[no-untyped-def]
    await load_demo_directory(uow_factory, NOW)
    idea_id = await _idea(
        uow_factory,
        text="Un repas de quartier avec les voisins, il nous faut une salle et des sous",
        neighbourhood="glycines",
        group_type="informal",
        needs=["place", "funding", "peers"],
    )
    cache = CatalogueCache(DEMO_CITY)
    async with uow_factory() as uow:
        result = await suggest_for_idea(uow, idea_id, cache, NOW)
        await uow.commit()
    assert result.suggestions
    async with uow_factory() as uow:
        grouped = await suggestions_by_need(uow, idea_id)
        idea = await uow.session.get(Idea, idea_id)
        assert idea is not None and idea.unmet_needs == list(result.unmet_needs)
        kinds = (await uow.session.scalars(select(JourneyEvent.kind))).all()
    assert list(grouped)[:2] == ["place", "funding"]
    assert grouped["place"][0].kind == "room"
    assert grouped["funding"][0].kind in ("grant", "sponsor")
    assert "suggested" in kinds

    first = grouped["place"][0]
    async with uow_factory() as uow:
        view = await record_response(uow, first.id, True, NOW)
        await record_response(uow, first.id, True, NOW)  # a second tap changes nothing
        await uow.commit()
    assert view.status == "accepted"
    async with uow_factory() as uow:
        # Matching again keeps the answer and does not duplicate the accepted resource.
        await suggest_for_idea(uow, idea_id, cache, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        views = await suggestions_for_idea(uow, idea_id)
        events = (
            await uow.session.scalars(
                select(JourneyEvent).where(JourneyEvent.kind == "suggestion_accepted")
            )
        ).all()
    assert [v.status for v in views if v.external_id == first.external_id] == ["accepted"]
    assert len(events) == 1 and events[0].data["resource"] == first.external_id


async def test_a_need_nothing_meets_is_recorded_unmet(uow_factory) -> None:  # type: ignore[no-untyped-def]
    idea_id = await _idea(uow_factory, text="Une fête", needs=["legal"], group_type="alone")
    async with uow_factory() as uow:
        result = await suggest_for_idea(uow, idea_id, CatalogueCache(DEMO_CITY), NOW)
        await uow.commit()
    assert result.unmet_needs == ("legal",)
    async with uow_factory() as uow:
        idea = await uow.session.get(Idea, idea_id)
        assert idea is not None and idea.unmet_needs == ["legal"]
