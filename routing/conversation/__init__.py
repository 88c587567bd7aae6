"""One resident event, handled in one transaction: the dialogue's step, its effects on ideas,
cases, suggestions, sprints and follow-ups, and its replies rendered by the transport into the
outbox. What a transport calls for each update (``ConversationService.handle``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.conversation.inbound import Inbound
    from routing.conversation.replies import (
        ExportDocument,
        FollowUpAck,
        HeldBy,
        Renderer,
        ServiceReply,
        StatusReport,
        SuggestionAnswered,
        SuggestionCard,
        SuggestionDetails,
        SuggestionsPage,
    )
    from routing.conversation.service import ConversationService, Outcome

__getattr__, __dir__, __all__ = attach(__name__, __file__)
