"""The privacy notice states the retention period as people say it, in both languages."""

from __future__ import annotations

import pytest

from infra.i18n import Translator


@pytest.mark.parametrize(
    ("months", "french", "english"),
    [
        (1, "1 mois", "1 month"),
        (12, "12 mois", "12 months"),
        (18, "18 mois", "18 months"),
        (24, "2 ans", "2 years"),
        (36, "3 ans", "3 years"),
        (30, "30 mois", "30 months"),
    ],
)
def test_months_read_as_months_or_whole_years(months: int, french: str, english: str) -> None:
    assert Translator("fr").months(months) == french
    assert Translator("en").months(months) == english
