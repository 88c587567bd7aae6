"""Journey events: anonymous milestones that statistics count (DESIGN §3).

Each carries the idea's non-personal dimensions (quartier, group type, themes, campaign source,
language), never a name or a resident's words, so it survives erasure and stays true.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from routing.journey.records import Idea, JourneyEvent


def journey_event(idea: Idea | None, kind: str, now: datetime, **data: Any) -> JourneyEvent:
    """An anonymous milestone with the idea's non-personal dimensions, for statistics."""
    facts: dict[str, Any] = {k: v for k, v in data.items() if v is not None}
    if idea is not None:
        facts.update(
            neighbourhood=idea.neighbourhood,
            group_type=idea.group_type,
            themes=list(idea.themes or []),
            source=idea.source,
            locale=idea.locale,
        )
    return JourneyEvent(idea_id=idea.id if idea else None, kind=kind, occurred_at=now, data=facts)
