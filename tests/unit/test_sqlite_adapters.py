"""sqlite3's default date and datetime adapters, deprecated since Python 3.12, refuse in the
tests (tests/conftest.py): no test binds an instant otherwise than the product stores it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest

from infra.orm import utc_text


def test_the_default_adapters_refuse_and_the_products_text_binds() -> None:
    connection = sqlite3.connect(":memory:")
    instant = datetime(2026, 12, 6, 13, 0, tzinfo=UTC)
    for value in (instant, date(2026, 12, 6)):
        with pytest.raises(DeprecationWarning, match=r"Python 3\.12"):
            connection.execute("SELECT ?", (value,))
    stored = connection.execute("SELECT ?", (utc_text(instant),)).fetchone()
    assert stored == ("2026-12-06 13:00:00.000000",)
    connection.close()
