"""The sprint as an iCalendar file (RFC 5545, iTIP METHOD REQUEST or CANCEL), in the town's time.

One event per day, 9:00–17:00 local time (``tz``: the configured DECLIC_TIMEZONE), with its
VTIMEZONE so any calendar shows the right hour on both sides of a daylight-saving change. The
UIDs stay the same for the life of a sprint ("<uid>-1", "<uid>-2") and SEQUENCE grows at every
reschedule or cancellation, so a calendar updates the events it already has instead of adding
new ones.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from infra.i18n import N_, Translator

START, END = time(9, 0), time(17, 0)
PRODID = "-//Déclic//Sprint//FR"
ORGANIZER = "mailto:participation@declic.invalid"

WORDS = {
    "summary": N_("Sprint Déclic, jour {n} : {title}"),
    "description": N_(
        "Deux jours pour faire avancer ton idée avec un panel de {count} personnes. "
        "Apporte ce que tu as déjà : notes, photos, budget, contacts."
    ),
    "untitled": N_("ton idée"),
}


@dataclass(frozen=True)
class IcsSprint:
    uid: str
    sequence: int
    day1: date
    day2: date
    title: str | None
    room_name: str | None
    address: str | None
    panel_size: int
    _: KW_ONLY
    tz: ZoneInfo  # the town's time zone (DECLIC_TIMEZONE): no default, every caller names it
    cancelled: bool = False


def sprint_ics(sprint: IcsSprint, now: datetime, locale: str) -> bytes:
    t = Translator(locale)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if sprint.cancelled else "REQUEST")
    title = sprint.title or t.gettext(WORDS["untitled"])
    location = ", ".join(p for p in (sprint.room_name, sprint.address) if p)
    organizer = vCalAddress(ORGANIZER)
    organizer.params["cn"] = vText("Déclic")
    for n, day in ((1, sprint.day1), (2, sprint.day2)):
        event = Event()
        event.add("uid", f"{sprint.uid}-{n}")
        event.add("sequence", sprint.sequence)
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", datetime.combine(day, START, tzinfo=sprint.tz))
        event.add("dtend", datetime.combine(day, END, tzinfo=sprint.tz))
        event.add("summary", t.gettext(WORDS["summary"]).format(n=n, title=title))
        event.add("description", t.gettext(WORDS["description"]).format(count=sprint.panel_size))
        if location:
            event.add("location", location)
        event.add("organizer", organizer)
        event.add("status", "CANCELLED" if sprint.cancelled else "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    ical: bytes = calendar.to_ical()  # icalendar leaves it unannotated
    return ical
