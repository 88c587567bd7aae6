"""The statistics dashboard, its CSV and its JSON: coordinators only, audited, small cells
suppressed everywhere (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from sqlalchemy import select

from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from routing.staff.records import AuditEntry
from tests.support.console import add_staff, browser, console_app, login
from tests.support.stats import build_journeys


async def test_dashboard_csv_and_api_suppress_small_cells(
    migrated_url: str, uow_factory: Callable[[], UnitOfWork], clock: FrozenClock
) -> None:
    await build_journeys(uow_factory)
    await add_staff(uow_factory, clock, "coord@example.org", role="coordinator")
    app = console_app(migrated_url, uow_factory, clock)
    async with browser(app) as client:
        await login(client, "coord@example.org")
        page = await client.get("/stats")
        assert page.status_code == 200, page.text
        html = page.text
        assert '<canvas id="chart-funnel"' in html and "/static/vendor/chart.umd.min.js" in html
        # counts are published rounded to DECLIC_STATS_ROUND_TO (5): 9 ideas show as 10
        assert 'data-metric="received"' in html and "<td>10</td>" in html
        # abandoned: two residents -> "< 5"; Ménilmontant's 3 ideas and its complement hidden
        assert html.count("&lt; 5") >= 3
        assert "Belleville" in html and "Habitant" not in html and "secrète" not in html
        assert "Salle des fêtes" in html and "Old Room" in html

        api = await client.get("/api/stats")
        assert api.status_code == 200
        data = api.json()
        assert data["funnel"]["received"] == 10 and data["funnel"]["abandoned"] is None
        assert data["round_to"] == 5
        by_place = {row["key"]: row["received"] for row in data["cuts"]["neighbourhood"]}
        assert by_place == {"Belleville": None, "Ménilmontant": None}

        export = await client.get("/stats.csv?quartier=Belleville")
        assert export.status_code == 200
        assert export.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(export.text)))
        assert rows[0] == ["section", "metric", "dimension", "key", "value"]
        values = {(r[0], r[1], r[2], r[3]): r[4] for r in rows[1:]}
        assert values[("funnel", "received", "", "")] == "5"  # 6, rounded to 5
        assert values[("funnel", "abandoned", "", "")] == ""  # suppressed: empty cell
        assert values[("cut", "received", "neighbourhood", "Belleville")] == "5"

        bad = await client.get("/stats?since=yesterday")
        assert bad.status_code == 400
    async with uow_factory() as uow:
        actions = (await uow.session.scalars(select(AuditEntry.action))).all()
    assert actions.count("stats.viewed") == 2 and actions.count("stats.exported") == 1


async def test_agents_may_not_see_statistics(
    migrated_url: str, uow_factory: Callable[[], UnitOfWork], clock: FrozenClock
) -> None:
    await add_staff(uow_factory, clock, "agent@example.org", role="agent")
    app = console_app(migrated_url, uow_factory, clock)
    async with browser(app) as client:
        await login(client, "agent@example.org")
        assert (await client.get("/stats")).status_code == 403
        assert (await client.get("/stats.csv")).status_code == 403
        assert (await client.get("/api/stats")).status_code == 403
    async with browser(app) as anonymous:
        assert (await anonymous.get("/stats")).status_code == 303


async def test_empty_dashboard_renders_in_english(
    migrated_url: str, uow_factory: Callable[[], UnitOfWork], clock: FrozenClock
) -> None:
    await add_staff(uow_factory, clock, "admin@example.org", role="admin")
    app = console_app(migrated_url, uow_factory, clock)
    async with browser(app) as client:
        await login(client, "admin@example.org")
        page = await client.get("/stats", headers={"accept-language": "en"})
        assert page.status_code == 200
