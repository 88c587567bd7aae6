"""Settings are validated once and fail loudly with a sentence that says what to fix."""

from __future__ import annotations

import pytest

from infra.settings import SettingsError, load_settings


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
