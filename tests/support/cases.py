"""Helpers for case tests: a team, its agents, a resident with an idea and an open case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from infra.clock import Clock
from infra.uow import UnitOfWork
from routing.cases import service as cases
from routing.cases import teams as case_teams
from routing.journey.records import Idea, Message, Resident


@dataclass(frozen=True)
class Opened:
    case_id: int
    resident_id: int
    idea_id: int
    idea_ref: str
    chat_id: str


async def add_team(
    uow_factory: Callable[[], UnitOfWork],
    slug: str,
    name: str,
    neighbourhoods: tuple[str, ...] = (),
    members: tuple[int, ...] = (),
) -> int:
    async with uow_factory() as uow:
        team = await case_teams.create_team(uow, slug, name, [], list(neighbourhoods))
        for staff_id in members:
            await case_teams.add_member(uow, team.id, staff_id)
        await uow.commit()
        return team.id


async def resident_with_case(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    *,
    chat_id: str = "4242",
    name: str = "Nadia",
    words: str = "Bonjour, j'ai besoin d'aide pour la salle",
    ref: str = "D-7KQ2MX",
    neighbourhood: str = "tanneurs",
    open_case: bool = True,
) -> Opened:
    """A Telegram resident who wrote ``words`` about an idea, and (by default) the case they
    opened by asking for a person."""
    now = clock.now()
    async with uow_factory() as uow:
        resident = Resident(
            channel="telegram",
            external_id=chat_id,
            chat_id=chat_id,
            display_name=name,
            locale="fr",
            neighbourhood=neighbourhood,
            consent_at=now,
            created_at=now,
            last_seen_at=now,
        )
        uow.session.add(resident)
        await uow.session.flush()
        idea = Idea(
            ref=ref,
            resident_id=resident.id,
            status="submitted",
            text=words,
            title="Une grainothèque aux Tanneurs",
            neighbourhood=neighbourhood,
            needs=["room"],
            themes=["nature"],
            locale="fr",
            created_at=now,
            updated_at=now,
        )
        uow.session.add(idea)
        await uow.session.flush()
        uow.session.add(
            Message(
                resident_id=resident.id,
                idea_id=idea.id,
                direction="in",
                kind="text",
                text=words,
                created_at=now,
            )
        )
        case_id = 0
        if open_case:
            case = await cases.open_case(uow, resident.id, idea.id, "asked", now, "resident")
            case_id = case.id
        await uow.commit()
        return Opened(case_id, resident.id, idea.id, ref, chat_id)


async def resident_writes(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, resident_id: int, words: str
) -> int:
    """A message kept in the transcript, as the conversation service keeps it (no dialogue)."""
    async with uow_factory() as uow:
        message = Message(
            resident_id=resident_id,
            direction="in",
            kind="text",
            text=words,
            created_at=clock.now(),
        )
        uow.session.add(message)
        await uow.session.flush()
        held = await cases.held_case(uow, resident_id)
        if held is not None:
            await cases.record_resident_message(uow, held, message.id, clock.now())
        await uow.commit()
        return message.id
