"""What the service must do in the same transaction as the dialogue's turn: submit, erase,
open a case, record an answer…"""

from __future__ import annotations

from dataclasses import dataclass

from routing.intake.codes import Verdict
from routing.intake.draft import Draft

# ---- effects -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitIdea:
    pass


@dataclass(frozen=True)
class StartDraft:
    pass


@dataclass(frozen=True)
class CancelDraft:
    pass


@dataclass(frozen=True)
class DiscardDraft:
    """Consent refused: the draft's words are erased, not kept."""


@dataclass(frozen=True)
class RequestHuman:
    reason: str


@dataclass(frozen=True)
class EraseResident:
    pass


@dataclass(frozen=True)
class SetLocale:
    locale: str


@dataclass(frozen=True)
class AppendNote:
    text: str


@dataclass(frozen=True)
class AnswerSuggestion:
    """Record the resident's interest (or not) in one suggestion, as a journey event."""

    suggestion_id: int
    verdict: Verdict


@dataclass(frozen=True)
class AnswerFollowUp:
    """Record the answer to a follow-up: the idea's stage, journey events, maybe a case."""

    followup_id: int
    code: str
    text: str | None = None


@dataclass(frozen=True)
class PauseFollowUps:
    paused: bool


@dataclass(frozen=True)
class UpdateIdea:
    """A correction typed after submission: the submitted idea's row takes the new draft."""

    draft: Draft


Effect = (
    SubmitIdea
    | StartDraft
    | CancelDraft
    | DiscardDraft
    | RequestHuman
    | EraseResident
    | SetLocale
    | AppendNote
    | AnswerSuggestion
    | AnswerFollowUp
    | PauseFollowUps
    | UpdateIdea
)
