"""Statistics and privacy (issue 17): an erased resident stays one anonymous resident, and two
requests that differ by one small group cannot be subtracted to reveal it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import select

from infra.uow import UnitOfWork
from routing.journey.events import journey_event
from routing.journey.records import Idea, Resident
from routing.privacy import service as privacy
from routing.stats import cells as stats_cells
from routing.stats import queries as stats
from routing.stats import suppression
from tests.support.conversation import RULES
from tests.support.stats import NOW, build_journeys

STRICT = stats_cells.Options(min_cell=5, tz=RULES.tz, stale_months=12, round_to=1)
ALL = stats_cells.Filters()


async def _report(uow_factory: Callable[[], UnitOfWork], filters=ALL, options=STRICT):  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        return await stats.report(uow, filters, options, NOW)


async def _cells(uow_factory: Callable[[], UnitOfWork], dimension: str):  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        return await stats_cells.count_cells(
            uow,
            dimension,
            ALL,
            stats_cells.Options(min_cell=1, tz=RULES.tz, stale_months=12, round_to=1),
        )


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
            await privacy.erase_resident(uow, resident, NOW, RULES)
        await uow.commit()
        left = (await uow.session.scalars(select(Idea.anonymous_author))).all()
    assert await _cells(uow_factory, "theme") == before_cells
    assert before_cells["culture"]["received"] == (11, 7)  # 6 + 5 ideas from 7 residents
    after = await _report(uow_factory)
    by_place = {row["key"]: row["received"] for row in after["cuts"]["neighbourhood"]}
    assert by_place["Charonne"] is None  # five ideas, still one (erased) resident
    assert after["cuts"] == before["cuts"] and after["funnel"] == before["funnel"]
    assert len(set(left)) == 6 + 3 + 1 and all(a is not None and a < 0 for a in left)


async def _received(uow_factory, n0: int, count: int, place: str, at: datetime) -> None:  # type: ignore[no-untyped-def]
    """``count`` residents of ``place``, one idea each, received at ``at``."""
    async with uow_factory() as uow:
        for n in range(n0, n0 + count):
            resident = Resident(channel="telegram", external_id=f"r{n}", locale="fr",
                                created_at=at, last_seen_at=at)  # fmt: skip
            uow.session.add(resident)
            await uow.session.flush()
            idea = Idea(ref=f"R{n}", resident_id=resident.id, neighbourhood=place,
                        themes=["jardin"], locale="fr", created_at=at, updated_at=at)  # fmt: skip
            uow.session.add(idea)
            await uow.session.flush()
            uow.session.add(journey_event(idea, "idea_received", at))
        await uow.commit()


PUBLISHED = stats_cells.Options(
    min_cell=5, round_to=5, tz=RULES.tz, stale_months=12
)  # what the console and the CLI publish
EXACT = stats_cells.Options(min_cell=5, round_to=1, tz=RULES.tz, stale_months=12)  # before issue 17


async def test_two_requests_differing_by_one_small_group_do_not_reveal_it(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    """Ménilmontant's three residents (received on 10 November) are the only difference
    between « since 1 November » and « since 15 November ». Six more residents arrive on
    20 November, so both funnels are published: exact counts subtract to 3, the group."""
    await build_journeys(uow_factory)
    await _received(uow_factory, 0, 6, "Charonne", datetime(2026, 11, 20, 9, tzinfo=UTC))
    early, late = (
        stats_cells.Filters(since=date(2026, 11, 1)),
        stats_cells.Filters(since=date(2026, 11, 15)),
    )

    exact = [(await _report(uow_factory, f, EXACT))["funnel"]["received"] for f in (early, late)]
    assert exact == [9, 6] and exact[0] - exact[1] == 3  # the flaw: the small group, exactly

    shown = [
        (await _report(uow_factory, f, PUBLISHED))["funnel"]["received"] for f in (early, late)
    ]
    assert shown == [10, 5]
    assert shown[0] - shown[1] != 3
    for first, second in ((early, late), (stats_cells.Filters(), early)):
        a = (await _report(uow_factory, first, PUBLISHED))["cuts"]["neighbourhood"]
        b = (await _report(uow_factory, second, PUBLISHED))["cuts"]["neighbourhood"]
        rows_a = {r["key"]: r["received"] for r in a}
        rows_b = {r["key"]: r["received"] for r in b}
        assert rows_a.get("Ménilmontant") is None and rows_b.get("Ménilmontant") is None
        for key in rows_a.keys() & rows_b.keys():  # no published pair subtracts to 1..4
            if rows_a[key] is not None and rows_b[key] is not None:
                assert (rows_a[key] - rows_b[key]) % 5 == 0


async def test_a_filtered_cell_whose_complement_is_small_is_suppressed(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    """Charonne: 2 residents in September, 6 in November. The all-time table publishes
    Charonne (8 → 10); « since 1 October » would publish 6 → 5 and the two would say « a few
    residents before October ». The complement (2 residents) is small: the filtered cell is
    suppressed, consistently in the funnel filtered on Charonne too."""
    await build_journeys(uow_factory)
    await _received(uow_factory, 0, 2, "Charonne", datetime(2026, 9, 1, 9, tzinfo=UTC))
    await _received(uow_factory, 10, 6, "Charonne", datetime(2026, 11, 20, 9, tzinfo=UTC))
    everything = await _report(uow_factory, stats_cells.Filters(), PUBLISHED)
    since = await _report(uow_factory, stats_cells.Filters(since=date(2026, 10, 1)), PUBLISHED)
    by_place = {r["key"]: r["received"] for r in everything["cuts"]["neighbourhood"]}
    filtered = {r["key"]: r["received"] for r in since["cuts"]["neighbourhood"]}
    assert by_place["Charonne"] == 10 and filtered["Charonne"] is None
    only = stats_cells.Filters(since=date(2026, 10, 1), neighbourhood="Charonne")
    assert (await _report(uow_factory, only, PUBLISHED))["funnel"]["received"] is None
    assert (await _report(uow_factory, only, EXACT))["funnel"]["received"] is None


def test_rounding_never_tells_a_small_groups_size() -> None:
    """Whatever the count x, adding a group of 1 to 4 moves the published count by 0 or 5:
    the difference of two published counts never gives the group's size."""
    for x in range(0, 200):
        for group in range(1, 5):
            a, b = suppression.rounded(x + group, 5), suppression.rounded(x, 5)
            assert a is not None and b is not None and a - b in (0, 5)
    assert [suppression.rounded(n, 5) for n in (0, 1, 2, 3, 7, 8, 12, 13)] == [
        0,
        5,
        5,
        5,
        5,
        10,
        10,
        15,
    ]
    assert suppression.rounded(None, 5) is None and suppression.rounded(7, 1) == 7
