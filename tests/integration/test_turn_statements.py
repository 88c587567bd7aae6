"""How many statements a resident's turn sends, on each backend (issue 18): a regression guard.

On PostgreSQL every statement is a round trip (plus the transaction's BEGIN and COMMIT, which
send no cursor event and are not counted here) and a round trip is where a turn waits behind the
other turns' CPU: the submission's turn, the longest, makes the tail. A change that adds a
statement to these turns must say so here.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from knowledge.demo import load_demo_directory
from routing.conversation.service import Outcome
from tests.support.conversation import conversation_service, statements_sent
from tests.support.residents import ScriptedResident

IDEA = (
    "Avec des voisins on voudrait un jardin partagé aux Glycines, "
    "il nous faut un lieu et un peu d'argent pour les graines"
)
# (new resident's /start, first words of a new idea, a typed answer, a pressed answer,
#  the submission (with suggestions found; or, the directory empty, a case opened),
#  a typed message after it). The pressed answer is the consent: it changes the draft but
#  nothing of it the idea row mirrors, so the row is not written again.
EXPECTED = {
    ("postgresql", "demo"): [5, 2, 2, 2, 3, 3],
    ("sqlite", "demo"): [5, 6, 5, 3, 8, 5],
    ("postgresql", "empty"): [5, 2, 2, 2, 5, 3],
    ("sqlite", "empty"): [5, 6, 5, 3, 12, 5],
}


@pytest.mark.parametrize("directory", ["demo", "empty"])
async def test_statements_per_turn(
    uow_factory, clock, backend: str, directory: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    if directory == "demo":
        await load_demo_directory(uow_factory, datetime(2026, 11, 1, tzinfo=UTC))
    service = conversation_service(uow_factory, clock, directory=True)
    # The catalogue built before the turns, as the bot's commands do (declic.runtime.prime).
    async with uow_factory() as uow:
        await service.catalogues.get(uow)  # type: ignore[union-attr]
    counts: list[int] = []
    handle = service.handle
    async with statements_sent(uow_factory) as sent:

        async def counted(inbound):  # type: ignore[no-untyped-def]
            sent.clear()
            outcome: Outcome = await handle(inbound)
            counts.append(len(sent))
            return outcome

        monkeypatch.setattr(service, "handle", counted)
        # Twice: the second resident's turns find the first one's rows in the tables (a read
        # that looks at the wrong idea's rows would show there).
        for user_id in ("42", "43"):
            resident = ScriptedResident(service, user_id=user_id)
            await resident.says("/start")
            await resident.says(IDEA)
            await resident.says("cet été")
            await resident.presses("a", "yes")
            submitted = await resident.presses("s", "ok")
            assert submitted.handled
            await resident.says("merci !")
    assert counts == EXPECTED[backend, directory] * 2
