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
from routing.cases import canned
from routing.journey.records import OutgoingMessage
from tests.support.cases import Opened, add_team, resident_with_case
from tests.support.console import (
    PASSWORD,
    add_staff,
    add_token,
    browser,
    console_app,
    csrf_of,
    login,
    page_csrf,
)

Factory = Callable[[], UnitOfWork]


@pytest.fixture
def app(migrated_url: str, uow_factory: Factory, clock: FrozenClock) -> FastAPI:
    return console_app(migrated_url, uow_factory, clock)


@pytest.fixture
async def opened(uow_factory: Factory, clock: FrozenClock) -> Opened:
    awa = await add_staff(uow_factory, clock, "awa@ville.example", name="Awa Diallo")
    await add_staff(uow_factory, clock, "bob@ville.example", name="Bob Martin")
    await add_staff(uow_factory, clock, "ada@ville.example", "admin", "Ada Admin")
    await add_team(uow_factory, "jardins", "Jardins & Nature", ("tanneurs",), (awa.id,))
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
