"""The two-day support sprint: panel members and rooms, the pure planner, options, booking
(decided by the database, so nothing is double-booked), moving, cancelling, the ``.ics``, and
the staff's side of it (the console's read models and actions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.sprints.availability import (
        ACTIVE,
        ACTIVE_SPRINT_DAY1,
        SprintOffer,
        active_sprint,
        option_at,
        sprint_options,
    )
    from routing.sprints.desk import (
        SprintDeskError,
        SprintView,
        StaffBooked,
        StaffCancelled,
        announce,
    )
    from routing.sprints.importer import SprintImportError, apply_sprint_data, read_sprint_file
    from routing.sprints.notices import Booked, room_info
    from routing.sprints.planning_terms import Rules
    from routing.sprints.reasons import render_sprint_reason, skill_label
    from routing.sprints.records import Sprint
    from routing.sprints.replies import (
        SprintBooked,
        SprintCancelled,
        SprintChoice,
        SprintGone,
        SprintOptionsPage,
        SprintReply,
    )
    from routing.sprints.service import (
        Cancelled,
        FollowUpPlanner,
        Lost,
        cancel,
        cancel_for_erasure,
        confirm,
        mark_held,
        reschedule,
        rules_of,
    )
    from routing.sprints.working_days import today

__getattr__, __dir__, __all__ = attach(__name__, __file__)
