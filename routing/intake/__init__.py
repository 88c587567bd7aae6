"""The intake: the pure dialogue (state + event → new state, replies and effects) that listens
to a resident's idea, asks only what is missing and reads what free text tells; no I/O, the
same for Telegram, the terminal and the tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.intake.codes import (
        SUGGESTIONS_PER_PAGE,
        Action,
        Command,
        Step,
        Verdict,
    )
    from routing.intake.dialogue import Dialogue
    from routing.intake.draft import Draft, Group, Need, Slot, Timing
    from routing.intake.effects import (
        AnswerFollowUp,
        AnswerSuggestion,
        AppendNote,
        CancelDraft,
        DiscardDraft,
        Effect,
        EraseResident,
        PauseFollowUps,
        RequestHuman,
        SetLocale,
        StartDraft,
        SubmitIdea,
        UpdateIdea,
    )
    from routing.intake.events import (
        AttachmentIn,
        ButtonIn,
        CommandIn,
        Event,
        LocationIn,
        TextIn,
        UnknownCommandIn,
    )
    from routing.intake.extraction import Extractor
    from routing.intake.reading import (
        parse_command,
        reading_step,
    )
    from routing.intake.replies import (
        Added,
        AnswerQuestion,
        Ask,
        BookSprint,
        CancelSprint,
        FollowUpFeedback,
        GeneralPointers,
        IdeaExamples,
        Menu,
        Option,
        Reply,
        Say,
        SendExport,
        ShowSprintOptions,
        ShowStatus,
        ShowSuggestions,
        SuggestionFeedback,
        Summary,
        Understood,
        Waiting,
    )
    from routing.intake.state import (
        DialogueState,
        Turn,
    )
    from routing.intake.state_codec import state_from_json, state_to_json

__getattr__, __dir__, __all__ = attach(__name__, __file__)
