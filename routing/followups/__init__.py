"""Follow-ups: the pure policy says when to remind, ask for feedback and check in (working
days, quiet hours, holidays); the use cases keep each idea's rows in step with it, deliver the
due ones to the outbox exactly once, and apply the resident's answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.followups.answers import (
        Answered,
        answer,
        open_followup,
        open_followup_and_sprint_day,
    )
    from routing.followups.delivery import enqueue_all_due, enqueue_due
    from routing.followups.policy import (
        Answer,
        IdeaFacts,
        Kind,
        Policy,
        answer_from_words,
        schedule,
        score_from_words,
    )
    from routing.followups.records import FollowUp
    from routing.followups.service import (
        FollowUpPrompt,
        Planner,
        cancel_for_resident,
        erase_words,
        facts_of,
        plan,
        policy_of,
        replan_resident,
        resident_blocked,
        set_paused,
        untouched,
    )

__getattr__, __dir__, __all__ = attach(__name__, __file__)
