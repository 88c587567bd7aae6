"""Schemathesis against the console's JSON API, on SQLite and PostgreSQL: requests generated from
``/api/openapi.json`` (valid and invalid ones), sent with an admin's and an agent's bearer token
over a database with a team, a resident, an idea, an open case and a sprint, never get a server
error, and the valid ones get answers that match the schema.

Cases are drawn first (Hypothesis, derandomized, a bounded number per operation), then sent one
by one through ``httpx.ASGITransport`` on the test's own event loop, the one the database
engine lives on. Half of them aim at the rows that exist (the seeded case, idea and sprint ids),
so the actions reach the services instead of stopping at 404.

Derandomized, the draw gives the same cases for the same schema and the same seeded ids, so the
second backend reuses the first one's (``drawn``, module-scoped: the module is one xdist unit,
see tests/conftest.py). Drawing was three quarters of a backend's test: about 21 of its 27 s of
CPU. Both backends still get every case sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from declic.demo import load_demo_sprints
from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from knowledge.demo import load_demo_directory
from routing.cases import canned
from routing.journey.records import Idea
from routing.sprints import availability
from routing.sprints import notices as sprint_notices
from routing.sprints import service as sprints
from tests.support.cases import Opened, add_team, resident_with_case
from tests.support.console import add_staff, add_token
from tests.support.conversation import FOLLOWUPS, RULES

Factory = Callable[[], UnitOfWork]
EXAMPLES = 5  # per operation, generation mode (valid, invalid) and target (any id, seeded ids)
BASE = "http://testserver"


@dataclass(frozen=True)
class Seeded:
    tokens: tuple[str, ...]  # an admin's, then an agent's of the case's team
    opened: Opened
    sprint_id: int
    staff_id: int
    canned_id: int
    team_id: int
    external_id: str = "rb-salle-glycines"  # a directory entry of the demo


async def _seed(uow_factory: Factory, clock: FrozenClock) -> Seeded:
    await load_demo_directory(uow_factory, datetime(2026, 11, 1, tzinfo=UTC))
    assert await load_demo_sprints(uow_factory)
    admin = await add_staff(uow_factory, clock, "ada@ville.example", "admin", "Ada Admin")
    awa = await add_staff(uow_factory, clock, "awa@ville.example", name="Awa Diallo")
    team_id = await add_team(uow_factory, "jardins", "Jardins", ("glycines",), (awa.id,))
    opened = await resident_with_case(
        uow_factory, clock, name="Zélie", neighbourhood="glycines", words="Un jardin partagé"
    )
    async with uow_factory() as uow:
        idea = await uow.session.get(Idea, opened.idea_id)
        assert idea is not None
        idea.needs, idea.themes = ["place", "funding"], ["garden"]
        await uow.commit()
    # a sprint for the idea, so /api/sprints/{id} has a real row
    async with uow_factory() as uow:
        offer = await availability.sprint_options(uow, opened.idea_id, clock.now(), rules=RULES)
        booked = await sprints.confirm(
            uow,
            opened.idea_id,
            offer.plan.options[0],
            clock.now(),
            followups=FOLLOWUPS,
            rules=RULES,
        )
        assert isinstance(booked, sprint_notices.Booked)
        await uow.commit()
    async with uow_factory() as uow:
        reply = await canned.save(
            uow, title="Accueil", body="Bonjour {prénom} !", now=clock.now(), staff_id=awa.id
        )
        await uow.commit()
    tokens = (
        await add_token(uow_factory, clock, admin.id),
        await add_token(uow_factory, clock, awa.id),
    )
    return Seeded(tokens, opened, booked.sprint_id, awa.id, reply.id, team_id)


def _real_ids(seeded: Seeded) -> dict[str, Any]:
    return {
        "case_id": seeded.opened.case_id,
        "ref": seeded.opened.idea_ref,
        "sprint_id": seeded.sprint_id,
        "staff_id": seeded.staff_id,
        "canned_id": seeded.canned_id,
        "team_id": seeded.team_id,
        "external_id": seeded.external_id,
    }


def _draw(schema: schemathesis.BaseSchema, real_ids: dict[str, Any]) -> list[Case]:
    """Cases for every operation: generated ids, then the seeded rows' ids."""
    drawn: list[Case] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        targets: list[dict[str, Any] | None] = [None]
        if names:
            targets.append({name: real_ids[name] for name in names})
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for pinned in targets:
                strategy = operation.as_strategy(generation_mode=mode, path_parameters=pinned)
                drawn.extend(_examples(strategy))
    return drawn


def _examples(strategy: st.SearchStrategy[Case]) -> list[Case]:
    found: list[Case] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(case: Case) -> None:
        found.append(case)

    with suppress(Unsatisfiable):  # nothing to make invalid: no parameter and no body
        collect()
    return found


async def _send(client: httpx.AsyncClient, case: Case, token: str) -> httpx.Response:
    kwargs = case.as_transport_kwargs(base_url=BASE, headers={"Authorization": f"Bearer {token}"})
    kwargs.pop("auth", None)
    if "data" in kwargs:
        kwargs["content"] = kwargs.pop("data")
    assert not kwargs.pop("cookies", None), "the API takes no cookie parameter"
    return await client.request(**kwargs)


@pytest.fixture(scope="module")
def drawn() -> dict[str, list[Case]]:
    """The cases drawn in this module, by schema and seeded ids."""
    return {}


async def test_generated_requests_get_no_server_error(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock, drawn: dict[str, list[Case]]
) -> None:
    seeded = await _seed(uow_factory, clock)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        served = await client.get("/api/openapi.json")
        assert served.status_code == 200
        real_ids = _real_ids(seeded)
        key = json.dumps([served.json(), real_ids], sort_keys=True)
        if key not in drawn:
            drawn[key] = _draw(schemathesis.openapi.from_dict(served.json()), real_ids)
        cases = drawn[key]
        assert cases
        failures: list[str] = []
        for index, case in enumerate(cases):
            token = seeded.tokens[index % len(seeded.tokens)]
            response = await _send(client, case, token)
            checks = [not_a_server_error]
            if case.meta is None or case.meta.generation.mode is GenerationMode.POSITIVE:
                checks.append(response_schema_conformance)
            try:
                case.validate_response(response, checks=checks)
            except (AssertionError, FailureGroup) as exc:
                failures.append(
                    f"{case.method} {case.formatted_path} query={case.query!r} "
                    f"body={case.body!r} -> {response.status_code} {response.text[:300]}\n"
                    f"  {type(exc).__name__}: {str(exc)[:500]}"
                )
    assert not failures, f"{len(failures)} of {len(cases)} failed:\n" + "\n".join(failures[:30])


async def test_what_schemathesis_found_is_bad_input(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock
) -> None:
    """An audit id past 64 bits crashed SQLite; a NUL character crashed PostgreSQL (text and
    jsonb cannot hold one). Both are now 422, on both backends."""
    seeded = await _seed(uow_factory, clock)
    headers = {"Authorization": f"Bearer {seeded.tokens[0]}"}
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=headers) as client:
        case = seeded.opened.case_id
        assert (await client.post(f"/api/cases/{case}/claim")).status_code == 200
        answers = [
            await client.get("/api/audit", params={"before": 2**70}),
            await client.get("/api/audit", params={"subject_id": "a\x00b"}),
            await client.get("/api/stats", params={"quartier": "gare\x00"}),
            await client.post(f"/api/cases/{case}/reply", json={"text": "bonjour\x00"}),
            await client.post(
                f"/api/cases/{case}/resolve", json={"outcome": "answered", "note": "\x00"}
            ),
            await client.post(
                f"/api/sprints/{seeded.sprint_id}/held", json={"held": True, "note": "\x00"}
            ),
        ]
    assert [a.status_code for a in answers] == [422] * len(answers)
