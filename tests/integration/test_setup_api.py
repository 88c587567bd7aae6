"""The JSON API for teams and the directory (issue 16): the pages' actions, their audit entries
and their stale-version rule, with a coordinator's bearer token, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from knowledge.demo import load_demo_city, load_demo_directory
from routing.cases.records import Team
from routing.staff.records import AuditEntry
from tests.support.cases import add_team
from tests.support.console import add_staff, add_token, browser, login

Factory = Callable[[], UnitOfWork]
ENTRY = "rb-salle-glycines"


@pytest.fixture
async def tokens(uow_factory: Factory, clock: FrozenClock) -> dict[str, str]:
    await load_demo_city(uow_factory, clock.now())
    await load_demo_directory(uow_factory, datetime(2026, 11, 1, tzinfo=UTC))
    awa = await add_staff(uow_factory, clock, "awa@ville.example", name="Awa Diallo")
    cora = await add_staff(uow_factory, clock, "cora@ville.example", "coordinator", "Cora Bell")
    await add_team(uow_factory, "jardins", "Jardins & Nature", ("tanneurs",), (awa.id,))
    return {
        "agent": await add_token(uow_factory, clock, awa.id),
        "coordinator": await add_token(uow_factory, clock, cora.id),
    }


def _client(app: FastAPI, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {token}"},
    )


async def _actions(uow_factory: Factory) -> list[tuple[str, str | None]]:
    async with uow_factory() as uow:
        rows = await uow.session.execute(
            select(AuditEntry.action, AuditEntry.details).order_by(AuditEntry.id)
        )
        return [
            (a, d.get("via")) for a, d in rows.all() if a.split(".")[0] in ("team", "directory")
        ]


async def test_teams_are_edited_and_deleted_through_the_api(
    app: FastAPI, tokens: dict[str, str], uow_factory: Factory
) -> None:
    async with _client(app, tokens["agent"]) as agent:
        assert (await agent.get("/api/teams")).status_code == 403
    async with _client(app, tokens["coordinator"]) as api:
        [team] = (await api.get("/api/teams")).json()
        assert team["neighbourhoods"] == ["tanneurs"] and len(team["members"]) == 1
        path = f"/api/teams/{team['id']}"
        change = {"name": "Jardins du Nord", "themes": ["garden"], "neighbourhoods": ["tanneurs"]}
        bad = await api.put(path, json={**change, "themes": ["jardin, environnement"]})
        assert bad.status_code == 422 and bad.json()["detail"] == "bad_scope"
        changed = await api.put(path, json={**change, "version": team["version"]})
        assert changed.status_code == 200, changed.text
        assert changed.json()["name"] == "Jardins du Nord"
        assert changed.json()["version"] != team["version"]
        stale = await api.put(path, json={**change, "name": "Autre", "version": team["version"]})
        assert stale.status_code == 409 and stale.json()["detail"] == "stale"
        refused = await api.delete(path, params={"version": team["version"]})
        assert refused.status_code == 409
        async with uow_factory() as uow:
            assert (await uow.session.get(Team, team["id"])).name == "Jardins du Nord"  # type: ignore[union-attr]
        gone = await api.delete(path, params={"version": changed.json()["version"]})
        assert gone.status_code == 204
        assert (await api.delete(path)).status_code == 404
    assert await _actions(uow_factory) == [("team.updated", "api"), ("team.deleted", "api")]


async def test_directory_entries_are_found_edited_verified_and_deactivated_through_the_api(
    app: FastAPI, tokens: dict[str, str], uow_factory: Factory
) -> None:
    async with _client(app, tokens["coordinator"]) as api:
        found = (await api.get("/api/directory", params={"q": "glycines"})).json()
        assert ENTRY in [e["external_id"] for e in found["entries"]]
        assert found["total"] == len(found["entries"]) < 20  # only what matches
        entry = (await api.get(f"/api/directory/{ENTRY}")).json()
        assert entry["active"] is True
        off = await api.post(
            f"/api/directory/{ENTRY}/active", json={"active": False, "version": entry["version"]}
        )
        assert off.status_code == 200 and off.json()["active"] is False
        late = await api.post(f"/api/directory/{ENTRY}/verified", json=entry)
        assert late.status_code == 409 and late.json()["detail"] == "stale"
        facts = {
            "name": "Salle des Glycines",
            "themes": ["garden"],
            "territories": ["tanneurs"],
            "version": off.json()["version"],
        }
        assert (await api.put(f"/api/directory/{ENTRY}", json={**facts, "themes": ["x"]})).json()[
            "detail"
        ] == "bad_entry"
        edited = await api.put(f"/api/directory/{ENTRY}", json=facts)
        assert edited.status_code == 200, edited.text
        assert edited.json()["name"] == "Salle des Glycines"
        assert (await api.get("/api/directory/nobody-here")).status_code == 404
    # the page's forms and the API speak of the same version
    async with browser(app) as cora:
        await login(cora, "cora@ville.example")
        page = await cora.get(f"/directory/entries/{ENTRY}")
    assert f'name="version" value="{edited.json()["version"]}"' in page.text
    assert await _actions(uow_factory) == [
        ("directory.deactivated", "api"),
        ("directory.updated", "api"),
    ]
