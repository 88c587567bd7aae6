"""The resident's journey: residents, their conversations and ideas, every message in and out,
and the anonymous milestones (``JourneyEvent``) that statistics count. The rows every other
capability builds on; no use case of its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.journey.events import (
        JOURNEY_EVENT_INSERT,
        journey_columns,
        journey_event,
        journey_event_from,
        record_journey_event,
    )
    from routing.journey.records import (
        BigId,
        Case,
        Conversation,
        Idea,
        InboundUpdate,
        JourneyEvent,
        Message,
        OutgoingMessage,
        RateBucket,
        Resident,
    )
    from routing.journey.voice import register_of

__getattr__, __dir__, __all__ = attach(__name__, __file__)
