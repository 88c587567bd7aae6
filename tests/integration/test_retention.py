"""Retention, enforced (issue 17), by time travel on SQLite and PostgreSQL.

Two residents submit an idea on the same day, then fall silent. 23 months later each gets one
notice with « Je suis toujours là ». One presses it and is kept; the other stays silent and is
erased at 24 months, exactly as ``/oublier`` does: their words are in no table (nor, on SQLite,
in the database's file, WAL or shared-memory bytes), their open request to a person is closed
with an audit entry, nothing is sent to them afterwards, and the statistics count the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from bot.render import OfficeWords, Renderer
from declic import scheduling
from infra.clock import FrozenClock
from infra.settings import load_settings
from infra.uow import UnitOfWork
from routing.cases.records import CaseEvent
from routing.conversation.service import ConversationService
from routing.followups import service as followups
from routing.followups.records import FollowUp
from routing.journey.records import Case, OutgoingMessage, Resident
from routing.privacy import retention
from routing.stats import cells as stats_cells
from routing.stats import queries as stats
from tests.support.conversation import RULES, conversation_service
from tests.support.residents import ScriptedResident
from tests.support.traces import sqlite_files, traces_in_files, traces_in_rows

SILENT = "grainothèque zéphyrine"  # the words of the resident who stays silent
KEPT = "fanfare hyacinthe"  # the words of the one who presses the button
NEEDLES = (SILENT.encode(), "zéphyrine".encode(), b"phyrine", "grainothèque".encode())


@pytest.fixture
def service(uow_factory, clock: FrozenClock) -> ConversationService:
    return conversation_service(uow_factory, clock, quartier_names=False)


async def _submit(resident: ScriptedResident, words: str) -> None:
    await resident.submits(
        f"On voudrait une {words} aux Tanneurs avec des voisins, il faut un local"
    )


async def _run_job(service: ConversationService, clock: FrozenClock):  # type: ignore[no-untyped-def]
    settings = load_settings(retention_months=24, followup_quiet_days=[])
    policy = followups.policy_of(settings)
    renderer = Renderer(office=OfficeWords.of(settings))
    return await scheduling.retention_once(service.uow_factory, clock, settings, renderer, policy)


async def _counts(uow_factory: Callable[[], UnitOfWork]) -> dict[str, object]:
    options = stats_cells.Options(min_cell=1, tz=RULES.tz, stale_months=12, round_to=1)
    async with uow_factory() as uow:
        report = await stats.report(uow, stats_cells.Filters(), options, datetime.now(UTC))
    return {"funnel": report["funnel"], "cuts": report["cuts"]}


async def _texts_to(service: ConversationService, chat: str, after_id: int = 0) -> list[str]:
    async with service.uow_factory() as uow:
        rows = (
            await uow.session.scalars(
                select(OutgoingMessage).where(
                    OutgoingMessage.chat_id == chat, OutgoingMessage.id > after_id
                )
            )
        ).all()
    return [r.payload.get("text", "") for r in rows]


async def test_notice_at_23_months_the_button_keeps_silence_erases_at_24(
    service: ConversationService, clock: FrozenClock, migrated_url: str
) -> None:
    start = clock.now()
    silent = ScriptedResident(service, user_id="501")
    keeper = ScriptedResident(service, user_id="502")
    await _submit(silent, SILENT)
    await _submit(keeper, KEPT)
    await silent.says("/humain")  # an open request to a person, to be closed cleanly
    counts_before = await _counts(service.uow_factory)

    # -- 22 months: nothing yet ------------------------------------------------------------
    clock.set(start + relativedelta(months=22))
    report = await _run_job(service, clock)
    assert report is not None and report.noticed == () and report.erased == 0

    # -- 23 months: one notice each, with the button; a second run sends nothing more -------
    clock.set(start + relativedelta(months=23) + timedelta(hours=1))
    async with service.uow_factory() as uow:
        last_id = await uow.session.scalar(select(func.max(OutgoingMessage.id))) or 0
    report = await _run_job(service, clock)
    assert report is not None and len(report.noticed) == 2 and report.erased == 0
    again = await _run_job(service, clock)
    assert again is not None and again.noticed == ()
    for chat in ("501", "502"):
        texts = await _texts_to(service, chat, last_id)
        assert len(texts) == 1 and "effacerai" in texts[0], texts
        erase_on = retention.erase_after(start, 24).astimezone(clock.now().tzinfo).date()
        assert str(erase_on.year) in texts[0]
    async with service.uow_factory() as uow:
        notice = (
            await uow.session.scalars(
                select(OutgoingMessage).where(OutgoingMessage.id.in_(report.noticed))
            )
        ).first()
    assert notice is not None
    labels = [b["text"] for row in notice.payload["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["Je suis toujours là"]

    # -- the keeper presses « Je suis toujours là » ---------------------------------------------
    clock.advance(timedelta(days=2))
    pressed = await keeper.presses("k", "yes")
    assert pressed.handled
    assert any("je garde tout" in t for t in await _texts_to(service, "502", last_id))

    # -- 24 months (and a day): the silent one is erased, the keeper is kept ------------------
    clock.set(start + relativedelta(months=24) + timedelta(days=1))
    async with service.uow_factory() as uow:
        last_id = await uow.session.scalar(select(func.max(OutgoingMessage.id))) or 0
    report = await _run_job(service, clock)
    assert report is not None and report.erased == 1 and report.noticed == ()
    async with service.uow_factory() as uow:
        kept = (await uow.session.scalars(select(Resident.external_id))).all()
        cases = (await uow.session.scalars(select(Case))).all()
        audit = (
            await uow.session.scalars(select(CaseEvent).where(CaseEvent.kind == "resolved"))
        ).all()
        pending = (
            await uow.session.scalars(select(FollowUp).where(FollowUp.status == "pending"))
        ).all()
    assert kept == ["502"]
    assert [(c.status, c.outcome, c.resident_id) for c in cases] == [("resolved", "erased", None)]
    assert [(e.case_id, e.data) for e in audit] == [(cases[0].id, {"outcome": "erased"})]
    assert all(f.resident_id is not None for f in pending)  # only the keeper's remain
    assert await _texts_to(service, "501", last_id) == []  # nothing sent afterwards
    assert not await traces_in_rows(migrated_url, NEEDLES)
    assert await traces_in_rows(migrated_url, (KEPT.encode(),))  # the keeper's words stay
    if migrated_url.startswith("sqlite"):
        files = sqlite_files(migrated_url)
        assert not traces_in_files(files, NEEDLES), traces_in_files(files, NEEDLES)
    assert await _counts(service.uow_factory) == counts_before

    # -- the keeper, silent since pressing, is noticed again 23 months after that ----------------
    clock.set(start + relativedelta(months=46) + timedelta(days=3))
    report = await _run_job(service, clock)
    assert report is not None and len(report.noticed) == 1 and report.erased == 0
