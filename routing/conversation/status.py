"""Where the resident stands, as the service tells them: ``/statut`` (their ideas, open
requests, who holds one), who holds their request, and a follow-up's answer acknowledged (only
their own: buttons can be forged)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from infra.uow import UnitOfWork
from routing import cases
from routing.conversation.replies import FollowUpAck, IdeaLine, StatusReport
from routing.followups import FollowUp as FollowUpRow
from routing.intake import FollowUpFeedback
from routing.journey import Case, Idea, Resident


async def case_holder(uow: UnitOfWork, resident: Resident) -> cases.Holder | None:
    held = await cases.held_case(uow, resident.id)
    return await cases.holder_of(uow, held) if held is not None else None


async def status_report(uow: UnitOfWork, resident: Resident) -> StatusReport:
    session = uow.session
    ideas = (
        await session.scalars(
            select(Idea)
            .where(Idea.resident_id == resident.id, Idea.status != "discarded")
            .order_by(Idea.created_at)
        )
    ).all()
    active = (
        await session.scalars(
            select(Case.id).where(Case.resident_id == resident.id, Case.status != "resolved")
        )
    ).all()
    lines = tuple(IdeaLine(i.ref, i.title, i.status, i.created_at, i.submitted_at) for i in ideas)
    return StatusReport(lines, len(active), await case_holder(uow, resident))


async def followup_ack(
    session: AsyncSession, resident: Resident, reply: FollowUpFeedback
) -> FollowUpAck:
    row = await session.get(FollowUpRow, reply.followup_id)
    ok = row is not None and row.resident_id == resident.id and row.status in ("sent", "answered")
    opened = ok and reply.code == "b"
    return FollowUpAck(reply.followup_id, reply.code, ok, case_opened=opened)
