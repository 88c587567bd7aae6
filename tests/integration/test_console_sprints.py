"""Sprint pages and API, panel and room editing, and the case page's suggestions and notes, on
SQLite and PostgreSQL, through real HTTP requests to the ASGI app."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from bot.wire import telegram_call
from declic.demo import load_demo_sprints
from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from knowledge.demo import load_demo_directory
from routing.cases.records import CaseEvent
from routing.journey.records import Idea, JourneyEvent, OutgoingMessage
from routing.matching.records import Suggestion
from routing.sprints import availability
from routing.sprints import desk as sprint_desk
from routing.sprints import notices as sprint_notices
from routing.sprints import service as sprints
from routing.sprints.records import PanelAbsence, PanelMember, PersonDay, RoomDay, Sprint
from routing.staff.audit_log import list_audit
from tests.support.cases import Opened, add_team, resident_with_case
from tests.support.console import (
    add_staff,
    add_token,
    browser,
    console_app,
    csrf_of,
    login,
    page_csrf,
)
from tests.support.conversation import FOLLOWUPS, RULES

Factory = Callable[[], UnitOfWork]
GROUP = -1001234567890


@dataclass(frozen=True)
class Desk:
    awa: int  # an agent of the case's team
    cy: int  # an agent of another team
    cora: int  # a coordinator
    opened: Opened


@pytest.fixture
def app(migrated_url: str, uow_factory: Factory, clock: FrozenClock) -> FastAPI:
    return console_app(migrated_url, uow_factory, clock, staff_group_id=GROUP)


@pytest.fixture
async def desk(uow_factory: Factory, clock: FrozenClock) -> Desk:
    await load_demo_directory(uow_factory, datetime(2026, 11, 1, tzinfo=UTC))
    assert await load_demo_sprints(uow_factory)
    awa = await add_staff(uow_factory, clock, "awa@ville.example", name="Awa Diallo")
    cy = await add_staff(uow_factory, clock, "cy@ville.example", name="Cy Leroy")
    cora = await add_staff(uow_factory, clock, "cora@ville.example", "coordinator", "Cora Bell")
    await add_team(uow_factory, "jardins", "Jardins", ("glycines",), (awa.id,))
    await add_team(uow_factory, "sport", "Sport", ("gare",), (cy.id,))
    opened = await resident_with_case(
        uow_factory,
        clock,
        name="Zélie",
        neighbourhood="glycines",
        words="Un jardin partagé aux Glycines",
    )
    async with uow_factory() as uow:
        idea = await uow.session.get(Idea, opened.idea_id)
        assert idea is not None
        idea.needs, idea.themes = ["place", "funding"], ["garden"]
        await uow.commit()
    return Desk(awa.id, cy.id, cora.id, opened)


async def _count(uow_factory: Factory, model, *where) -> int:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        query = select(func.count()).select_from(model).where(*where)
        return int(await uow.session.scalar(query) or 0)


async def _outbox(uow_factory: Factory, chat_id: str) -> list[OutgoingMessage]:
    async with uow_factory() as uow:
        rows = await uow.session.scalars(
            select(OutgoingMessage)
            .where(OutgoingMessage.chat_id == chat_id)
            .order_by(OutgoingMessage.id)
        )
        return list(rows.all())


def _first_option(html: str) -> tuple[str, str]:
    import re

    day1 = re.search(r'name="day1" value="([0-9-]+)"', html)
    room = re.search(r'name="room_id" value="([0-9]+)"', html)
    assert day1 and room, "no option on the page"
    return day1.group(1), room.group(1)


async def test_agent_books_for_the_resident_then_cancels(
    app: FastAPI, desk: Desk, uow_factory: Factory, clock: FrozenClock
) -> None:
    ref = desk.opened.idea_ref
    async with browser(app) as client:
        await login(client, "awa@ville.example")
        case_page = await client.get(f"/cases/{desk.opened.case_id}")
        assert f'href="/ideas/{ref}/sprint"' in case_page.text
        page = await client.get(f"/ideas/{ref}/sprint")
        assert page.status_code == 200
        assert "Les dates les plus proches" in page.text  # the kind of the first option
        assert "Un panel de" in page.text  # a reason, in words
        day1, room = _first_option(page.text)
        # no CSRF token: refused, nothing booked
        refused = await client.post(
            f"/ideas/{ref}/sprint/book", data={"day1": day1, "room_id": room}
        )
        assert refused.status_code == 403
        assert await _count(uow_factory, Sprint) == 0
        form = {"day1": day1, "room_id": room, "current": "none", "csrf_token": csrf_of(page.text)}
        done = await client.post(f"/ideas/{ref}/sprint/book", data=form)
        assert done.status_code == 303 and done.headers["location"].endswith("?m=booked")
        shown = await client.get(done.headers["location"])
        assert "Le sprint est réservé" in shown.text
        # the same « Réserver » again from an out-of-date tab: refused, never a move
        stale = await client.post(f"/ideas/{ref}/sprint/book", data=form)
        assert stale.headers["location"].endswith("?e=stale")
        said = await client.get(stale.headers["location"])
        assert "La situation a changé, voici l&#39;état actuel." in said.text
        told = [r.payload.get("text", "") for r in await _outbox(uow_factory, desk.opened.chat_id)]
        assert not any("C'est changé" in t for t in told)  # no second .ics, no surprise
    async with uow_factory() as uow:
        sprint = await uow.session.scalar(select(Sprint))
        assert sprint is not None and sprint.status == "confirmed"
        assert sprint.day1 == date.fromisoformat(day1)
    assert await _count(uow_factory, RoomDay, RoomDay.sprint_id == sprint.id) == 2
    people_days = await _count(uow_factory, PersonDay, PersonDay.sprint_id == sprint.id)
    assert people_days >= 6
    # the resident's message and .ics, exactly as when they choose themselves
    rows = await _outbox(uow_factory, desk.opened.chat_id)
    methods = [r.method for r in rows]
    assert "sendDocument" in methods
    text = next(
        r.payload["text"]
        for r in rows
        if r.method == "sendMessage" and "réservé" in r.payload.get("text", "")
    )
    assert "C'est réservé" in text
    document = next(r for r in rows if r.method == "sendDocument")
    calendar = icalendar.Calendar.from_ical(base64.b64decode(document.payload["content_b64"]))
    assert calendar["METHOD"] == "REQUEST"
    # the staff group: the dates and the .ics, never the resident's name or words
    group = await _outbox(uow_factory, str(GROUP))
    calls = [telegram_call(r.method, r.payload) for r in group]  # what Telegram will be asked
    assert [method for method, _ in calls] == ["sendMessage", "sendDocument"]
    post = calls[0][1]["text"]
    assert ref in post
    assert "Zélie" not in post and "jardin" not in post
    group_ics = base64.b64decode(calls[1][1]["content_b64"]).decode()
    assert "Zélie" not in group_ics and "grainoth" not in group_ics.lower()

    async with browser(app) as client:
        await login(client, "awa@ville.example")
        listing = await client.get("/sprints")
        assert listing.status_code == 200 and ref in listing.text
        token = csrf_of(listing.text)
        # one click never cancels: it leads to the confirmation, and nothing changes
        one_click = await client.post(
            f"/sprints/{sprint.id}/cancel", data={"csrf_token": token, "back": "list"}
        )
        assert one_click.headers["location"] == f"/sprints/{sprint.id}/cancel?back=list&e=confirm"
        assert await _count(uow_factory, RoomDay, RoomDay.sprint_id == sprint.id) == 2
        asked = await client.get(f"/sprints/{sprint.id}/cancel?back=list")
        assert asked.status_code == 200 and "Oui, annuler le sprint" in asked.text
        cancelled = await client.post(
            f"/sprints/{sprint.id}/cancel",
            data={"csrf_token": token, "back": "list", "confirm": "yes"},
        )
        assert cancelled.status_code == 303
        assert cancelled.headers["location"] == "/sprints?m=cancelled"
    assert await _count(uow_factory, RoomDay, RoomDay.sprint_id == sprint.id) == 0
    assert await _count(uow_factory, PersonDay, PersonDay.sprint_id == sprint.id) == 0
    rows = await _outbox(uow_factory, desk.opened.chat_id)
    assert any("annulé" in (r.payload.get("text") or "") for r in rows)
    cancel_ics = [r for r in rows if r.method == "sendDocument"][-1]
    again = icalendar.Calendar.from_ical(base64.b64decode(cancel_ics.payload["content_b64"]))
    assert again["METHOD"] == "CANCEL"
    async with uow_factory() as uow:
        actions = [e.action for e in await list_audit(uow, limit=100)]
    assert "sprint.booked" in actions and "sprint.cancelled" in actions
    assert "idea.viewed" in actions


async def test_agent_of_another_team_and_anonymous_are_kept_out(app: FastAPI, desk: Desk) -> None:
    ref = desk.opened.idea_ref
    async with browser(app) as client:
        anonymous = await client.get(f"/ideas/{ref}/sprint")
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
        await login(client, "cy@ville.example")
        assert (await client.get(f"/ideas/{ref}/sprint")).status_code == 403
        assert (await client.get("/ideas/D-NOPE00/sprint")).status_code == 404
        assert (await client.get("/panel")).status_code == 403
        token = await page_csrf(client, "/sprints")
        hidden = await client.post(
            f"/ideas/{ref}/sprint/book",
            data={"day1": "2026-12-01", "room_id": "1", "csrf_token": token},
        )
        assert hidden.status_code == 403
        member = await client.post(
            "/panel/members/1", data={"monthly_cap": "0", "csrf_token": token}
        )
        assert member.status_code == 403


async def test_mark_held_records_the_journey(
    app: FastAPI, desk: Desk, uow_factory: Factory, clock: FrozenClock
) -> None:
    now = clock.now()
    async with uow_factory() as uow:
        offer = await availability.sprint_options(
            uow, desk.opened.idea_id, now, gazetteer=await sprint_desk.city(uow), rules=RULES
        )
        booked = await sprints.confirm(
            uow, desk.opened.idea_id, offer.plan.options[0], now, followups=FOLLOWUPS, rules=RULES
        )
        await uow.commit()
    assert isinstance(booked, sprint_notices.Booked)
    async with browser(app) as client:
        await login(client, "awa@ville.example")
        token = await page_csrf(client, "/sprints")
        early = await client.post(
            f"/sprints/{booked.sprint_id}/held",
            data={"outcome": "held", "note": "", "csrf_token": token},
        )
        assert early.headers["location"].endswith("?e=too_early")
    clock.advance(booked.day2 - now.date() + timedelta(days=1))
    async with browser(app) as client:
        await login(client, "awa@ville.example")
        listing = await client.get("/sprints")
        assert "a-t-il eu lieu" in listing.text
        done = await client.post(
            f"/sprints/{booked.sprint_id}/held",
            data={"outcome": "held", "note": "Belle énergie", "csrf_token": csrf_of(listing.text)},
        )
        assert done.status_code == 303 and done.headers["location"].endswith("?m=held")
    async with uow_factory() as uow:
        sprint = await uow.session.get(Sprint, booked.sprint_id)
        assert sprint is not None and sprint.status == "held" and sprint.note == "Belle énergie"
        kinds = (await uow.session.scalars(select(JourneyEvent.kind))).all()
    assert "sprint_held" in kinds


async def test_coordinator_edits_availability_and_the_planner_sees_it(
    app: FastAPI, desk: Desk, uow_factory: Factory, clock: FrozenClock
) -> None:
    now = clock.now()
    async with uow_factory() as uow:
        first = (
            await availability.sprint_options(
                uow, desk.opened.idea_id, now, gazetteer=await sprint_desk.city(uow), rules=RULES
            )
        ).plan.options[0]
        facilitator = await uow.session.get(PanelMember, first.facilitator_id)
        assert facilitator is not None
    async with browser(app) as client:
        await login(client, "cora@ville.example")
        page = await client.get("/panel")
        assert page.status_code == 200 and facilitator.name in page.text
        token = csrf_of(page.text)
        bad = await client.post(
            f"/panel/members/{facilitator.id}",
            data={
                "skills": "facilitation",
                "monthly_cap": "99",
                "weekdays": ["0"],
                "csrf_token": token,
            },
        )
        assert bad.headers["location"].startswith("/panel?e=bad_cap")
        unknown = await client.post(
            f"/panel/members/{facilitator.id}",
            data={
                "skills": "facilitation",
                "territories": "atlantis",
                "monthly_cap": "2",
                "weekdays": ["0"],
                "active": "1",
                "csrf_token": token,
            },
        )
        assert unknown.headers["location"].startswith("/panel?e=unknown_territory")
        bad_date = await client.post(
            f"/panel/members/{facilitator.id}/absences",
            data={"starts_on": "demain", "csrf_token": token},
        )
        assert bad_date.headers["location"].startswith("/panel?e=bad_date")
        # away on the first option's days
        absent = await client.post(
            f"/panel/members/{facilitator.id}/absences",
            data={
                "starts_on": first.day1.isoformat(),
                "ends_on": first.day2.isoformat(),
                "csrf_token": token,
            },
        )
        assert "m=absence_added" in absent.headers["location"]
        saved = await client.post(
            f"/panel/members/{facilitator.id}",
            data={
                "skills": ", ".join(sorted(facilitator.skills)),
                "territories": "",
                "monthly_cap": "2",
                "weekdays": ["0", "1", "2", "3", "4"],
                "active": "1",
                "csrf_token": token,
            },
        )
        # the notice survives the redirect: in the query, before the fragment
        assert saved.headers["location"] == f"/panel?m=member_saved#member-{facilitator.id}"
        again_page = await client.get(saved.headers["location"].split("#")[0])
        assert "Les disponibilités sont enregistrées." in again_page.text
    async with uow_factory() as uow:
        again = await availability.sprint_options(
            uow, desk.opened.idea_id, now, gazetteer=await sprint_desk.city(uow), rules=RULES
        )
    for option in again.plan.options:
        if option.day1 in (first.day1, first.day2) or option.day2 in (first.day1, first.day2):
            assert facilitator.id not in option.panel
    absences = await _count(uow_factory, PanelAbsence, PanelAbsence.member_id == facilitator.id)
    assert absences >= 1
    # the room: capacity too small for any sprint, so the planner explains there is none
    async with browser(app) as client:
        await login(client, "cora@ville.example")
        page = await client.get("/panel")
        token = csrf_of(page.text)
        async with uow_factory() as uow:
            rooms = (await uow.session.scalars(select(RoomDay.room_id).distinct())).all()
            room_ids = [r for r in rooms]
            from routing.sprints.records import SprintRoom

            room_ids = list((await uow.session.scalars(select(SprintRoom.id))).all())
        for room_id in room_ids:
            done = await client.post(
                f"/panel/rooms/{room_id}",
                data={
                    "capacity": "2",
                    "equipment": "chaises, tables",
                    "active": "1",
                    "csrf_token": token,
                },
            )
            assert "m=room_saved" in done.headers["location"]
        blocked = await client.post(
            f"/panel/rooms/{room_ids[0]}/blocked",
            data={"starts_on": "2027-01-05", "ends_on": "2027-01-06", "csrf_token": token},
        )
        assert "m=days_blocked" in blocked.headers["location"]
        freed = await client.post(
            f"/panel/rooms/{room_ids[0]}/blocked/2027-01-05/remove", data={"csrf_token": token}
        )
        assert "m=day_unblocked" in freed.headers["location"]
        added = await client.post(
            "/panel/members",
            data={"name": "Inès Roux", "weekdays": ["2"], "monthly_cap": "1", "csrf_token": token},
        )
        async with uow_factory() as uow:
            new_id = await uow.session.scalar(
                select(PanelMember.id).where(PanelMember.name == "Inès Roux")
            )
        assert added.headers["location"] == f"/panel?m=member_added#member-{new_id}"
        await client.post("/logout", data={"csrf_token": token})
        await login(client, "awa@ville.example")
        none = await client.get(f"/ideas/{desk.opened.idea_ref}/sprint")
        assert 'id="no-option"' in none.text
        assert 'data-code="sprint_no_room_big_enough"' in none.text


async def test_notes_and_suggestions_on_the_case_page(
    app: FastAPI, desk: Desk, uow_factory: Factory
) -> None:
    case_id = desk.opened.case_id
    async with browser(app) as client:
        await login(client, "awa@ville.example")
        page = await client.get(f"/cases/{case_id}?q=glycines")
        assert page.status_code == 200
        token = csrf_of(page.text)
        import re

        found = re.findall(r'name="external_id" value="([^"]+)"', page.text)
        assert found, "the directory search found nothing"
        added = await client.post(
            f"/cases/{case_id}/suggestions", data={"external_id": found[0], "csrf_token": token}
        )
        assert added.headers["location"] == f"/cases/{case_id}?m=suggestion_added#suggestions"
        twice = await client.post(
            f"/cases/{case_id}/suggestions", data={"external_id": found[0], "csrf_token": token}
        )
        assert twice.headers["location"] == f"/cases/{case_id}?m=suggestion_known#suggestions"
        unknown = await client.post(
            f"/cases/{case_id}/suggestions", data={"external_id": "nope", "csrf_token": token}
        )
        assert unknown.headers["location"] == f"/cases/{case_id}?e=unknown_resource#suggestions"
        async with uow_factory() as uow:
            row = await uow.session.scalar(
                select(Suggestion).where(Suggestion.external_id == found[0])
            )
            assert row is not None and row.status == "proposed"
        shown = await client.get(f"/cases/{case_id}")
        assert f'data-resource="{found[0]}"' in shown.text
        removed = await client.post(
            f"/cases/{case_id}/suggestions/{row.id}/remove", data={"csrf_token": token}
        )
        assert removed.headers["location"] == f"/cases/{case_id}?m=suggestion_removed#suggestions"
        assert await _count(uow_factory, Suggestion) == 0
        no_csrf = await client.post(f"/cases/{case_id}/notes", data={"text": "x"})
        assert no_csrf.status_code == 403
        noted = await client.post(
            f"/cases/{case_id}/notes",
            data={"text": "Rappeler jeudi, <b>prudence</b>", "csrf_token": token},
        )
        assert noted.headers["location"] == f"/cases/{case_id}?m=note_added#notes"
        again = await client.get(f"/cases/{case_id}")
        assert "Rappeler jeudi, &lt;b&gt;prudence&lt;/b&gt;" in again.text
    async with browser(app) as client:  # another team's agent may not write on the case
        await login(client, "cy@ville.example")
        token = await page_csrf(client, "/sprints")
        hidden = await client.post(
            f"/cases/{case_id}/notes", data={"text": "coucou", "csrf_token": token}
        )
        assert hidden.status_code == 403
    assert await _count(uow_factory, CaseEvent, CaseEvent.kind == "note") == 1
    rows = await _outbox(uow_factory, desk.opened.chat_id)
    assert not any("Rappeler" in str(r.payload) for r in rows)  # never to the resident
    async with uow_factory() as uow:
        actions = [e.action for e in await list_audit(uow, limit=100)]
    assert {"case.note_added", "suggestion.added", "suggestion.removed"} <= set(actions)


async def test_sprint_api(
    app: FastAPI, desk: Desk, uow_factory: Factory, clock: FrozenClock
) -> None:
    ref = desk.opened.idea_ref
    token = await add_token(uow_factory, clock, desk.awa)
    other = await add_token(uow_factory, clock, desk.cy)
    auth = {"Authorization": f"Bearer {token}"}
    async with browser(app) as client:
        assert (await client.get(f"/api/ideas/{ref}/sprint-options")).status_code == 401
        denied = await client.get(
            f"/api/ideas/{ref}/sprint-options", headers={"Authorization": f"Bearer {other}"}
        )
        assert denied.status_code == 403 and denied.json()["detail"] == "not_allowed"
        missing = await client.get("/api/ideas/D-NOPE00/sprint-options", headers=auth)
        assert missing.status_code == 404
        found = await client.get(f"/api/ideas/{ref}/sprint-options", headers=auth)
        assert found.status_code == 200
        body = found.json()
        assert len(body["options"]) == 3 and body["options"][0]["reasons"]
        first = body["options"][0]
        bad = await client.post(f"/api/ideas/{ref}/sprint", json={"day1": "x"}, headers=auth)
        assert bad.status_code == 422
        booked = await client.post(
            f"/api/ideas/{ref}/sprint",
            json={"day1": first["day1"], "room_id": first["room_id"]},
            headers=auth,
        )
        assert booked.status_code == 201, booked.text
        sprint = booked.json()["sprint"]
        assert sprint["status"] == "confirmed" and booked.json()["resident_messages"] >= 2
        # another idea wants the same days in the same room: lost, with fresh options
        second = await resident_with_case(
            uow_factory, clock, chat_id="5151", ref="D-8XYZ22", neighbourhood="glycines"
        )
        async with uow_factory() as uow:
            idea = await uow.session.get(Idea, second.idea_id)
            assert idea is not None
            idea.needs, idea.themes = ["place", "funding"], ["garden"]
            await uow.commit()
        lost = await client.post(
            "/api/ideas/D-8XYZ22/sprint",
            json={"day1": first["day1"], "room_id": first["room_id"]},
            headers=auth,
        )
        assert lost.status_code == 409 and lost.json()["detail"] == "lost"
        assert lost.json()["options"]
        early = await client.post(
            f"/api/sprints/{sprint['id']}/held", json={"held": True}, headers=auth
        )
        assert early.status_code == 409 and early.json()["detail"] == "too_early"
        board = await client.get("/api/sprints", headers=auth)
        assert [s["id"] for s in board.json()["upcoming"]] == [sprint["id"]]
        cancelled = await client.post(f"/api/sprints/{sprint['id']}/cancel", headers=auth)
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        twice = await client.post(f"/api/sprints/{sprint['id']}/cancel", headers=auth)
        assert twice.status_code == 409 and twice.json()["detail"] == "not_active"
        assert (await client.post("/api/sprints/999999/cancel", headers=auth)).status_code == 404


async def test_my_sprints_lists_the_panel_members_sprints(
    app: FastAPI, desk: Desk, uow_factory: Factory, clock: FrozenClock
) -> None:
    now = clock.now()
    async with uow_factory() as uow:
        offer = await availability.sprint_options(
            uow, desk.opened.idea_id, now, gazetteer=await sprint_desk.city(uow), rules=RULES
        )
        option = offer.plan.options[0]
        member = await uow.session.get(PanelMember, option.facilitator_id)
        assert member is not None
        member.staff_id = desk.cy  # Cy sits on panels, though not in the case's team
        await uow.commit()
        booked = await sprints.confirm(
            uow, desk.opened.idea_id, option, now, followups=FOLLOWUPS, rules=RULES
        )
        await uow.commit()
    assert isinstance(booked, sprint_notices.Booked)
    async with browser(app) as client:
        await login(client, "cy@ville.example")
        mine = await client.get("/my-sprints")
        assert mine.status_code == 200
        assert f"Sprint #{booked.sprint_id}" in mine.text
