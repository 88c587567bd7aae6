"""The two-day support sprint: panel members and rooms, the pure planner, options, booking
(decided by the database, so nothing is double-booked), moving, cancelling, the ``.ics``, and
the staff's side of it (the console's read models and actions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.sprints.desk import (
        SprintDeskError,
        SprintView,
        StaffBooked,
        StaffCancelled,
        announce,
    )
    from routing.sprints.importer import SprintImportError, apply_sprint_data, read_sprint_file
    from routing.sprints.planner import Rules, today
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
        ACTIVE,
        Booked,
        Cancelled,
        FollowUpPlanner,
        Lost,
        SprintOffer,
        active_sprint,
        cancel,
        cancel_for_erasure,
        confirm,
        mark_held,
        option_at,
        reschedule,
        room_info,
        rules_of,
        sprint_options,
    )

__getattr__, __dir__, __all__ = attach(__name__, __file__)
