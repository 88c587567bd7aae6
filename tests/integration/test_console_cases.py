"""Case pages, actions, teams and rules, and the case API, on SQLite and PostgreSQL, through
real HTTP requests to the ASGI app: what staff see, what they may do, what is audited."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.wire import telegram_call
from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from knowledge.demo import load_demo_city
from routing.cases import service as cases
from routing.cases import states as case_states
from routing.cases import teams as case_teams
from routing.cases.records import RoutingRule, TeamMember
from routing.journey.records import Case, OutgoingMessage
from routing.staff import Actor
from routing.staff.audit_log import list_audit
from routing.staff.views import AuditView
from tests.support.cases import Opened, add_team, resident_with_case, resident_writes
from tests.support.console import add_staff, add_token, browser, login, page_csrf

Factory = Callable[[], UnitOfWork]
SCRIPT = "<script>alert('x')</script> & <b>gras</b>"


@dataclass(frozen=True)
class Desk:
    awa: int
    bob: int
    cy: int  # an agent of another team
    cora: int  # a coordinator
    team: int
    other_team: int
    opened: Opened


@pytest.fixture
async def desk(uow_factory: Factory, clock: FrozenClock) -> Desk:
    awa = await add_staff(uow_factory, clock, "awa@ville.example", name="Awa Diallo")
    bob = await add_staff(uow_factory, clock, "bob@ville.example", name="Bob Martin")
    cy = await add_staff(uow_factory, clock, "cy@ville.example", name="Cy Leroy")
    cora = await add_staff(uow_factory, clock, "cora@ville.example", "coordinator", "Cora Bell")
    team = await add_team(
        uow_factory, "jardins", "Jardins & Nature", ("tanneurs",), (awa.id, bob.id)
    )
    other = await add_team(uow_factory, "sport", "Sport", ("gare",), (cy.id,))
    opened = await resident_with_case(uow_factory, clock, words=SCRIPT)
    return Desk(awa.id, bob.id, cy.id, cora.id, team, other, opened)


async def _audit(uow_factory: Factory, action: str | None = None) -> list[AuditView]:
    async with uow_factory() as uow:
        entries = list(reversed(await list_audit(uow, limit=500)))
    return [e for e in entries if action is None or e.action == action]


async def _case(uow_factory: Factory, case_id: int) -> Case:
    async with uow_factory() as uow:
        case = await uow.session.get(Case, case_id)
    assert case is not None
    return case


async def _outbox(uow_factory: Factory, chat_id: str) -> list[OutgoingMessage]:
    async with uow_factory() as uow:
        rows = await uow.session.scalars(
            select(OutgoingMessage)
            .where(OutgoingMessage.chat_id == chat_id)
            .order_by(OutgoingMessage.id)
        )
        return list(rows.all())


async def _post(client: httpx.AsyncClient, path: str, **data: str) -> httpx.Response:
    """A form post with the session's CSRF token (the same on every page)."""
    return await client.post(path, data={"csrf_token": await page_csrf(client), **data})


async def test_the_case_page_shows_the_case_escapes_resident_words_and_is_audited(
    app: FastAPI, desk: Desk, uow_factory: Factory
) -> None:
    case_id = desk.opened.case_id
    async with browser(app) as client:
        await login(client, "awa@ville.example")
        home = await client.get("/")
        assert f'href="/cases/{case_id}"' in home.text
        page = await client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    html = page.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;gras&lt;/b&gt;" in html
    assert "<script>alert" not in html and "<b>gras" not in html
    for fact in ("Jardins &amp; Nature", "Une grainothèque aux Tanneurs", "D-7KQ2MX", "Nadia"):
        assert fact in html
    assert "Je prends" in html
    assert 'id="reply-form"' not in html  # only the holder replies
    assert f'data-poll="/api/cases/{case_id}/messages"' in html
    views = await _audit(uow_factory, "case.viewed")
    assert [(v.subject_type, v.subject_id, v.staff_id) for v in views] == [
        ("case", str(case_id), desk.awa)
    ]
    assert views[0].details == {"resident": desk.opened.resident_id}


async def test_two_agents_claim_at_once_and_the_loser_is_told_kindly(
    app: FastAPI, desk: Desk, uow_factory: Factory
) -> None:
    case_id = desk.opened.case_id
    async with browser(app) as awa, browser(app) as bob:
        await login(awa, "awa@ville.example")
        await login(bob, "bob@ville.example")
        tokens = [await page_csrf(c, f"/cases/{case_id}") for c in (awa, bob)]
        answers = await asyncio.gather(
            *(
                c.post(f"/cases/{case_id}/claim", data={"csrf_token": t})
                for c, t in zip((awa, bob), tokens, strict=True)
            )
        )
        locations = sorted(a.headers["location"] for a in answers)
        assert all(a.status_code == 303 for a in answers)
        assert locations == [f"/cases/{case_id}?e=lost_claim", f"/cases/{case_id}?m=claimed"]
        loser = awa if answers[0].headers["location"].endswith("lost_claim") else bob
        page = await loser.get(answers[0 if loser is awa else 1].headers["location"])
        assert "Un·e collègue a pris cette demande juste avant vous." in page.text
        assert 'role="alert"' in page.text and "Traceback" not in page.text
    case = await _case(uow_factory, case_id)
    assert case.status == "claimed" and case.holder_id in (desk.awa, desk.bob)
    claims = await _audit(uow_factory, "case.claimed")
    assert [c.staff_id for c in claims] == [case.holder_id]


async def test_the_holder_replies_and_a_signed_message_waits_in_the_outbox(
    app: FastAPI, desk: Desk, uow_factory: Factory
) -> None:
    case_id, chat = desk.opened.case_id, desk.opened.chat_id
    async with browser(app) as client:
        await login(client, "awa@ville.example")
        claimed = await _post(client, f"/cases/{case_id}/claim")
        assert claimed.headers["location"] == f"/cases/{case_id}?m=claimed"
        page = await client.get(f"/cases/{case_id}?m=claimed")
        assert "Vous avez pris cette demande." in page.text and 'id="reply-form"' in page.text
        sent = await _post(client, f"/cases/{case_id}/reply", text="  Bonjour Nadia, je regarde.  ")
        assert sent.headers["location"] == f"/cases/{case_id}?m=replied"
        empty = await _post(client, f"/cases/{case_id}/reply", text="   ")
        assert empty.headers["location"] == f"/cases/{case_id}?e=blank_reply"
        said = await client.get(empty.headers["location"])  # a clear error, not silence
        assert "Votre réponse est vide : écrivez quelque chose avant d&#39;envoyer." in said.text
        # The page's script posts JSON to the API with the session and its CSRF header.
        token = await page_csrf(client, f"/cases/{case_id}")
        by_script = await client.post(
            f"/api/cases/{case_id}/reply",
            json={"text": "Et la salle du jeudi ?"},
            headers={"X-CSRF-Token": token},
        )
        assert by_script.status_code == 201, by_script.text
        no_header = await client.post(f"/api/cases/{case_id}/reply", json={"text": "non"})
        assert no_header.status_code == 403
    rows = await _outbox(uow_factory, chat)
    replies = [
        r for r in rows if "Bonjour Nadia" in r.payload["text"] or "jeudi" in r.payload["text"]
    ]
    assert len(replies) == 2
    for row in replies:
        assert telegram_call(row.method, row.payload)[0] == "sendMessage"
        assert row.status == "pending"
        assert row.payload["text"].endswith("— Awa, équipe Jardins & Nature")
    assert replies[0].payload["text"].startswith("Bonjour Nadia, je regarde.\n\n")
    assert by_script.json()["outbox_id"] == replies[1].id
    audited = await _audit(uow_factory, "case.replied")
    assert [a.details["outbox"] for a in audited] == [r.id for r in replies]
    assert (await _case(uow_factory, case_id)).status == "waiting"


async def test_transfer_hand_back_and_resolve_change_the_case(
    app: FastAPI, desk: Desk, uow_factory: Factory, clock: FrozenClock
) -> None:
    case_id = desk.opened.case_id
    async with browser(app) as awa:
        await login(awa, "awa@ville.example")
        await _post(awa, f"/cases/{case_id}/claim")
        moved = await _post(
            awa,
            f"/cases/{case_id}/transfer",
            team_id=str(desk.other_team),
            staff_id="",
            note="Plutôt une question de sport <i>",
        )
        assert moved.headers["location"] == "/?m=transferred"  # no longer this team's case
        assert (await awa.get(f"/cases/{case_id}")).status_code == 403
    case = await _case(uow_factory, case_id)
    assert (case.status, case.team_id, case.holder_id) == ("open", desk.other_team, None)

    async with browser(app) as cy:
        await login(cy, "cy@ville.example")
        page = await cy.get(f"/cases/{case_id}")
        assert "Plutôt une question de sport &lt;i&gt;" in page.text  # the note, escaped
        await _post(cy, f"/cases/{case_id}/claim")
        back = await _post(cy, f"/cases/{case_id}/hand-back")
        assert back.headers["location"] == f"/cases/{case_id}?m=handed_back"
        assert (await _case(uow_factory, case_id)).status == "resolved"
        again = await _post(cy, f"/cases/{case_id}/resolve", outcome="answered")
        assert again.headers["location"] == f"/cases/{case_id}?e=closed"
        closed = await cy.get(again.headers["location"])
        assert "Cette demande est close" in closed.text and "Je prends" not in closed.text

    second = await resident_with_case(
        uow_factory, clock, chat_id="5151", name="Lou", ref="D-AAAAAA", words="Bonjour"
    )
    async with browser(app) as cora:
        await login(cora, "cora@ville.example")
        assigned = await _post(cora, f"/cases/{second.case_id}/assign", staff_id=str(desk.bob))
        assert assigned.headers["location"] == f"/cases/{second.case_id}?m=assigned"
        assert (await _case(uow_factory, second.case_id)).holder_id == desk.bob
        bad = await _post(cora, f"/cases/{second.case_id}/resolve", outcome="won")
        assert bad.headers["location"] == f"/cases/{second.case_id}?e=invalid"
        done = await _post(
            cora, f"/cases/{second.case_id}/resolve", outcome="referred", note="vers la MJC"
        )
        assert done.headers["location"] == f"/cases/{second.case_id}?m=resolved"
    resolved = await _case(uow_factory, second.case_id)
    assert (resolved.status, resolved.outcome, resolved.resolution_note) == (
        "resolved",
        "referred",
        "vers la MJC",
    )
    actions = [a.action for a in await _audit(uow_factory) if a.subject_type == "case"]
    for action in ("case.transferred", "case.handed_back", "case.assigned", "case.resolved"):
        assert action in actions


async def test_an_agent_of_another_team_can_neither_see_nor_claim(
    app: FastAPI, desk: Desk, uow_factory: Factory, clock: FrozenClock
) -> None:
    case_id = desk.opened.case_id
    token = await add_token(uow_factory, clock, desk.cy)
    async with browser(app) as cy:
        await login(cy, "cy@ville.example")
        assert (await cy.get(f"/cases/{case_id}")).status_code == 403
        home = await cy.get("/")
        assert f'href="/cases/{case_id}"' not in home.text
        csrf = await page_csrf(cy)
        refused = await cy.post(f"/cases/{case_id}/claim", data={"csrf_token": csrf})
        assert refused.status_code == 403 and "Accès réservé" in refused.text
        assert (await cy.get("/cases/99999")).status_code == 404
    bearer = {"Authorization": f"Bearer {token}"}
    async with browser(app) as api:
        assert (await api.post(f"/api/cases/{case_id}/claim", headers=bearer)).status_code == 403
        assert (await api.get(f"/api/cases/{case_id}", headers=bearer)).status_code == 403
        messages = await api.get(f"/api/cases/{case_id}/messages", headers=bearer)
        assert messages.status_code == 403
    assert (await _case(uow_factory, case_id)).status == "open"
    assert await _audit(uow_factory, "case.viewed") == []


async def test_case_forms_need_the_csrf_token(
    app: FastAPI, desk: Desk, uow_factory: Factory
) -> None:
    case_id = desk.opened.case_id
    async with browser(app) as client:
        await login(client, "cora@ville.example")
        for path, data in (
            (f"/cases/{case_id}/claim", {}),
            (f"/cases/{case_id}/resolve", {"outcome": "answered"}),
            (f"/cases/{case_id}/transfer", {"team_id": str(desk.other_team)}),
            (f"/cases/{case_id}/hand-back", {}),
            ("/cases/open", {"ref": desk.opened.idea_ref}),
            ("/teams", {"slug": "x", "name": "X"}),
            ("/rules", {"team_id": str(desk.team)}),
        ):
            for token in (None, "forged"):
                form = dict(data) if token is None else {**data, "csrf_token": token}
                response = await client.post(path, data=form)
                assert response.status_code == 403, (path, token)
        wrong_header = await client.post(
            f"/api/cases/{case_id}/claim", headers={"X-CSRF-Token": "forged"}
        )
        assert wrong_header.status_code == 403
    assert (await _case(uow_factory, case_id)).status == "open"
    async with uow_factory() as uow:
        assert len(await case_teams.teams(uow)) == 2


async def test_the_case_api_with_a_bearer_token(
    app: FastAPI, desk: Desk, uow_factory: Factory, clock: FrozenClock
) -> None:
    case_id = desk.opened.case_id
    awa = {"Authorization": f"Bearer {await add_token(uow_factory, clock, desk.awa)}"}
    bob = {"Authorization": f"Bearer {await add_token(uow_factory, clock, desk.bob)}"}
    async with browser(app) as api:
        assert (await api.get("/api/queue")).status_code == 401
        queue = (await api.get("/api/queue", headers=awa)).json()
        assert [c["id"] for c in queue["waiting"]] == [case_id] and queue["mine"] == []
        assert "resident_name" not in queue["waiting"][0]
        detail = await api.get(f"/api/cases/{case_id}", headers=awa)
        assert detail.status_code == 200
        body = detail.json()
        assert body["idea"]["ref"] == "D-7KQ2MX" and body["resident_name"] == "Nadia"
        assert [e["kind"] for e in body["history"]] == ["opened"]
        everything = (await api.get(f"/api/cases/{case_id}/messages", headers=awa)).json()
        assert [m["text"] for m in everything["messages"]] == [SCRIPT]
        last = everything["last_id"]
        nothing = (await api.get(f"/api/cases/{case_id}/messages?after={last}", headers=awa)).json()
        assert nothing["messages"] == [] and nothing["last_id"] == last

        won = await api.post(f"/api/cases/{case_id}/claim", headers=awa)
        assert won.status_code == 200 and won.json()["case"]["holder_id"] == desk.awa
        lost = await api.post(f"/api/cases/{case_id}/claim", headers=bob)
        assert lost.status_code == 409 and lost.json()["detail"] == "lost_claim"
        not_holder = await api.post(f"/api/cases/{case_id}/reply", json={"text": "x"}, headers=bob)
        assert not_holder.status_code == 403
        assert (
            await api.post(f"/api/cases/{case_id}/reply", json={"text": ""}, headers=awa)
        ).status_code == 422
        assert (
            await api.post(f"/api/cases/{case_id}/reply", json={"text": "  "}, headers=awa)
        ).status_code == 422
        long = "x" * (case_states.REPLY_MAX_CHARS + 1)
        assert (
            await api.post(f"/api/cases/{case_id}/reply", json={"text": long}, headers=awa)
        ).status_code == 422
        sent = await api.post(
            f"/api/cases/{case_id}/reply", json={"text": "Bien reçu"}, headers=awa
        )
        assert sent.status_code == 201 and sent.json()["outbox_id"] > 0

        await resident_writes(uow_factory, clock, desk.opened.resident_id, "Merci <3")
        new = (await api.get(f"/api/cases/{case_id}/messages?after={last}", headers=awa)).json()
        assert [(m["direction"], m["text"], m["author"]) for m in new["messages"]] == [
            ("out", "Bien reçu", "Awa Diallo"),
            ("in", "Merci <3", None),
        ]
        assert new["status"] == "claimed"  # the resident wrote: the ball is with Awa again

        bad = await api.post(f"/api/cases/{case_id}/resolve", json={"outcome": "x"}, headers=awa)
        assert bad.status_code == 422
        moved = await api.post(
            f"/api/cases/{case_id}/transfer",
            json={"staff_id": desk.bob, "note": "congés"},
            headers=awa,
        )
        assert moved.status_code == 200 and moved.json()["case"]["holder_id"] == desk.bob
        assert (await api.post(f"/api/cases/{case_id}/hand-back", headers=awa)).status_code == 403
        done = await api.post(
            f"/api/cases/{case_id}/resolve", json={"outcome": "answered", "note": "ok"}, headers=bob
        )
        assert done.status_code == 200 and done.json()["case"]["status"] == "resolved"
        closed = await api.post(f"/api/cases/{case_id}/reply", json={"text": "encore"}, headers=bob)
        assert closed.status_code == 409 and closed.json()["detail"] == "closed"
        assert (await api.get("/api/cases/424242", headers=awa)).status_code == 404
        assert (await api.post("/api/cases/424242/claim", headers=awa)).status_code == 404
        too_big = await api.get(f"/api/cases/{2**40}/messages?after={2**70}", headers=awa)
        assert too_big.status_code == 422  # refused before the database sees it
        schema = (await api.get("/api/openapi.json")).json()
        for path in ("/api/queue", "/api/cases/{case_id}/messages", "/api/cases/{case_id}/reply"):
            assert path in schema["paths"]
    views = await _audit(uow_factory, "case.viewed")
    # the detail, the full transcript, and the poll that showed new messages; not the empty poll
    assert [v.details.get("messages") for v in views] == [None, 1, 2]
    actions = [a.action for a in await _audit(uow_factory) if a.subject_type == "case"]
    assert actions.count("case.replied") == 1 and "case.transferred" in actions


async def test_an_agent_opens_a_case_from_an_idea_reference(
    app: FastAPI, desk: Desk, uow_factory: Factory, clock: FrozenClock
) -> None:
    later = await resident_with_case(
        uow_factory, clock, chat_id="777", name="Sam", ref="D-BBBBBB", open_case=False
    )
    async with browser(app) as client:
        await login(client, "bob@ville.example")
        unknown = await _post(client, "/cases/open", ref="D-NOPE99")
        assert unknown.headers["location"] == "/?e=unknown_idea"
        assert "Aucune idée ne porte cette référence" in (await client.get("/?e=unknown_idea")).text
        opened = await _post(client, "/cases/open", ref=" d-bbbbbb ")
        location = opened.headers["location"]
        assert location.endswith("?m=opened") and location.startswith("/cases/")
        page = await client.get(location)
        assert page.status_code == 200 and "La demande est ouverte." in page.text
        same = await _post(client, "/cases/open", ref="D-BBBBBB")
        assert same.headers["location"] == location.replace("opened", "already_open")
    async with uow_factory() as uow:
        case = await cases.active_case(uow, later.resident_id)
    assert case is not None and (case.source, case.team_id) == ("agent", desk.team)
    assert [a.action for a in await _audit(uow_factory) if a.action.startswith("case.")][:2] == [
        "case.opened",
        "case.viewed",
    ]


async def test_queue_filters_and_my_cases(
    app: FastAPI, desk: Desk, uow_factory: Factory, clock: FrozenClock
) -> None:
    async with uow_factory() as uow:
        assert await cases.claim(uow, desk.opened.case_id, Actor(desk.awa, "console"), clock.now())
        await uow.commit()
    await resident_with_case(uow_factory, clock, chat_id="8", ref="D-CCCCCC", words="Salut")
    async with browser(app) as client:
        await login(client, "awa@ville.example")
        home = (await client.get("/")).text
        mine, waiting = home.split('id="held-cases"')[1].split('id="waiting-cases"')
        assert f'href="/cases/{desk.opened.case_id}"' in mine
        assert f'href="/cases/{desk.opened.case_id}"' not in waiting
        claimed = (await client.get(f"/?status=claimed&team={desk.team}")).text
        assert f'href="/cases/{desk.opened.case_id}"' in claimed.split('id="waiting-cases"')[1]
        other = (await client.get(f"/?team={desk.other_team}")).text
        assert 'id="waiting-cases"' not in other
        assert (await client.get("/?status=nonsense&team=abc")).status_code == 200


async def test_coordinators_manage_teams_and_rules(
    app: FastAPI, desk: Desk, uow_factory: Factory, clock: FrozenClock
) -> None:
    await load_demo_city(uow_factory, clock.now())  # quartiers are picked from the city
    async with browser(app) as agent:
        await login(agent, "awa@ville.example")
        assert (await agent.get("/teams")).status_code == 403
        assert (await agent.get("/rules")).status_code == 403
        csrf = await page_csrf(agent)
        refused = await agent.post("/teams", data={"csrf_token": csrf, "slug": "x", "name": "X"})
        assert refused.status_code == 403
    async with browser(app) as cora:
        await login(cora, "cora@ville.example")
        page = await cora.get("/teams")
        assert page.status_code == 200 and "Jardins &amp; Nature" in page.text
        assert "awa@ville.example" in page.text
        created = await cora.post(
            "/teams",
            data={
                "csrf_token": await page_csrf(cora),
                "slug": "nord",
                "name": "Quartiers Nord",
                "neighbourhoods": ["gare", "tanneurs"],
            },
        )
        assert created.headers["location"] == "/teams?m=team_created"
        again = await _post(cora, "/teams", slug="nord", name="Encore")
        assert again.headers["location"] == "/teams?e=duplicate_team"
        bad = await _post(cora, "/teams", slug="Pas un slug!", name="X")
        assert bad.headers["location"] == "/teams?e=bad_team"
        typed = await _post(cora, "/teams", slug="sud", name="Sud", neighbourhoods="Les Tanneurs")
        assert (
            typed.headers["location"] == "/teams?e=bad_scope"
        )  # never a quartier that can't match
        async with uow_factory() as uow:
            nord = next(t for t in await case_teams.teams(uow) if t.slug == "nord")
        assert nord.neighbourhoods == ["gare", "tanneurs"]
        added = await _post(cora, f"/teams/{nord.id}/members", email="CY@ville.example")
        assert added.headers["location"] == "/teams?m=member_added"
        nobody = await _post(cora, f"/teams/{nord.id}/members", email="ghost@ville.example")
        assert nobody.headers["location"] == "/teams?e=unknown_staff"
        removed = await _post(cora, f"/teams/{nord.id}/members/{desk.cy}/remove")
        assert removed.headers["location"] == "/teams?m=member_removed"
        await _post(cora, f"/teams/{nord.id}/members", email="cy@ville.example")

        rule = await _post(
            cora, "/rules", team_id=str(nord.id), priority="5", theme="", neighbourhood="Gare"
        )
        assert rule.headers["location"] == "/rules?m=rule_added"
        assert (await _post(cora, "/rules", team_id="x")).headers["location"].endswith("bad_rule")
        huge = await _post(cora, "/rules", team_id=str(2**33))
        assert huge.headers["location"].endswith("bad_rule")
        assert (
            (await _post(cora, "/rules", team_id="9999"))
            .headers["location"]
            .endswith("unknown_team")
        )
        rules_page = (await cora.get("/rules")).text
        assert "Quartiers Nord" in rules_page and "Quartier de la Gare" in rules_page
        async with uow_factory() as uow:
            rows = (await uow.session.scalars(select(RoutingRule))).all()
            members = (
                await uow.session.scalars(select(TeamMember).where(TeamMember.team_id == nord.id))
            ).all()
        assert [(r.priority, r.neighbourhood, r.theme, r.team_id) for r in rows] == [
            (5, "gare", None, nord.id)
        ]
        assert [m.staff_id for m in members] == [desk.cy]
        gone = await _post(cora, f"/rules/{rows[0].id}/remove")
        assert gone.headers["location"] == "/rules?m=rule_removed"
    async with uow_factory() as uow:
        assert await case_teams.rules(uow) == []
    actions = [a.action for a in await _audit(uow_factory)]
    for action in ("team.created", "team.member_added", "team.member_removed", "rule.added"):
        assert action in actions
