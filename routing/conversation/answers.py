"""What the listening dialogue asks the service to fill in with data (issue 14).

A question after the idea is sent gets an answer from the process, the idea's own suggestions
or the directory; failing those it goes to the team as a question, and the resident is told so.
A resident with no idea yet sees what neighbours have started (directory initiatives). Refusing
consent still gives general pointers, matched in memory and never stored. A request for a
person says when the office answers, from its working hours and public holidays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from infra.uow import UnitOfWork
from infra.views import view_of
from knowledge.catalogue import Catalogue
from knowledge.resources import Resource
from knowledge.store import CatalogueCache
from knowledge.text import tokens
from routing.cases import WorkingHours
from routing.intake import Draft
from routing.matching import IdeaQuery, match
from routing.matching import Suggestion as SuggestionRow

HINTS = 3  # a few leads, not a catalogue
INITIATIVE = "initiative"
SPRINT_WORDS = frozenset({"sprint", "sprints"})
CALL_WORDS = frozenset(
    {"appel", "appelle", "appeler", "apele", "apeler", "apelle", "appele", "call", "phone",
     "contacter", "contact", "telephoner", "joindre", "rappeler", "rappelle"}
)  # fmt: skip
NEXT_WORDS = frozenset({"ensuite", "apres", "suite", "next", "maintenant", "quand"})
WEEK_AHEAD = 6  # further than this, the day is named by its date


@dataclass(frozen=True)
class DirectoryHint:
    """One directory entry offered as an answer, with the ways to reach it."""

    name: str
    kind: str | None
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class QuestionAnswer:
    """``topic``: a process explanation (sprint, who_calls, next); ``hints``: directory
    entries; ``routed``: nothing fitted, so the question went to the team."""

    topic: str | None = None
    hints: tuple[DirectoryHint, ...] = ()
    routed: bool = False


@dataclass(frozen=True)
class Examples:
    """What neighbours have started, for a resident without an idea yet."""

    hints: tuple[DirectoryHint, ...]


@dataclass(frozen=True)
class Pointers:
    """General pointers for an idea whose words were not kept."""

    hints: tuple[DirectoryHint, ...]


@dataclass(frozen=True)
class WaitingNotice:
    """When the team answers a request for a person.

    ``delay_minutes``: the usual delay in working minutes, None when the office's hours are not
    known (then no time is promised); ``next_open``: None while the office is open, else when it
    opens next; ``waited``: how long the request has waited (asked again).
    """

    now: datetime
    delay_minutes: int | None
    next_open: datetime | None
    day_off: bool
    waited: timedelta | None = None


def hint(resource: Resource) -> DirectoryHint:
    return view_of(DirectoryHint, resource)


def question_topic(text: str) -> str | None:
    """The part of the process a question is about, if it is about the process."""
    words = set(tokens(text))
    if words & SPRINT_WORDS:
        return "sprint"
    if words & CALL_WORDS:
        return "who_calls"
    if words & NEXT_WORDS:
        return "next"
    return None


def _resources(catalogue: Catalogue) -> dict[str, Resource]:
    return {entry.resource.external_id: entry.resource for entry in catalogue.entries}


async def answer_question(
    uow: UnitOfWork,
    catalogues: CatalogueCache | None,
    idea_id: int | None,
    needs: frozenset[str],
    text: str,
    neighbourhood: str | None,
    today: date,
) -> QuestionAnswer:
    """The idea's own suggestions for the need the question names, else the directory, else
    the process. ``routed`` is left to the caller, who opens the case."""
    if catalogues is not None:
        catalogue = await catalogues.get(uow)
        resources = _resources(catalogue)
        if idea_id is not None and needs:
            rows = (
                await uow.session.scalars(
                    select(SuggestionRow.external_id)
                    .where(SuggestionRow.idea_id == idea_id, SuggestionRow.need.in_(needs))
                    .order_by(SuggestionRow.rank)
                    .limit(HINTS)
                )
            ).all()
            own = [resources[r] for r in rows if r in resources]
            if own:
                return QuestionAnswer(hints=tuple(hint(r) for r in own))
        if needs:
            found = match(
                catalogue,
                IdeaQuery(text, quartier=_quartier(neighbourhood), needs=needs, top=HINTS),
                today,
            )
            picked = [resources.get(s.external_id) for s in found.suggestions[:HINTS]]
            if any(picked):
                return QuestionAnswer(hints=tuple(hint(r) for r in picked if r))
    topic = question_topic(text)
    if topic is not None:
        return QuestionAnswer(topic=topic)
    return QuestionAnswer(routed=True)


def _quartier(value: str | None) -> str | None:
    return value if value and value != "elsewhere" else None


async def examples(
    uow: UnitOfWork, catalogues: CatalogueCache | None, neighbourhood: str | None
) -> Examples:
    """Initiatives of the resident's quartier first, then of the whole town."""
    if catalogues is None:
        return Examples(())
    catalogue = await catalogues.get(uow)
    initiatives = [e for e in catalogue.entries if e.kind == INITIATIVE]
    near = [e for e in initiatives if neighbourhood and neighbourhood in e.quartiers]
    rest = [e for e in initiatives if e not in near]
    chosen = (near + rest)[:HINTS]
    return Examples(tuple(hint(e.resource) for e in chosen))


async def pointers(
    uow: UnitOfWork, catalogues: CatalogueCache | None, draft: Draft, today: date
) -> Pointers:
    """Matched in memory from the words just refused; nothing is written."""
    if catalogues is None or not draft.text:
        return Pointers(())
    catalogue = await catalogues.get(uow)
    query = IdeaQuery(
        draft.text,
        quartier=_quartier(draft.neighbourhood),
        group=draft.group.value if draft.group else None,
        needs=frozenset(n.value for n in draft.needs) if draft.needs else None,
        top=HINTS,
    )
    resources = _resources(catalogue)
    found = [resources.get(s.external_id) for s in match(catalogue, query, today).suggestions]
    return Pointers(tuple(hint(r) for r in found[:HINTS] if r))


def waiting_notice(
    hours: WorkingHours | None,
    delay_minutes: int,
    now: datetime,
    since: datetime | None,
    *,
    again: bool,
) -> WaitingNotice:
    waited = now - since if again and since is not None else None
    if hours is None:  # no office hours in the settings: say so, promise nothing
        return WaitingNotice(now, None, None, False, waited)
    if hours.is_open(now):
        return WaitingNotice(now, delay_minutes, None, False, waited)
    local = now.astimezone(hours.tz)
    day_off = not hours.is_working_day(local.date())
    opens = next(
        window[0]
        for offset in range(3660)
        if (window := hours.window(local.date() + timedelta(days=offset))) is not None
        and window[0] > now
    )
    return WaitingNotice(now, delay_minutes, opens, day_off, waited)
