"""Which resources fit an idea: the matcher ranks the directory with the reasons it shows, and
an idea's suggestions are kept, answered by the resident and edited by staff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.matching.idea_reading import IdeaQuery
    from routing.matching.later import FirstMatch, first_match
    from routing.matching.matcher import MatchResult, match
    from routing.matching.records import Suggestion
    from routing.matching.suggestions import (
        DECLINED,
        SuggestionNotRemovable,
        SuggestionView,
        UnknownSuggestion,
        add_by_staff,
        record_response,
        remove_proposed,
        search_catalogue,
        suggest_for_idea,
        suggestion_view,
        suggestions_for_idea,
        suggestions_known,
    )

__getattr__, __dir__, __all__ = attach(__name__, __file__)
