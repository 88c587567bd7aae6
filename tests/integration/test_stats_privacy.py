"""Statistics and privacy (issue 17): an erased resident stays one anonymous resident, and two
requests that differ by one small group cannot be subtracted to reveal it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from infra.uow import UnitOfWork
from routing.journey.events import journey_event
from routing.journey.records import Idea, Resident
from routing.privacy import service as privacy
from routing.stats import queries as stats
from tests.support.stats import NOW, build_journeys

STRICT = stats.Options(min_cell=5)
ALL = stats.Filters()


async def _report(uow_factory: Callable[[], UnitOfWork], filters=ALL, options=STRICT):  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        return await stats.report(uow, filters, options, NOW)


async def _cells(uow_factory: Callable[[], UnitOfWork], dimension: str):  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        return await stats._cells(uow, dimension, ALL, stats.Options(min_cell=1))


async def _prolific(uow_factory: Callable[[], UnitOfWork], ideas: int = 5) -> None:
    """One resident with several ideas, all in Charonne (culture)."""
    async with uow_factory() as uow:
        resident = Resident(
            channel="telegram", external_id="prolific", locale="fr", created_at=NOW,
            last_seen_at=NOW,
        )  # fmt: skip
        uow.session.add(resident)
        await uow.session.flush()
        for n in range(ideas):
            idea = Idea(
                ref=f"P{n}", resident_id=resident.id, neighbourhood="Charonne",
                themes=["culture"], locale="fr", created_at=NOW, updated_at=NOW,
            )  # fmt: skip
            uow.session.add(idea)
            await uow.session.flush()
            uow.session.add(journey_event(idea, "idea_received", NOW))
        await uow.commit()


async def test_an_erased_resident_with_several_ideas_stays_one_resident(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    await build_journeys(uow_factory)
    await _prolific(uow_factory)
    before_cells = await _cells(uow_factory, "theme")
    before = await _report(uow_factory)
    async with uow_factory() as uow:
        for resident in (await uow.session.scalars(select(Resident))).all():
            await privacy.erase_resident(uow, resident, NOW)
        await uow.commit()
        left = (await uow.session.scalars(select(Idea.anonymous_author))).all()
    assert await _cells(uow_factory, "theme") == before_cells
    assert before_cells["culture"]["received"] == (11, 7)  # 6 + 5 ideas from 7 residents
    after = await _report(uow_factory)
    by_place = {row["key"]: row["received"] for row in after["cuts"]["neighbourhood"]}
    assert by_place["Charonne"] is None  # five ideas, still one (erased) resident
    assert after["cuts"] == before["cuts"] and after["funnel"] == before["funnel"]
    assert len(set(left)) == 6 + 3 + 1 and all(a is not None and a < 0 for a in left)
