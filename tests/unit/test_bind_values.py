"""The values a statement is sent with (issue 18, session 11): ``infra.driver``'s arguments in
the SQL's order and SQLite's instants as SQLAlchemy's DATETIME writes them, each by a shorter
way than SQLAlchemy's own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import TypeDecorator, bindparam, literal, select, text
from sqlalchemy.dialects import postgresql, sqlite

from infra import driver
from infra.orm import UtcDateTime, utc_text
from routing.conversation.claim_first import CLAIM_RETURNING_LOAD, LAST_SEEN_STEP
from routing.conversation.turn_rows import SAVE_CONVERSATION
from routing.outbox import Recipient, Text, messages, pending_rows

NOW = datetime(2026, 12, 6, 9, 0, 0, 123456, tzinfo=UTC)
DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.asyncpg.dialect()}


def _outbox() -> tuple[Any, dict[str, Any]]:
    rows = pending_rows(Recipient("telegram", "7", 3), [Text("a"), Text("b", "fr")], "k", NOW)
    statement, names = messages._inserting(2)
    parameters: dict[str, Any] = {}
    for row, row_names in zip(rows, names, strict=True):
        values = (*(row[name] for name in messages.ROW_COLUMNS), False)
        parameters.update(zip(row_names, values, strict=True))
    return statement, parameters


CLAIM = {"update_id": 1, "kind": "text", "received_at": NOW, "of_channel": "telegram",
         "of_external_id": "7", "seen_before": NOW - LAST_SEEN_STEP}  # fmt: skip
SAVE = {"conversation_of": 3, "state": {"step": "idle"}, "version": 2, "updated_at": NOW,
        "idea_id": None}  # fmt: skip
STATEMENTS = {
    "none": lambda: (text("SELECT 1"), {}),
    "one": lambda: (select(bindparam("x", type_=UtcDateTime)), {"x": NOW}),
    "fixed only": lambda: (select(literal("in"), literal(3)), {}),
    "claim (names repeated, fixed values)": lambda: (CLAIM_RETURNING_LOAD, CLAIM),
    "save": lambda: (SAVE_CONVERSATION, SAVE),
    "outbox rows": _outbox,
}


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
@pytest.mark.parametrize("statement", sorted(STATEMENTS))
def test_the_driver_sends_each_parameter_in_the_sqls_order(dialect: str, statement: str) -> None:
    built, parameters = STATEMENTS[statement]()
    compiled = driver._compiled(built, DIALECTS[dialect], tuple(parameters))
    # what the driver sent before session 11: each of the SQL's names looked up in turn
    expected = tuple(
        (process or (lambda value: value))(
            parameters[name] if name in parameters else compiled.fixed[name]
        )
        for name, process in zip(compiled.names, compiled.binds, strict=True)
    )
    assert driver._arguments(compiled, parameters) == expected
    assert len(expected) == len(compiled.names)


INSTANTS = [
    NOW,
    datetime(2026, 12, 6, 9, 0, tzinfo=UTC),
    datetime(2026, 1, 1, tzinfo=timezone.utc),  # noqa: UP017 (the same object as UTC)
    datetime(2026, 12, 6, 11, 30, 0, 5, tzinfo=timezone(timedelta(hours=2, minutes=30))),
    datetime(2026, 7, 1, 12, tzinfo=ZoneInfo("Europe/Paris")),  # summer time
    datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=ZoneInfo("Europe/Paris")),
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(999, 3, 4, 5, 6, 7, 8, tzinfo=UTC),  # a year of three digits, written with four
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    None,
]


@pytest.mark.parametrize("instant", INSTANTS, ids=str)
def test_sqlites_instants_are_written_as_sqlalchemys_datetime_writes_them(
    instant: datetime | None,
) -> None:
    dialect = DIALECTS["sqlite"]
    typed = UtcDateTime()._gen_dialect_impl(dialect)
    assert typed.bind_processor(dialect) is utc_text
    sqlalchemys = TypeDecorator.bind_processor(typed, dialect)  # process_bind_param, then DATETIME
    assert sqlalchemys is not None
    assert utc_text(instant) == sqlalchemys(instant)


def test_a_naive_instant_is_still_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        utc_text(datetime(2026, 12, 6, 9, 0))


def test_postgresql_keeps_sqlalchemys_processors() -> None:
    dialect = DIALECTS["postgresql"]
    processor = UtcDateTime()._gen_dialect_impl(dialect).bind_processor(dialect)
    assert processor is not utc_text
    assert processor is not None and processor(NOW) == NOW


def test_the_instant_converted_last_gives_its_text_again() -> None:
    """``utc_text`` keeps the last instant's text (a turn's ``now`` is most of its instants):
    the very object again gives that text, without converting it; any other its own."""
    dialect = DIALECTS["sqlite"]
    sqlalchemys = TypeDecorator.bind_processor(UtcDateTime()._gen_dialect_impl(dialect), dialect)
    assert sqlalchemys is not None
    paris = NOW.astimezone(ZoneInfo("Europe/Paris"))  # the same instant, another object
    later = NOW + timedelta(microseconds=1)
    first = utc_text(NOW)
    assert utc_text(NOW) is first  # kept, not made again
    for instant in (later, NOW, paris, paris, None, NOW, later, later, *INSTANTS, NOW):
        assert utc_text(instant) == sqlalchemys(instant)
    utc_text(NOW)
    with pytest.raises(ValueError, match="naive"):
        utc_text(NOW.replace(tzinfo=None))
