"""Log lines: JSON or text, and the safety net that keeps tokens and personal data out."""

from __future__ import annotations

import io
import json
import logging
import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError

from infra.logging import _RULES, CAPPED_LOGGERS, configure_logging, redact, secrets_of
from infra.settings import load_settings

TOKEN = "123456789:AAF-declic-test-token"
REAL_LOOKING_TOKEN = "7012345678:AAHk3xQn2b7Pq9Lm4Zr8Tv6Wy1Xs5Cd0Ef_"


@pytest.fixture
def capture() -> Iterator[tuple[io.StringIO, logging.Logger]]:
    root = logging.getLogger()
    saved = root.level, {name: logging.getLogger(name).level for name in CAPPED_LOGGERS}
    stream = io.StringIO()
    yield stream, logging.getLogger("declic.test")
    for handler in [h for h in root.handlers if getattr(h, "declic", False)]:
        root.removeHandler(handler)
    root.setLevel(saved[0])
    for name, level in saved[1].items():
        logging.getLogger(name).setLevel(level)
    logging.captureWarnings(False)


def _sql_failure() -> IntegrityError:
    """The error SQLAlchemy raises when an INSERT fails: it quotes the statement's values."""
    return IntegrityError(
        "INSERT INTO messages (resident_id, text) VALUES (?, ?)",
        (42, "mon jardin rue des Lilas, Awa Diop"),
        Exception("UNIQUE constraint failed"),
    )


@pytest.mark.parametrize(
    ("raw", "hidden"),
    [
        (f"POST https://api.telegram.org/bot{TOKEN}/sendMessage", TOKEN),
        (f"token {REAL_LOOKING_TOKEN} refused", REAL_LOOKING_TOKEN),
        ("écrire à awa.diop+declic@exemple.fr", "awa.diop+declic@exemple.fr"),
        ("appelle le 06 12 34 56 78", "06 12 34 56 78"),
        ("appelle le 0612345678.", "0612345678"),
        ("call +33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("postgresql+asyncpg://declic:hunter2-pw@db:5432/declic", "hunter2-pw"),
        ("DETAIL:  Key (chat_id)=(73918246) already exists.", "73918246"),
        ("Input should be a valid integer [type=int_parsing, input_value='Awa', input_type=str]",
         "Awa"),
    ],
)  # fmt: skip
def test_redact_hides_tokens_addresses_phones_and_quoted_values(raw: str, hidden: str) -> None:
    assert hidden not in redact(raw)


@pytest.mark.parametrize(
    "harmless",
    [
        "update 815236471 handled in 12 ms",
        "2026-11-23T10:00:00+01:00 at 127.0.0.1:8000",
        "case 1234567890 escalated; outbox row 42 sent",
    ],
)
def test_redact_keeps_ids_times_and_addresses_of_machines(harmless: str) -> None:
    assert redact(harmless) == harmless


def _every_rule_searched(text: str) -> str:
    """``redact`` without its shortcut: each rule searched in every text (before session 11)."""
    for pattern, replacement, _needs in _RULES:
        text = pattern.sub(replacement, text)
    return text


# Pieces of what the rules look for, and of what they must not take, put together at random.
_PIECES = ("/bot", "123456789", ":", "AAF-declic_test-token-xyz", "[parameters: ", "(1, 'x')",
           "DETAIL: ", "DETAIL:", "invalid input for query argument $", "2: ", "input_value=",
           "'Awa'", ", input_type=", "://", "declic", "@", "awa.diop", ".fr", "+", "00", "0",
           "06", " ", ".", "-", "\n", "12", "7", "é", "_", "/", "update", "id=")  # fmt: skip


def _texts(rng: random.Random, count: int) -> Iterator[list[str]]:
    """``count`` texts of up to 14 pieces. Half of them take their pieces from a handful only,
    so runs come often (digits making a phone number, letters making a token's tail), as
    Hypothesis's own mutations made them by repeating a choice."""
    for _ in range(count):
        some = rng.sample(_PIECES, rng.randint(1, 6)) if rng.random() < 0.5 else _PIECES
        yield rng.choices(some, k=rng.randint(0, 14))


def _smallest(pieces: list[str], fails: Callable[[str], bool]) -> str:
    """A failing text with every piece removed that it can fail without (readable reports)."""
    for i in reversed(range(len(pieces))):
        if fails("".join(pieces[:i] + pieces[i + 1 :])):
            del pieces[i]
    return "".join(pieces)


# 100 examples of 100 texts each: 10,000 texts in about half a second of CPU. Drawn by
# Hypothesis piece by piece, 3000 texts took 3-6 s, nearly all of it Hypothesis's own work (the
# test's body was 4 % of it), and caught the mutations this test exists for no more often
# (bench/README.md, session 13: the suite's time).
@settings(max_examples=100, deadline=None)
@given(st.randoms(use_true_random=True))
def test_redact_gives_what_searching_every_rule_gives(rng: random.Random) -> None:
    # A rule is searched only in a text holding what it cannot match without (issue 18): the
    # result must be the same for any text.
    def fails(text: str) -> bool:
        return redact(text) != _every_rule_searched(text)

    for pieces in _texts(rng, 100):
        assert not fails("".join(pieces)), repr(_smallest(pieces, fails))


@pytest.mark.parametrize(
    "line",
    [
        "Update id=815236470 is handled. Duration 3 ms by bot id=7012345678",
        f"POST https://api.telegram.org/bot{TOKEN}/sendMessage 06 12 34 56 78 a@b.fr",
        "DETAIL:  Key (chat_id)=(73918246) already exists.",
        "call 0033 6 12 34 56 78 or input_value='Awa', input_type=str",
    ],
)
def test_redact_of_a_line_is_every_rules_search(line: str) -> None:
    assert redact(line) == _every_rule_searched(line)


def test_redact_hides_the_secrets_it_is_given() -> None:
    assert redact("secret=a-console-secret-value!", ["a-console-secret-value"]) == (
        "secret=<secret>!"
    )


def test_json_lines_have_time_level_logger_message_and_extra_fields(capture) -> None:  # type: ignore[no-untyped-def]
    stream, log = capture
    configure_logging("json", "INFO", stream=stream)
    log.info("case %s claimed", 7, extra={"case_id": 7, "note": "rappeler au 06 12 34 56 78"})
    record = json.loads(stream.getvalue())
    assert list(record)[:4] == ["time", "level", "logger", "message"]
    assert record["level"] == "INFO" and record["logger"] == "declic.test"
    assert record["message"] == "case 7 claimed" and record["case_id"] == 7
    assert record["note"] == "rappeler au <phone>"
    assert datetime.fromisoformat(record["time"]).utcoffset() == timedelta(0)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_sql_parameters_in_a_traceback_are_hidden(capture, log_format: str) -> None:  # type: ignore[no-untyped-def]
    stream, log = capture
    configure_logging(log_format, "INFO", stream=stream)  # type: ignore[arg-type]
    try:
        raise _sql_failure()
    except IntegrityError:
        log.exception("turn failed (telegram update 9)")
    out = stream.getvalue()
    assert "rue des Lilas" not in out and "Awa" not in out
    assert "[parameters: <hidden>]" in out and "IntegrityError" in out
    if log_format == "json":
        assert json.loads(out)["exception"].startswith("Traceback")


def test_the_console_access_line_loses_its_query_string_and_client(capture) -> None:  # type: ignore[no-untyped-def]
    stream, _log = capture
    configure_logging("text", "INFO", stream=stream)
    access = logging.getLogger("uvicorn.access")
    access.info('%s - "%s %s HTTP/%s" %d', "203.0.113.7:5123", "GET", "/cases?q=Diop", "1.1", 200)
    access.info('%s - "%s %s HTTP/%s" %d', "10.0.0.9:40000", "GET", "/metrics", "1.1", 200)
    out = stream.getvalue()
    assert '"GET /cases HTTP/1.1" 200' in out
    assert "Diop" not in out and "203.0.113.7" not in out
    assert "/metrics" not in out, "scrapes are not logged"


def test_debug_never_opens_the_loggers_that_write_sql_values(capture) -> None:  # type: ignore[no-untyped-def]
    stream, _log = capture
    configure_logging("json", "DEBUG", stream=stream)
    logging.getLogger("sqlalchemy.engine.Engine").info("[generated] ('mon idée',)")
    logging.getLogger("aiosqlite").debug("executing partial(..., 'mon idée')")
    logging.getLogger("declic.test").debug("still there")
    assert "mon idée" not in stream.getvalue() and "still there" in stream.getvalue()


def test_configuring_again_replaces_the_handler(capture) -> None:  # type: ignore[no-untyped-def]
    stream, log = capture
    configure_logging("text", "INFO", stream=io.StringIO())
    configure_logging("json", "INFO", stream=stream)
    log.warning("once")
    assert len(stream.getvalue().splitlines()) == 1
    ours = [h for h in logging.getLogger().handlers if getattr(h, "declic", False)]
    assert len(ours) == 1


def test_the_settings_secrets_are_redacted() -> None:
    settings = load_settings(
        _env_file=None,
        telegram_token=TOKEN,
        console_secret="a-console-secret-of-some-length",
        database_url="postgresql://declic:db-password-1@db/declic",
        redis_url="redis://:redis-password-2@redis:6379/0",
    )
    assert set(secrets_of(settings)) == {
        TOKEN, "a-console-secret-of-some-length", "db-password-1", "redis-password-2",
    }  # fmt: skip
