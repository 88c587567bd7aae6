"""The resident's rights over their data: export it all as one JSON document, erase it all
(/oublier, or after the retention period, with a notice a month before), and discard an idea's
words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.privacy.retention import (
        RetentionNotice,
        RetentionReport,
        enforce_retention,
    )
    from routing.privacy.service import (
        DataSummary,
        discard_idea_words,
        erase_resident,
        export_resident,
        forget_rate_limits,
        sqlite_checkpoint,
        summarise,
    )

__getattr__, __dir__, __all__ = attach(__name__, __file__)
