"""The dialogue's replies: decisions (« ask the quartier », « show suggestions »), turned into
words only by a transport; some are filled in by the service with data first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from routing.intake.codes import (
    Action,
    Verdict,
)
from routing.intake.draft import (
    Draft,
    Slot,
)

# ---- replies (decisions) -------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str | None = None  # a proper name (quartier); otherwise the transport words it
    selected: bool = False


@dataclass(frozen=True)
class Say:
    key: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Understood:
    draft: Draft


@dataclass(frozen=True)
class Ask:
    slot: Slot
    options: tuple[Option, ...]
    version: int
    multi: bool = False
    refresh: bool = False
    # The quartier question: "places" when a street or a shared location can answer it
    # (the transport offers Telegram's location button), "free" when no city is configured.
    mode: str = ""
    share: bool = False  # send Telegram's location button with it (not on screen yet)


@dataclass(frozen=True)
class Summary:
    draft: Draft
    neighbourhood_name: str | None
    version: int


@dataclass(frozen=True)
class Menu:
    key: str
    action: Action
    options: tuple[Option, ...]
    version: int


@dataclass(frozen=True)
class ShowSuggestions:
    """Filled in by the service: the current idea's suggestions ``offset``… (a few at a time),
    grouped by need; ``version`` is the one the "more" button must carry."""

    offset: int
    limit: int
    version: int


@dataclass(frozen=True)
class SuggestionFeedback:
    """Filled in by the service: the answer to a suggestion button (thanks, or the details)."""

    suggestion_id: int
    verdict: Verdict


@dataclass(frozen=True)
class ShowSprintOptions:
    """Filled in by the service: the planner's options for a two-day sprint, as buttons.
    ``idea_id`` None: the conversation's current idea."""

    idea_id: int | None = None


@dataclass(frozen=True)
class BookSprint:
    """Filled in by the service: confirm an option, chosen by its button (day and room) or by
    its place in the list just shown (``index``, 1-based, re-planned)."""

    idea_id: int | None = None
    day1: date | None = None
    room_id: int | None = None
    index: int | None = None


@dataclass(frozen=True)
class CancelSprint:
    """Filled in by the service: cancel the idea's confirmed sprint (None: the current idea's)."""

    idea_id: int | None


@dataclass(frozen=True)
class FollowUpFeedback:
    """Filled in by the service: the answer to a follow-up, acknowledged (or refused when the
    follow-up is not the resident's). ``code``: a FOLLOWUP_CODES value, or "story"/"comment"
    for the line typed after « C'est réalisé ! » or after the score."""

    followup_id: int
    code: str


@dataclass(frozen=True)
class Waiting:
    """Filled in by the service: when the office will answer the request for a person
    (office hours and holidays), and, ``again``, how long it has waited so far."""

    again: bool = False


@dataclass(frozen=True)
class AnswerQuestion:
    """Filled in by the service: an answer from the process, the idea's suggestions or the
    directory; failing those, the question goes to the team as a question, and the bot says so.
    ``needs``: the needs the understanding layer read in the question (« la sale » → place)."""

    text: str
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class IdeaExamples:
    """Filled in by the service: a few things neighbours have started (directory initiatives),
    for a resident who has no idea yet."""


@dataclass(frozen=True)
class GeneralPointers:
    """Filled in by the service: suggestions computed for ``draft`` and never stored (consent
    was refused)."""

    draft: Draft


@dataclass(frozen=True)
class Added:
    """What was added to the idea, quoted back so the resident knows."""

    words: str


@dataclass(frozen=True)
class ShowStatus:
    """Filled in by the service with the resident's ideas."""


@dataclass(frozen=True)
class SendExport:
    """Filled in by the service with a JSON document of everything kept."""


Reply = (
    Say
    | Understood
    | Ask
    | Summary
    | Menu
    | ShowStatus
    | SendExport
    | ShowSuggestions
    | SuggestionFeedback
    | ShowSprintOptions
    | BookSprint
    | CancelSprint
    | FollowUpFeedback
    | Waiting
    | AnswerQuestion
    | IdeaExamples
    | GeneralPointers
    | Added
)
