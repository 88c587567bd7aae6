"""Fixtures of the integration tests (the database ones are in ``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from routing.staff import credentials
from tests.support.console import console_app


@pytest.fixture
def app(migrated_url: str, uow_factory: Callable[[], UnitOfWork], clock: FrozenClock) -> FastAPI:
    """The console over the test's database, on the test's clock."""
    return console_app(migrated_url, uow_factory, clock)


class RememberingHasher:
    """The product's argon2id hasher, each answer remembered: a password is hashed once per
    process, a (hash, password) pair verified once.

    Each argon2 call costs about 0.2 s of CPU (four threads), and the integration tests made
    hundreds: a staff member is a fixture there (four in each case-desk test, two backends),
    and argon2 was most of the console tests' CPU. The answers are argon2's own, so a wrong
    password is still refused; the hashing itself (argon2id, salted: the same password twice
    gives two hashes) is tests/unit/test_staff_rules.py's subject, with the real hasher.
    """

    def __init__(self, real: Any) -> None:
        self.real = real
        self.hashes: dict[str, str] = {}
        self.verdicts: dict[tuple[str, str], bool | Exception] = {}

    def hash(self, password: str) -> str:
        if password not in self.hashes:
            self.hashes[password] = self.real.hash(password)
        return self.hashes[password]

    def verify(self, password_hash: str, password: str) -> bool:
        key = (password_hash, password)
        if key not in self.verdicts:
            try:
                self.verdicts[key] = self.real.verify(password_hash, password)
            except Exception as exc:  # argon2's refusals, raised again each time
                self.verdicts[key] = exc
        verdict = self.verdicts[key]
        if isinstance(verdict, Exception):
            raise verdict
        return verdict

    def check_needs_rehash(self, password_hash: str) -> bool:
        return bool(self.real.check_needs_rehash(password_hash))


@pytest.fixture(scope="session")
def _remembering_hasher() -> RememberingHasher:
    return RememberingHasher(credentials._hasher())


@pytest.fixture(scope="module", autouse=True)
def _one_argon2_hash_per_password(_remembering_hasher: RememberingHasher) -> Iterator[None]:
    """Each integration module, and only it (its module-scoped fixtures included), uses the
    remembering hasher, whose answers last the whole run: a unit test that runs later in the
    same worker gets the real one (a session-wide patch made the salting test fail there)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(credentials, "_hasher", lambda: _remembering_hasher)
        yield
