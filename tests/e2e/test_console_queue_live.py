"""The queue an agent works from, in Debian's chromium (issue 16): it refreshes by itself, a new
case shows in the list and in the tab title, and the refresh is audited only when it shows
someone new; on a case, « n » opens the next case and « c » takes it.

The page's 30-second timer runs on Playwright's clock (``page.clock``), fast-forwarded, so the
test waits for no real half-minute; the requests themselves are real.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from infra.clock import SystemClock
from infra.uow import UnitOfWork
from routing.staff.records import AuditEntry
from tests.support.browser import (
    browser_page,
    console_env,
    in_database,
    require_chromium,
    running_console,
)
from tests.support.cases import Opened, add_team, resident_with_case
from tests.support.console import PASSWORD, add_staff

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

CLOCK = SystemClock(ZoneInfo("Europe/Paris"))


async def _agent_and_a_case(factory: Callable[[], UnitOfWork]) -> Opened:
    awa = await add_staff(factory, CLOCK, "awa@ville.example", name="Awa Diallo")
    await add_team(factory, "jardins", "Jardins & Nature", ("tanneurs",), (awa.id,))
    return await resident_with_case(factory, CLOCK)


async def _a_second_case(factory: Callable[[], UnitOfWork]) -> Opened:
    return await resident_with_case(
        factory, CLOCK, chat_id="5151", name="Zoé", ref="D-9PQ4RT", words="Un atelier vélo"
    )


async def _queue_views(factory: Callable[[], UnitOfWork]) -> int:
    async with factory() as uow:
        found = await uow.session.scalar(
            select(func.count()).where(AuditEntry.action == "queue.viewed")
        )
        return int(found or 0)


@pytest.fixture
def console(migrated_url: str, tmp_path: Path) -> Iterator[tuple[str, Opened]]:
    first = in_database(migrated_url, _agent_and_a_case)
    with running_console(console_env(migrated_url), tmp_path) as url:
        yield url, first


def test_the_queue_refreshes_itself_shows_a_new_case_and_the_keys_work(
    console: tuple[str, Opened], migrated_url: str
) -> None:
    require_chromium()
    from playwright.sync_api import expect

    url, first = console
    with browser_page() as (page, errors):
        page.clock.install()
        page.goto(url + "/login")
        page.get_by_label("Adresse e-mail").fill("awa@ville.example")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.locator(f'tr[data-case="{first.case_id}"]')).to_contain_text("Nadia")
        title = page.title()
        assert in_database(migrated_url, _queue_views) == 1
        # a refresh that shows nothing new writes nothing
        with page.expect_response(lambda r: r.url.rstrip("/") == url):
            page.clock.run_for(31_000)
        assert in_database(migrated_url, _queue_views) == 1
        assert page.title() == title
        # a new case arrives: the next refresh shows it, in the list and the tab's title
        second = in_database(migrated_url, _a_second_case)
        with page.expect_response(lambda r: r.url.rstrip("/") == url):
            page.clock.run_for(31_000)
        expect(page.locator(f'tr[data-case="{second.case_id}"]')).to_contain_text("Zoé")
        assert page.title().startswith("(1) ") and page.title().endswith(title)
        assert in_database(migrated_url, _queue_views) == 2
        # on a case: « n » opens the next case waiting, « c » takes it
        page.goto(f"{url}/cases/{first.case_id}")
        page.locator("body").press("c")
        expect(page.locator(".notice")).to_contain_text("Vous avez pris cette demande")
        page.goto(f"{url}/cases/{second.case_id}")
        page.locator("body").press("n")  # the case waiting longest for its holder's reply
        page.wait_for_url(re.compile(rf"{re.escape(url)}/cases/{first.case_id}(\?.*)?$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{first.case_id}")
        assert errors == [], errors
