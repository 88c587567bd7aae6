"""Scaffolding shared by the end-to-end tests where a resident in Telegram meets an agent in the
console: the agent and their team, the one case the resident opened, what the resident's chat
must show, and the agent's browser page, logged in on the queue."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from infra.clock import SystemClock
from infra.db import make_engine
from infra.migrate import upgrade_to_head
from infra.uow import uow_factory_for
from routing.cases import canned
from routing.cases import teams as case_teams
from routing.journey.records import Case
from tests.support.bot_process import Resident
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, WAIT_MS
from tests.support.cases import add_team
from tests.support.console import PASSWORD, add_staff
from tests.support.fake_users import BotMessage

AGENT_EMAIL = "awa@ville.example"
TEAM = "Jardins & Nature"


async def ready_for_a_handoff(database_url: str, canned_body: str | None = None) -> None:
    """The schema at head (PostgreSQL is not migrated by the bot), and an agent in a team that
    the fallback rule routes every request to; with ``canned_body``, a canned reply of that
    team's."""
    await asyncio.to_thread(upgrade_to_head, database_url)
    engine = make_engine(database_url)
    try:
        factory = uow_factory_for(engine)
        clock = SystemClock(ZoneInfo("Europe/Paris"))
        agent = await add_staff(factory, clock, AGENT_EMAIL, role="agent", name="Awa Diallo")
        team_id = await add_team(factory, "jardins", TEAM, members=(agent.id,))
        async with factory() as uow:
            await case_teams.add_rule(uow, team_id)  # no criteria: the fallback team
            if canned_body is not None:
                await canned.save(
                    uow, title="Accueil", body=canned_body, now=clock.now(), team_id=team_id
                )
            await uow.commit()
    finally:
        await engine.dispose()


async def the_only_case(database_url: str) -> tuple[int, str]:
    """The one case's id and status; (0, "n cases") when there is not exactly one."""
    engine = make_engine(database_url)
    try:
        async with uow_factory_for(engine)() as uow:
            found = [(c.id, c.status) for c in (await uow.session.scalars(select(Case))).all()]
        return found[0] if len(found) == 1 else (0, f"{len(found)} cases")
    finally:
        await engine.dispose()


async def asks_for_a_person(resident: Resident, database_url: str) -> int:
    """The resident starts the bot and sends /humain: the one case, open; its id."""
    user = resident.user
    await resident.does(user.send_command("/start"), ["sendMessage"])
    await resident.does(user.send_command("/humain"), ["sendMessage"])
    case_id, status = await the_only_case(database_url)
    assert case_id and status == "open", (status, user.transcript())
    return case_id


def saying(words: str) -> Callable[[list[BotMessage]], bool]:
    """A condition on a chat: one of its messages contains ``words``."""

    def check(messages: list[BotMessage]) -> bool:
        return any(words in (m.text or "") for m in messages)

    return check


@asynccontextmanager
async def agent_on_the_queue(url: str, **context: Any) -> AsyncIterator[tuple[Any, list[str]]]:
    """Chromium with the agent logged in to the console at ``url`` and on the queue: the page,
    and the page's JavaScript errors (to be none at the end). ``context``: the browser
    context's options (locale, viewport…)."""
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=WAIT_MS * 2
        )
        try:
            page = await (await browser.new_context(**context)).new_page()
            page.set_default_timeout(WAIT_MS)
            expect.set_options(timeout=WAIT_MS)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(url + "/login")
            await page.get_by_label("Adresse e-mail").fill(AGENT_EMAIL)
            await page.get_by_label("Mot de passe").fill(PASSWORD)
            await page.get_by_role("button", name="Se connecter").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("File d'attente")
            yield page, errors
        finally:
            await browser.close()
