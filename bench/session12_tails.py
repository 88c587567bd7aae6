"""Session 12's "before" ways for the tails on PostgreSQL (issue 18): what
``bench.intake_latency --collector automatic`` puts back."""

from __future__ import annotations

from infra import heap


def automatic_collector() -> None:
    """Before: CPython's automatic collector alone, collecting whenever 700 objects are waiting,
    in the middle of turns (``infra.heap.collect_at_rest`` undone)."""
    heap.collect_at_rest(False)
