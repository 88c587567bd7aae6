"""The sprint from the staff side: the console's read models and actions over
``routing.sprints.service``.

Staff book, move and cancel with the very use cases the resident's buttons run
(``sprints.option_at``, ``sprints.confirm``, ``sprints.cancel``), in the caller's unit of work.
The resident is then told exactly as when they choose themselves: the same ``SprintBooked`` /
``SprintCancelled`` reply goes through the transport's renderer (the bot's, injected by the
composition root) into outbox rows with the ``.ics``. The optional Telegram staff group gets a
post with the dates, the room and the panel's names, and the ``.ics`` as a document, never the
resident's name or words (the idea is named by its reference only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from infra.i18n import N_, Translator
from infra.uow import UnitOfWork
from knowledge.city import CityCache, quartier_names
from knowledge.territory import Gazetteer
from routing import cases
from routing.cases import StaffGroup
from routing.journey import Case, Idea, Resident, register_of
from routing.outbox import Attachment, Recipient, RenderContext, Renderer, Text, enqueue
from routing.sprints import availability, planning_terms, working_days
from routing.sprints import notices as sprint_notices
from routing.sprints import service as sprints
from routing.sprints.ics import IcsSprint, sprint_ics
from routing.sprints.records import PanelMember, Sprint, SprintSeat
from routing.sprints.replies import SprintBooked, SprintCancelled
from routing.staff import Actor

NOTE_MAX_CHARS = 500
GROUP_CHANNEL = "telegram"  # the staff group is a Telegram chat
SHOWN = ("confirmed", "held", "not_held", "cancelled")
GROUP_WORDS = {
    "booked": N_("Sprint réservé pour l'idée {ref} : le {day1} et le {day2}, {place}."),
    "rescheduled": N_(
        "Sprint déplacé pour l'idée {ref} : désormais le {day1} et le {day2}, {place}."
    ),
    "cancelled": N_("Sprint annulé pour l'idée {ref} (prévu le {day1} et le {day2})."),
    "panel": N_("Panel : {names}"),
    "quartier": N_("Quartier : {quartier}"),
    "no_place": N_("salle à confirmer"),
    "caption": N_("L'invitation pour vos agendas."),
}


class SprintDeskError(Exception):
    """Why a staff action on a sprint cannot happen: ``code`` is a key of the console's words."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


CITY = CityCache()


async def city(uow: UnitOfWork) -> Gazetteer:
    """The city as the database holds it now (read again after an import)."""
    return await CITY.get(uow)


@dataclass(frozen=True)
class Seat:
    member_id: int
    name: str
    role: str  # facilitator | member
    staff_id: int | None


@dataclass(frozen=True)
class SprintView:
    id: int
    idea_id: int | None
    idea_ref: str | None
    idea_title: str | None
    neighbourhood: str | None
    status: str
    day1: date
    day2: date
    room_name: str | None
    room_address: str | None
    seats: tuple[Seat, ...]
    note: str | None
    sequence: int

    def awaiting_held(self, today: date) -> bool:
        return self.status == "confirmed" and self.day2 < today

    def may_mark(self, today: date) -> bool:
        return self.status in ("confirmed", "held", "not_held") and self.day1 <= today


@dataclass(frozen=True)
class StaffBooked:
    booked: sprint_notices.Booked
    told_resident: int  # outbox rows written for the resident
    posted: int  # outbox rows written for the staff group


@dataclass(frozen=True)
class StaffCancelled:
    cancelled: sprints.Cancelled
    told_resident: int
    posted: int


# ---- reading -----------------------------------------------------------------------------------


async def views(uow: UnitOfWork, rows: Sequence[Sprint]) -> list[SprintView]:
    if not rows:
        return []
    ids = [s.id for s in rows]
    seats: dict[int, list[Seat]] = {}
    found = await uow.session.execute(
        select(SprintSeat.sprint_id, SprintSeat.role, PanelMember)
        .join(PanelMember, PanelMember.id == SprintSeat.member_id)
        .where(SprintSeat.sprint_id.in_(ids))
        .order_by(SprintSeat.role != "facilitator", PanelMember.name)
    )
    for sprint_id, role, member in found.all():
        seats.setdefault(sprint_id, []).append(Seat(member.id, member.name, role, member.staff_id))
    idea_ids = [s.idea_id for s in rows if s.idea_id]
    ideas = (
        {i.id: i for i in (await uow.session.scalars(select(Idea).where(Idea.id.in_(idea_ids))))}
        if idea_ids
        else {}
    )
    out = []
    for sprint in rows:
        room = await sprint_notices.room_info(uow, sprint.room_id)
        idea = ideas.get(sprint.idea_id) if sprint.idea_id else None
        out.append(
            SprintView(
                id=sprint.id,
                idea_id=sprint.idea_id,
                idea_ref=idea.ref if idea else None,
                idea_title=idea.title if idea else None,
                neighbourhood=idea.neighbourhood if idea else None,
                status=sprint.status,
                day1=sprint.day1,
                day2=sprint.day2,
                room_name=room.name if room else None,
                room_address=room.address if room else None,
                seats=tuple(seats.get(sprint.id, ())),
                note=sprint.note,
                sequence=sprint.sequence,
            )
        )
    return out


async def sprints_of_idea(uow: UnitOfWork, idea_id: int) -> list[SprintView]:
    rows = (
        await uow.session.scalars(
            select(Sprint).where(Sprint.idea_id == idea_id).order_by(Sprint.id.desc()).limit(20)
        )
    ).all()
    return await views(uow, rows)


async def sprint_view(uow: UnitOfWork, sprint_id: int) -> SprintView | None:
    sprint = await uow.session.get(Sprint, sprint_id)
    return (await views(uow, [sprint]))[0] if sprint is not None else None


async def board(uow: UnitOfWork, today: date) -> tuple[list[SprintView], list[SprintView]]:
    """(upcoming confirmed sprints, soonest first; past sprints still awaiting "held?")."""
    upcoming = (
        await uow.session.scalars(
            select(Sprint)
            .where(Sprint.status == "confirmed", Sprint.day2 >= today)
            .order_by(Sprint.day1, Sprint.id)
            .limit(200)
        )
    ).all()
    awaiting = (
        await uow.session.scalars(
            select(Sprint)
            .where(Sprint.status == "confirmed", Sprint.day2 < today)
            .order_by(Sprint.day1, Sprint.id)
            .limit(200)
        )
    ).all()
    return await views(uow, upcoming), await views(uow, awaiting)


async def of_staff(uow: UnitOfWork, staff_id: int, today: date) -> list[SprintView]:
    """The sprints a staff member sits on (through a panel entry linked to their account):
    upcoming and those of the last 60 days, cancelled ones included so the news is seen."""
    rows = (
        await uow.session.scalars(
            select(Sprint)
            .join(SprintSeat, SprintSeat.sprint_id == Sprint.id)
            .join(PanelMember, PanelMember.id == SprintSeat.member_id)
            .where(
                PanelMember.staff_id == staff_id,
                Sprint.day2 >= today - timedelta(days=60),
                Sprint.status.in_(SHOWN),
            )
            .order_by(Sprint.day1, Sprint.id)
            .distinct()
        )
    ).all()
    return await views(uow, rows)


async def idea_visible(uow: UnitOfWork, idea: Idea, staff_id: int, role: str) -> bool:
    """Coordinators and admins see every idea; an agent sees one when they may see a case
    opened for it (or for its resident): the sprint page is reached from the case page."""
    if role in cases.SUPERVISORS:
        return True
    query = select(Case.id).where(Case.idea_id == idea.id)
    if idea.resident_id is not None:
        query = select(Case.id).where(
            (Case.idea_id == idea.id) | (Case.resident_id == idea.resident_id)
        )
    for case_id in (await uow.session.scalars(query.order_by(Case.id.desc()).limit(20))).all():
        if await cases.may_view(uow, case_id, staff_id, role):
            return True
    return False


async def sprint_visible(uow: UnitOfWork, sprint_id: int, staff_id: int, role: str) -> bool:
    sprint = await uow.session.get(Sprint, sprint_id)
    if sprint is None:
        raise SprintDeskError("unknown_sprint")
    if role in cases.SUPERVISORS:
        return True
    idea = await uow.session.get(Idea, sprint.idea_id) if sprint.idea_id else None
    if idea is not None and await idea_visible(uow, idea, staff_id, role):
        return True
    seat = await uow.session.scalar(  # panel members see their own sprints
        select(SprintSeat.id)
        .join(PanelMember, PanelMember.id == SprintSeat.member_id)
        .where(SprintSeat.sprint_id == sprint_id, PanelMember.staff_id == staff_id)
        .limit(1)
    )
    return seat is not None


# ---- acting ------------------------------------------------------------------------------------


async def _idea(uow: UnitOfWork, idea_id: int) -> Idea:
    idea = await uow.session.get(Idea, idea_id)
    if idea is None or idea.status in ("draft", "discarded"):
        raise SprintDeskError("unknown_idea")
    return idea


async def book(
    uow: UnitOfWork,
    idea_id: int,
    day1: date,
    room_id: int,
    now: datetime,
    *,
    by: Actor,
    renderer: Renderer[SprintBooked | SprintCancelled],
    followups: sprints.FollowUpPlanner,
    rules: planning_terms.Rules,
    group: StaffGroup | None = None,
) -> StaffBooked | sprints.Lost:
    """Book (or move the idea's confirmed sprint to) the option on ``day1`` in ``room_id``, as
    the resident's own choice would: same checks, same atomic confirm. ``Lost`` carries fresh
    options when the people or the room were taken since the page was shown."""
    idea = await _idea(uow, idea_id)
    geo = await city(uow)
    option = await availability.option_at(
        uow, idea.id, day1, room_id, now, gazetteer=geo, rules=rules
    )
    if option is None:
        offer = await availability.sprint_options(uow, idea.id, now, gazetteer=geo, rules=rules)
        return sprints.Lost(offer)
    outcome = await sprints.confirm(
        uow, idea.id, option, now, followups=followups, gazetteer=geo, rules=rules
    )
    if isinstance(outcome, sprints.Lost):
        return outcome
    reply = outcome.reply(idea)
    what = "rescheduled" if outcome.rescheduled else "booked"
    key = f"sprint:{outcome.sprint_id}:staff:{what}:{outcome.sequence}"
    told = await _tell_resident(uow, idea, reply, renderer, key, now, rules.locale)
    posted = await announce(uow, outcome.sprint_id, group, what, now) if group else 0
    details = {"idea": idea.id, "day1": outcome.day1.isoformat(), "room": room_id, "outbox": told}
    await by.record(uow, f"sprint.{what}", "sprint", outcome.sprint_id, details, now)
    return StaffBooked(outcome, told, posted)


async def cancel(
    uow: UnitOfWork,
    sprint_id: int,
    now: datetime,
    *,
    by: Actor,
    renderer: Renderer[SprintBooked | SprintCancelled],
    followups: sprints.FollowUpPlanner,
    rules: planning_terms.Rules,
    group: StaffGroup | None = None,
) -> StaffCancelled:
    """Cancel a confirmed sprint: its person-days and room-days are released, the resident
    gets the cancellation and the ``METHOD:CANCEL`` file, the panel and the group are told."""
    sprint = await uow.session.get(Sprint, sprint_id)
    if sprint is None:
        raise SprintDeskError("unknown_sprint")
    if sprint.status not in availability.ACTIVE:
        raise SprintDeskError("not_active")
    done = await sprints.cancel(uow, sprint_id, now, followups=followups, rules=rules)
    idea = await uow.session.get(Idea, sprint.idea_id) if sprint.idea_id else None
    told = 0
    if idea is not None:
        reply = SprintCancelled(idea.id, done.day1, done.day2, done.ics)
        key = f"sprint:{sprint_id}:staff:cancelled:{sprint.sequence}"
        told = await _tell_resident(uow, idea, reply, renderer, key, now, rules.locale)
    posted = await announce(uow, sprint_id, group, "cancelled", now) if group else 0
    await by.record(uow, "sprint.cancelled", "sprint", sprint_id, {"outbox": told}, now)
    return StaffCancelled(done, told, posted)


async def mark(
    uow: UnitOfWork,
    sprint_id: int,
    held: bool,
    note: str,
    now: datetime,
    *,
    by: Actor,
    rules: planning_terms.Rules,
) -> Sprint:
    """After the sprint (from its first day on), say whether it took place, with a short note."""
    sprint = await uow.session.get(Sprint, sprint_id)
    if sprint is None:
        raise SprintDeskError("unknown_sprint")
    if sprint.status not in ("confirmed", "held", "not_held"):
        raise SprintDeskError("not_active")
    if sprint.day1 > working_days.today(now, rules):
        raise SprintDeskError("too_early")
    if len(note) > NOTE_MAX_CHARS:
        raise SprintDeskError("note_too_long")
    marked = await sprints.mark_held(uow, sprint_id, held, note, now)
    await by.record(uow, "sprint.held" if held else "sprint.not_held", "sprint", sprint_id, {}, now)
    return marked


async def _tell_resident(
    uow: UnitOfWork,
    idea: Idea,
    reply: SprintBooked | SprintCancelled,
    renderer: Renderer[SprintBooked | SprintCancelled],
    key: str,
    now: datetime,
    town_locale: str,
) -> int:
    """The resident's message and ``.ics``, rendered as in their own conversation (in the
    town's language, DECLIC_LOCALE, if theirs is not known)."""
    resident = await uow.session.get(Resident, idea.resident_id) if idea.resident_id else None
    if resident is None or not resident.chat_id:
        return 0  # erased, or never reachable: the sprint stands, nobody to tell
    register = await register_of(uow.session, resident.id)
    context = RenderContext(resident.locale or idea.locale or town_locale, register=register)
    drafts = renderer([reply], context)
    to = Recipient(resident.channel, resident.chat_id, resident.id)
    return len(await enqueue(uow.session, to, drafts, key, now))


async def announce(
    uow: UnitOfWork, sprint_id: int, group: StaffGroup, what: str, now: datetime
) -> int:
    """Post the sprint to the staff group: dates, room, panel, the idea's reference and
    quartier, and an ``.ics`` titled with the reference. No resident's name or words."""
    sprint = await uow.session.get(Sprint, sprint_id)
    if sprint is None:
        return 0
    idea = await uow.session.get(Idea, sprint.idea_id) if sprint.idea_id else None
    view = (await views(uow, [sprint]))[0]
    t = Translator(group.locale, group.tz)
    place = ", ".join(p for p in (view.room_name, view.room_address) if p) or t.gettext(
        GROUP_WORDS["no_place"]
    )
    ref = idea.ref if idea else f"#{sprint.id}"
    lines = [
        t.gettext(GROUP_WORDS[what]).format(
            ref=ref, day1=t.date(sprint.day1, "full"), day2=t.date(sprint.day2, "full"), place=place
        )
    ]
    if view.neighbourhood:
        quartier = (await quartier_names(uow)).get(view.neighbourhood, view.neighbourhood)
        lines.append(t.gettext(GROUP_WORDS["quartier"]).format(quartier=quartier))
    if view.seats and what != "cancelled":
        lines.append(
            t.gettext(GROUP_WORDS["panel"]).format(names=", ".join(s.name for s in view.seats))
        )
    ics = sprint_ics(
        IcsSprint(
            uid=sprint.ics_uid,
            sequence=sprint.sequence,
            day1=sprint.day1,
            day2=sprint.day2,
            title=ref,
            room_name=view.room_name,
            address=view.room_address,
            panel_size=len(view.seats),
            tz=group.tz,
            cancelled=what == "cancelled",
        ),
        now,
        group.locale,
    )
    key = f"group:sprint:{sprint.id}:{what}:{sprint.sequence}"
    post = (
        Text("\n".join(lines), group.locale),
        Attachment("sprint-declic.ics", ics, t.gettext(GROUP_WORDS["caption"])),
    )
    to = Recipient(GROUP_CHANNEL, str(group.chat_id))  # the group is not a resident
    return len(await enqueue(uow.session, to, post, key, now))
