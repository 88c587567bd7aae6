"""Settings are validated once and fail loudly with a sentence that says what to fix."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pytest

from declic.runtime import Core, _bot_parts
from infra.settings import SettingsError, load_settings
from infra.slots import DEFAULT_TURN_SLOTS


def test_the_embedded_default_needs_no_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DECLIC_DATABASE_URL", "DECLIC_TELEGRAM_TOKEN", "DECLIC_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.is_sqlite and str(settings.sqlite_path()).startswith("var")
    assert settings.telegram_token is None and settings.timezone == "Europe/Paris"


@pytest.mark.parametrize("token", ["changethis", "", "  secret  "])
def test_production_refuses_placeholder_secrets(token: str) -> None:
    with pytest.raises(SettingsError, match="DECLIC_TELEGRAM_TOKEN"):
        load_settings(environment="production", telegram_token=token, console_secret="x" * 32)


def test_production_accepts_real_secrets_and_hides_them() -> None:
    settings = load_settings(
        environment="production", telegram_token="123:abcDEF", console_secret="s" * 40
    )
    assert "abcDEF" not in repr(settings)


def test_plain_database_urls_get_async_drivers() -> None:
    assert load_settings(database_url="postgresql://u@h/db").database_url.startswith(
        "postgresql+asyncpg://"
    )
    assert load_settings(database_url="sqlite:///x.db").database_url == "sqlite+aiosqlite:///x.db"


def test_an_unknown_time_zone_is_refused_with_its_name() -> None:
    with pytest.raises(SettingsError, match="Mars/Olympus"):
        load_settings(timezone="Mars/Olympus")


def test_the_office_settings_default_to_two_years_and_tu() -> None:
    settings = load_settings(_env_file=None)
    assert settings.retention_months == 24 and settings.default_register == "tu"
    assert settings.office_name and settings.town_name is None and settings.bot_username is None


@pytest.mark.parametrize("months", [0, -3, 121])
def test_a_retention_period_out_of_range_is_refused(months: int) -> None:
    with pytest.raises(SettingsError, match="retention_months"):
        load_settings(retention_months=months)


def test_a_bot_username_loses_its_at_and_must_end_in_bot() -> None:
    assert load_settings(bot_username="@SorlangesBot").bot_username == "SorlangesBot"
    with pytest.raises(SettingsError, match="bot_username"):
        load_settings(bot_username="not a bot name")


def test_an_office_name_of_blanks_is_refused() -> None:
    with pytest.raises(SettingsError, match="office_name"):
        load_settings(office_name="   ")


def test_the_turn_slots_come_from_the_environment_and_stay_within_the_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings(_env_file=None).turn_slots == DEFAULT_TURN_SLOTS
    monkeypatch.setenv("DECLIC_TURN_SLOTS", "3")
    assert load_settings(_env_file=None).turn_slots == 3
    for slots in ("0", "11"):  # none at all, or more than the PostgreSQL pool's 10 connections
        monkeypatch.setenv("DECLIC_TURN_SLOTS", slots)
        with pytest.raises(SettingsError, match="turn_slots"):
            load_settings(_env_file=None)


async def test_a_bot_process_gates_its_turns_with_the_configured_slots() -> None:
    settings = load_settings(_env_file=None, telegram_token="123:abc", turn_slots=3)
    # Only what building the parts reads; nothing runs.
    core = cast(
        Core, SimpleNamespace(uow_factory=None, clock=None, service=SimpleNamespace(renderer=None))
    )
    parts = _bot_parts(core, settings)
    try:
        assert parts.slots.size == 3 and parts.outbox.slots is parts.slots
    finally:
        await parts.bot.session.close()
