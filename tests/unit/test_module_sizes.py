"""Issue 12: modules under routing/ stay small enough to read (≤ 500 lines). Checked for the
packages already split (the intake dialogue, the understanding layer); the others join the list
as they are split."""

from __future__ import annotations

from pathlib import Path

import pytest

ROUTING = Path(__file__).resolve().parents[2] / "routing"
MAX_LINES = 500
SPLIT = ("intake", "understanding")


@pytest.mark.parametrize(
    "path",
    sorted(p for package in SPLIT for p in (ROUTING / package).glob("*.py")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_module_is_at_most_500_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name}: {lines} lines"
