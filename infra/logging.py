"""Log lines for operators: text, or JSON with one object a line; never personal data.

Two layers keep residents' data out of the logs. Our own log calls carry ids and counts only
(names, words, chat ids, e-mails and phone numbers are never arguments). And a filter on the
one handler redacts what other texts may carry, whatever library logged them: Bot API tokens
(aiogram and aiohttp put ``/bot<token>/`` in URLs and errors), the configured secrets,
passwords in connection URLs, e-mail addresses, phone numbers, the ``[parameters: …]`` that
SQLAlchemy appends to an error (a resident's words when an INSERT fails), PostgreSQL's
``DETAIL`` lines and pydantic's ``input_value=`` (both quote values), and query strings in
the console's access log. Tracebacks are formatted and redacted by the filter too, so the
text and JSON formats show the same thing.

Libraries that log SQL parameters at DEBUG (SQLAlchemy's engine, aiosqlite) are held at a
level where they do not, even when ``DECLIC_LOG_LEVEL=DEBUG``.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any, ClassVar, Literal

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

if TYPE_CHECKING:
    from infra.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers that would write statements with their parameters (residents' words) below these
# levels; held there whatever the configured level.
CAPPED_LOGGERS = {"sqlalchemy.engine": logging.WARNING, "aiosqlite": logging.INFO}
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
_MIN_SECRET_LENGTH = 6  # shorter "secrets" would redact ordinary words

# Each rule with the texts it cannot match without (any one of them): most lines hold none of
# them, and an ``in`` test costs tens of nanoseconds where a search costs 2-6 µs (at INFO
# aiogram logs a line for every update; issue 18). Checked on the text as the rules before left
# it, so the result is what every rule's search gives.
_RULES: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    (re.compile(r"/bot\d+:[^/\s\"'<>]+/"), "/bot<token>/", ("/bot",)),
    (re.compile(r"\b\d{5,12}:[A-Za-z0-9_-]{20,}"), "<token>", (":",)),
    (re.compile(r"\[parameters: [^\n]*"), "[parameters: <hidden>]", ("[parameters: ",)),
    (re.compile(r"(?m)(DETAIL: +)[^\n]*"), r"\1<hidden>", ("DETAIL: ",)),
    (re.compile(r"(invalid input for query argument \$\d+: )[^\n]*"), r"\1<hidden>",
     ("invalid input for query argument $",)),
    (re.compile(r"(input_value=).*?(, input_type=)"), r"\1<hidden>\2", ("input_value=",)),
    (re.compile(r"(://[^:/@\s]*:)[^@/\s]+@"), r"\1<password>@", ("://",)),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "<email>", ("@",)),
    (re.compile(r"(?<![\w+])(?:\+|00)\d{1,3}(?:[\s.-]?\d){8,11}(?!\w)"), "<phone>", ("+", "00")),
    (re.compile(r"(?<![\w.:-])0[1-9](?:[\s.-]?\d{2}){4}(?![\w:-]|\.\d)"), "<phone>", ("0",)),
)  # fmt: skip


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` without tokens, the given secrets, addresses, phone numbers or SQL values."""
    for secret in secrets:
        if len(secret) >= _MIN_SECRET_LENGTH:
            text = text.replace(secret, "<secret>")
    for pattern, replacement, needs in _RULES:
        for needed in needs:
            if needed in text:
                text = pattern.sub(replacement, text)
                break
    return text


class RedactingFilter(logging.Filter):
    """On the handler, so it sees every record, ours and the libraries'. It renders the
    message and the traceback once, redacted, and leaves nothing raw on the record."""

    _traceback = logging.Formatter()

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access" and not _access_worth_a_line(record):
            return False
        vars(record).pop("color_message", None)  # uvicorn's copy of the message, with colours
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: still log what there is
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self._clean(message), None
        if record.exc_info:
            record.exc_text = self._traceback.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in RESERVED_ATTRS and not key.startswith("_"):
                setattr(record, key, self._clean_value(value))
        return True

    def _clean(self, text: str) -> str:
        return redact(text, self.secrets)

    def _clean_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._clean(value)
        if isinstance(value, dict):
            return {k: self._clean_value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self._clean_value(v) for v in value]
        return value


def _access_worth_a_line(record: logging.LogRecord) -> bool:
    """uvicorn's access line: ``client - "METHOD path HTTP/x" status``. A console query string
    may hold a searched name, and the client address is a person's: both are left out. Probes
    and scrapes (every few seconds) are not logged at all."""
    args = record.args
    if isinstance(args, tuple) and len(args) == 5:
        _client, method, path, version, status = args
        path = str(path).split("?", 1)[0]
        if path in QUIET_PATHS and status == 200:
            return False
        record.args = ("-", method, path, version, status)
    return True


class _TimeFirstJsonFormatter(JsonFormatter):
    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {"time": log_data.pop("time", None), **log_data}


def json_formatter() -> logging.Formatter:
    """One JSON object a line: time (ISO 8601, UTC), level, logger, message, then any
    ``extra=`` fields and the (redacted) exception."""
    return _TimeFirstJsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
        timestamp="time",
        json_ensure_ascii=False,
    )


class _OurHandler(logging.StreamHandler[IO[str]]):
    """The handler ``configure_logging`` installs, so that calling it again finds it (and
    tests, by its ``declic`` mark)."""

    declic: ClassVar[bool] = True


def configure_logging(
    log_format: Literal["text", "json"] = "text",
    level: str | int = logging.INFO,
    *,
    secrets: Iterable[str] = (),
    stream: IO[str] | None = None,
) -> logging.Handler:
    """Send every log record to one redacting handler on stderr (or ``stream``); calling it
    again replaces that handler, so tests and sub-commands can reconfigure."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _OurHandler)]:
        root.removeHandler(old)
    handler = _OurHandler(stream or sys.stderr)
    handler.addFilter(RedactingFilter(secrets))
    handler.setFormatter(
        json_formatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    root.addHandler(handler)
    root.setLevel(level)
    for name, floor in CAPPED_LOGGERS.items():
        capped = logging.getLogger(name)
        capped.setLevel(max(floor, capped.getEffectiveLevel()))
    logging.captureWarnings(True)
    return handler


def secrets_of(settings: Settings) -> list[str]:
    """The secret values of the settings (tokens, console and webhook secrets, passwords in
    database and Redis URLs), redacted wherever they would appear."""
    values: list[str] = []
    for name in ("telegram_token", "console_secret", "webhook_secret"):
        secret = getattr(settings, name, None)
        if secret is not None:
            values.append(secret.get_secret_value())
    for name in ("database_url", "redis_url"):
        url = getattr(settings, name, None) or ""
        match = re.search(r"://[^:/@\s]*:([^@/\s]+)@", url)
        if match:
            values.append(match.group(1))
    return values


def configure_from_settings(settings: Settings, *, quiet: bool = False) -> logging.Handler:
    """DECLIC_LOG_FORMAT and DECLIC_LOG_LEVEL, with the settings' secrets redacted; ``quiet``
    (terminal conversations) shows warnings and errors only."""
    level = logging.getLevelName(settings.log_level)
    return configure_logging(
        settings.log_format,
        max(level, logging.WARNING) if quiet else level,
        secrets=secrets_of(settings),
    )
