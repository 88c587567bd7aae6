"""Issue 12: every module under routing/ stays small enough to read (≤ 500 lines), and the
median module stays at most 150 lines. Data (word lists, vocabularies) lives in files, not here."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

ROUTING = Path(__file__).resolve().parents[2] / "routing"
MAX_LINES = 500
MAX_MEDIAN = 150
MODULES = sorted(ROUTING.rglob("*.py"))


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROUTING)))
def test_module_is_at_most_500_lines(path: Path) -> None:
    lines = _lines(path)
    assert lines <= MAX_LINES, f"{path.relative_to(ROUTING)}: {lines} lines"


def test_the_median_module_is_small() -> None:
    assert len(MODULES) > 50  # the glob found the package
    median = statistics.median(_lines(p) for p in MODULES)
    assert median <= MAX_MEDIAN, f"median {median} lines"
