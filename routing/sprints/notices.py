"""What a booking produces for people: the room's details, the panel's names, the ``.ics`` file
(``sprint_file`` for the console), and the message each panel member gets in their own Telegram
chat, with the file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from infra.i18n import N_, Translator
from infra.uow import UnitOfWork
from knowledge.records import ResourceRow
from knowledge.store import resource_of
from routing.journey import Idea
from routing.outbox import Attachment, Recipient, Text, enqueue
from routing.sprints.availability import RoomInfo
from routing.sprints.ics import IcsSprint, sprint_ics
from routing.sprints.planning_terms import Rules
from routing.sprints.records import PanelMember, Sprint, SprintRoom, SprintSeat
from routing.sprints.replies import SprintBooked
from routing.staff import StaffMember

PANEL_CHANNEL = "telegram"  # panel members are told in their own Telegram chat
STAFF_WORDS = {
    "booked": N_(
        "Sprint réservé : {title}, le {day1} et le {day2}, {place}. "
        "Vous êtes dans le panel ({role}). L'invitation est jointe."
    ),
    "rescheduled": N_(
        "Sprint déplacé : {title}, désormais le {day1} et le {day2}, {place}. "
        "L'invitation mise à jour est jointe."
    ),
    "cancelled": N_("Sprint annulé : {title}, prévu le {day1} et le {day2}."),
    "facilitator": N_("animation"),
    "member": N_("membre"),
    "no_place": N_("salle à confirmer"),
    "untitled": N_("une idée d'habitant"),
}


@dataclass(frozen=True)
class Booked:
    sprint_id: int
    idea_id: int | None
    day1: date
    day2: date
    room: RoomInfo | None
    panel: tuple[str, ...]
    ics: bytes
    sequence: int
    rescheduled: bool = False

    def reply(self, idea: Idea) -> SprintBooked:
        """The booking as the resident is told of it (in their conversation or by staff)."""
        return SprintBooked(
            idea_id=idea.id,
            sprint_id=self.sprint_id,
            day1=self.day1,
            day2=self.day2,
            room_name=self.room.name if self.room else None,
            address=self.room.address if self.room else None,
            panel_size=len(self.panel),
            needs=tuple(idea.needs or ()),
            ics=self.ics,
            rescheduled=self.rescheduled,
        )


async def room_info(uow: UnitOfWork, room_id: int | None) -> RoomInfo | None:
    if room_id is None:
        return None
    row = await uow.session.execute(
        select(SprintRoom, ResourceRow)
        .join(ResourceRow, ResourceRow.id == SprintRoom.resource_id)
        .where(SprintRoom.id == room_id)
    )
    found = row.first()
    if found is None:
        return None
    resource = resource_of(found[1])
    return RoomInfo(
        room_id,
        resource.name,
        resource.address,
        resource.territories[0] if resource.territories else None,
        resource.capacity,
        resource.wheelchair_accessible,
    )


async def _panel_names(uow: UnitOfWork, sprint_id: int) -> list[str]:
    rows = await uow.session.execute(
        select(PanelMember.name, SprintSeat.role)
        .join(SprintSeat, SprintSeat.member_id == PanelMember.id)
        .where(SprintSeat.sprint_id == sprint_id)
        .order_by(SprintSeat.role != "facilitator", PanelMember.name)
    )
    return [name for name, _ in rows.all()]


async def ics_of(
    uow: UnitOfWork,
    sprint: Sprint,
    idea: Idea | None,
    now: datetime,
    rules: Rules,
    *,
    cancelled: bool = False,
) -> bytes:
    """The sprint's .ics in the town's time zone, in the idea's language (the town's without
    an idea)."""
    room = await room_info(uow, sprint.room_id)
    size = await uow.session.scalar(
        select(func.count()).select_from(SprintSeat).where(SprintSeat.sprint_id == sprint.id)
    )
    return sprint_ics(
        IcsSprint(
            uid=sprint.ics_uid,
            sequence=sprint.sequence,
            day1=sprint.day1,
            day2=sprint.day2,
            title=idea.title if idea else None,
            room_name=room.name if room else None,
            address=room.address if room else None,
            panel_size=int(size or 0),
            cancelled=cancelled,
            tz=rules.tz,
        ),
        now,
        idea.locale if idea else rules.locale,
    )


async def booked_of(
    uow: UnitOfWork,
    sprint: Sprint,
    idea: Idea | None,
    now: datetime,
    rules: Rules,
    *,
    rescheduled: bool = False,
) -> Booked:
    return Booked(
        sprint_id=sprint.id,
        idea_id=sprint.idea_id,
        day1=sprint.day1,
        day2=sprint.day2,
        room=await room_info(uow, sprint.room_id),
        panel=tuple(await _panel_names(uow, sprint.id)),
        ics=await ics_of(uow, sprint, idea, now, rules),
        sequence=sprint.sequence,
        rescheduled=rescheduled,
    )


async def sprint_file(uow: UnitOfWork, sprint_id: int, now: datetime, rules: Rules) -> bytes:
    sprint = await uow.session.get(Sprint, sprint_id)
    if sprint is None:
        raise LookupError(f"no sprint {sprint_id}")
    idea = await uow.session.get(Idea, sprint.idea_id) if sprint.idea_id else None
    cancelled = sprint.status == "cancelled"
    return await ics_of(uow, sprint, idea, now, rules, cancelled=cancelled)


async def tell_panel(
    uow: UnitOfWork,
    sprint: Sprint,
    idea: Idea | None,
    what: str,
    ics: bytes,
    now: datetime,
    rules: Rules,
) -> int:
    """An outbox message, with the .ics, to each panel member linked to a staff account with a
    Telegram account. Panel members without one are told in the console (the sprint page)."""
    rows = await uow.session.execute(
        select(SprintSeat.role, StaffMember)
        .join(PanelMember, PanelMember.id == SprintSeat.member_id)
        .join(StaffMember, StaffMember.id == PanelMember.staff_id)
        .where(
            SprintSeat.sprint_id == sprint.id,
            StaffMember.active.is_(True),
            StaffMember.telegram_user_id.is_not(None),
        )
    )
    room = await room_info(uow, sprint.room_id)
    told = 0
    seen: set[int] = set()
    for role, staff in rows.all():
        if staff.id in seen:  # one person behind two panel entries is told once
            continue
        seen.add(staff.id)
        t = Translator(staff.locale or rules.locale)  # DECLIC_LOCALE for whoever chose none
        place = (
            ", ".join(p for p in (room.name, room.address) if p)
            if room
            else t.gettext(STAFF_WORDS["no_place"])
        )
        text = t.gettext(STAFF_WORDS[what]).format(
            title=(idea.title if idea and idea.title else t.gettext(STAFF_WORDS["untitled"])),
            day1=t.date(sprint.day1, "full"),
            day2=t.date(sprint.day2, "full"),
            place=place,
            role=t.gettext(STAFF_WORDS[role]),
        )
        key = f"sprint:{sprint.id}:{what}:{sprint.sequence}:{staff.id}"
        to = Recipient(PANEL_CHANNEL, str(staff.telegram_user_id))  # a staff member's own chat
        await enqueue(uow.session, to, (Text(text), Attachment("sprint.ics", ics)), key, now)
        told += 1
    return told
