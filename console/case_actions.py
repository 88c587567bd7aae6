"""What staff do to a case, shared by the pages and the JSON API: each action runs the
``routing.cases.service`` service and its audit entry in one unit of work, so both commit or
neither.

Errors stay the service's (``CaseError`` and kin); two more are added here: ``LostClaim`` (a
colleague claimed first) and ``Hidden`` (this person may not see the case at all). Pages turn
them into kind flash messages, the API into status codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.security import AuditTrail, Auth, ConsoleContext, actor_of
from infra.uow import UnitOfWork
from routing.cases import desk as case_desk
from routing.cases import service as case_service
from routing.cases import states as case_states
from routing.cases.states import CaseClosed, CaseError, InvalidRequest, NotAllowed, UnknownCase


class LostClaim(CaseError):
    """Someone else took the case between the page load and the click."""


class Hidden(CaseError, PermissionError):
    """The case belongs to a team this person is not in."""


class Stale(CaseError):
    """The form was rendered from a version of the case that has changed since."""


class BlankReply(CaseError, ValueError):
    """A reply with no words."""


ERROR_CODES: tuple[tuple[type[CaseError], str, int], ...] = (
    (Stale, "stale", 409),
    (BlankReply, "blank_reply", 422),
    (LostClaim, "lost_claim", 409),
    (Hidden, "not_allowed", 403),
    (UnknownCase, "unknown_case", 404),
    (case_states.UnknownStaff, "unknown_staff", 422),
    (NotAllowed, "not_allowed", 403),
    (CaseClosed, "closed", 409),
    (InvalidRequest, "invalid", 422),
)


def error_code(exc: CaseError) -> tuple[str, int]:
    """The flash/API code and HTTP status of a case error."""
    for kind, code, status in ERROR_CODES:
        if isinstance(exc, kind):
            return code, status
    return "invalid", 422


@dataclass(frozen=True)
class Done:
    code: str  # the notice to show: a key of ``words.CASE_NOTICES``
    case_id: int
    outbox_id: int | None = None
    visible: bool = True  # may this person still open the case page?


QUEUE_PAGE = 25  # cases a page of the queue lists, on the pages and in the API


async def queue_page(
    uow: UnitOfWork,
    auth: Auth,
    now: datetime,
    *,
    statuses: tuple[str, ...],
    team_id: int | None,
    text: str,
    page: int,
) -> case_desk.BoardPage:
    """One page of the queue's board (its search), as this person may see it."""
    return await case_desk.search_board(
        uow,
        auth.staff.id,
        auth.staff.role,
        now,
        statuses=statuses,
        team_id=team_id,
        text=text,
        offset=(page - 1) * QUEUE_PAGE,
        limit=QUEUE_PAGE,
    )


async def audit_queue_view(
    ctx: ConsoleContext,
    uow: UnitOfWork,
    auth: Auth,
    cases: list[int],
    *,
    statuses: tuple[str, ...],
    team_id: int | None,
    text: str,
    **more: object,
) -> None:
    """The queue was shown with these cases: audited (the filters, never the words searched)."""
    details = {
        "cases": cases,
        "statuses": ",".join(statuses),
        "team": team_id,
        **more,
        "search": True if text.strip() else None,
    }
    await AuditTrail(auth.staff.id, ctx.clock).view(uow, "queue", auth.staff.id, details)


async def check_visible(uow: UnitOfWork, auth: Auth, case_id: int) -> None:
    if not await case_desk.may_view(uow, case_id, auth.staff.id, auth.staff.role):
        raise Hidden(case_id)


async def perform(
    ctx: ConsoleContext, auth: Auth, case_id: int, action: str, **params: Any
) -> Done:
    """Run one action (claim, assign, transfer, hand_back, resolve, reply), which writes its own
    audit entry, and commit; raises a ``CaseError`` (nothing committed) when it cannot happen."""
    now = ctx.now()
    me = auth.staff.id
    by = actor_of(auth)
    outbox_id: int | None = None
    version = params.get("version")
    async with ctx.uow_factory() as uow:
        await check_visible(uow, auth, case_id)
        if await case_desk.status_of(uow, case_id) == case_states.RESOLVED:
            raise CaseClosed(case_id)  # say so, rather than "a colleague was faster"
        if version is not None and version != await case_desk.version(uow, case_id):
            raise Stale(case_id)
        if action == "claim":
            if not await case_service.claim(uow, case_id, by, now):
                raise LostClaim(case_id)
            code = "claimed"
        elif action == "assign":
            target = int(params["staff_id"])
            if not await case_service.assign(uow, case_id, by, target, now):
                raise LostClaim(case_id)
            code = "claimed" if target == me else "assigned"
        elif action == "transfer":
            team_id, staff_id = params.get("team_id"), params.get("staff_id")
            await case_service.transfer(
                uow,
                case_id,
                by,
                now,
                to_team_id=team_id,
                to_staff_id=staff_id,
                note=params.get("note") or "",
            )
            code = "transferred"
        elif action == "hand_back":
            await case_service.hand_back(uow, case_id, by, now, params.get("message"))
            code = "handed_back"
        elif action == "resolve":
            outcome = str(params.get("outcome") or "")
            await case_service.resolve(
                uow, case_id, by, outcome, params.get("note") or "", now, params.get("message")
            )
            code = "resolved"
        elif action == "reply":
            if not str(params.get("text") or "").strip():
                raise BlankReply(case_id)
            outbox_id = await case_service.reply(uow, case_id, by, str(params["text"]), now)
            code = "replied"
        else:
            raise InvalidRequest(f"unknown action {action!r}")
        visible = await case_desk.may_view(uow, case_id, me, auth.staff.role)
        await uow.commit()
    return Done(code, case_id, outbox_id, visible)


async def open_case(ctx: ConsoleContext, auth: Auth, ref: str) -> Done:
    """An agent opens a case for the resident behind an idea reference (``D-…``)."""
    now = ctx.now()
    async with ctx.uow_factory() as uow:
        case, new = await case_desk.open_for_idea(uow, ref, auth.staff.id, now)
        await AuditTrail(auth.staff.id, ctx.clock).change(
            uow, "case.opened" if new else "case.found", "case", case.id, {"idea": case.idea_id}
        )
        visible = await case_desk.may_view(uow, case.id, auth.staff.id, auth.staff.role)
        await uow.commit()
        return Done("opened" if new else "already_open", case.id, visible=visible)
