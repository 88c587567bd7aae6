"""The console as agents work (issue 16), on SQLite and PostgreSQL through the ASGI app:
long replies in order, stale forms refused, the closing sentence, canned replies, accounts that
end at once, provisional passwords, notices that survive redirects."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from knowledge.demo import load_demo_city
from routing.cases import canned
from routing.journey.records import OutgoingMessage
from tests.support.cases import Opened, add_team, resident_with_case
from tests.support.console import (
    PASSWORD,
    add_staff,
    add_token,
    browser,
    csrf_of,
    login,
    page_csrf,
)

Factory = Callable[[], UnitOfWork]


@pytest.fixture
async def opened(uow_factory: Factory, clock: FrozenClock) -> Opened:
    awa = await add_staff(uow_factory, clock, "awa@ville.example", name="Awa Diallo")
    await add_staff(uow_factory, clock, "bob@ville.example", name="Bob Martin")
    await add_staff(uow_factory, clock, "ada@ville.example", "admin", "Ada Admin")
    await add_team(uow_factory, "jardins", "Jardins & Nature", ("tanneurs",), (awa.id,))
    await load_demo_city(uow_factory, clock.now())  # the city's geography: the pick-lists
    return await resident_with_case(uow_factory, clock)


async def _post(client: httpx.AsyncClient, path: str, **data: str) -> httpx.Response:
    return await client.post(path, data={"csrf_token": await page_csrf(client), **data})


async def _texts(uow_factory: Factory, chat_id: str) -> list[str]:
    async with uow_factory() as uow:
        rows = await uow.session.scalars(
            select(OutgoingMessage)
            .where(OutgoingMessage.chat_id == chat_id)
            .order_by(OutgoingMessage.id)
        )
        return [r.payload.get("text", "") for r in rows.all()]


def _long_reply() -> str:
    sentences = [f"Phrase numéro {n} de la réponse, avec des détails utiles." for n in range(200)]
    text = " ".join(sentences)
    assert len(text) > 9000
    return text[:9000]


async def test_a_9000_character_reply_leaves_whole_in_order(
    app: FastAPI, opened: Opened, uow_factory: Factory
) -> None:
    case_id = opened.case_id
    reply = _long_reply()
    async with browser(app) as client:
        await login(client, "awa@ville.example")
        await _post(client, f"/cases/{case_id}/claim")
        before = len(await _texts(uow_factory, opened.chat_id))
        sent = await _post(client, f"/cases/{case_id}/reply", text=reply)
        assert sent.headers["location"] == f"/cases/{case_id}?m=replied"
        page = await client.get(f"/cases/{case_id}")
    parts = (await _texts(uow_factory, opened.chat_id))[before:]
    assert len(parts) == 3 and all(len(p) <= 4096 for p in parts)
    assert "".join(parts) == reply + "\n\n— Awa, équipe Jardins & Nature"
    last = "Phrase numéro " + reply.rsplit("Phrase numéro ", 1)[1][:6]
    assert page.text.count(last) == 1  # shown once, as one reply


async def test_a_stale_form_is_refused_and_the_page_says_why(
    app: FastAPI, opened: Opened, uow_factory: Factory
) -> None:
    case_id = opened.case_id
    async with browser(app) as awa, browser(app) as ada:
        await login(awa, "awa@ville.example")
        await login(ada, "ada@ville.example")
        page = (await awa.get(f"/cases/{case_id}")).text
        version = page.split('name="version" value="')[1].split('"')[0]
        assert (
            (await _post(ada, f"/cases/{case_id}/claim")).headers["location"].endswith("?m=claimed")
        )
        back = await _post(ada, f"/cases/{case_id}/transfer", staff_id="", team_id="1", note="")
        assert back.headers["location"].endswith("?m=transferred")
        # awa's tab still shows the case as it was: the case is open again, but it changed
        stale = await awa.post(
            f"/cases/{case_id}/claim",
            data={"csrf_token": csrf_of(page), "version": version},
        )
        assert stale.headers["location"] == f"/cases/{case_id}?e=stale"
        shown = await awa.get(stale.headers["location"])
        assert "La situation a changé, voici l&#39;état actuel." in shown.text
        fresh = shown.text.split('name="version" value="')[1].split('"')[0]
        again = await awa.post(
            f"/cases/{case_id}/claim", data={"csrf_token": csrf_of(page), "version": fresh}
        )
        assert again.headers["location"] == f"/cases/{case_id}?m=claimed"


async def test_closing_tells_the_resident_one_sentence_and_warns_without_a_reply(
    app: FastAPI, opened: Opened, uow_factory: Factory
) -> None:
    case_id = opened.case_id
    async with browser(app) as client:
        await login(client, "awa@ville.example")
        page = await client.get(f"/cases/{case_id}")
        assert 'id="no-reply-warning"' in page.text  # nobody ever wrote to the resident
        assert "Ta demande est close : j&#39;espère que la réponse t&#39;aide !" in page.text
        before = len(await _texts(uow_factory, opened.chat_id))
        closed = await _post(
            client,
            f"/cases/{case_id}/resolve",
            outcome="referred",
            note="",
            message="Je te mets en lien avec la maison de quartier. Belle journée !",
        )
        assert closed.headers["location"] == f"/cases/{case_id}?m=resolved"
    told = (await _texts(uow_factory, opened.chat_id))[before:]
    assert told == ["Je te mets en lien avec la maison de quartier. Belle journée !"]


async def test_canned_replies_fill_the_first_name_and_the_idea(
    app: FastAPI, opened: Opened, uow_factory: Factory
) -> None:
    async with browser(app) as client:
        await login(client, "awa@ville.example")
        saved = await _post(
            client,
            "/canned",
            title="Accueil",
            body="Bonjour {prénom} ! Je regarde « {idée} ».",
            owner="team-1",
        )
        assert saved.headers["location"] == "/canned?m=canned_saved"
        assert (await _post(client, "/canned", title="", body="x")).headers[
            "location"
        ] == "/canned?e=bad_canned"
        await _post(client, f"/cases/{opened.case_id}/claim")
        page = await client.get(f"/cases/{opened.case_id}")
        assert "Bonjour Nadia ! Je regarde « Une grainothèque aux Tanneurs »." in page.text
    async with uow_factory() as uow:
        replies = await canned.for_staff(uow, 1)
    assert [r.title for r in replies] == ["Accueil"]


async def test_deactivating_an_account_ends_its_session_and_tokens_at_once(
    app: FastAPI, opened: Opened, uow_factory: Factory, clock: FrozenClock
) -> None:
    token = await add_token(uow_factory, clock, 1)
    async with browser(app) as awa, browser(app) as ada:
        await login(awa, "awa@ville.example")
        assert (await awa.get("/")).status_code == 200
        api = await awa.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 200
        await login(ada, "ada@ville.example")
        done = await _post(ada, "/admin/staff/1/active", active="0")
        assert done.headers["location"] == "/admin/staff/1?m=staff_deactivated"
        assert (await awa.get("/")).headers["location"] == "/login"
        api = await awa.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 401
        own = await _post(ada, "/admin/staff/3/active", active="0")
        assert own.headers["location"] == "/admin/staff/3?e=own_account"


async def test_a_provisional_password_must_be_changed_at_first_login(
    app: FastAPI, opened: Opened
) -> None:
    async with browser(app) as ada:
        await login(ada, "ada@ville.example")
        reset = await _post(ada, "/admin/staff/2/password", password="provisoire-123456")
        assert reset.headers["location"] == "/admin/staff/2?m=password_reset"
        renamed = await _post(ada, "/admin/staff/2", display_name="Bob Martin", role="coordinator")
        assert renamed.headers["location"] == "/admin/staff/2?m=staff_saved"
    async with browser(app) as bob:
        await login(bob, "bob@ville.example", "provisoire-123456")
        assert (await bob.get("/")).headers["location"] == "/account?m=must_change"
        token = await page_csrf(bob, "/account")
        form = {"csrf_token": token, "new": PASSWORD + "!", "again": PASSWORD + "!"}
        wrong = await bob.post("/account/password", data={**form, "current": "pas ça"})
        assert wrong.headers["location"] == "/account?e=wrong_password"
        changed = await bob.post("/account/password", data={**form, "current": "provisoire-123456"})
        assert changed.headers["location"] == "/?m=password_changed"
        home = await bob.get("/?m=password_changed")
        assert home.status_code == 200 and "Votre mot de passe est changé." in home.text


async def test_a_team_is_edited_from_the_pick_lists_and_deleted(
    app: FastAPI, opened: Opened, uow_factory: Factory, clock: FrozenClock
) -> None:
    await add_staff(uow_factory, clock, "cora@ville.example", "coordinator", "Cora Bell")
    async with browser(app) as cora:
        await login(cora, "cora@ville.example")
        page = await cora.get("/teams")
        assert "Les Tanneurs" in page.text and "Jardin" in page.text  # words, not codes
        token = csrf_of(page.text)
        saved = await cora.post(
            "/teams/1",
            data={
                "csrf_token": token,
                "name": "Jardins",
                "themes": ["garden"],
                "neighbourhoods": ["gare"],
            },
        )
        assert saved.headers["location"] == "/teams?m=team_saved"
        typed = await cora.post(
            "/teams/1", data={"csrf_token": token, "name": "X", "themes": ["jardin, environnement"]}
        )
        assert typed.headers["location"] == "/teams?e=bad_scope"
        one_click = await cora.post("/teams/1/delete", data={"csrf_token": token})
        assert one_click.headers["location"] == "/teams?e=confirm_delete"
        gone = await cora.post("/teams/1/delete", data={"csrf_token": token, "confirm": "yes"})
        assert gone.headers["location"] == "/teams?m=team_deleted"
        case_page = await cora.get(f"/cases/{opened.case_id}")
        assert case_page.status_code == 200  # the case stays, for the coordinators


DIRECTORY_FILE = """resources:
  - id: rb-new-room
    kind: room
    name: Salle neuve du Moulin
    description: Une salle prêtée aux habitants.
    themes: [events]
    territory: moulin-neuf
    verified_on: 2026-11-01
"""
BROKEN_FILE = """resources:
  - id: rb-broken
    kind: spaceship
    name: ""
"""


async def test_the_directory_page_imports_verifies_and_flags(
    app: FastAPI, opened: Opened, uow_factory: Factory, clock: FrozenClock
) -> None:
    from datetime import UTC, datetime

    from knowledge.demo import load_demo_directory

    await load_demo_directory(uow_factory, datetime(2026, 11, 1, tzinfo=UTC))
    await add_staff(uow_factory, clock, "cora@ville.example", "coordinator", "Cora Bell")
    async with browser(app) as cora:
        await login(cora, "cora@ville.example")
        listing = await cora.get("/directory?q=glycines")
        assert listing.status_code == 200 and "Salle polyvalente des Glycines" in listing.text
        stale = await cora.get("/directory?stale=1")
        assert "à revérifier" in stale.text  # the 2019 entry of the demo
        token = csrf_of(listing.text)
        refused = await cora.post(
            "/directory/import",
            data={"csrf_token": token},
            files={"upload": ("annuaire.yaml", BROKEN_FILE.encode(), "application/yaml")},
        )
        assert refused.status_code == 400 and "Import refusé" in refused.text
        assert '<ul class="report">' in refused.text  # the report says what is wrong
        entry = await cora.get("/directory/entries/rb-salle-glycines")
        assert "Comme l&#39;habitant·e la voit" in entry.text and "Les Glycines" in entry.text
        verified = await cora.post(
            "/directory/entries/rb-salle-glycines/verified", data={"csrf_token": token}
        )
        assert verified.headers["location"].endswith("?m=entry_verified")
        off = await cora.post(
            "/directory/entries/rb-salle-glycines/active", data={"csrf_token": token, "on": "0"}
        )
        assert off.headers["location"].endswith("?m=entry_deactivated")
        done = await cora.post(
            "/directory/import",
            data={"csrf_token": token},
            files={"upload": ("annuaire.yaml", DIRECTORY_FILE.encode(), "application/yaml")},
        )
        assert done.status_code == 200 and "1 fiches lues : 1 créées" in done.text
