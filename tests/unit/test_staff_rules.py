"""Pure staff security rules: argon2 passwords, token digests, the login throttle, roles, locale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from console.pages import safe_next
from console.security import accepted_locale
from routing.staff.audit_log import _check_details
from routing.staff.credentials import (
    MIN_PASSWORD_LENGTH,
    digest,
    hash_password,
    is_throttled,
    retry_after,
    throttle_key,
    verify_password,
)
from routing.staff.views import ROLES, StaffError, role_at_least

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


def test_passwords_are_argon2id_hashes_that_verify_only_the_right_password() -> None:
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert "correct horse" not in hashed
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "correct horse batterY")
    assert not verify_password("not a hash", "correct horse battery")
    assert hash_password("correct horse battery") != hashed  # salted


def test_short_passwords_are_refused() -> None:
    with pytest.raises(StaffError) as caught:
        hash_password("x" * (MIN_PASSWORD_LENGTH - 1))
    assert caught.value.code == "password_too_short"


def test_token_digests_are_sha256_and_throttle_keys_ignore_email_case() -> None:
    assert len(digest("dcl_abc")) == 64 and digest("dcl_abc") != digest("dcl_abd")
    assert throttle_key("Ada@Example.org ", "10.0.0.1") == throttle_key(
        "ada@example.org", "10.0.0.1"
    )
    assert throttle_key("ada@example.org", "10.0.0.1") != throttle_key(
        "ada@example.org", "10.0.0.2"
    )
    assert "ada" not in throttle_key("ada@example.org", "10.0.0.1")


def test_the_throttle_counts_failures_inside_a_sliding_window() -> None:
    four = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 4)]
    assert not is_throttled(four, NOW, limit=5, window=WINDOW)
    five = [*four, NOW - timedelta(minutes=14)]
    assert is_throttled(five, NOW, limit=5, window=WINDOW)
    # The oldest leaves the window one minute later: free again.
    assert retry_after(five, NOW, limit=5, window=WINDOW) == timedelta(minutes=1)
    assert not is_throttled(five, NOW + timedelta(minutes=1), limit=5, window=WINDOW)
    stale = [*four, NOW - timedelta(minutes=20)]
    assert not is_throttled(stale, NOW, limit=5, window=WINDOW)
    assert retry_after(stale, NOW, limit=5, window=WINDOW) == timedelta(0)


@pytest.mark.parametrize(
    ("role", "reaches"),
    [
        ("agent", {"agent"}),
        ("coordinator", {"agent", "coordinator"}),
        ("admin", {"agent", "coordinator", "admin"}),
        ("visitor", set()),
    ],
)
def test_roles_are_ordered_agent_coordinator_admin(role: str, reaches: set[str]) -> None:
    assert {required for required in ROLES if role_at_least(role, required)} == reaches


def test_an_unknown_required_role_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        role_at_least("admin", "superuser")


def test_audit_details_keep_ids_and_codes_not_words() -> None:
    assert _check_details({"case": 3, "outcome": "resolved", "ok": True}) == {
        "case": 3,
        "outcome": "resolved",
        "ok": True,
    }
    with pytest.raises(ValueError, match="free text"):
        _check_details({"text": "Bonjour, je m'appelle Zéphyrine et j'habite au 3 rue… " * 3})
    with pytest.raises(ValueError, match="structure"):
        _check_details({"resident": {"name": "Zéphyrine"}})
    assert _check_details({"cases": [3, 7, 12]}) == {"cases": [3, 7, 12]}  # a listing's ids
    for words in (["Zéphyrine"], [3, "rue des Lilas"], list(range(101)), [True]):
        with pytest.raises(ValueError, match="structure"):
            _check_details({"cases": words})


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        ("en-GB,en;q=0.9,fr;q=0.8", "en"),
        ("de-DE,fr;q=0.5,en;q=0.7", "en"),
        ("fr-FR", "fr"),
        ("de, es", None),
        ("en;q=0, fr;q=0.1", "fr"),
        ("", None),
        (None, None),
    ],
)
def test_accept_language_picks_the_best_supported_language(
    header: str | None, locale: str | None
) -> None:
    assert accepted_locale(header) == locale


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/audit?staff=2", "/audit?staff=2"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_after_login_only_local_paths_are_followed(target: str | None, safe: str) -> None:
    assert safe_next(target) == safe
