"""The statistics report as CSV rows, every cell safe to open in a spreadsheet (no formula)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from routing.stats import metrics


def csv_rows(data: dict[str, Any]) -> Iterable[list[Any]]:
    """The report as flat rows (section, metric, dimension, key, value): one CSV for all."""
    yield ["section", "metric", "dimension", "key", "value"]
    for name, value in data["funnel"].items():
        yield ["funnel", name, "", "", value]
    for name, value in data["conversions"].items():
        yield ["conversion", name, "", "", value]
    for name, figures in data["durations"].items():
        for figure, value in figures.items():
            if figure != "unit":
                yield ["duration_minutes", f"{name}.{figure}", "", "", value]
    for dimension, rows in data["cuts"].items():
        for row in rows:
            for stage in metrics.STAGE_NAMES:
                yield ["cut", stage, dimension, row["key"], row[stage]]
    for dimension, rows in data["unmet_needs"].items():
        column = dimension.removeprefix("by_")
        for row in rows:
            yield ["unmet_need", row["need"], column, row[column], row["ideas"]]
    for listing, rows in data["resources"].items():
        for row in rows:
            yield ["resource", listing, row["id"], row["name"], row["ideas"]]
    for row in data["stale_resources"]["resources"]:
        yield ["stale_resource", row["kind"], row["id"], row["name"], row["verified_on"]]
    levels = data["service_levels"]
    for name in ("open_unclaimed", "escalated_open", "breaches"):
        yield ["service_level", name, "", "", levels[name]]
    for row in levels["workload_by_agent"]:
        yield ["service_level", "workload", "agent", row["agent"], row["cases"]]
    for row in levels["workload_by_team"]:
        yield ["service_level", "workload_open", "team", row["team"], row["open"]]
        yield ["service_level", "workload_held", "team", row["team"], row["held"]]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a quote."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
