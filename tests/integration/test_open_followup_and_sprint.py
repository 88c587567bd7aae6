"""A typed message after a submission reads the open check-in and the idea's active sprint in one
statement (``followups.open_followup_and_sprint_day``): the same answers as the two reads."""

from __future__ import annotations

from datetime import date, timedelta

from infra.clock import FrozenClock
from routing.followups import FollowUp, open_followup, open_followup_and_sprint_day
from routing.sprints import Sprint, active_sprint
from tests.support.rows import resident_and_idea


async def _both(uow_factory, resident_id: int, idea_id: int, clock: FrozenClock):  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        merged = await open_followup_and_sprint_day(uow.session, resident_id, idea_id, clock.now())
        asked = await open_followup(uow.session, resident_id, clock.now())
        sprint = await active_sprint(uow, idea_id)
    return merged, (asked, sprint.day1 if sprint is not None else None)


async def test_the_one_read_answers_as_the_two(uow_factory, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    now = clock.now()
    resident_id, idea_id = await resident_and_idea(
        uow_factory, now, ref="D-TEST01", status="submitted", submitted_at=now
    )

    merged, separate = await _both(uow_factory, resident_id, idea_id, clock)
    assert merged == separate == (None, None)  # neither

    async with uow_factory() as uow:
        sent = FollowUp(idea_id=idea_id, resident_id=resident_id, kind="checkin_30",
                        due_at=now - timedelta(days=2), status="sent",
                        claimed_at=now - timedelta(days=2),
                        created_at=now - timedelta(days=30), updated_at=now)  # fmt: skip
        older = FollowUp(idea_id=idea_id, resident_id=resident_id, kind="nudge",
                         due_at=now - timedelta(days=40), status="sent",
                         claimed_at=now - timedelta(days=40),
                         created_at=now - timedelta(days=60), updated_at=now)  # fmt: skip
        day = date(2026, 12, 19)
        uow.session.add_all([sent, older])
        for status, first, uid in (("confirmed", day, "a"), ("cancelled", day + timedelta(7), "b")):
            uow.session.add(Sprint(idea_id=idea_id, status=status, day1=first,
                                   day2=first + timedelta(1), ics_uid=f"test-{uid}",
                                   created_at=now, updated_at=now))  # fmt: skip
        await uow.session.flush()
        sent_id = sent.id
        await uow.commit()

    merged, separate = await _both(uow_factory, resident_id, idea_id, clock)
    assert merged == separate == ((sent_id, "checkin_30"), day)
