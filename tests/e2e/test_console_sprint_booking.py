"""A real browser on an idea's sprint page: an agent books the first option for the resident.

`declic console` runs as a subprocess over a database with the demo directory and panel; the
agent opens the case, follows the link to the idea's sprint, books the first option, and the
outbox holds the resident's message and their `.ics` document (rendered by the bot's renderer,
loaded lazily by the console). Same chromium rule as test_console_browser.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from declic.demo import load_demo_sprints
from infra.clock import SystemClock
from infra.uow import UnitOfWork
from knowledge.demo import load_demo_directory
from routing.journey.records import Idea, OutgoingMessage
from routing.sprints.records import Sprint
from tests.support.browser import (
    STARTUP,
    browser_page,
    console_env,
    in_database,
    require_chromium,
    running_console,
)
from tests.support.cases import add_team, resident_with_case
from tests.support.console import PASSWORD, add_staff

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]

CHAT = "70707"
REF = "D-SPR1NT"


async def _set_up(factory: Callable[[], UnitOfWork]) -> int:
    clock = SystemClock(ZoneInfo("Europe/Paris"))
    await load_demo_directory(factory, datetime(2026, 11, 1, tzinfo=UTC))
    assert await load_demo_sprints(factory)
    awa = await add_staff(factory, clock, "awa@ville.example", name="Awa Diallo")
    await add_team(factory, "jardins", "Jardins & Nature", ("glycines",), (awa.id,))
    opened = await resident_with_case(
        factory, clock, chat_id=CHAT, ref=REF, neighbourhood="glycines", name="Zélie"
    )
    async with factory() as uow:
        idea = await uow.session.get(Idea, opened.idea_id)
        assert idea is not None
        idea.needs, idea.themes = ["place", "funding"], ["garden"]
        await uow.commit()
    return opened.case_id


async def _resident_rows(factory: Callable[[], UnitOfWork]) -> list[tuple[str, dict]]:
    async with factory() as uow:
        rows = await uow.session.scalars(
            select(OutgoingMessage)
            .where(OutgoingMessage.chat_id == CHAT)
            .order_by(OutgoingMessage.id)
        )
        return [(r.method, dict(r.payload)) for r in rows.all()]


async def _sprints(factory: Callable[[], UnitOfWork]) -> list[str]:
    async with factory() as uow:
        return [s.status for s in (await uow.session.scalars(select(Sprint))).all()]


@pytest.fixture
def console(migrated_url: str, tmp_path: Path) -> Iterator[tuple[str, str, int]]:
    case_id = in_database(migrated_url, _set_up)
    with running_console(console_env(migrated_url), tmp_path) as url:
        yield url, migrated_url, case_id


def test_an_agent_books_the_first_option_for_the_resident(
    console: tuple[str, str, int],
) -> None:
    require_chromium()
    from playwright.sync_api import expect

    url, database, case_id = console
    with browser_page() as (page, errors):
        page.goto(url + "/login")
        page.get_by_label("Adresse e-mail").fill("awa@ville.example")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.goto(f"{url}/cases/{case_id}")
        page.get_by_text("La demande et l'idée").click()  # the facts fold away on a case
        page.get_by_role("link", name="Sprint de deux jours").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Sprint de l'idée {REF}")
        first = page.locator("#option-1")
        expect(first).to_contain_text("Les dates les plus proches")
        # The console's first message to a resident loads the bot's renderer, and with it
        # aiogram's types (about 5 s of CPU): at load 15 that took more than WAIT_MS (this click
        # timed out on both backends in a whole run), so the booking gets the start's bound.
        first.get_by_role("button", name="Réserver pour l'habitant·e").click(timeout=STARTUP * 1000)
        expect(page.get_by_role("status").first).to_contain_text("Le sprint est réservé")
        expect(page.get_by_role("heading", name="Sprint réservé")).to_be_visible()
        assert errors == []

    assert in_database(database, _sprints) == ["confirmed"]
    rows = in_database(database, _resident_rows)
    documents = [payload for method, payload in rows if method == "sendDocument"]
    assert len(documents) == 1 and documents[0]["filename"].endswith(".ics")
    calendar = icalendar.Calendar.from_ical(base64.b64decode(documents[0]["content_b64"]))
    assert calendar["METHOD"] == "REQUEST"
    texts = [payload.get("text", "") for method, payload in rows if method == "sendMessage"]
    assert any("C'est réservé" in text for text in texts)
