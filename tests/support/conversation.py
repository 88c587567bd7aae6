"""The conversation service the tests drive: built once here, as ``declic.runtime`` builds the
bot's, with only what a test names changed; and the statements its turns send."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event

from bot.render import OfficeWords, Renderer
from infra.clock import Clock
from infra.uow import UnitOfWork
from knowledge.lexicon import default_lexicon
from knowledge.store import CatalogueCache
from knowledge.territory import Gazetteer, load_gazetteer
from routing.conversation.filling import Listening
from routing.conversation.service import ConversationService
from routing.followups import Planner, Policy
from routing.intake import Dialogue
from routing.intake.extraction import Extractor
from routing.sprints import Rules

# The settings' defaults (DECLIC_OFFICE_NAME, DECLIC_TIMEZONE…): what a test names is changed.
OFFICE = OfficeWords("Participation citoyenne", None, 24, "tu", tz=ZoneInfo("Europe/Paris"))
RULES = Rules(tz=OFFICE.tz, holidays_country="FR", holidays_subdivision=None, locale="fr")
FOLLOWUPS = Planner(Policy(tz=OFFICE.tz, holidays_country="FR", holidays_subdivision=None))
LISTENING = Listening(None, None, 120, "tu")  # no reader, office hours unknown
DEFAULTS: dict[str, Any] = {"sprint_rules": RULES, "followup_planner": FOLLOWUPS}


def conversation_service(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    *,
    gazetteer: Gazetteer | None = None,
    threshold: float | None = None,
    quartier_names: bool = True,
    office: OfficeWords | None = None,
    directory: bool = False,
    **options: Any,
) -> ConversationService:
    """The real dialogue over ``gazetteer`` (the demo town's by default), with the dialogue's
    own ``threshold`` unless one is given; replies rendered with the quartiers' names (unless
    ``quartier_names`` is False) and ``office``'s words; suggestions from the directory in the
    database when ``directory``; ``options`` as ``ConversationService`` takes them
    (``staff_group``, ``followup_planner``, ``listening``…)."""
    places = gazetteer if gazetteer is not None else load_gazetteer()
    extractor = Extractor(places, default_lexicon())
    names = {q.id: q.name for q in places.quartiers} if quartier_names else None
    return ConversationService(
        uow_factory,
        clock,
        Dialogue(extractor) if threshold is None else Dialogue(extractor, threshold=threshold),
        Renderer(names, office=office or OFFICE),
        catalogues=CatalogueCache(places) if directory else None,
        **{"default_locale": "fr", "listening": LISTENING, **DEFAULTS, **options},
    )


@asynccontextmanager
async def statements_sent(uow_factory: Callable[[], UnitOfWork]) -> AsyncIterator[list[str]]:
    """The SQL of every statement sent to the database meanwhile, in order (a list the block
    may read, or clear, as it goes)."""
    async with uow_factory() as uow:
        engine = uow.engine
    sent: list[str] = []

    def statement(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        sent.append(sql)

    event.listen(engine.sync_engine, "before_cursor_execute", statement)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", statement)


class TurnWatch:
    """Whether one of the service's turns is running (``now``), to count what the turns do and
    not the test's own reads: put ``around(service.handle)`` in the place of ``handle``."""

    def __init__(self) -> None:
        self.now = False

    def around(self, handle: Callable[[Any], Awaitable[Any]]) -> Callable[[Any], Awaitable[Any]]:
        async def turn(inbound: Any) -> Any:
            self.now = True
            try:
                return await handle(inbound)
            finally:
                self.now = False

        return turn
