"""The switches of ``bench.turn_ab``'s variants of sessions 8 to 11 (issue 18).

They lived in ``bench/turn_ab.py`` itself until it reached 500 lines (session 14); moved here
whole, unchanged, so the harness reads apart from what it measures. Each switch is
``switch(declic, on)``: ``on`` puts the tree's way back (B), ``off`` the way before (A). Later
sessions keep theirs in ``bench/session<N>_<topic>.py``; ``bench.turn_ab_variants`` gathers them.

``claim`` and ``returning`` measured nothing from session 12 to 14 (``bench.turn_ab_guard`` found
them): they swapped ``service.claim_and_load`` alone, but since session 12 a turn reaches
``claim_and_load`` through ``routing.conversation.claim_last``'s own import, so A and B ran the
same code. They swap it there too now. Their figures in ``bench/README.md`` were measured before
that move and stand.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import operator
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy import Update, column, inspect, select
from sqlalchemy.exc import IntegrityError

from bench import claim_before, driver_before, outside_before, submission_before
from bot.middlewares import ChatOrder, Handler
from bot.routers import Residents, buttons, private_button, private_message
from bot.routers import messages as texts
from infra import driver, frozen, uow
from infra.uow import LaterWrite, UnitOfWork
from routing import matching
from routing.conversation import claim_first, effects, saving, service, turn_rows
from routing.conversation.turn_rows import hold
from routing.followups import service as followups_service
from routing.intake import (
    asking,
    commands,
    dialogue,
    draft,
    pressing,
    reading,
    state_codec,
)
from routing.intake import listening as listening_step
from routing.intake.asking import Asking
from routing.intake.draft import Draft
from routing.journey import Idea
from routing.matching import suggestions


def _fsm(declic: Any, on: bool) -> None:
    """B: no aiogram FSM middleware (``Dispatcher(disable_fsm=True)``); A: the default one."""
    dp = declic.dp
    middlewares = dp.update.outer_middleware._middlewares
    if on and dp.fsm in middlewares:
        middlewares.remove(dp.fsm)
    elif not on and dp.fsm not in middlewares:
        middlewares.insert(2, dp.fsm)  # aiogram's place: after errors and the user context


_mirror_moved = saving._mirror_moved


def _mirror(declic: Any, on: bool) -> None:
    """B: the draft's idea row written when its mirrored columns changed; A: when the draft did
    (the consent given at the summary wrote the row again, only ``updated_at`` moving)."""
    saving._mirror_moved = _mirror_moved if on else operator.ne  # type: ignore[assignment]


_uow_exit = UnitOfWork.__aexit__


async def _closing_exit(
    self: UnitOfWork,
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    tb: TracebackType | None,
) -> None:
    if self._holding is not None:
        uow._HOLDING.reset(self._holding)
        self._holding = None
    await self.session.close()


def _close(declic: Any, on: bool) -> None:
    """B: a unit of work with no transaction left expunges its objects on exit; A: it always
    closed its session (a greenlet and ``Session.close``'s machinery for the same)."""
    UnitOfWork.__aexit__ = _uow_exit if on else _closing_exit  # type: ignore[method-assign]


class _Flood(BaseMiddleware):
    """The flood guard as the message observer's inner middleware it was before ``Residents``."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = data.get("event_from_user")
        data["throttle"] = await data["flood"].throttle(user.id) if user else (False, False)
        return await handler(event, data)


def _route(declic: Any, on: bool) -> None:
    """B: a resident's private message or button handed to its handler by ``Residents``; A:
    through aiogram's routing (the handlers on the dispatcher's observers behind their
    private-chat filters, the flood guard as the message observer's middleware)."""
    dp = declic.dp
    outer = dp.update.outer_middleware._middlewares
    residents = next((m for m in outer if isinstance(m, Residents)), None)
    if on and residents is None:
        outer.append(Residents())
        dp.message.handlers[:] = [h for h in dp.message.handlers
                                  if h.callback is not texts.any_message]  # fmt: skip
        dp.callback_query.handlers[:] = [h for h in dp.callback_query.handlers
                                         if h.callback is not buttons.button]  # fmt: skip
        dp.message.middleware._middlewares.clear()
    elif not on and residents is not None:
        outer.remove(residents)
        dp.message.register(texts.any_message, private_message)
        dp.callback_query.register(buttons.button, private_button)
        dp.message.middleware(_Flood())


_claim_and_load = service.claim_and_load  # type: ignore[attr-defined]


# Where a turn calls ``claim_and_load`` from: ``service`` (a failed turn's claim) and, since
# session 12, ``claim_last`` (every SQLite turn; PostgreSQL's first, /start and held ones).
_CLAIMING = (service, importlib.import_module("routing.conversation.claim_last"))


def _claim(declic: Any, on: bool) -> None:
    """B: the turn's rows read as Core columns, the objects made by ``infra.orm.stored``; A:
    loaded through the ORM (``bench.claim_before``). Swapped where turns call it (session 14: it
    was swapped in ``service`` alone, which turns no longer called since session 12)."""
    for module in _CLAIMING:
        setattr(module, "claim_and_load", _claim_and_load if on else claim_before.claim_and_load)  # noqa: B010


async def _claim_then_load(
    session: Any, inbound: Any, kind: str, now: Any, *, keep: bool = False
) -> claim_first.Claimed | None:
    """``claim_and_load`` as it was on SQLite before session 9: the claim's INSERT, then the
    turn's rows read by a SELECT of their own (``LOAD_TURN``)."""
    if inbound.update_id is None or session.get_bind().dialect.name == "postgresql":
        claimed: claim_first.Claimed | None = await _claim_and_load(
            session, inbound, kind, now, keep=keep
        )
        return claimed
    claim = {"update_id": inbound.update_id, "kind": kind, "received_at": now,
             "channel": inbound.channel}  # fmt: skip
    try:
        await session.execute(claim_before.CLAIM_UPDATE, claim)
    except IntegrityError:
        await session.rollback()
        return None
    load = {"of_channel": inbound.channel, "of_external_id": inbound.external_user_id}
    row = (await session.execute(claim_first.LOAD_TURN, load)).first()
    return claim_first.Claimed(claim_first._turn_row(session, row))


def _returning(declic: Any, on: bool) -> None:
    """B: on SQLite the claim's INSERT reads the turn's rows in its RETURNING clause
    (``CLAIM_RETURNING_LOAD``); A: a SELECT after the INSERT. PostgreSQL: the same both ways.
    Swapped where turns call it (as ``_claim``, session 14)."""
    for module in _CLAIMING:
        setattr(module, "claim_and_load", _claim_and_load if on else _claim_then_load)  # noqa: B010


def _session8(declic: Any, on: bool) -> None:
    """All of the above together."""
    for switch in (_close, _fsm, _mirror, _route):
        switch(declic, on)


_load = service.ConversationService._load


async def _load_adding(self: Any, uow: UnitOfWork, *args: Any) -> Any:
    resident, conversation, held = await _load(self, uow, *args)
    if inspect(conversation).transient:
        uow.session.add(conversation)  # the next statement's autoflush inserts it
    return resident, conversation, held


def _conversation(declic: Any, on: bool) -> None:
    """B: a new resident's conversation inserted once by the turn's write (``_save``); A: added
    to the session when made, so flushed by the next statement, then updated by ``_save``."""
    setattr(service.ConversationService, "_load", _load if on else _load_adding)  # noqa: B010


_hold = UnitOfWork.hold


async def _sent_now(self: UnitOfWork, write: LaterWrite) -> None:
    await self.session.execute(write.statement, write.parameters)


def _held(declic: Any, on: bool) -> None:
    """B: SQLite's submission holds its intake_completed event for the match's "suggested" one
    (one execution for both rows); A: the event written by its own INSERT when made."""
    setattr(UnitOfWork, "hold", _hold if on else _sent_now)  # noqa: B010


_returning_known = effects._returning_known
_submitted_idea = effects._submitted_idea
_submitted_on: dict[bool, tuple[Any, ...]] = {
    True: (effects._submitted_on_postgresql, effects._submitted_on_sqlite)
}


def _orm_returning(submit: Update, known: list[Any]) -> Any:
    return select(Idea, *(column(c.name, c.type) for c in known)).from_statement(
        submit.returning(*Idea.__table__.c, *known)
    )


def _orm_idea(session: Any, row: Any) -> Any:
    hold(session, row[0])
    return row[0]


_known = effects._known


def _known_by_name(row: Any, matches: bool) -> Any:
    """``effects._known`` for the ORM's row (the Idea, then the known columns by name)."""
    first = None
    if matches and row.unmatched:
        ids = getattr(row, "fresh_ids", None) or ()
        first = matching.FirstMatch(int(row.directory or 0), tuple(ids))
    return effects._Known(bool(row.untouched), first)


def _submitted(declic: Any, on: bool) -> None:
    """B: the submission's returned row made the turn's Idea by ``infra.orm.stored``; A: loaded
    through the ORM (``select(Idea).from_statement``, through the session as it was then, its
    row read by name). Each way's statements built once."""
    effects._returning_known = _returning_known if on else _orm_returning
    effects._submitted_idea = _submitted_idea if on else _orm_idea
    effects._known = _known if on else _known_by_name
    _submit_driver(declic, on)
    ways = _submitted_on[True]
    built = _submitted_on.setdefault(on, tuple(functools.cache(way.__wrapped__) for way in ways))
    effects._submitted_on_postgresql, effects._submitted_on_sqlite = built


_save_new_idea = service.ConversationService._save_new_idea


async def _inserted_first(
    self: Any, uow: UnitOfWork, resident: Any, conversation: Any, state: Any, now: Any,
    outbox: list[dict[str, Any]],
) -> tuple[int, ...] | None:  # fmt: skip
    await self._sync_idea(uow.session, resident, conversation, state.draft, now)
    return await self._save(uow, resident, conversation, state.draft, state, now, None, outbox)  # type: ignore[no-any-return]


def _new_idea(declic: Any, on: bool) -> None:
    """B: a new idea's INSERT and event carried by the save-and-send statement (PostgreSQL);
    A: sent on their own first (``_sync_idea``), then the save."""
    setattr(service.ConversationService, "_save_new_idea",  # noqa: B010
            _save_new_idea if on else _inserted_first)  # fmt: skip


# The modules whose turn-time copies go through ``infra.frozen.replace`` (session 10).
_COPYING = (asking, commands, dialogue, draft, listening_step, pressing, reading, service,
            state_codec)  # fmt: skip


def _frozen(declic: Any, on: bool) -> None:
    """B: the dialogue's frozen records copied by ``infra.frozen.replace`` (their ``__dict__``
    with the changes); A: by ``dataclasses.replace`` (the fields walked, the frozen
    ``__init__``), the stored state decoded through that too."""
    for module in _COPYING:
        setattr(module, "replace", frozen.replace if on else dataclasses.replace)  # noqa: B010


def _driver(declic: Any, on: bool) -> None:
    """B: the turn's hot statements run on the driver's connection (``infra.driver.rows``);
    A: through the session's execution (``bench.driver_before``)."""
    for module in (turn_rows, claim_first):
        setattr(module, "rows", driver.rows if on else driver_before.rows)  # noqa: B010


_made_once = (Asking.options, Asking.quartier_options, Draft.known)


def _options(declic: Any, on: bool) -> None:
    """B: the questions' options made once (constants, a cache for the needs' ticks, the
    quartiers' pages kept) and a draft's known slots read without a dictionary; A: the options
    made anew each time they were asked or checked, ``Draft.known`` building a dictionary of
    every slot at each call."""
    before = (outside_before.options, outside_before.quartier_options, outside_before.known)
    Asking.options, Asking.quartier_options, Draft.known = _made_once if on else before  # type: ignore[method-assign]


def _session10(declic: Any, on: bool) -> None:
    """Session 10's two together (the turn's CPU outside the database)."""
    for switch in (_frozen, _options):
        switch(declic, on)


_connection_of = driver.connection_of


def _held_connection(declic: Any, on: bool) -> None:
    """B: a transaction's second driver statement on reuses the connection the first got
    (``infra.driver.connection_of``); A: ``AsyncSession.connection`` at each."""
    setattr(driver, "connection_of", _connection_of if on else driver_before.connection_of)  # noqa: B010


_serialise = UnitOfWork.serialise


def _serialise_on_driver(declic: Any, on: bool) -> None:
    """Both: turns serialised across processes, as in webhook mode (``ChatOrder``: each unit
    of work first tries the chat's advisory lock; PostgreSQL). B: that statement on the driver
    (``infra.driver``); A: through the session (``bench.driver_before.serialise``)."""
    for middleware in declic.dp.update.outer_middleware._middlewares:
        if isinstance(middleware, ChatOrder):
            middleware.across_processes = True
    setattr(UnitOfWork, "serialise", _serialise if on else driver_before.serialise)  # noqa: B010


_inserts = (turn_rows.insert_resident, turn_rows.insert_conversation)


def _new_resident(declic: Any, on: bool) -> None:
    """B: a new resident's and conversation's INSERTs on the driver; A: through the session."""
    before = (driver_before.insert_resident, driver_before.insert_conversation)
    names = ("insert_resident", "insert_conversation")
    for name, function in zip(names, _inserts if on else before, strict=True):
        setattr(service, name, function)
    setattr(saving, names[1], (_inserts if on else before)[1])  # _save's


def _submit_driver(declic: Any, on: bool) -> None:
    """B: the submission's UPDATE of the idea (and on SQLite the resident's) on the driver
    (``turn_rows.sent``); A: through the session's execution (session 11)."""
    setattr(effects, "sent", turn_rows.sent if on else driver_before.rows)  # noqa: B010


_rows_written = (followups_service.inserted, suggestions.inserted, suggestions.recorded)


def _submission_rows(declic: Any, on: bool) -> None:
    """B: SQLite's submission writes its follow-ups, suggestions and journey events by one
    INSERT each (``infra.orm.many_rows``) on the driver; A: SQLAlchemy's executemany through
    the session (``bench.submission_before``). PostgreSQL's turn defers them: the same."""
    before = (submission_before.followups_inserted, submission_before.suggestions_inserted,
              submission_before.recorded)  # fmt: skip
    inserted, added, recorded = _rows_written if on else before
    setattr(followups_service, "inserted", inserted)  # noqa: B010
    setattr(suggestions, "inserted", added)  # noqa: B010
    setattr(suggestions, "recorded", recorded)  # noqa: B010


_as_stored = suggestions.as_stored


def _reasons(declic: Any, on: bool) -> None:
    """B: a new suggestion's reasons copied as JSON gives them back (``as_stored``); A: through
    ``json.loads(json.dumps(...))``."""
    setattr(suggestions, "as_stored", _as_stored if on else submission_before.as_stored)  # noqa: B010


def _submission11(declic: Any, on: bool) -> None:
    """Session 11's three cuts to the submission turn together."""
    for switch in (_submit_driver, _submission_rows, _reasons):
        switch(declic, on)


# name -> switch(declic, on): on = the tree's way (B), off = the way before (A)
VARIANTS: dict[str, Callable[[Any, bool], None]] = {
    "claim": _claim,
    "close": _close,
    "conversation": _conversation,
    "driver": _driver,
    "frozen": _frozen,
    "fsm": _fsm,
    "held": _held,
    "held_connection": _held_connection,
    "mirror": _mirror,
    "options": _options,
    "new_idea": _new_idea,
    "new_resident": _new_resident,
    "returning": _returning,
    "route": _route,
    "serialise": _serialise_on_driver,
    "session8": _session8,
    "session10": _session10,
    "submitted": _submitted,
    "submit_driver": _submit_driver,
    "submission_rows": _submission_rows,
    "reasons": _reasons,
    "submission11": _submission11,
}
