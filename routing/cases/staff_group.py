"""Use case: a colleague presses « Je prends » under a case posted to the Telegram staff group.

Their Telegram account must be linked to a staff account (``declic staff telegram``); then it
is exactly the console's claim (``cases.claim``): one winner, the resident told who holds their
request, the group's posts edited to say who took it. Pressing again, or Telegram delivering
the same press twice, claims nothing more and posts nothing: a claim is idempotent, so group
updates need no ``inbound_updates`` row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from infra.clock import Clock
from infra.uow import UnitOfWork
from routing.cases import service as cases
from routing.cases import states as case_states
from routing.cases.group_posts import StaffGroup
from routing.journey import Case
from routing.staff import Actor, StaffMember, staff_by_telegram

log = logging.getLogger(__name__)

CLAIMED, YOURS, TAKEN, CLOSED = "claimed", "yours", "taken", "closed"
NOT_LINKED, NOT_ALLOWED, UNKNOWN_CASE = "not_linked", "not_allowed", "unknown_case"


@dataclass(frozen=True)
class GroupClaim:
    """What happened, for the toast under the button; ``holder`` is who holds the case."""

    outcome: str
    case_id: int
    holder: str | None = None


class StaffGroupService:
    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], clock: Clock, group: StaffGroup
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.group = group

    async def claim(self, case_id: int, telegram_user_id: int) -> GroupClaim:
        async with self.uow_factory() as uow:
            staff = await staff_by_telegram(uow, telegram_user_id)
            if staff is None:
                return GroupClaim(NOT_LINKED, case_id)
            try:
                by = Actor(staff.id, "telegram")
                won = await cases.claim(uow, case_id, by, self.clock.now())
            except case_states.UnknownCase:
                return GroupClaim(UNKNOWN_CASE, case_id)
            except case_states.UnknownStaff:
                return GroupClaim(NOT_LINKED, case_id)
            except case_states.NotAllowed:
                return GroupClaim(NOT_ALLOWED, case_id)
            if won:
                await uow.commit()
                log.info("case %s claimed from the staff group by staff %s", case_id, staff.id)
                return GroupClaim(CLAIMED, case_id, _first_name(staff))
        async with self.uow_factory() as uow:  # lost: say who has it, from a fresh read
            case = await uow.session.get(Case, case_id)
            if case is None:
                return GroupClaim(UNKNOWN_CASE, case_id)
            if case.status not in case_states.HELD or case.holder_id is None:
                return GroupClaim(CLOSED if case.status == case_states.RESOLVED else TAKEN, case_id)
            holder = await uow.session.get(StaffMember, case.holder_id)
            if holder is not None and holder.telegram_user_id == telegram_user_id:
                return GroupClaim(YOURS, case_id, _first_name(holder))
            return GroupClaim(TAKEN, case_id, _first_name(holder) if holder else None)


def _first_name(staff: StaffMember) -> str:
    words = (staff.display_name or "").split()
    return words[0] if words else staff.email.split("@", 1)[0]
