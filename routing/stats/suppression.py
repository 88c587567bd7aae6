"""The privacy rules every published count goes through (DESIGN §3, issues 7 and 17): small
cells suppressed, complementary suppression, rounding, and the differencing check on ``since``.
The README's Statistics section states the rule."""

from __future__ import annotations

from typing import Any

from infra.uow import UnitOfWork
from routing.stats.cells import Filters, Options, count_cells


def rounded(value: int | None, base: int) -> int | None:
    """A published count: the nearest multiple of ``base`` (halves up), never 0 for a count
    that is not 0 (a zero names nobody and is shown as it is); None stays suppressed."""
    if value is None or value == 0 or base <= 1:
        return value
    return max(base, (value + base // 2) // base * base)


async def complement_small(
    uow: UnitOfWork, dimension: str, filters: Filters, options: Options
) -> set[tuple[Any, str]]:
    """The cells (key, stage) whose *complement* — the same cell without the ``since`` filter,
    minus the filtered one: the ideas received before ``since`` — comes from 1 to
    ``min_cell - 1`` residents. The unfiltered table is published too, so publishing such a
    filtered cell would let anyone subtract the two and read the small group: it is suppressed."""
    if filters.since is None:
        return set()
    complement = Filters(before=filters.since, neighbourhood=filters.neighbourhood)
    cells = await count_cells(uow, dimension, complement, options)
    return {
        (key, name)
        for key, stages in cells.items()
        for name, (_, residents) in stages.items()
        if 0 < residents < options.min_cell
    }


def safe_count(ideas: int, residents: int, min_cell: int) -> int | None:
    """The count, or None when it comes from 1 to ``min_cell - 1`` residents (a zero names
    nobody and stays: hiding zeros would blank most small tables)."""
    return ideas if residents >= min_cell or residents == 0 else None


def suppress_table(
    cells: dict[Any, dict[str, tuple[int, int]]],
    min_cell: int,
    hidden: set[tuple[Any, str]] | None = None,
) -> dict[Any, dict[str, int | None]]:
    """Primary suppression (fewer than ``min_cell`` residents, or a cell in ``hidden``: see
    :func:`complement_small`), then complementary: a column with exactly one hidden cell
    hides its smallest visible cell too."""
    hidden = hidden or set()
    table = {
        key: {
            name: None if (key, name) in hidden else safe_count(n, r, min_cell)
            for name, (n, r) in stages.items()
        }
        for key, stages in cells.items()
    }
    names = {name for stages in cells.values() for name in stages}
    for name in names:
        hidden_here = [key for key in table if table[key].get(name) is None]
        visible = [key for key in table if table[key].get(name) is not None]
        if len(hidden_here) == 1 and visible:
            smallest = min(visible, key=lambda k: (table[k][name], str(k)))
            table[smallest][name] = None
    return table
