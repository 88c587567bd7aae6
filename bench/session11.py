"""``bench.turn_ab``'s session-11 variants (issue 18): the common turn on SQLite. Each switch
puts the tree's way (B, ``on``) or the way before (A, from ``bench.driver_before``) back."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import sqlite

from bench import driver_before
from infra import driver, orm
from infra import logging as logs
from infra.uow import UnitOfWork
from routing import outbox
from routing.conversation import claim_first, service

_write_rows = outbox.write_rows  # the service's


def _outbox(declic: Any, on: bool) -> None:
    """B: a turn's outbox rows written on the driver (``routing.outbox.write_rows``, SQLite's
    way, and PostgreSQL's when no save-and-send statement carries them); A: through the session."""
    setattr(service, "write_rows", _write_rows if on else driver_before.write_rows)  # noqa: B010


_flushes = (UnitOfWork.flush, driver._arguments)


def _flush(declic: Any, on: bool) -> None:
    """B: ``UnitOfWork.flush`` skips a session with nothing pending; A: it always flushed."""
    setattr(UnitOfWork, "flush", _flushes[0] if on else driver_before.flush)  # noqa: B010


def _arguments(declic: Any, on: bool) -> None:
    """B: a driver statement's arguments by ``itemgetter``; A: each name looked up in turn."""
    setattr(driver, "_arguments", _flushes[1] if on else driver_before.arguments)  # noqa: B010


_utc_text = orm.utc_text.__code__


def _datetimes(declic: Any, on: bool) -> None:
    """B: SQLite's instants written by ``infra.orm.utc_text``; A: by SQLAlchemy's processors
    (``bench.driver_before.utc_text``'s code in its place: the caches hold the function)."""
    orm._BEFORE_TEXT = sqlite.DATETIME().bind_processor(sqlite.dialect())  # type: ignore[attr-defined,no-untyped-call]
    orm._BEFORE_BIND = orm.UtcDateTime().process_bind_param  # type: ignore[attr-defined]
    orm.utc_text.__code__ = _utc_text if on else driver_before.utc_text.__code__


_redact = logs.redact
_LOG = open(os.devnull, "w")  # noqa: SIM115 (the bench's log lines, for the process's life)


def _logging(declic: Any, on: bool) -> None:
    """Both: logging as in production (``configure_logging``, INFO: aiogram's line for every
    update, through the redacting filter and the text formatter; here to /dev/null). B: the
    filter's rules searched only in a text that holds what they need; A: each rule searched."""
    if not any(getattr(handler, "declic", False) for handler in logging.getLogger().handlers):
        logs.configure_logging("text", "INFO", secrets=["123456789:AAF-bench-token"], stream=_LOG)
    setattr(logs, "redact", _redact if on else driver_before.redact)  # noqa: B010


_sqlite_turn_row = claim_first.sqlite_turn_row


def _claim_json(declic: Any, on: bool) -> None:
    """B: SQLite's claim reads the turn's row as one JSON array; A: a subquery a column."""
    before = driver_before.sqlite_turn_row
    setattr(claim_first, "sqlite_turn_row", _sqlite_turn_row if on else before)  # noqa: B010


def _together(declic: Any, on: bool) -> None:
    """Session 11's cuts to the common turn together."""
    for switch in (_flush, _arguments, _datetimes):
        switch(declic, on)


def _all(declic: Any, on: bool) -> None:
    """Every session-11 cut a common turn takes, with logging as in production."""
    for switch in (_outbox, _flush, _arguments, _datetimes, _logging, _claim_json):
        switch(declic, on)


VARIANTS: dict[str, Callable[[Any, bool], None]] = {
    "all11": _all,
    "arguments": _arguments,
    "claim_json": _claim_json,
    "datetimes": _datetimes,
    "flush": _flush,
    "logging": _logging,
    "outbox": _outbox,
    "session11": _together,
}
