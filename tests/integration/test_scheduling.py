"""The scheduler's service-level job (SQLite and PostgreSQL): one run is one committed
transaction; a failing run is logged and the next one carries on; the scheduler fires it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from declic import scheduling
from infra.clock import FrozenClock
from infra.settings import Settings
from infra.uow import UnitOfWork
from routing.cases import service as cases
from routing.cases import service_levels
from routing.journey.records import Case, Resident

Factory = Callable[[], UnitOfWork]
PARIS = ZoneInfo("Europe/Paris")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)
SETTINGS = Settings(_env_file=None, case_escalate_after_working_minutes=120)  # type: ignore[call-arg]


async def _open_case(uow_factory: Factory) -> int:
    async with uow_factory() as uow:
        resident = Resident(
            channel="telegram",
            external_id="61",
            chat_id="61",
            locale="fr",
            reachable=True,
            followups_paused=False,
            created_at=MONDAY_10,
            last_seen_at=MONDAY_10,
        )
        uow.session.add(resident)
        await uow.session.flush()
        case = await cases.open_case(uow, resident.id, None, "asked", MONDAY_10, "resident")
        await uow.commit()
        return case.id


async def _escalated_at(uow_factory: Factory, case_id: int) -> datetime | None:
    async with uow_factory() as uow:
        return await uow.session.scalar(select(Case.escalated_at).where(Case.id == case_id))


async def test_one_run_is_one_committed_transaction(uow_factory: Factory) -> None:
    case_id = await _open_case(uow_factory)
    clock = FrozenClock(MONDAY_10.replace(hour=11))
    report = await scheduling.service_levels_once(uow_factory, clock, SETTINGS)
    assert report == service_levels.ServiceLevelReport((), ())
    assert await _escalated_at(uow_factory, case_id) is None

    clock.set(MONDAY_10.replace(hour=12, minute=30))
    report = await scheduling.service_levels_once(uow_factory, clock, SETTINGS)
    assert report is not None and report.escalated == (case_id,)
    assert await _escalated_at(uow_factory, case_id) == clock.now()  # committed, seen afresh
    again = await scheduling.service_levels_once(uow_factory, clock, SETTINGS)
    assert again == service_levels.ServiceLevelReport((), ())


async def test_a_failing_run_is_logged_rolled_back_and_the_next_one_carries_on(
    uow_factory: Factory, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    case_id = await _open_case(uow_factory)
    clock = FrozenClock(MONDAY_10.replace(hour=12, minute=30))
    real = service_levels.enforce_service_levels
    calls = 0

    async def broken_once(uow: UnitOfWork, now: datetime, settings: Settings):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        report = await real(uow, now, settings)  # the changes are made, then it breaks
        if calls == 1:
            raise RuntimeError("database went away")
        return report

    monkeypatch.setattr(service_levels, "enforce_service_levels", broken_once)
    with caplog.at_level(logging.ERROR, logger="declic.scheduling"):
        assert await scheduling.service_levels_once(uow_factory, clock, SETTINGS) is None
    assert "service levels failed" in caplog.text
    assert await _escalated_at(uow_factory, case_id) is None, "nothing half-done is kept"

    report = await scheduling.service_levels_once(uow_factory, clock, SETTINGS)
    assert report is not None and report.escalated == (case_id,)
    assert await _escalated_at(uow_factory, case_id) == clock.now()


async def test_the_scheduler_fires_the_job_repeatedly_and_stops(uow_factory: Factory) -> None:
    case_id = await _open_case(uow_factory)
    clock = FrozenClock(MONDAY_10.replace(hour=12, minute=30))
    settings = SETTINGS.model_copy(update={"service_level_interval_seconds": 0.05})
    reports: list[service_levels.ServiceLevelReport | None] = []
    ran = asyncio.Event()

    def after_run(report: service_levels.ServiceLevelReport | None) -> None:
        reports.append(report)
        if len(reports) >= 3:
            ran.set()

    scheduler = scheduling.make_scheduler(uow_factory, clock, settings, after_run=after_run)
    job = scheduler.get_job(scheduling.SERVICE_LEVELS)
    assert job is not None and job.max_instances == 1 and job.coalesce
    scheduler.start()
    try:
        await asyncio.wait_for(ran.wait(), timeout=10)
    finally:
        await scheduling.stop_scheduler(scheduler)
    assert not scheduler.running
    assert reports[0] is not None and reports[0].escalated == (case_id,)  # the first run: at once
    assert all(r == service_levels.ServiceLevelReport((), ()) for r in reports[1:3])
