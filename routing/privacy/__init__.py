"""The resident's rights over their data: export it all as one JSON document, erase it all
(/oublier), and discard an idea's words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.privacy.service import (
        discard_idea_words,
        erase_resident,
        export_resident,
        sqlite_checkpoint,
    )

__getattr__, __dir__, __all__ = attach(__name__, __file__)
