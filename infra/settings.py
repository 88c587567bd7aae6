"""One validated settings object from `DECLIC_*` variables and `.env`, built once at start."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from infra.slots import DEFAULT_TURN_SLOTS

DEFAULT_SQLITE_PATH = Path("var") / "declic.sqlite3"
OFFICIAL_BOT_API = "https://api.telegram.org"
PLACEHOLDER_SECRETS = frozenset(
    {"", "changethis", "changeme", "secret", "password", "xxx", "todo", "test", "123456"}
)


# Telegram's secret_token: 1-256 characters A-Z a-z 0-9 _ -; production asks for a long one.
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
WEBHOOK_SECRET_MIN_PRODUCTION = 32
# Telegram's rule for a bot's @username.
BOT_USERNAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{1,28}[Bb][Oo][Tt]")


class SettingsError(RuntimeError):
    """The configuration cannot be used; the message says what to fix."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DECLIC_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "production"] = "development"
    database_url: str = Field(default=f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}")
    telegram_token: SecretStr | None = None
    telegram_api_url: str = OFFICIAL_BOT_API
    locale: Literal["fr", "en"] = "fr"
    timezone: str = "Europe/Paris"
    console_secret: SecretStr | None = None
    redis_url: str | None = None
    # Per-resident flood guard: at most this many messages in the window before a polite word.
    flood_messages: int = Field(default=8, ge=1)
    flood_window_seconds: float = Field(default=10.0, gt=0)
    poll_timeout_seconds: int = Field(default=25, ge=0, le=50)
    # Cases (requests routed to people): service levels are counted in working time.
    case_escalate_after_working_minutes: int = Field(default=120, ge=1)
    case_holder_silence_minutes: int = Field(default=240, ge=1)  # working minutes too
    case_work_start: time = time(9, 0)
    case_work_end: time = time(17, 30)
    case_work_days: list[int] = Field(default=[0, 1, 2, 3, 4])  # 0 = Monday
    case_holidays_country: str | None = "FR"  # public holidays off ("" for none)
    case_holidays_subdivision: str | None = None  # e.g. "57" for Moselle's extra days
    # How often the scheduler enforces service levels (escalations, silent holders).
    service_level_interval_seconds: float = Field(default=60.0, gt=0)
    # Optional Telegram staff group (a supergroup's chat id, negative): new and escalated
    # cases are posted there with a "Je prends" button.
    staff_group_id: int | None = None
    # Follow-ups (issue 6): day-based ones go out at ``followup_send_at``; nothing is sent in
    # quiet hours (``followup_quiet_start`` to ``followup_quiet_end``), on Sundays or public
    # holidays (``case_holidays_*``). The scheduler turns due ones into outbox rows every
    # ``followup_interval_seconds`` and drains the outbox.
    followup_send_at: time = time(10, 0)
    followup_quiet_start: time = time(20, 0)
    followup_quiet_end: time = time(9, 0)
    followup_quiet_days: list[int] = Field(default=[6])  # 0 = Monday; Sunday is quiet
    followup_interval_seconds: float = Field(default=30.0, gt=0)
    # Outbox sender: Telegram's limits, and how long a claimed row is another sender's before
    # it counts as abandoned (a crashed process) and is taken back.
    outbox_rate_per_second: float = Field(default=30.0, gt=0)
    outbox_chat_rate_per_second: float = Field(default=1.0, gt=0)
    outbox_chat_burst: int = Field(default=3, ge=1)
    outbox_group_rate_per_minute: float = Field(default=20.0, gt=0)
    outbox_lease_seconds: float = Field(default=60.0, gt=0)
    outbox_max_attempts: int = Field(default=8, ge=1)
    # Test only: the outbox sender sleeps this long between claiming rows and sending them, so
    # a crash test can kill it there. Never set it in production.
    test_pause_after_claim_seconds: float = Field(default=0.0, ge=0)
    # Staff console: where it listens, when an unused session ends, how many failed logins
    # (per email and client address) are allowed in the window before a pause.
    console_host: str = "127.0.0.1"
    console_port: int = Field(default=8000, ge=1, le=65535)
    console_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    console_login_attempts: int = Field(default=5, ge=1)
    console_login_window_minutes: int = Field(default=15, ge=1)
    # Statistics (issue 7): a cell counting fewer residents than this is suppressed everywhere;
    # a directory entry not verified for this many months is listed as stale.
    stats_min_cell: int = Field(default=5, ge=1)
    stats_stale_months: int = Field(default=12, ge=1)
    # Published counts are rounded to a multiple of this (issue 17), so that two requests with
    # different filters cannot be subtracted to reveal a group smaller than ``stats_min_cell``.
    stats_round_to: int = Field(default=5, ge=1)
    # How often the scheduler looks for residents due for the retention notice or erasure.
    retention_interval_seconds: float = Field(default=3600.0, gt=0)
    # Webhook mode (issue 8): `declic bot --webhook` listens on webhook_host:webhook_port at
    # WEBHOOK_PATH and, at start, asks Telegram (setWebhook) to call webhook_url + WEBHOOK_PATH
    # with webhook_secret in the X-Telegram-Bot-Api-Secret-Token header.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8081, ge=1, le=65535)
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    # Residents' turns one bot process handles at once (``infra.slots``), the outbox sender's
    # database steps sharing the slots; at most the PostgreSQL pool's 10 connections (infra.db).
    turn_slots: int = Field(default=DEFAULT_TURN_SLOTS, ge=1, le=10)
    # The outbox's rate limits shared by every sender process: "auto" is Redis when
    # DECLIC_REDIS_URL is set, else the database on PostgreSQL, else this process's memory.
    outbox_limits: Literal["auto", "memory", "database", "redis"] = "auto"
    # Operations: log lines as text or JSON (one object a line, never personal data); a port
    # for /metrics, /healthz and /readyz in processes that have no web server of their own
    # (`declic scheduler`, `declic bot` with polling); how long a graceful stop (SIGTERM) waits
    # for the work in progress.
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"  # "0.0.0.0" for a scraper in another container
    shutdown_grace_seconds: float = Field(default=10.0, gt=0)
    # The office's own words (issue 13): its name and the town's, said in the greeting, the
    # privacy notice and the posters; how long residents' data is kept (the privacy notice
    # states it, the privacy jobs enforce it); the register residents are addressed in by
    # default; the bot's @username, for the posters' deep links (t.me/<username>?start=…).
    office_name: str = Field(default="Participation citoyenne", min_length=1, max_length=80)
    town_name: str | None = Field(default=None, max_length=80)
    retention_months: int = Field(default=24, ge=1, le=120)
    default_register: Literal["tu", "vous"] = "tu"
    bot_username: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("office_name")
    @classmethod
    def _office_named(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("the office needs a name residents recognise")
        return value

    @field_validator("town_name")
    @classmethod
    def _town_words(cls, value: str | None) -> str | None:
        return " ".join(value.split()) or None if value is not None else None

    @field_validator("bot_username")
    @classmethod
    def _telegram_username(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().removeprefix("@")
        if not BOT_USERNAME_PATTERN.fullmatch(value):
            raise ValueError(
                "a bot's username is 5 to 32 of A-Z, a-z, 0-9 and _, ending in 'bot' (@BotFather)"
            )
        return value

    @field_validator("staff_group_id")
    @classmethod
    def _group_chat(cls, value: int | None) -> int | None:
        if value is not None and value >= 0:
            raise ValueError(
                "a group's chat id is negative (a supergroup's starts with -100); "
                "a positive id is a person's private chat"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value.startswith("sqlite:///"):
            return value.replace("sqlite:///", "sqlite+aiosqlite:///", 1)
        if value.startswith(("postgresql://", "postgres://")):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret_token(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's rule for setWebhook's secret_token; checked here rather than at start.
        if value is not None and not WEBHOOK_SECRET_PATTERN.fullmatch(value.get_secret_value()):
            raise ValueError("1 to 256 characters among A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _https_webhook(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError("Telegram calls an https:// URL only")
        return value

    @model_validator(mode="after")
    def _real_webhook_secret_in_production(self) -> Settings:
        if self.environment == "development" or self.webhook_url is None:
            return self
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if secret.lower() in PLACEHOLDER_SECRETS or len(secret) < WEBHOOK_SECRET_MIN_PRODUCTION:
            raise ValueError(
                "DECLIC_WEBHOOK_SECRET must be a real secret in production "
                f"(at least {WEBHOOK_SECRET_MIN_PRODUCTION} random characters)"
            )
        return self

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_production(self) -> Settings:
        if self.environment == "development":
            return self
        for name in ("telegram_token", "console_secret"):
            secret: SecretStr | None = getattr(self, name)
            if secret is None or secret.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS:
                raise ValueError(
                    f"DECLIC_{name.upper()} must be set to a real secret in production"
                )
        # The .env.example placeholder must not survive inside the database URL either.
        if (urlsplit(self.database_url).password or "").lower() in PLACEHOLDER_SECRETS - {""}:
            raise ValueError("the password in DECLIC_DATABASE_URL must be a real secret")
        return self

    @property
    def is_development(self) -> bool:
        """Development relaxes what needs HTTPS (the console's Secure cookies), nothing else."""
        return self.environment == "development"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        """The SQLite file behind the URL, or None for an in-memory or server database."""
        if not self.is_sqlite:
            return None
        path = self.database_url.split(":///", 1)[1]
        return None if path in ("", ":memory:") else Path(path)


def load_settings(**overrides: Any) -> Settings:
    """Build the settings once; turn validation errors into one readable sentence per problem.
    ``overrides`` are any values pydantic validates (and refuses with that sentence)."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise SettingsError(f"Configuration refused: {problems}") from None
