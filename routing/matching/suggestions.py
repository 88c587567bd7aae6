"""Use cases around suggestions: match an idea and record the result, record the answers.

Every function takes an *entered* unit of work and leaves the commit to the caller, so the
dialogue can record suggestions in the same transaction as the message that triggered them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Insert,
    Row,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from infra.driver import rows as driver_rows
from infra.orm import (
    ONE_ROW,
    flush_pending,
    loaded_or_get,
    many_rows,
    numbered,
    update_by_parameters,
)
from infra.uow import UnitOfWork
from infra.views import view_of
from knowledge.catalogue import Catalogue
from knowledge.records import ResourceRow
from knowledge.resources import Resource
from knowledge.store import DIRECTORY_VERSION, CatalogueCache
from knowledge.text import normalise
from routing.journey import JOURNEY_EVENT_INSERT, Idea, JourneyEvent
from routing.matching.idea_reading import IdeaQuery
from routing.matching.later import (
    FRESH_IDS,
    FirstMatch,
    made_later,
    matched_later,
    suggested_later,
)
from routing.matching.matcher import MatchResult, match
from routing.matching.records import Suggestion as SuggestionRow
from routing.reasons import Reason

PROPOSED = "proposed"
ACCEPTED = "accepted"
DECLINED = "declined"


class UnknownIdea(LookupError):
    pass


class UnknownSuggestion(LookupError):
    pass


@dataclass(frozen=True)
class SuggestionView:
    id: int
    external_id: str
    kind: str | None
    name: str
    need: str | None
    rank: int
    score: float
    reasons: tuple[Reason, ...]
    status: str


# A submission's statements, built once (building a select() costs more CPU than running it
# from the compiled cache); its writes as Core statements, since nothing reads them back as
# objects in the turn (the ORM's flush of a row costs several times the statement).
# The idea's earlier suggestions and the directory's version (is the cached catalogue current?)
# in one read: from a one-row source, so the version comes back when there are none.
_EARLIER = (
    select(
        DIRECTORY_VERSION.label("directory"),
        SuggestionRow.id,
        SuggestionRow.external_id,
        SuggestionRow.kind,
        SuggestionRow.name,
        SuggestionRow.need,
        SuggestionRow.rank,
        SuggestionRow.score,
        SuggestionRow.reasons,
        SuggestionRow.status,
    )
    .select_from(ONE_ROW)
    .outerjoin(SuggestionRow, SuggestionRow.idea_id == bindparam("idea_id"))
)
_EARLIER_AND_IDS = _EARLIER.add_columns(FRESH_IDS.label("fresh_ids"))
_DROP_PROPOSED = delete(SuggestionRow).where(
    SuggestionRow.idea_id == bindparam("idea_id"), SuggestionRow.status == literal(PROPOSED)
)
# The new suggestions in one statement, each row's resource found by its external id (unique)
# inside the INSERT, not by a read of its own; their ids back with their external ids (unique
# per idea), so no order is asked of RETURNING (SQLite would then insert row by row). The
# subquery's parameter has a name of its own: a name used twice breaks PostgreSQL's
# many-rows INSERT (SQLAlchemy's insertmanyvalues numbers its parameters once per row).
_RESOURCE_OF = (
    select(ResourceRow.id)
    .where(ResourceRow.external_id == bindparam("resource_external_id"))
    .scalar_subquery()
)
_ADDED_COLUMNS = ("idea_id", "external_id", "kind", "name", "need", "rank", "score", "reasons",
                  "status", "created_at", "responded_at")  # fmt: skip
_ADD = (
    insert(SuggestionRow.__table__)
    .values({**{name: bindparam(name) for name in _ADDED_COLUMNS}, "resource_id": _RESOURCE_OF})
    .returning(SuggestionRow.id, SuggestionRow.external_id)
)
_NUMBERED = (*_ADDED_COLUMNS, "resource_external_id")  # ``many_rows``' parameters, row by row


def _resource_of(row: int) -> dict[str, Any]:
    """Row ``row``'s resource, found by its own parameter (``_RESOURCE_OF`` for a VALUES list)."""
    external_id = bindparam(f"resource_external_id_{row}", type_=ResourceRow.external_id.type)
    return {"resource_id": select(ResourceRow.id).where(ResourceRow.external_id == external_id)
            .scalar_subquery()}  # fmt: skip


@cache
def _added(count: int) -> Insert:
    """``_ADD`` for ``count`` rows as one statement with one set of parameters (a VALUES list,
    ``infra.orm.many_rows``), for the driver."""
    table = SuggestionRow.__table__
    added = many_rows(table, _ADDED_COLUMNS, count, _resource_of)
    return added.returning(table.c.id, table.c.external_id)


async def inserted(session: AsyncSession, added: list[dict[str, Any]]) -> dict[str, int]:
    """The new suggestions' rows written (one INSERT on the driver: through the session,
    SQLAlchemy's insertmanyvalues of them cost about as much CPU again, issue 18); their ids
    by their external ids."""
    returned = await driver_rows(session, _added(len(added)), numbered(added, _NUMBERED))
    return {external_id: id_ for id_, external_id in returned}


_EVENT_COLUMNS = ("idea_id", "kind", "occurred_at", "data")


async def recorded(session: AsyncSession, events: list[dict[str, Any]]) -> None:
    """Journey events' rows (``journey_columns``' columns), in their order, by one INSERT on
    the driver."""
    statement = many_rows(JourneyEvent.__table__, _EVENT_COLUMNS, len(events))
    await driver_rows(session, statement, numbered(events, _EVENT_COLUMNS))


# The turn's session remembers, per idea, its suggestions as the match left them (read and
# written by ``suggest_for_idea``): the page shown right after needs no read of its own.
_KNOWN = "declic_suggestions_known"
_MATCHED = update(Idea.__table__).where(Idea.__table__.c.id == bindparam("idea_of"))
_SUGGESTED = JOURNEY_EVENT_INSERT  # with the events the turn held (SQLite: the submission's)


@cache
def _matched_and_suggested(columns: tuple[str, ...]) -> Insert:
    """PostgreSQL: the "suggested" event's INSERT with the idea's UPDATE of these columns as a
    data-modifying CTE (explicit parameter names), one round trip for two; built once per set
    of columns changed (the unmet needs, the time, the themes when the idea had none)."""
    ideas = Idea.__table__
    matched = update_by_parameters(ideas.c.id, "idea_of", columns, "matched_").cte("matched")
    return (
        insert(JourneyEvent.__table__)
        .values({name: bindparam(name) for name in ("idea_id", "kind", "occurred_at", "data")})
        .add_cte(matched)
    )


_PLAIN = frozenset({str, int, float, bool, type(None)})  # JSON gives them back as they are


def as_stored(value: Any) -> Any:
    """``value`` as JSON stores it and reads it back, ``json.loads(json.dumps(value))``: a tuple
    becomes a list. Lists, tuples, dictionaries with text keys and plain values are copied
    without the encoding (about 18 µs a suggestion's reasons, six a match); anything else
    goes through JSON."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    # a plain item is kept where it is, not copied by a call of its own (issue 18, session 14)
    if kind is list or kind is tuple:
        return [item if type(item) in _PLAIN else as_stored(item) for item in value]
    if kind is dict and all(type(key) is str for key in value):
        return {
            key: item if type(item) in _PLAIN else as_stored(item) for key, item in value.items()
        }
    return json.loads(json.dumps(value))


def stored_reasons(reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
    """The reasons as a view read back from the row would give them, ``Reason(r["code"],
    r["params"])`` of ``as_stored([r.as_dict() for r in reasons])`` (JSON turns a tuple in the
    params into a list), each made from its reason, not from the dictionary of it."""
    return tuple(Reason(as_stored(r.code), as_stored(dict(r.params))) for r in reasons)


def suggestion_view(row: SuggestionRow | Row[Any]) -> SuggestionView:
    """A suggestion's row (the ORM's, or a statement's with the same column names) as a view."""
    reasons = tuple(Reason(r["code"], r.get("params", {})) for r in row.reasons)
    return view_of(SuggestionView, row, reasons=reasons)


async def suggest_for_idea(
    uow: UnitOfWork,
    idea_id: int,
    catalogues: CatalogueCache,
    now: datetime,
    *,
    top: int = 5,
    first: FirstMatch | None = None,
) -> MatchResult:
    """Match the idea, replace its pending suggestions, record its unmet needs and a
    ``matched`` journey event. Answers already given (accepted/declined) are kept. ``first``:
    the idea has none yet, and the version and ids are known (no read)."""
    session = uow.session
    idea = await loaded_or_get(session, Idea, idea_id)
    if idea is None:
        raise UnknownIdea(idea_id)
    # One read of the idea's earlier suggestions (with the directory's version); the pending
    # ones are replaced (a DELETE only when there are some: a first submission has none).
    later = uow.deferring  # the writes go with the turn's last statement
    read: list[Row[Any]] = []
    fresh: list[int] = []
    if first is not None:
        directory, fresh = first.directory, list(first.fresh_ids)
    elif later:
        read = list(await session.execute(_EARLIER_AND_IDS, {"idea_id": idea_id, "fresh": top}))
        directory, fresh = read[0].directory, read[0].fresh_ids or []
    else:
        read = list(await session.execute(_EARLIER, {"idea_id": idea_id}))
        directory = read[0].directory
    earlier = [(row.external_id, row.status) for row in read if row.id is not None]
    catalogue = await catalogues.get(uow, directory=int(directory or 0))
    query = IdeaQuery(
        idea.text or idea.title or "",
        quartier=idea.neighbourhood if idea.neighbourhood != "elsewhere" else None,
        group=idea.group_type,
        needs=frozenset(idea.needs) if idea.needs else None,
        top=top,
    )
    result = match(catalogue, query, now.date())
    if any(status == PROPOSED for _, status in earlier):
        await session.execute(_DROP_PROPOSED, {"idea_id": idea_id})
    answered = {external_id for external_id, status in earlier if status != PROPOSED}
    chosen = [
        (rank, suggestion)
        for rank, suggestion in enumerate(result.suggestions, start=1)
        if suggestion.external_id not in answered
    ]
    added = [
        {
            "idea_id": idea_id,
            "external_id": suggestion.external_id,
            "resource_external_id": suggestion.external_id,
            "kind": suggestion.kind,
            "name": suggestion.name[:300],
            "need": suggestion.need,
            "rank": rank,
            "score": suggestion.score,
            "reasons": [r.as_dict() for r in suggestion.reasons],
            "status": PROPOSED,
            "created_at": now,
            "responded_at": None,
        }
        for rank, suggestion in chosen
    ]
    added_ids: dict[str, int] = {}
    if added and later and len(added) <= len(fresh):
        added_ids = {s.external_id: id_ for (_, s), id_ in zip(chosen, fresh, strict=False)}
        await uow.write_later(made_later(added, added_ids, idea_id, now))
    elif added:
        added_ids = await inserted(session, added)
    kept = [suggestion_view(row) for row in read if row.id is not None and row.status != PROPOSED]
    new = [
        SuggestionView(
            id=added_ids[suggestion.external_id],
            external_id=suggestion.external_id,
            kind=suggestion.kind,
            name=suggestion.name[:300],
            need=suggestion.need,
            rank=rank,
            score=suggestion.score,
            reasons=stored_reasons(suggestion.reasons),  # as stored and read back
            status=PROPOSED,
        )
        for rank, suggestion in chosen
    ]
    session.info.setdefault(_KNOWN, {})[idea_id] = sorted(kept + new, key=lambda v: (v.rank, v.id))
    wanted: dict[str, object] = {"unmet_needs": list(result.unmet_needs), "updated_at": now}
    if not idea.themes and result.understood.themes:
        wanted["themes"] = sorted(result.understood.themes)
    # What changed only (as the flush did): a submission usually wrote updated_at already.
    matched = {name: value for name, value in wanted.items() if getattr(idea, name) != value}
    data = {"suggestions": len(result.suggestions), "unmet_needs": list(result.unmet_needs)}
    suggested = {
        "idea_id": idea_id,
        "kind": "suggested",  # "matched" is a stage: a suggestion accepted (issue 7)
        "occurred_at": now,
        "data": data,
    }
    if later:  # (nothing found: the case's opening read carries them, before its events)
        if matched:
            await uow.write_later(matched_later(idea_id, matched))
        await uow.write_later(suggested_later(idea_id, now, data))
    elif matched and uow.dialect == "postgresql":  # the idea's UPDATE and the event together
        written = {f"matched_{name}": value for name, value in matched.items()}
        await session.execute(_matched_and_suggested(tuple(matched)), {
            "idea_of": idea_id, **written, **suggested,
        })  # fmt: skip
    else:
        if matched:
            await driver_rows(session, _MATCHED, {"idea_of": idea_id, **matched})
        events = uow.with_held(_SUGGESTED, suggested)  # with the events the turn held
        await recorded(session, events if isinstance(events, list) else [events])
    for name, value in matched.items():  # the turn's object says what is stored
        set_committed_value(idea, name, value)
    await flush_pending(session)  # anything else of the idea's still pending, as before
    return result


def suggestions_known(session: AsyncSession, idea_id: int) -> list[SuggestionView] | None:
    """The idea's suggestions (every status, by rank) as this turn's match left them, or None
    when no match ran in this session for it (then read them)."""
    known: dict[int, list[SuggestionView]] = session.info.get(_KNOWN, {})
    return known.get(idea_id)


def _forget(session: AsyncSession, idea_id: int) -> None:
    """The idea's suggestions changed after its match: the next page reads them."""
    session.info.get(_KNOWN, {}).pop(idea_id, None)


async def suggestions_for_idea(uow: UnitOfWork, idea_id: int) -> list[SuggestionView]:
    rows = await uow.session.scalars(
        select(SuggestionRow)
        .where(SuggestionRow.idea_id == idea_id)
        .order_by(SuggestionRow.rank, SuggestionRow.id)
    )
    return [suggestion_view(row) for row in rows.all()]


async def suggestions_by_need(
    uow: UnitOfWork, idea_id: int
) -> dict[str | None, list[SuggestionView]]:
    """The idea's suggestions grouped by the need each one answers (None: general interest),
    needs in the idea's own order, best first inside each group."""
    idea = await uow.session.get(Idea, idea_id)
    if idea is None:
        raise UnknownIdea(idea_id)
    grouped: dict[str | None, list[SuggestionView]] = defaultdict(list)
    for view in await suggestions_for_idea(uow, idea_id):
        grouped[view.need].append(view)
    order = [*(idea.needs or []), None]
    return {
        need: grouped[need]
        for need in sorted(grouped, key=lambda n: order.index(n) if n in order else len(order))
    }


async def record_response(
    uow: UnitOfWork, suggestion_id: int, accepted: bool, now: datetime
) -> SuggestionView:
    """The resident said yes or no to one suggestion; a yes is a ``suggestion_accepted``
    journey event (a no is ``suggestion_declined``)."""
    row = await uow.session.get(SuggestionRow, suggestion_id)
    if row is None:
        raise UnknownSuggestion(suggestion_id)
    new_status = ACCEPTED if accepted else DECLINED
    _forget(uow.session, row.idea_id)
    if row.status != new_status:
        row.status = new_status
        row.responded_at = now
        uow.session.add(
            JourneyEvent(
                idea_id=row.idea_id,
                kind="suggestion_accepted" if accepted else "suggestion_declined",
                occurred_at=now,
                data={"resource": row.external_id, "kind": row.kind, "need": row.need},
            )
        )
        await uow.session.flush()
    return suggestion_view(row)


# ---- edited by staff (the console's case page) -------------------------------------------------

ADDED_BY_STAFF = "staff_added"  # the reason code of a suggestion an agent added by hand


class SuggestionNotRemovable(ValueError):
    """Only a suggestion still waiting for the resident's answer can be taken back."""


def search_catalogue(catalogue: Catalogue, text: str, *, limit: int = 10) -> list[Resource]:
    """Active directory entries whose name (or organisation) contains every word typed,
    accents and case ignored; names starting with the words first."""
    words = normalise(text).split()
    if not words:
        return []
    found: list[tuple[int, str, Resource]] = []
    for entry in catalogue.entries:
        resource = entry.resource
        if resource.status != "active":
            continue
        name = normalise(resource.name)
        haystack = f"{name} {normalise(resource.organization or '')}"
        if all(word in haystack for word in words):
            found.append((0 if name.startswith(words[0]) else 1, name, resource))
    found.sort(key=lambda item: (item[0], item[1]))
    return [resource for _, _, resource in found[:limit]]


async def add_by_staff(
    uow: UnitOfWork, idea_id: int, external_id: str, now: datetime
) -> tuple[SuggestionView, bool]:
    """Add a directory entry to the idea's suggestions (proposed, last in rank); returns the
    suggestion and whether it is new (an entry already suggested is left as it is)."""
    session = uow.session
    if await session.get(Idea, idea_id) is None:
        raise UnknownIdea(idea_id)
    existing = await session.scalar(
        select(SuggestionRow).where(
            SuggestionRow.idea_id == idea_id, SuggestionRow.external_id == external_id
        )
    )
    if existing is not None:
        return suggestion_view(existing), False
    resource = await session.scalar(
        select(ResourceRow).where(ResourceRow.external_id == external_id, ResourceRow.active)
    )
    if resource is None:
        raise UnknownSuggestion(external_id)
    last = await session.scalar(
        select(func.max(SuggestionRow.rank)).where(SuggestionRow.idea_id == idea_id)
    )
    row = SuggestionRow(
        idea_id=idea_id,
        resource_id=resource.id,
        external_id=resource.external_id,
        kind=resource.kind,
        name=resource.name[:300],
        need=None,
        rank=int(last or 0) + 1,
        score=0.0,
        reasons=[Reason(ADDED_BY_STAFF).as_dict()],
        status=PROPOSED,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    _forget(session, idea_id)
    return suggestion_view(row), True


async def remove_proposed(uow: UnitOfWork, idea_id: int, suggestion_id: int) -> SuggestionView:
    """Take back a suggestion the resident has not answered yet."""
    row = await uow.session.get(SuggestionRow, suggestion_id)
    if row is None or row.idea_id != idea_id:
        raise UnknownSuggestion(suggestion_id)
    if row.status != PROPOSED:
        raise SuggestionNotRemovable(suggestion_id)
    view = suggestion_view(row)
    await uow.session.delete(row)
    await uow.session.flush()
    _forget(uow.session, idea_id)
    return view
