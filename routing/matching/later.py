"""A submission's match in fewer round trips (PostgreSQL): ids for the new suggestions taken
before their rows are written, and the match's writes deferred to the turn's last statement
(``infra.uow.LaterWrite``, carried as data-modifying CTEs). Part of
``routing.matching.suggestions``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Update,
    bindparam,
    exists,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY

from infra.orm import json_recordset, update_by_parameters
from infra.uow import LaterWrite
from knowledge.records import ResourceRow
from knowledge.store import DIRECTORY_VERSION
from routing.journey import Idea, JourneyEvent
from routing.matching.records import Suggestion as SuggestionRow

_SUGGESTIONS = SuggestionRow.__table__
# Ids for the new suggestions, taken from their sequence (as many as the parameter ``fresh``),
# so that their cards can be rendered before the rows are written, with the turn's last
# statement. An uncorrelated scalar subquery: evaluated once whatever the number of rows of the
# statement that asks it. The ids a match does not use are skipped, as a rolled-back INSERT's.
FRESH_IDS = (
    select(
        func.array_agg(
            func.nextval(
                func.pg_get_serial_sequence(
                    literal(_SUGGESTIONS.name), literal(_SUGGESTIONS.c.id.name)
                )
            ),
            type_=ARRAY(Integer),
        )
    )
    .select_from(func.generate_series(1, bindparam("fresh", type_=Integer)))
    .scalar_subquery()
)


@dataclass(frozen=True)
class FirstMatch:
    """What a statement asked beside its own work (``first_match``) for an idea that has no
    suggestion yet: the directory's version and ids for its suggestions, so that its match
    needs no read of its own."""

    directory: int
    fresh_ids: tuple[int, ...]


def first_match(idea_id: ColumnElement[int], *, ids: bool = True) -> tuple[ColumnElement[Any], ...]:
    """The columns a statement adds for ``FirstMatch``: ``directory``, ``unmatched`` (no
    suggestion yet, any status) and, with ``ids`` (PostgreSQL; the parameter ``fresh`` says how
    many), ``fresh_ids``."""
    unmatched = ~exists().where(_SUGGESTIONS.c.idea_id == idea_id)
    columns = (DIRECTORY_VERSION.label("directory"), unmatched.label("unmatched"))
    return (*columns, FRESH_IDS.label("fresh_ids")) if ids else columns


# The new rows (their ids given) as one JSONB parameter, each one's resource found by its
# external id inside the statement; the idea's match and the "suggested" event with parameters
# of their own (none may name a column another carried write SETs).
_MADE_COLUMNS = ("id", "external_id", "kind", "name", "need", "rank", "score", "reasons")
_MADE = json_recordset(_SUGGESTIONS, "suggestion_rows", _MADE_COLUMNS, "made")
_ADD_FROM_JSON = insert(_SUGGESTIONS).from_select(
    [*_MADE_COLUMNS, "idea_id", "resource_id", "status", "created_at", "responded_at"],
    select(
        *(_MADE.c[name] for name in _MADE_COLUMNS),
        bindparam("suggestion_idea", type_=_SUGGESTIONS.c.idea_id.type),
        select(ResourceRow.id)
        .where(ResourceRow.external_id == _MADE.c.external_id)
        .scalar_subquery(),
        bindparam("suggestion_status", type_=_SUGGESTIONS.c.status.type),
        bindparam("suggestion_at", type_=_SUGGESTIONS.c.created_at.type),
        literal(None, _SUGGESTIONS.c.responded_at.type),
    ),
)
_EVENTS = JourneyEvent.__table__
_SUGGESTED = insert(_EVENTS).values(
    idea_id=bindparam("suggested_idea", type_=_EVENTS.c.idea_id.type),
    kind=literal("suggested", _EVENTS.c.kind.type),
    occurred_at=bindparam("suggested_at", type_=_EVENTS.c.occurred_at.type),
    data=bindparam("suggested_data", type_=_EVENTS.c.data.type),
)


def made_later(
    added: list[dict[str, Any]], ids: dict[str, int], idea_id: int, now: datetime
) -> LaterWrite:
    """The new suggestions' INSERT (``added``: the rows ``suggest_for_idea`` builds, one status
    for all), with the ids taken for them."""
    rows = [
        {"id": ids[row["external_id"]], **{name: row[name] for name in _MADE_COLUMNS[1:]}}
        for row in added
    ]
    parameters = {"suggestion_rows": rows, "suggestion_idea": idea_id, "suggestion_at": now,
                  "suggestion_status": added[0]["status"]}  # fmt: skip
    return LaterWrite("suggestions_added", _ADD_FROM_JSON, parameters)


@cache
def _matched(columns: tuple[str, ...]) -> Update:
    return update_by_parameters(Idea.__table__.c.id, "matched_idea", columns, "matched_")


def matched_later(idea_id: int, matched: dict[str, Any]) -> LaterWrite:
    """The idea's UPDATE of what the match changed (its statement built once per columns)."""
    written = {f"matched_{name}": value for name, value in matched.items()}
    return LaterWrite("matched", _matched(tuple(matched)), {"matched_idea": idea_id, **written})


def suggested_later(idea_id: int, now: datetime, data: dict[str, Any]) -> LaterWrite:
    """The idea's "suggested" journey event."""
    parameters = {"suggested_idea": idea_id, "suggested_at": now, "suggested_data": data}
    return LaterWrite("suggested", _SUGGESTED, parameters)
