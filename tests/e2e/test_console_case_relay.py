"""A real browser on a case page: the live relay between a resident and an agent.

`declic console` runs as a subprocess; this test process plays the resident through the
conversation service (the path a Telegram message takes) against the same database. The agent
logs in, opens the case, claims it; the resident writes and the words appear on the page within
2 seconds without a reload; the agent replies and a signed message waits in the outbox for the
resident's chat. Same chromium rule as test_console_browser: skipped outside CI when missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from infra.clock import SystemClock
from infra.uow import UnitOfWork
from routing.cases import teams as case_teams
from routing.journey.records import Case, OutgoingMessage
from routing.staff.accounts import create_staff
from tests.support import console_world
from tests.support.browser import (
    browser_page,
    console_env,
    in_database,
    require_chromium,
    running_console,
)
from tests.support.console import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]

T = TypeVar("T")
CHAT = "60601"
RELAY_MS = 2_000  # the promise: a resident's message on the page within 2 seconds
NEW_WORDS = "Vous êtes là ? <b>La salle</b> du jeudi me va"
REPLY = "Oui, je suis là. Je réserve la salle du jeudi."


async def _set_up(factory: Callable[[], UnitOfWork]) -> int:
    """An agent in the team that covers Les Tanneurs, and a resident who asked for a person."""
    now = SystemClock(ZoneInfo("Europe/Paris")).now()
    async with factory() as uow:
        awa = await create_staff(
            uow,
            email="awa@ville.example",
            display_name="Awa Diallo",
            role="agent",
            password=PASSWORD,
            now=now,
        )
        team = await case_teams.create_team(uow, "jardins", "Jardins & Nature", [], ["tanneurs"])
        await case_teams.add_member(uow, team.id, awa.id)
        await uow.commit()
    resident = console_world.resident(factory, CHAT)
    await resident.says(
        "On voudrait une grainothèque aux Tanneurs avec des voisins, il faut un local"
    )
    await resident.says("dès que possible")
    await resident.presses("a", "yes")
    await resident.presses("s", "ok")
    await resident.says("/humain")
    async with factory() as uow:
        case = await uow.session.scalar(select(Case))
    assert case is not None and case.status == "open" and case.team_id == team.id
    return case.id


async def _resident_writes(factory: Callable[[], UnitOfWork]) -> None:
    outcome = await console_world.resident(factory, CHAT).says(NEW_WORDS)
    assert outcome.handled and outcome.outbox_ids == ()  # a person holds it: the bot is silent


async def _signed_reply(factory: Callable[[], UnitOfWork]) -> list[str]:
    async with factory() as uow:
        rows = await uow.session.scalars(
            select(OutgoingMessage).where(OutgoingMessage.chat_id == CHAT)
        )
        return [r.payload.get("text", "") for r in rows.all() if REPLY in r.payload.get("text", "")]


@pytest.fixture
def console(migrated_url: str, tmp_path: Path) -> Iterator[tuple[str, str, int]]:
    case_id = in_database(migrated_url, _set_up)
    with running_console(console_env(migrated_url), tmp_path) as url:
        yield url, migrated_url, case_id


def test_an_agent_claims_sees_the_resident_live_and_replies(
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
        expect(page.get_by_role("heading", level=1)).to_have_text("File d'attente")
        page.get_by_role("link", name=f"#{case_id}").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Demande #{case_id}")
        transcript = page.locator("#transcript")
        expect(transcript).to_contain_text("grainothèque aux Tanneurs")

        page.get_by_role("button", name="Je prends").click()
        expect(page.get_by_role("status").first).to_contain_text("Vous avez pris cette demande")
        reply_box = page.get_by_label("Votre réponse")
        expect(reply_box).to_be_visible()
        page.wait_for_timeout(300)  # let the relay start polling on the reloaded page

        in_database(database, _resident_writes)
        written = time.monotonic()
        expect(transcript).to_contain_text(NEW_WORDS, timeout=RELAY_MS)
        assert time.monotonic() - written <= RELAY_MS / 1000 + 0.5
        assert transcript.locator("b").count() == 0  # the resident's tags stayed words
        assert page.url.endswith("?m=claimed")  # no reload happened

        reply_box.fill(REPLY)
        page.get_by_role("button", name="Envoyer").click()
        expect(transcript.locator("li.msg.out")).to_contain_text(REPLY)
        expect(transcript.locator("li.msg.out").last).to_contain_text("Awa Diallo")
        expect(reply_box).to_have_value("")
        assert page.url.endswith("?m=claimed")
        assert transcript.get_by_text(NEW_WORDS).count() == 1  # nothing shown twice
        assert errors == []

    deadline = time.monotonic() + 5
    while not (texts := in_database(database, _signed_reply)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(texts) == 1
    assert texts[0] == f"{REPLY}\n\n— Awa, équipe Jardins & Nature"
