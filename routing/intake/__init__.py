"""The intake: the pure dialogue (state + event → new state, replies and effects) that listens
to a resident's idea, asks only what is missing and reads what free text tells; no I/O, the
same for Telegram, the terminal and the tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.intake.dialogue import (
        SUGGESTIONS_PER_PAGE,
        Action,
        Added,
        AnswerFollowUp,
        AnswerQuestion,
        AnswerSuggestion,
        AppendNote,
        Ask,
        AttachmentIn,
        BookSprint,
        ButtonIn,
        CancelDraft,
        CancelSprint,
        Command,
        CommandIn,
        Dialogue,
        DialogueState,
        DiscardDraft,
        Effect,
        EraseResident,
        Event,
        FollowUpFeedback,
        GeneralPointers,
        IdeaExamples,
        Menu,
        Option,
        PauseFollowUps,
        Reply,
        RequestHuman,
        Say,
        SendExport,
        SetLocale,
        ShowSprintOptions,
        ShowStatus,
        ShowSuggestions,
        StartDraft,
        Step,
        SubmitIdea,
        SuggestionFeedback,
        Summary,
        TextIn,
        Turn,
        Understood,
        UnknownCommandIn,
        UpdateIdea,
        Verdict,
        Waiting,
        parse_command,
        reading_step,
    )
    from routing.intake.draft import Draft, Group, Need, Slot, Timing
    from routing.intake.extraction import Extractor
    from routing.intake.state_codec import state_from_json, state_to_json

__getattr__, __dir__, __all__ = attach(__name__, __file__)
