"""What staff do to a sprint, shared by the pages and the JSON API: each action runs the
``routing.sprints.desk`` use case and its audit entry in one unit of work, so both commit or
neither. Errors are ``SprintDeskError`` codes; pages show them as kind sentences, the API as
status codes (``STATUS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import Request

from console.security import AuditTrail, Auth, ConsoleContext, actor_of, context
from infra.i18n import Translator
from infra.uow import UnitOfWork
from routing.cases import desk as case_desk
from routing.cases.group_posts import staff_group_of
from routing.followups import service as followups
from routing.journey.records import Idea
from routing.outbox import Renderer
from routing.sprints import availability
from routing.sprints import desk as sprint_desk
from routing.sprints import service as sprints
from routing.sprints.desk import SprintDeskError
from routing.sprints.reasons import render_sprint_reason, skill_label
from routing.sprints.replies import SprintBooked, SprintCancelled

STATUS: dict[str, int] = {
    "not_allowed": 403,
    "unknown_idea": 404,
    "unknown_sprint": 404,
    "lost": 409,
    "stale": 409,
    "not_active": 409,
    "too_early": 409,
    "invalid": 422,
    "note_too_long": 422,
    "no_renderer": 503,
}
KIND_REASONS = {"sprint_earliest", "sprint_coverage", "sprint_nearest", "sprint_chosen"}


@dataclass(frozen=True)
class OptionShown:
    index: int
    kind: str
    day1: date
    day2: date
    room_id: int
    room_name: str
    room_address: str | None
    panel: tuple[str, ...]
    facilitator: str | None
    covered: tuple[str, ...]
    missing: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class OptionsShown:
    idea_id: int
    idea_ref: str
    needed: tuple[str, ...]
    unknown_skills: tuple[str, ...]
    options: tuple[OptionShown, ...]
    problems: tuple[tuple[str, str], ...]  # (code, words)
    current: int | None


def shown(offer: availability.SprintOffer, ref: str, tr: Translator) -> OptionsShown:
    """The planner's answer in the staff member's words (the same reasons the resident sees,
    the kind of option as a heading)."""
    plan = offer.plan
    options = []
    for index, o in enumerate(plan.options, 1):
        room = offer.rooms.get(o.room_id)
        options.append(
            OptionShown(
                index=index,
                kind=o.kind,
                day1=o.day1,
                day2=o.day2,
                room_id=o.room_id,
                room_name=room.name if room else str(o.room_id),
                room_address=room.address if room else None,
                panel=tuple(offer.names.get(p, str(p)) for p in o.panel),
                facilitator=offer.names.get(o.facilitator_id),
                covered=tuple(skill_label(s, tr) for s in sorted(o.covered)),
                missing=tuple(skill_label(s, tr) for s in sorted(o.missing)),
                reasons=tuple(
                    render_sprint_reason(r, tr) for r in o.reasons if r.code not in KIND_REASONS
                ),
            )
        )
    return OptionsShown(
        idea_id=offer.idea_id,
        idea_ref=ref,
        needed=tuple(skill_label(s, tr) for s in sorted(plan.needed)),
        unknown_skills=tuple(skill_label(s, tr) for s in sorted(plan.unknown_skills)),
        options=tuple(options),
        problems=tuple((p.code, render_sprint_reason(p, tr)) for p in plan.problems),
        current=offer.current,
    )


async def visible_idea(uow: UnitOfWork, auth: Auth, ref: str) -> Idea:
    idea = await case_desk.idea_by_ref(uow, ref)
    if idea is None or idea.status in ("draft", "discarded"):
        raise SprintDeskError("unknown_idea")
    if not await sprint_desk.idea_visible(uow, idea, auth.staff.id, auth.staff.role):
        raise SprintDeskError("not_allowed")
    return idea


async def visible_sprint(uow: UnitOfWork, auth: Auth, sprint_id: int) -> None:
    if not await sprint_desk.sprint_visible(uow, sprint_id, auth.staff.id, auth.staff.role):
        raise SprintDeskError("not_allowed")


async def options(request: Request, auth: Auth, ref: str, tr: Translator) -> OptionsShown:
    """The planner's options for the idea (an audited view of the idea)."""
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        idea = await visible_idea(uow, auth, ref)
        offer = await availability.sprint_options(
            uow,
            idea.id,
            ctx.now(),
            gazetteer=await sprint_desk.city(uow),
            rules=sprints.rules_of(ctx.settings),
        )
        await AuditTrail(auth.staff.id, ctx.clock).view(
            uow, "idea", idea.id, {"resident": idea.resident_id, "sprint_options": True}
        )
        await uow.commit()
        return shown(offer, idea.ref, tr)


def _renderer(request: Request) -> Renderer[SprintBooked | SprintCancelled]:
    renderer: Renderer[SprintBooked | SprintCancelled] | None = getattr(
        request.app.state, "resident_renderer", None
    )
    if renderer is None:
        raise SprintDeskError("no_renderer")
    return renderer


@dataclass(frozen=True)
class BookDone:
    code: str  # booked | rescheduled
    sprint_id: int
    idea_ref: str
    resident_rows: int
    group_rows: int


NO_CHECK = -1  # the caller did not say which sprint it saw (the JSON API without ``current``)


async def book(
    request: Request, auth: Auth, ref: str, day1: date, room_id: int, current: int | None = NO_CHECK
) -> BookDone:
    """Book for the resident (or move their sprint); ``SprintDeskError('lost')`` when the
    people or the room were taken meanwhile (nothing is committed then). ``current`` is the
    sprint the page showed (None: none): an out-of-date tab gets ``stale``, never a move it
    did not mean."""
    ctx: ConsoleContext = context(request)
    renderer = _renderer(request)
    async with ctx.uow_factory() as uow:
        idea = await visible_idea(uow, auth, ref)
        if current != NO_CHECK:
            active = await availability.active_sprint(uow, idea.id)
            if (active.id if active else None) != current:
                raise SprintDeskError("stale")
        outcome = await sprint_desk.book(
            uow,
            idea.id,
            day1,
            room_id,
            ctx.now(),
            by=actor_of(auth),
            renderer=renderer,
            followups=followups.Planner(followups.policy_of(ctx.settings)),
            rules=sprints.rules_of(ctx.settings),
            group=staff_group_of(ctx.settings),
        )
        if isinstance(outcome, sprints.Lost):
            raise SprintDeskError("lost")  # nothing committed: the unit of work rolls back
        code = "rescheduled" if outcome.booked.rescheduled else "booked"
        await uow.commit()
        return BookDone(
            code, outcome.booked.sprint_id, idea.ref, outcome.told_resident, outcome.posted
        )


async def cancel(request: Request, auth: Auth, sprint_id: int) -> sprint_desk.StaffCancelled:
    ctx = context(request)
    renderer = _renderer(request)
    async with ctx.uow_factory() as uow:
        await visible_sprint(uow, auth, sprint_id)
        done = await sprint_desk.cancel(
            uow,
            sprint_id,
            ctx.now(),
            by=actor_of(auth),
            renderer=renderer,
            followups=followups.Planner(followups.policy_of(ctx.settings)),
            rules=sprints.rules_of(ctx.settings),
            group=staff_group_of(ctx.settings),
        )
        await uow.commit()
        return done


async def mark(request: Request, auth: Auth, sprint_id: int, held: bool, note: str) -> None:
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        await visible_sprint(uow, auth, sprint_id)
        await sprint_desk.mark(
            uow,
            sprint_id,
            held,
            note.strip(),
            ctx.now(),
            by=actor_of(auth),
            rules=sprints.rules_of(ctx.settings),
        )
        await uow.commit()


async def idea_ref_of(request: Request, sprint_id: int) -> str | None:
    async with context(request).uow_factory() as uow:
        view = await sprint_desk.sprint_view(uow, sprint_id)
        return view.idea_ref if view else None
