"""« Je prends » buttons of the staff group: one format, written and read by the bot alone;
anything forged or malformed is refused, and residents' buttons never read as claims."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.callbacks import StaffCb, pack_claim, unpack, unpack_claim
from infra.settings import Settings, SettingsError, load_settings
from routing.cases import phrases as case_phrases

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize("case_id", [1, 42, 2**31 - 1])
def test_a_claim_button_reads_back_as_its_case(case_id: int) -> None:
    data = pack_claim(case_id)
    assert data == StaffCb(action="claim", case=case_id).pack() == f"c:claim:{case_id}"
    assert unpack_claim(data) == case_id
    assert unpack(data) is None, "a claim is never a resident's answer"


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "c:claim:",
        "c:claim:0",
        "c:claim:-3",
        "c:claim:+3",
        "c:claim: 3",
        "c:claim:3 ",
        "c:claim:abc",
        "c:claim:3:4",
        "c:claim:٣",  # an Arabic-Indic digit: int() would take it
        "c:claim:99999999999",
        "c:claim:2147483648",
        "c:take:3",
        "C:claim:3",
        "d:a:tanneurs:3",
        "d:claim:3:1",
        "c:claim:" + "1" * 60,
        "x" * 65,
    ],
)
def test_forged_or_malformed_claims_are_refused(data: str | None) -> None:
    assert unpack_claim(data) is None


def test_a_group_post_holds_codes_not_words() -> None:
    text = case_phrases.group_post(
        "fr",
        PARIS,
        kind="new",
        number=12,
        reason="voice",
        neighbourhood="Les Tanneurs",
        team=None,
        opened_at=datetime(2026, 11, 23, 10, 5, tzinfo=PARIS),
    )
    assert text.splitlines() == [
        "🆕 Nouvelle demande #12",
        "Motif : un message vocal à écouter",
        "Quartier : Les Tanneurs",
        "Équipe : aucune, pour la coordination",
        "Reçue le 23/11/2026 10:05",
    ]
    english = case_phrases.group_post(
        "en",
        PARIS,
        kind="escalated",
        number=12,
        reason="some_new_reason",
        neighbourhood=None,
        team="Gardens",
        opened_at=datetime(2026, 11, 23, 10, 5, tzinfo=PARIS),
        waited_minutes=125,
    )
    assert "12" in english and "2 hours" in english and "some_new_reason" in english
    assert case_phrases.group_claim_button("en") != case_phrases.group_claim_button("fr")


def test_the_staff_group_setting_is_a_group_id() -> None:
    assert Settings(_env_file=None).staff_group_id is None  # type: ignore[call-arg]
    assert load_settings(_env_file=None, staff_group_id=-1001).staff_group_id == -1001
    with pytest.raises(SettingsError, match="staff_group_id"):
        load_settings(_env_file=None, staff_group_id=42)
    assert Settings(_env_file=None).service_level_interval_seconds == 60  # type: ignore[call-arg]
