"""The sprint in the resident's conversation: the dialogue's sprint decisions filled in with data.

``ConversationService._resolve`` hands ``ShowSprintOptions``, ``BookSprint`` and
``CancelSprint`` here, inside the turn's transaction. Booking is decided by the database (unique
person-days and room-days), so its write and its reply are one step: a lost race comes back as
fresh options in the same turn.
"""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from infra.uow import UnitOfWork
from knowledge.territory import Gazetteer
from routing import sprints
from routing.cases import StaffGroup
from routing.intake import BookSprint, CancelSprint, ShowSprintOptions
from routing.journey import Idea, Resident
from routing.sprints import (
    SprintBooked,
    SprintCancelled,
    SprintChoice,
    SprintGone,
    SprintOptionsPage,
    SprintReply,
    announce,
)

__all__ = [
    "SprintBooked",
    "SprintCancelled",
    "SprintChoice",
    "SprintGone",
    "SprintOptionsPage",
    "SprintReply",
    "page_of",
    "resolve",
]


async def _own_idea(uow: UnitOfWork, resident: Resident, idea_id: int | None) -> Idea | None:
    if idea_id is None:
        return None
    idea = await uow.session.get(Idea, idea_id)
    if idea is None or idea.resident_id != resident.id or idea.status in ("draft", "discarded"):
        return None
    return idea


def page_of(offer: sprints.SprintOffer, *, lost: bool = False) -> SprintOptionsPage:
    choices = tuple(
        SprintChoice(
            idea_id=offer.idea_id,
            day1=o.day1,
            day2=o.day2,
            room_id=o.room_id,
            room_name=offer.rooms[o.room_id].name,
            address=offer.rooms[o.room_id].address,
            panel_size=len(o.panel),
            kind=o.kind,
            reasons=o.reasons,
        )
        for o in offer.plan.options
    )
    return SprintOptionsPage(
        offer.idea_id,
        choices,
        offer.plan.problems,
        tuple(sorted(offer.plan.unknown_skills)),
        lost=lost,
        rescheduling=offer.current is not None,
    )


async def resolve(
    uow: UnitOfWork,
    resident: Resident,
    current_idea: int | None,
    reply: ShowSprintOptions | BookSprint | CancelSprint,
    now: datetime,
    gazetteer: Gazetteer | None,
    group: StaffGroup | None = None,
    *,
    followups: sprints.FollowUpPlanner,
    rules: sprints.Rules,
) -> SprintReply:
    """The resident's own sprint choice; the staff group (if any) hears of bookings and
    cancellations exactly as when staff act from the console."""
    idea_id = reply.idea_id if reply.idea_id is not None else current_idea
    idea = await _own_idea(uow, resident, idea_id)
    if idea is None:
        return SprintGone()

    async def options() -> sprints.SprintOffer:
        return await sprints.sprint_options(uow, idea.id, now, gazetteer=gazetteer, rules=rules)

    match reply:
        case ShowSprintOptions():
            return page_of(await options())
        case CancelSprint():
            current = await sprints.active_sprint(uow, idea.id)
            if current is None:
                return SprintGone()
            cancelled = await sprints.cancel(uow, current.id, now, followups=followups, rules=rules)
            await _announce(uow, current.id, group, "cancelled", now)
            return SprintCancelled(idea.id, cancelled.day1, cancelled.day2, cancelled.ics)
        case BookSprint():
            option = None
            if reply.index is not None:
                offer = await options()
                if not 1 <= reply.index <= len(offer.plan.options):
                    return page_of(offer)
                option = offer.plan.options[reply.index - 1]
            elif reply.day1 is not None and reply.room_id is not None:
                option = await sprints.option_at(
                    uow, idea.id, reply.day1, reply.room_id, now, gazetteer=gazetteer, rules=rules
                )
            if option is None:  # taken since it was shown: fresh options at once
                return page_of(await options(), lost=True)
            outcome = await sprints.confirm(
                uow, idea.id, option, now, followups=followups, gazetteer=gazetteer, rules=rules
            )
            if isinstance(outcome, sprints.Lost):
                return page_of(outcome.offer, lost=True)
            what = "rescheduled" if outcome.rescheduled else "booked"
            await _announce(uow, outcome.sprint_id, group, what, now)
            return outcome.reply(idea)
        case _:
            assert_never(reply)


async def _announce(
    uow: UnitOfWork, sprint_id: int, group: StaffGroup | None, what: str, now: datetime
) -> None:
    if group is None:
        return
    await announce(uow, sprint_id, group, what, now)
