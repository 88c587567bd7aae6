"""A real browser opens the statistics dashboard and sees the charts drawn by Chart.js, with
the counts as published: rounded to ``DECLIC_STATS_ROUND_TO`` (5 by default, issue 17)."""

from __future__ import annotations

import asyncio

import pytest

from infra.db import make_engine
from infra.uow import uow_factory_for
from tests.support.browser import browser_page, require_chromium
from tests.support.console import PASSWORD
from tests.support.stats import build_journeys

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]

DRAWN = """(id) => {
  const canvas = document.getElementById(id);
  const chart = window.Chart && window.Chart.getChart(canvas);
  const blank = document.createElement("canvas");
  blank.width = canvas.width;
  blank.height = canvas.height;
  return {
    chart: Boolean(chart),
    data: chart ? chart.data.datasets.map((d) => d.data) : null,
    drawn: canvas.width > 0 && canvas.toDataURL() !== blank.toDataURL(),
  };
}"""


async def _seed(url: str) -> None:
    engine = make_engine(url)
    try:
        await build_journeys(uow_factory_for(engine))
    finally:
        await engine.dispose()


def test_the_dashboard_draws_its_charts(migrated_url: str, console_url: str) -> None:
    require_chromium()
    from playwright.sync_api import expect

    asyncio.run(_seed(migrated_url))
    with browser_page() as (page, errors):
        page.on(
            "console",
            lambda m: (
                errors.append(m.text)
                if m.type == "error" and "Failed to load resource" not in m.text
                else None
            ),
        )
        page.on(  # a missing favicon is the only 4xx allowed
            "response",
            lambda r: (
                errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        page.goto(console_url + "/stats")
        page.get_by_label("Adresse e-mail").fill("ada@example.org")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Statistiques")
        page.wait_for_function(
            "() => window.Chart && Chart.getChart(document.getElementById('chart-months'))"
        )
        funnel = page.evaluate(DRAWN, "chart-funnel")
        assert funnel["chart"] and funnel["drawn"], funnel
        # 9 ideas received and completed are published as 10; the 5s stay 5
        assert funnel["data"][0] == [10, 10, 5, 5, 5, 5, 5, 5]
        assert all(n % 5 == 0 for n in funnel["data"][0])
        months = page.evaluate(DRAWN, "chart-months")
        assert months["chart"] and months["drawn"], months
        assert months["data"][0] == [None, None]  # received by month: both under 5
        expect(page.locator("#cut-neighbourhood")).to_contain_text("< 5")
        received = page.locator('#funnel tr[data-metric="received"] td').first
        expect(received).to_have_text("10")  # the table publishes what the chart draws
        assert errors == [], errors  # no CSP violation, no script error
