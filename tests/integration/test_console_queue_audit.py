"""Listing the queue is a view of residents' data (first names, idea titles, last words), so it
is audited like a case page (README, « Console and staff »): one ``queue.viewed`` entry per
listing, with the ids of the cases shown and never the words searched; a self-refresh that
shows nothing new and an empty listing write nothing, so the log is not flooded. On SQLite and
PostgreSQL, through the ASGI app."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from routing.staff.accounts import find_staff
from routing.staff.records import AuditEntry
from tests.support.cases import Opened, add_team, resident_with_case
from tests.support.console import add_staff, add_token, browser, login

Factory = Callable[[], UnitOfWork]
SHOWN = re.compile(r'data-shown="([0-9a-f]+)"')


@pytest.fixture
async def opened(uow_factory: Factory, clock: FrozenClock) -> Opened:
    awa = await add_staff(uow_factory, clock, "awa@ville.example", name="Awa Diallo")
    await add_staff(uow_factory, clock, "cora@ville.example", "coordinator", "Cora Bell")
    await add_team(uow_factory, "jardins", "Jardins & Nature", ("tanneurs",), (awa.id,))
    return await resident_with_case(uow_factory, clock)


async def _awa_token(uow_factory: Factory, clock: FrozenClock) -> str:
    """An API token of Awa's."""
    async with uow_factory() as uow:
        awa = await find_staff(uow, "awa@ville.example")
    assert awa is not None
    return await add_token(uow_factory, clock, awa.id)


async def queue_views(uow_factory: Factory) -> list[AuditEntry]:
    async with uow_factory() as uow:
        rows = await uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "queue.viewed").order_by(AuditEntry.id)
        )
        return list(rows.all())


async def test_listing_the_queue_is_audited_once_per_new_sight(
    app: FastAPI, opened: Opened, uow_factory: Factory, clock: FrozenClock
) -> None:
    async with browser(app) as awa:
        await login(awa, "awa@ville.example")
        page = await awa.get("/")
        assert "Nadia" in page.text  # the resident's first name: their data, on screen
        [first] = await queue_views(uow_factory)
        assert first.subject_type == "queue"
        assert first.details["cases"] == [opened.case_id]
        assert first.details["statuses"] == "open"
        shown = SHOWN.search(page.text)
        assert shown is not None
        # the page's own refresh: the same residents, the same words: nothing new is written
        again = await awa.get("/", headers={"X-Declic-Queue-Shown": shown.group(1)})
        assert SHOWN.search(again.text).group(1) == shown.group(1)  # type: ignore[union-attr]
        assert len(await queue_views(uow_factory)) == 1
        # a new resident arrives: the refresh shows them, and says so in the log
        second = await resident_with_case(
            uow_factory, clock, chat_id="5151", name="Zoé", ref="D-9PQ4RT"
        )
        await awa.get("/", headers={"X-Declic-Queue-Shown": shown.group(1)})
        views = await queue_views(uow_factory)
        assert len(views) == 2
        assert sorted(views[1].details["cases"]) == sorted([opened.case_id, second.case_id])
        # opening the page again (no refresh header) is a new view
        await awa.get("/")
        assert len(await queue_views(uow_factory)) == 3


async def test_a_search_is_audited_without_its_words_and_an_empty_list_not_at_all(
    app: FastAPI, opened: Opened, uow_factory: Factory
) -> None:
    async with browser(app) as awa:
        await login(awa, "awa@ville.example")
        await awa.get("/", params={"q": "Nadia", "status": ["open", "resolved"]})
        [view] = await queue_views(uow_factory)
        assert view.details["search"] is True and view.details["statuses"] == "open,resolved"
        assert "Nadia" not in str(view.details)
        await awa.get("/", params={"q": "personne de ce nom"})  # nobody shown, nobody seen
        assert len(await queue_views(uow_factory)) == 1


async def test_the_api_listing_is_audited_and_the_log_says_it_in_words(
    app: FastAPI, opened: Opened, uow_factory: Factory, clock: FrozenClock
) -> None:
    token = await _awa_token(uow_factory, clock)
    async with browser(app) as script:
        listed = await script.get("/api/queue", headers={"Authorization": f"Bearer {token}"})
        assert listed.status_code == 200
    [view] = await queue_views(uow_factory)
    assert view.details == {"cases": [opened.case_id], "via": "api"}
    async with browser(app) as cora:
        await login(cora, "cora@ville.example")
        log = await cora.get("/audit")
    assert "a consulté la file des demandes" in log.text
    assert f"demandes affichées : #{opened.case_id}" in log.text
    assert "par l&#39;API" in log.text and "par api" not in log.text
    assert ">queue.viewed<" not in log.text  # a code only in a data- attribute


async def test_the_api_searches_the_queue_like_the_page(
    app: FastAPI, opened: Opened, uow_factory: Factory, clock: FrozenClock
) -> None:
    token = await _awa_token(uow_factory, clock)
    async with browser(app) as script:
        script.headers["Authorization"] = f"Bearer {token}"
        found = (await script.get("/api/cases", params={"q": "Nadia"})).json()
        assert [c["id"] for c in found["cases"]] == [opened.case_id] and found["total"] == 1
        closed = (await script.get("/api/cases", params={"status": "resolved"})).json()
        assert closed == {"cases": [], "total": 0}
        both = await script.get("/api/cases", params={"status": ["open", "resolved"], "q": "#1"})
        assert both.status_code == 200
        assert (await script.get("/api/cases", params={"status": "lost"})).status_code == 422
    views = await queue_views(uow_factory)
    assert views[0].details["cases"] == [opened.case_id] and views[0].details["search"] is True
    assert "Nadia" not in str([v.details for v in views])
    assert len(views) == 1 + (1 if both.json()["cases"] else 0)  # empty listings: nothing
