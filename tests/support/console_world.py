"""A lived-in console for browser tests: the demo directory and panel, an agent, a coordinator
and an admin, a team, a resident who talked to the bot, asked for a person, got a reply and a
booked sprint. Every page of every role then has something real to show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.render import Renderer
from declic.demo import load_demo_sprints
from infra.clock import SystemClock
from infra.uow import UnitOfWork
from knowledge.demo import load_demo_directory
from routing.cases import canned
from routing.cases import notes as case_notes
from routing.cases import service as cases
from routing.cases import teams as case_teams
from routing.journey.records import Case, Idea
from routing.sprints import availability
from routing.sprints import desk as sprint_desk
from routing.staff.actor import Actor
from tests.support.console import add_staff
from tests.support.conversation import FOLLOWUPS, OFFICE, RULES, conversation_service
from tests.support.residents import ScriptedResident

AGENT, COORDINATOR, ADMIN = "awa@ville.example", "cora@ville.example", "ada@ville.example"
CHAT = "81818"


@dataclass(frozen=True)
class World:
    case_id: int
    idea_ref: str
    agent_id: int
    sprint_id: int | None = None


def resident(factory: Callable[[], UnitOfWork], chat: str = CHAT) -> ScriptedResident:
    service = conversation_service(factory, SystemClock(ZoneInfo("Europe/Paris")))
    return ScriptedResident(service, user_id=chat)


async def resident_asks_for_a_person(factory: Callable[[], UnitOfWork], chat: str = CHAT) -> int:
    """Through the real dialogue: an idea in Les Tanneurs, its summary, then /humain."""
    someone = resident(factory, chat)
    await someone.says("/start")
    await someone.says(
        "On voudrait une grainothèque aux Tanneurs avec des voisins, il faut un local"
    )
    await someone.says("dès que possible")
    await someone.presses("a", "yes")
    await someone.presses("s", "ok")
    await someone.says("/humain")
    async with factory() as uow:
        case = await uow.session.scalar(
            select(Case).where(Case.status == "open").order_by(Case.id.desc())
        )
    assert case is not None
    return case.id


async def build(factory: Callable[[], UnitOfWork], *, reply: bool = True) -> World:
    clock = SystemClock(ZoneInfo("Europe/Paris"))
    await load_demo_directory(factory, datetime(2026, 11, 1, tzinfo=UTC))
    await load_demo_sprints(factory)
    awa = await add_staff(factory, clock, AGENT, name="Awa Diallo")
    await add_staff(factory, clock, COORDINATOR, role="coordinator", name="Cora Martin")
    await add_staff(factory, clock, ADMIN, role="admin", name="Ada Lovelace")
    async with factory() as uow:
        team = await case_teams.create_team(
            uow, "jardins", "Jardins & Nature", ["garden"], ["tanneurs"]
        )
        await case_teams.add_member(uow, team.id, awa.id)
        await canned.save(
            uow,
            title="Accueil",
            body="Bonjour {prénom} ! Je m'occupe de « {idée} ».",
            now=clock.now(),
            team_id=team.id,
        )
        await uow.commit()
    case_id = await resident_asks_for_a_person(factory)
    if not reply:
        async with factory() as uow:
            idea_ref = (await uow.session.get(Idea, (await _case(uow, case_id)).idea_id)).ref  # type: ignore[union-attr]
        return World(case_id, idea_ref, awa.id)
    now = clock.now()
    async with factory() as uow:
        by = Actor(awa.id, "console")
        assert await cases.claim(uow, case_id, by, now)
        await cases.reply(uow, case_id, by, "Bonjour ! Je regarde les salles du quartier.", now)
        await case_notes.add_note(uow, case_id, awa.id, "Appeler la maison de quartier", now)
        case = await _case(uow, case_id)
        idea = await uow.session.get(Idea, case.idea_id)
        assert idea is not None
        city = await sprint_desk.city(uow)
        offer = await availability.sprint_options(uow, idea.id, now, gazetteer=city, rules=RULES)
        sprint_id = None
        if offer.plan.options:
            first = offer.plan.options[0]
            done = await sprint_desk.book(
                uow,
                idea.id,
                first.day1,
                first.room_id,
                now,
                by=by,
                renderer=Renderer(office=OFFICE),
                followups=FOLLOWUPS,
                rules=RULES,
            )
            sprint_id = getattr(getattr(done, "booked", None), "sprint_id", None)
        await uow.commit()
        return World(case_id, idea.ref, awa.id, sprint_id)


async def _case(uow: UnitOfWork, case_id: int) -> Case:
    case = await uow.session.get(Case, case_id)
    assert case is not None
    return case
