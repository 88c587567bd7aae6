"""Out-of-date forms beyond cases (issue 16): teams, accounts, panel members and directory
entries. Each form carries the version of what it was rendered from; a colleague's change in
between makes it refused with « La situation a changé, voici l'état actuel » and nothing
happens; the page then shows the current state and a fresh version that goes through.
On SQLite and PostgreSQL, through the ASGI app, two colleagues in two "tabs"."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import NamedTuple

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from declic.demo import load_demo_sprints
from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from knowledge.demo import load_demo_city, load_demo_directory
from knowledge.records import ResourceRow
from routing.cases import canned
from routing.cases.records import Team
from routing.sprints.records import PanelMember
from routing.staff.records import StaffMember
from tests.support.cases import add_team
from tests.support.console import add_staff, browser, csrf_of, login

Factory = Callable[[], UnitOfWork]
STALE = "La situation a changé, voici l&#39;état actuel."
ENTRY = "rb-salle-glycines"
_FORM = re.compile(r'<form method="post" action="([^"]+)"(.*?)</form>', re.S)
_VERSION = re.compile(r'name="version" value="([^"]*)"')
EVERY_PAGE = {"/logout", "/preferences/locale"}  # one's own session and language, not shared state


@pytest.fixture
async def people(uow_factory: Factory, clock: FrozenClock) -> dict[str, int]:
    await load_demo_city(uow_factory, clock.now())
    await load_demo_directory(uow_factory, datetime(2026, 11, 1, tzinfo=UTC))
    assert await load_demo_sprints(uow_factory)
    awa = await add_staff(uow_factory, clock, "awa@ville.example", name="Awa Diallo")
    await add_staff(uow_factory, clock, "cora@ville.example", "coordinator", "Cora Bell")
    await add_staff(uow_factory, clock, "ada@ville.example", "admin", "Ada Admin")
    await add_staff(uow_factory, clock, "alex@ville.example", "admin", "Alex Admin")
    team = await add_team(uow_factory, "jardins", "Jardins & Nature", ("tanneurs",), (awa.id,))
    async with uow_factory() as uow:
        member = await uow.session.scalar(select(PanelMember.id).order_by(PanelMember.id))
    assert member is not None
    return {"awa": awa.id, "team": team, "member": member}


def forms_of(html: str) -> dict[str, str]:
    """Each POST form's action and the version it carries ("" when it carries none)."""
    found = {}
    for action, body in _FORM.findall(html):
        version = _VERSION.search(body)
        found[action] = version.group(1) if version else ""
    return found


async def tab(client: httpx.AsyncClient, path: str) -> tuple[str, dict[str, str]]:
    """A page as a tab keeps it: its CSRF token and its forms' versions."""
    page = await client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return csrf_of(page.text), forms_of(page.text)


class Tab(NamedTuple):
    """A colleague's browser with a page open: its CSRF token and its forms' versions."""

    client: httpx.AsyncClient
    csrf: str
    forms: dict[str, str]

    async def post(
        self, action: str, data: dict[str, str], version: str | None = None
    ) -> httpx.Response:
        """Send the form ``action`` with this tab's CSRF token and version (or ``version``)."""
        sent = self.forms[action] if version is None else version
        return await self.client.post(
            action, data={"csrf_token": self.csrf, **data, "version": sent}
        )

    async def refused(self, action: str, data: dict[str, str]) -> str:
        """Send the form with the version this tab shows, which a colleague's change made old:
        refused, the page says so and keeps the CSRF token; returns the fresh version."""
        stale = await self.post(action, data)
        assert stale.status_code == 303 and "e=stale" in stale.headers["location"], stale.headers
        shown = await self.client.get(stale.headers["location"].split("#")[0])
        assert STALE in shown.text
        fresh = forms_of(shown.text)[action]
        assert fresh and fresh != self.forms[action]
        assert self.csrf == csrf_of(shown.text)
        return fresh


@asynccontextmanager
async def two_tabs(
    app: FastAPI, path: str, first: str, second: str
) -> AsyncIterator[tuple[Tab, Tab]]:
    """Two colleagues (first names) logged in, each with ``path`` open in a browser of their own."""
    async with browser(app) as one, browser(app) as two:
        await login(one, f"{first}@ville.example")
        await login(two, f"{second}@ville.example")
        yield Tab(one, *await tab(one, path)), Tab(two, *await tab(two, path))


@pytest.mark.parametrize(
    ("who", "path", "exempt"),
    [
        ("cora", "/teams", {"/teams"}),
        ("ada", "/admin/staff/{awa}", set()),
        ("cora", "/panel?member={member}", {"/panel/members"}),
        ("cora", "/panel?room=1", {"/panel/members"}),
        ("cora", f"/directory/entries/{ENTRY}", set()),
    ],
)
async def test_every_form_that_changes_something_carries_its_version(
    app: FastAPI, people: dict[str, int], who: str, path: str, exempt: set[str]
) -> None:
    """Forms that create something new (a team, a panel member) or log out have no version."""
    async with browser(app) as client:
        await login(client, f"{who}@ville.example")
        _, forms = await tab(client, path.format(**people))
    changing = {action: v for action, v in forms.items() if action not in exempt | EVERY_PAGE}
    assert changing, forms
    assert all(changing.values()), changing


async def test_a_team_form_from_before_a_colleagues_change_is_refused(
    app: FastAPI, people: dict[str, int], uow_factory: Factory
) -> None:
    team = people["team"]
    async with two_tabs(app, "/teams", "cora", "ada") as (cora, ada):
        renamed = await ada.post(f"/teams/{team}", {"name": "Jardins du Nord", "themes": "garden"})
        assert renamed.headers["location"] == "/teams?m=team_saved"
        edit = {"name": "Jardins & Potagers", "themes": "garden"}
        fresh = await cora.refused(f"/teams/{team}", edit)
        async with uow_factory() as uow:
            assert (await uow.session.get(Team, team)).name == "Jardins du Nord"  # type: ignore[union-attr]
        await cora.refused(f"/teams/{team}/members/{people['awa']}/remove", {})
        await cora.refused(f"/teams/{team}/delete", {"confirm": "yes"})
        async with uow_factory() as uow:
            assert await uow.session.get(Team, team) is not None
        done = await cora.post(f"/teams/{team}", edit, version=fresh)
        assert done.headers["location"] == "/teams?m=team_saved"


async def test_an_account_form_from_before_a_colleagues_change_is_refused(
    app: FastAPI, people: dict[str, int], uow_factory: Factory
) -> None:
    path = f"/admin/staff/{people['awa']}"
    async with two_tabs(app, path, "ada", "alex") as (ada, alex):
        promoted = await alex.post(path, {"display_name": "Awa Diallo", "role": "coordinator"})
        assert promoted.headers["location"] == f"{path}?m=staff_saved"
        # Ada's tab still shows an agent: she would not deactivate a coordinator unseen
        off = {"active": "0"}
        fresh = await ada.refused(f"{path}/active", off)
        await ada.refused(path, {**off, "display_name": "Awa D.", "role": "agent"})
        async with uow_factory() as uow:
            awa = await uow.session.get(StaffMember, people["awa"])
            assert awa is not None and awa.active and awa.role == "coordinator"
        done = await ada.post(f"{path}/active", off, version=fresh)
        assert done.headers["location"] == f"{path}?m=staff_deactivated"


async def test_a_panel_member_form_from_before_a_colleagues_change_is_refused(
    app: FastAPI, people: dict[str, int], uow_factory: Factory
) -> None:
    member = people["member"]
    path, action = f"/panel?member={member}", f"/panel/members/{member}"
    async with two_tabs(app, path, "cora", "ada") as (cora, ada):
        capped = await ada.post(
            action, {"skills": "facilitation", "weekdays": "0", "monthly_cap": "1", "active": "1"}
        )
        assert capped.headers["location"].startswith("/panel?m=member_saved")
        edit = {"skills": "facilitation", "weekdays": "2", "monthly_cap": "4", "active": "1"}
        fresh = await cora.refused(action, edit)
        absence = {"starts_on": "2027-03-01", "ends_on": "2027-03-02"}
        await cora.refused(f"{action}/absences", absence)
        async with uow_factory() as uow:
            row = await uow.session.get(PanelMember, member)
            assert row is not None and row.monthly_cap == 1 and row.weekdays == [0]
        done = await cora.post(action, edit, version=fresh)
        assert done.headers["location"].startswith("/panel?m=member_saved")


async def test_a_directory_entry_form_from_before_a_colleagues_change_is_refused(
    app: FastAPI, people: dict[str, int], uow_factory: Factory
) -> None:
    path = f"/directory/entries/{ENTRY}"
    async with two_tabs(app, path, "cora", "ada") as (cora, ada):
        off = await ada.post(f"{path}/active", {"on": "0"})
        assert off.headers["location"] == f"{path}?m=entry_deactivated"
        # Cora's tab still shows an active entry: her « verified today » would hide the change
        await cora.refused(f"{path}/verified", {})
        edit = {"name": "Salle des Glycines", "themes": "garden"}
        fresh = await cora.refused(path, edit)
        async with uow_factory() as uow:
            row = await uow.session.scalar(
                select(ResourceRow).where(ResourceRow.external_id == ENTRY)
            )
            assert row is not None and row.name != "Salle des Glycines"
            assert row.verified_on != datetime(2026, 11, 23).date()
        done = await cora.post(path, edit, version=fresh)
        assert done.headers["location"] == f"{path}?m=entry_saved"


async def test_a_team_canned_reply_edited_from_an_old_tab_is_refused(
    app: FastAPI, people: dict[str, int], uow_factory: Factory, clock: FrozenClock
) -> None:
    async with uow_factory() as uow:
        reply = await canned.save(
            uow, title="Accueil", body="Bonjour {prénom} !", now=clock.now(), team_id=people["team"]
        )
        await uow.commit()
    path = f"/canned?edit={reply.id}"
    async with browser(app) as awa, browser(app) as cora:
        await login(awa, "awa@ville.example")
        await login(cora, "awa@ville.example")  # the same agent, in a second, newer tab
        awa_page = (await awa.get(path)).text
        cora_page = (await cora.get(path)).text
        old = _VERSION.search(awa_page).group(1)  # type: ignore[union-attr]
        form = {"canned_id": str(reply.id), "owner": f"team-{people['team']}", "title": "Accueil"}
        saved = await cora.post(
            "/canned",
            data={
                **form,
                "csrf_token": csrf_of(cora_page),
                "body": "Bonjour {prénom}, je suis Awa.",
                "version": _VERSION.search(cora_page).group(1),  # type: ignore[union-attr]
            },
        )
        assert saved.headers["location"] == "/canned?m=canned_saved"
        lost = {**form, "csrf_token": csrf_of(awa_page), "body": "Salut !", "version": old}
        stale = await awa.post("/canned", data=lost)
        assert stale.headers["location"] == f"/canned?e=stale&edit={reply.id}"
        assert STALE in (await awa.get(stale.headers["location"])).text
        gone = await awa.post(
            f"/canned/{reply.id}/delete", data={"csrf_token": csrf_of(awa_page), "version": old}
        )
        assert gone.headers["location"] == "/canned?e=stale"
    async with uow_factory() as uow:
        kept = await canned.get(uow, reply.id)
    assert kept is not None and kept.body == "Bonjour {prénom}, je suis Awa."
