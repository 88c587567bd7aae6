"""What the conversation service answers with: the dialogue's replies, and its requests filled
in with data (ideas, suggestions, who holds a request, the export), which the transport's
renderer turns into messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from routing import followups, privacy
from routing.cases import Holder
from routing.conversation import answers
from routing.conversation import sprints as sprint_conversation
from routing.intake import Added, Ask, Menu, Say, Summary, Understood, Verdict
from routing.outbox import Renderer as OutboxRenderer
from routing.reasons import Reason


@dataclass(frozen=True)
class IdeaLine:
    ref: str
    title: str | None
    status: str
    created_at: datetime
    submitted_at: datetime | None


@dataclass(frozen=True)
class StatusReport:
    ideas: tuple[IdeaLine, ...]
    open_requests: int
    holder: Holder | None = None


@dataclass(frozen=True)
class HeldBy:
    """Instead of "your request is noted": a person already holds it, and here is who."""

    holder: Holder


@dataclass(frozen=True)
class ExportDocument:
    """``/mesdonnees``: the words first (``summary``), then the file (keys in the README)."""

    filename: str
    content: bytes
    summary: privacy.DataSummary | None = None


@dataclass(frozen=True)
class SuggestionCard:
    """One suggestion as the resident sees it; ``heading`` opens a new need group."""

    id: int
    name: str
    kind: str | None
    need: str | None
    reasons: tuple[Reason, ...]
    heading: bool = False


@dataclass(frozen=True)
class SuggestionsPage:
    cards: tuple[SuggestionCard, ...]
    first: bool  # the first page, right after submitting
    remaining: int  # not shown yet, after this page
    unmet_needs: tuple[str, ...]  # needs nothing in the directory meets (first page only)
    version: int


@dataclass(frozen=True)
class SuggestionDetails:
    card: SuggestionCard
    organization: str | None
    description: str
    address: str | None
    opening_hours: str | None
    phone: str | None
    email: str | None
    url: str | None


@dataclass(frozen=True)
class SuggestionAnswered:
    """Thanks for a yes or a no; ``name`` None when the suggestion is not (or no longer) theirs."""

    verdict: Verdict
    name: str | None


@dataclass(frozen=True)
class FollowUpAck:
    """The answer to a follow-up, acknowledged; ``ok`` False: not theirs (a forged button)."""

    followup_id: int
    code: str
    ok: bool
    case_opened: bool = False


# What a transport renders: the dialogue's words, and its requests filled in with data
# (``_resolve``). Renderers match on it exhaustively: a new kind of reply must be rendered.
ServiceReply = (
    Say
    | Understood
    | Ask
    | Summary
    | Menu
    | StatusReport
    | ExportDocument
    | SuggestionsPage
    | SuggestionDetails
    | SuggestionAnswered
    | HeldBy
    | sprint_conversation.SprintReply
    | FollowUpAck
    | followups.FollowUpPrompt
    | privacy.RetentionNotice
    | answers.WaitingNotice
    | answers.QuestionAnswer
    | answers.Examples
    | answers.Pointers
    | Added
)


Renderer = OutboxRenderer[ServiceReply]  # the transport's renderer, injected
