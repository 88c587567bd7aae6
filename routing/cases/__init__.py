"""Requests routed to people: a case is opened for a team by the routing rules, claimed (once,
atomically), answered, transferred, handed back or resolved, within service levels counted in
working hours; the optional Telegram staff group hears of new cases and may claim them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.cases.desk import may_view
    from routing.cases.group_posts import StaffGroup, staff_group_of
    from routing.cases.notes import add_note
    from routing.cases.opening import active_case, open_case
    from routing.cases.policy import WorkingHours
    from routing.cases.records import CaseEvent, RoutingRule, Team, TeamMember
    from routing.cases.service import (
        Holder,
        assign,
        claim,
        close_for_erasure,
        hand_back,
        held_case,
        holder_of,
        record_resident_message,
        reply,
        resolve,
        transfer,
    )
    from routing.cases.service_levels import ServiceLevelReport, enforce_service_levels
    from routing.cases.staff_group import GroupClaim, StaffGroupService
    from routing.cases.states import (
        ACTIVE,
        HELD,
        NOTE_MAX_CHARS,
        OPEN,
        OUTCOMES,
        REPLY_MAX_CHARS,
        RESOLVED,
        SUPERVISORS,
        CaseClosed,
        CaseError,
        InvalidRequest,
        NotAllowed,
        UnknownCase,
        UnknownStaff,
    )
    from routing.cases.views import CaseView, MessageView, case_view, queue

__getattr__, __dir__, __all__ = attach(__name__, __file__)
