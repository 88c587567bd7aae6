"""Statuses are worded from the reader's point of view (issue 16): the colleague who lost the
claim must not read « à vous de répondre ». On SQLite and PostgreSQL, through the ASGI app."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI

from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from tests.support.cases import Opened, add_team, resident_with_case
from tests.support.console import add_staff, browser, login, page_csrf

Factory = Callable[[], UnitOfWork]
MINE = "À vous de répondre"


@pytest.fixture
async def opened(uow_factory: Factory, clock: FrozenClock) -> Opened:
    awa = await add_staff(uow_factory, clock, "awa@ville.example", name="Awa Diallo")
    bob = await add_staff(uow_factory, clock, "bob@ville.example", name="Bob Martin")
    await add_team(uow_factory, "jardins", "Jardins & Nature", ("tanneurs",), (awa.id, bob.id))
    return await resident_with_case(uow_factory, clock)


async def test_the_holder_and_the_colleague_read_the_status_from_their_side(
    app: FastAPI, opened: Opened
) -> None:
    path = f"/cases/{opened.case_id}"
    async with browser(app) as awa, browser(app) as bob:
        await login(awa, "awa@ville.example")
        await login(bob, "bob@ville.example")
        before = (await bob.get(path)).text
        assert "Personne ne l&#39;a encore prise" in before
        taken = await awa.post(f"{path}/claim", data={"csrf_token": await page_csrf(awa, path)})
        assert taken.headers["location"].endswith("?m=claimed")
        lost = await bob.post(f"{path}/claim", data={"csrf_token": await page_csrf(bob, path)})
        assert lost.headers["location"].endswith("?e=lost_claim")
        holder = (await awa.get(path)).text
        colleague = (await bob.get(lost.headers["location"])).text
        assert MINE in holder
        assert MINE not in colleague
        assert "Suivie par Awa" in colleague and "à elle ou lui de répondre" in colleague
        board = (await bob.get("/", params={"status": "claimed"})).text
        assert "Suivie par Awa" in board and MINE not in board
