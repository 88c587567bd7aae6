"""Journeys with known outcomes for the statistics tests (issue 7), written as rows.

Belleville: six residents, one idea each (culture, informal group, campaign "affiche", French),
received on 5 October 2026; five go all the way (accepted suggestion, a person answers after
10, 20, ... 50 minutes, sprint booked after 1..5 days and held, action after 10 days, realized),
the sixth abandons with an unmet need for a room. Ménilmontant: three residents (sport, alone,
no campaign, English) received on 10 November 2026, intake completed; one abandons.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from infra.uow import UnitOfWork
from knowledge.records import ResourceRow
from routing.journey.events import journey_event
from routing.journey.records import Idea, Resident
from routing.matching.records import Suggestion

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BELLEVILLE_AT = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)
MENIL_AT = datetime(2026, 11, 10, 8, 0, tzinfo=UTC)


async def _idea(
    uow: UnitOfWork,
    n: int,
    *,
    neighbourhood: str,
    themes: list[str],
    group: str,
    source: str | None,
    locale: str,
    at: datetime,
    unmet: list[str] | None = None,
) -> Idea:
    resident = Resident(
        channel="telegram",
        external_id=str(1000 + n),
        chat_id=str(1000 + n),
        display_name=f"Habitant {n}",
        locale=locale,
        neighbourhood=neighbourhood,
        created_at=at,
        last_seen_at=at,
    )
    uow.session.add(resident)
    await uow.session.flush()
    idea = Idea(
        ref=f"I{n:05d}",
        resident_id=resident.id,
        status="submitted",
        text="mon idée secrète",
        neighbourhood=neighbourhood,
        themes=themes,
        needs=list(unmet or []),
        unmet_needs=list(unmet or []),
        group_type=group,
        source=source,
        locale=locale,
        created_at=at,
        updated_at=at,
    )
    uow.session.add(idea)
    await uow.session.flush()
    return idea


async def build_journeys(uow_factory: Callable[[], UnitOfWork]) -> None:
    async with uow_factory() as uow:
        s = uow.session
        for i in range(6):
            at = BELLEVILLE_AT + timedelta(minutes=i)
            idea = await _idea(
                uow,
                i,
                neighbourhood="Belleville",
                themes=["culture"],
                group="informal",
                source="affiche",
                locale="fr",
                at=at,
                unmet=["room"] if i == 5 else None,
            )
            s.add(journey_event(idea, "idea_received", at))
            s.add(journey_event(idea, "intake_completed", at + timedelta(minutes=5)))
            s.add(
                Suggestion(
                    idea_id=idea.id,
                    external_id="salle-1",
                    kind="room",
                    name="Salle des fêtes",
                    need="room",
                    rank=1,
                    score=1.0,
                    status="accepted" if i < 5 else "declined",
                    created_at=at,
                )
            )
            if i == 5:
                s.add(journey_event(idea, "abandoned", at + timedelta(days=20)))
                continue
            s.add(journey_event(idea, "suggestion_accepted", at + timedelta(minutes=6)))
            if i == 0:  # a second acceptance does not count twice
                s.add(journey_event(idea, "suggestion_accepted", at + timedelta(minutes=7)))
            opened = at + timedelta(hours=1)
            s.add(journey_event(idea, "case_opened", opened))
            reply = opened + timedelta(minutes=10 * (i + 1))
            s.add(journey_event(idea, "first_human_reply", reply))
            s.add(journey_event(idea, "sprint_booked", at + timedelta(days=i + 1)))
            s.add(journey_event(idea, "sprint_held", at + timedelta(days=i + 8), held=True))
            s.add(journey_event(idea, "action_started", at + timedelta(days=10)))
            s.add(journey_event(idea, "realized", at + timedelta(days=30)))
        for i in range(3):
            at = MENIL_AT + timedelta(minutes=i)
            idea = await _idea(
                uow,
                10 + i,
                neighbourhood="Ménilmontant",
                themes=["sport"],
                group="alone",
                source=None,
                locale="en",
                at=at,
            )
            s.add(journey_event(idea, "idea_received", at))
            s.add(journey_event(idea, "intake_completed", at + timedelta(minutes=5)))
            s.add(
                Suggestion(
                    idea_id=idea.id,
                    external_id="salle-1",
                    kind="room",
                    name="Salle des fêtes",
                    need="room",
                    rank=1,
                    score=1.0,
                    status="proposed",
                    created_at=at,
                )
            )
            if i == 0:
                s.add(journey_event(idea, "abandoned", at + timedelta(days=3)))
        for ext, verified in (("old-room", date(2024, 1, 1)), ("fresh-room", date(2026, 10, 1))):
            s.add(
                ResourceRow(
                    external_id=ext,
                    kind="room",
                    name=ext.replace("-", " ").title(),
                    themes=[],
                    territories=[],
                    facts={},
                    verified_on=verified,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        await uow.commit()
