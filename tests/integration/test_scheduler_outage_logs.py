"""What the scheduler's jobs log when a run fails (SQLite and PostgreSQL): a database outage (a
connection cut as a PostgreSQL restart cuts it, a SQLite file out of reach) is expected, one
WARNING line naming the job and the outage without a traceback; any other error is a bug, an
ERROR with its traceback. Either way the run is counted and what it held stays due: a follow-up
due during an outage is sent once the database is back, at the job's next firing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from declic import scheduling
from infra.clock import FrozenClock
from infra.db import make_engine
from infra.metrics import REGISTRY
from infra.settings import Settings
from infra.uow import UnitOfWork, uow_factory_for
from routing.followups import service as followups
from routing.followups.records import FollowUp
from routing.followups.service import Planner
from routing.journey.records import OutgoingMessage
from tests.support.conversation import conversation_service
from tests.support.residents import ScriptedResident

Factory = Callable[[], UnitOfWork]
PARIS = ZoneInfo("Europe/Paris")
SETTINGS = Settings(_env_file=None)
POLICY = followups.policy_of(SETTINGS)
IDEA = "On voudrait une grainothèque zéphyrine aux Tanneurs avec des voisins, il faut un local"
# The driver's error a log line names: a terminated backend (57P01) is asyncpg's
# AdminShutdownError if its notice is read first, else a connection closed under the statement
# (asyncpg's InterfaceError "connection is closed", or ConnectionDoesNotExistError).
CAUSES = {
    "sqlite": {"OperationalError"},
    "postgresql": {"AdminShutdownError", "ConnectionDoesNotExistError", "InterfaceError"},
}


class _Failing:
    """A unit of work that meets ``failure`` once inside it, before the job's first statement."""

    def __init__(self, uow: Any, failure: Callable[[Any], Awaitable[None]]) -> None:
        self._uow, self._failure = uow, failure

    async def __aenter__(self) -> UnitOfWork:
        uow: UnitOfWork = await self._uow.__aenter__()
        try:
            await self._failure(uow)
        except BaseException as exc:  # ``async with`` will not exit what did not enter
            await self._uow.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        return uow

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._uow.__aexit__(kind, exc, tb)


class Database:
    """The jobs' ``uow_factory``: the real one, unless ``down`` (a real outage in every unit of
    work) or ``buggy`` (a real bug: a duplicate primary key, the database there)."""

    def __init__(self, backend: str, uow_factory: Factory, tmp_path: Path) -> None:
        self.backend, self.real, self.tmp_path = backend, uow_factory, tmp_path
        self.down = self.buggy = False
        self.gone: list[AsyncEngine] = []

    def __call__(self) -> UnitOfWork:
        if self.buggy:
            return _Failing(self.real(), _duplicate_key)  # type: ignore[return-value]
        if not self.down:
            return self.real()
        if self.backend == "sqlite":  # the database file out of reach (its disk gone)
            return uow_factory_for(self._gone())()
        return _Failing(self.real(), self._cut)  # type: ignore[return-value]

    def _gone(self) -> AsyncEngine:
        """An engine on a file whose directory is gone (one per unit of work: the jobs' first
        runs start together, and a waiter for a one-connection pool whose connection failed to
        open is woken only by its pool_timeout)."""
        directory = self.tmp_path / f"gone{len(self.gone)}"
        self.gone.append(make_engine(f"sqlite+aiosqlite:///{directory / 'declic.sqlite3'}"))
        directory.rmdir()  # made by make_engine, gone before the first connection
        return self.gone[-1]

    async def _cut(self, uow: UnitOfWork) -> None:
        """PostgreSQL: the unit of work's connection terminated from another one, as a restart
        does (57P01); the job's next statement meets it."""
        pid = await uow.session.scalar(text("SELECT pg_backend_pid()"))
        async with self.real() as admin:
            assert await admin.session.scalar(
                text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}
            )

    async def close(self) -> None:
        for engine in self.gone:
            await engine.dispose()


async def _duplicate_key(uow: UnitOfWork) -> None:
    await uow.session.execute(
        text("INSERT INTO alembic_version SELECT version_num FROM alembic_version")
    )


@pytest.fixture
async def database(backend: str, uow_factory: Factory, tmp_path: Path) -> Any:
    db = Database(backend, uow_factory, tmp_path)
    yield db
    await db.close()


def _runs(job: str, outcome: str) -> float:
    labels = {"job": job, "outcome": outcome}
    return REGISTRY.get_sample_value("declic_scheduler_runs_total", labels) or 0.0


def _once(job: str, database: Database, clock: FrozenClock) -> Awaitable[object | None]:
    """One run of ``job`` as the scheduler runs it."""
    if job == scheduling.SERVICE_LEVELS:
        return scheduling.service_levels_once(database, clock, SETTINGS)
    service = conversation_service(database.real, clock)
    if job == scheduling.FOLLOWUPS:
        return scheduling.followups_once(database, clock, service.renderer, POLICY, "test")
    return scheduling.retention_once(database, clock, SETTINGS, service.renderer, POLICY)


def _records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The warnings and errors of the scheduler and of APScheduler."""
    ours = ("declic", "apscheduler")
    return [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith(ours)]


JOBS = [scheduling.SERVICE_LEVELS, scheduling.FOLLOWUPS, scheduling.RETENTION]


@pytest.mark.parametrize("job", JOBS)
async def test_an_outage_is_one_warning_naming_the_job_and_the_next_run_does_the_work(
    job: str,
    database: Database,
    backend: str,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    unavailable, done = _runs(job, "unavailable"), _runs(job, "done")
    caplog.set_level(logging.WARNING)
    database.down = True
    assert await _once(job, database, clock) is None
    records = _records(caplog)
    assert [(r.name, r.levelname, r.exc_info) for r in records] == [
        ("declic.scheduling", "WARNING", None)
    ]
    message = records[0].getMessage()
    name = scheduling.JOB_NAMES[job]
    assert message.startswith(f"{name} interrupted: the database is unavailable (")
    cause = message.split("(", 1)[1].split(")", 1)[0].split(": ")[-1]
    assert cause in CAUSES[backend], message
    assert "\n" not in message and "SELECT" not in message.upper()
    assert _runs(job, "unavailable") == unavailable + 1

    caplog.clear()
    database.down = False
    assert await _once(job, database, clock) is not None
    assert _records(caplog) == []
    assert _runs(job, "done") == done + 1


@pytest.mark.parametrize("job", JOBS)
async def test_a_bug_is_an_error_with_its_traceback(
    job: str, database: Database, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    failed = _runs(job, "failed")
    caplog.set_level(logging.WARNING)
    database.buggy = True
    assert await _once(job, database, clock) is None
    records = _records(caplog)
    assert [(r.name, r.levelname) for r in records] == [("declic.scheduling", "ERROR")]
    name = scheduling.JOB_NAMES[job]
    assert records[0].getMessage() == f"{name} failed; the next run tries again"
    assert records[0].exc_info is not None
    assert type(records[0].exc_info[1]).__name__ == "IntegrityError"
    assert _runs(job, "failed") == failed + 1


async def test_a_follow_up_due_during_an_outage_is_sent_at_the_next_firing(
    database: Database, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Through APScheduler: the run that meets the outage gives nothing back and raises nothing;
    the job stays scheduled and its next firing, the database back, writes the follow-up."""
    service = conversation_service(database.real, clock, followup_planner=Planner(POLICY))
    clock.set(datetime(2026, 11, 25, 20, 30, tzinfo=PARIS))  # a Wednesday evening
    await ScriptedResident(service).submits(IDEA)  # a nudge planned for 3 December, 9:00
    clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=PARIS))
    settings = SETTINGS.model_copy(
        update={
            "followup_interval_seconds": 0.05,
            "service_level_interval_seconds": 3600.0,
            "retention_interval_seconds": 3600.0,
        }
    )
    runs: list[list[int] | None] = []
    sent = asyncio.Event()

    def after_followups(written: list[int] | None) -> None:
        runs.append(written)
        if written is None:
            database.down = False  # the database is back after the first run met the outage
        elif written:
            sent.set()

    caplog.set_level(logging.WARNING)
    database.down = True
    scheduler = scheduling.make_scheduler(
        database, clock, settings, followup_render=service.renderer, after_followups=after_followups
    )
    scheduler.start()
    try:
        await asyncio.wait_for(sent.wait(), timeout=20)
    finally:
        await scheduling.stop_scheduler(scheduler)
    assert runs[0] is None
    async with database.real() as uow:
        nudge = await uow.session.scalar(select(FollowUp).where(FollowUp.kind == "nudge"))
        assert nudge is not None and nudge.status == "sent"
        row = await uow.session.get(OutgoingMessage, nudge.outbox_id)
        assert row is not None and "m'est restée en tête" in row.payload["text"]
    records = _records(caplog)
    errors = [r for r in records if r.levelno >= logging.ERROR]
    assert errors == []  # neither ours nor APScheduler's "Job ... raised an exception"
    warnings = [r.getMessage() for r in records if r.name == "declic.scheduling"]
    # the three jobs' first runs, at start, met the outage
    assert sorted(w.split(" interrupted: ")[0] for w in warnings) == [
        "follow-ups",
        "retention",
        "service levels",
    ], warnings
