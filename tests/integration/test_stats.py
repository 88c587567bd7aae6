"""Statistics over journeys with known outcomes: every metric, every cut, small cells, erasure
(SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from infra.uow import UnitOfWork
from routing.journey.events import journey_event
from routing.journey.records import Idea, Resident
from routing.privacy import service as privacy
from routing.stats import cells as stats_cells
from routing.stats import csv_export, metrics, suppression
from routing.stats import queries as stats
from tests.support.conversation import RULES
from tests.support.stats import NOW, build_journeys

OPEN = stats_cells.Options(min_cell=1, tz=RULES.tz, stale_months=12, round_to=1)
STRICT = stats_cells.Options(min_cell=5, tz=RULES.tz, stale_months=12, round_to=1)
ALL = stats_cells.Filters()


async def _report(uow_factory: Callable[[], UnitOfWork], filters=ALL, options=OPEN):  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        return await stats.report(uow, filters, options, NOW)


async def _cells_of(uow_factory: Callable[[], UnitOfWork], dimension: str):  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        return await stats_cells.count_cells(uow, dimension, ALL, OPEN)


async def test_funnel_conversions_and_durations(uow_factory: Callable[[], UnitOfWork]) -> None:
    await build_journeys(uow_factory)
    data = await _report(uow_factory)
    assert data["funnel"] == {
        "received": 9,
        "intake_completed": 9,
        "matched": 5,
        "human_contact": 5,
        "sprint_booked": 5,
        "sprint_held": 5,
        "action_started": 5,
        "realized": 5,
        "abandoned": 2,
    }
    conversions = data["conversions"]
    assert conversions["received__intake_completed"] == 1.0
    assert conversions["intake_completed__matched"] == round(5 / 9, 3)
    assert conversions["action_started__realized"] == 1.0
    assert conversions["received__abandoned"] == round(2 / 9, 3)
    assert set(conversions) == {metrics.conversion_name(p) for p in metrics.conversions()}
    durations = data["durations"]
    assert durations["time_to_human_answer"] == {
        "unit": "minutes",
        "ideas": 5,
        "p50": 30.0,
        "p90": 50.0,
    }
    assert durations["idea_to_sprint"] == {
        "unit": "minutes",
        "ideas": 5,
        "p50": 3 * 1440.0,
        "p90": 5 * 1440.0,
    }
    assert durations["idea_to_action"]["p50"] == 10 * 1440.0
    assert set(durations) == set(metrics.DURATION_NAMES)


async def test_every_cut(uow_factory: Callable[[], UnitOfWork]) -> None:
    await build_journeys(uow_factory)
    cuts = (await _report(uow_factory))["cuts"]
    assert set(cuts) == set(metrics.CUT_NAMES)

    def received(cut: str) -> dict[object, object]:
        return {row["key"]: row["received"] for row in cuts[cut]}

    assert received("neighbourhood") == {"Belleville": 6, "Ménilmontant": 3}
    assert received("theme") == {"culture": 6, "sport": 3}
    assert received("group_type") == {"informal": 6, "alone": 3}
    assert received("month") == {"2026-10": 6, "2026-11": 3}
    assert received("source") == {"affiche": 6, None: 3}
    assert received("language") == {"fr": 6, "en": 3}
    belleville = cuts["neighbourhood"][0]
    assert belleville["key"] == "Belleville"
    assert belleville["realized"] == 5 and belleville["abandoned"] == 1
    assert belleville["conversions"]["received__realized"] == round(5 / 6, 3)
    assert [row["key"] for row in cuts["month"]] == ["2026-10", "2026-11"]


async def test_filters_since_and_quartier(uow_factory: Callable[[], UnitOfWork]) -> None:
    await build_journeys(uow_factory)
    since = await _report(uow_factory, stats_cells.Filters(since=date(2026, 11, 1)))
    assert since["funnel"]["received"] == 3 and since["funnel"]["matched"] == 0
    place = await _report(uow_factory, stats_cells.Filters(neighbourhood="Belleville"))
    assert place["funnel"]["received"] == 6 and place["funnel"]["realized"] == 5


async def test_unmet_needs_resources_stale_and_service_levels(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    await build_journeys(uow_factory)
    data = await _report(uow_factory)
    assert data["unmet_needs"]["by_theme"] == [{"need": "room", "theme": "culture", "ideas": 1}]
    assert data["unmet_needs"]["by_neighbourhood"] == [
        {"need": "room", "neighbourhood": "Belleville", "ideas": 1}
    ]
    resources = data["resources"]
    assert resources["most_suggested"][0] == {
        "id": "salle-1",
        "name": "Salle des fêtes",
        "kind": "room",
        "ideas": 9,
    }
    assert resources["most_accepted"][0]["ideas"] == 5
    stale = data["stale_resources"]
    assert stale["count"] == 1 and stale["resources"][0]["id"] == "old-room"
    levels = data["service_levels"]
    assert levels["open_unclaimed"] == 0 and levels["workload_by_agent"] == []


async def test_small_cells_are_suppressed_with_their_complement(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    await build_journeys(uow_factory)
    data = await _report(uow_factory, options=STRICT)
    assert data["funnel"]["received"] == 9
    assert data["funnel"]["abandoned"] is None  # two residents
    assert data["conversions"]["received__abandoned"] is None
    by_place = {row["key"]: row for row in data["cuts"]["neighbourhood"]}
    # Ménilmontant (3) is hidden; Belleville (6) too, or 9 - 6 would give it back.
    assert by_place["Ménilmontant"]["received"] is None
    assert by_place["Belleville"]["received"] is None
    assert by_place["Belleville"]["realized"] == 5  # Ménilmontant's 0 names nobody: shown
    assert by_place["Ménilmontant"]["realized"] == 0
    assert data["unmet_needs"]["by_theme"][0]["ideas"] is None
    assert data["durations"]["time_to_human_answer"]["p50"] == 30.0
    strict_menil = await _report(
        uow_factory, stats_cells.Filters(neighbourhood="Ménilmontant"), STRICT
    )
    assert strict_menil["funnel"]["received"] is None
    assert strict_menil["funnel"]["abandoned"] is None
    assert strict_menil["funnel"]["matched"] == 0
    assert strict_menil["durations"]["time_to_human_answer"]["p50"] is None


def test_complementary_suppression_hides_the_smallest_other_cell() -> None:
    cells = {"a": {"x": (10, 10)}, "b": {"x": (7, 7)}, "c": {"x": (2, 2)}}
    assert suppression.suppress_table(cells, 5) == {
        "a": {"x": 10},
        "b": {"x": None},
        "c": {"x": None},
    }
    many = {"a": {"x": (10, 1)}}  # ten ideas of one resident
    assert suppression.suppress_table(many, 5) == {"a": {"x": None}}


def test_csv_cells_cannot_run_as_formulas() -> None:
    for text in ("=1+1", "+33", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert csv_export.csv_safe(text) == "'" + text
    assert csv_export.csv_safe("Belleville") == "Belleville"
    assert csv_export.csv_safe(None) == ""


async def test_erasure_keeps_the_counts(uow_factory: Callable[[], UnitOfWork]) -> None:
    await build_journeys(uow_factory)
    before = await _report(uow_factory, options=STRICT)
    async with uow_factory() as uow:
        residents = (await uow.session.scalars(select(Resident))).all()
        for resident in residents:
            await privacy.erase_resident(uow, resident, NOW, RULES)
        await uow.commit()
    after = await _report(uow_factory, options=STRICT)
    for key in ("funnel", "conversions", "durations", "cuts", "unmet_needs"):
        assert after[key] == before[key], key
    assert "mon idée secrète" not in repr(after) and "Habitant" not in repr(after)


async def test_a_resident_with_many_ideas_is_one_resident(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    await build_journeys(uow_factory)
    async with uow_factory() as uow:
        resident = Resident(
            channel="telegram",
            external_id="prolific",
            locale="fr",
            created_at=NOW,
            last_seen_at=NOW,
        )
        uow.session.add(resident)
        await uow.session.flush()
        for n in range(5):
            idea = Idea(
                ref=f"P{n}",
                resident_id=resident.id,
                neighbourhood="Charonne",
                themes=["culture"],
                locale="fr",
                created_at=NOW,
                updated_at=NOW,
            )
            uow.session.add(idea)
            await uow.session.flush()
            uow.session.add(journey_event(idea, "idea_received", NOW))
        await uow.commit()
    strict = await _report(uow_factory, options=STRICT)
    assert strict["funnel"]["received"] == 14
    by_place = {row["key"]: row["received"] for row in strict["cuts"]["neighbourhood"]}
    assert by_place["Charonne"] is None  # five ideas, one resident
    cells = await _cells_of(uow_factory, "theme")
    assert cells["culture"]["received"] == (11, 7)  # 6 + 5 ideas from 7 residents
    loose = await _report(
        uow_factory,
        options=stats_cells.Options(min_cell=2, tz=RULES.tz, stale_months=12, round_to=1),
    )
    assert {row["key"]: row["received"] for row in loose["cuts"]["neighbourhood"]}[
        "Charonne"
    ] is None
    one = await _report(uow_factory, options=OPEN)
    assert {row["key"]: row["received"] for row in one["cuts"]["neighbourhood"]}["Charonne"] == 5
