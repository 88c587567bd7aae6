"""Idea-to-action statistics: the funnel, durations, cuts, unmet needs and service levels, as
queries over journey events (small cells suppressed), with the metrics' names and definitions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.stats.cells import Filters, Options
    from routing.stats.csv_export import csv_rows, csv_safe
    from routing.stats.metrics import (
        CONVERSION,
        CONVERSION_DEFINITION,
        conversion_name,
        conversions,
    )
    from routing.stats.queries import funnel, neighbourhoods, report

__getattr__, __dir__, __all__ = attach(__name__, __file__)
