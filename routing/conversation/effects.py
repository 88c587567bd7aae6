"""What a turn does besides speaking: the dialogue's effects carried out (the draft kept as an
idea row, submitted, cancelled, a case opened, suggestions and follow-ups answered, the resident
erased…), in the turn's unit of work. A part of ``ConversationService``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, assert_never

from sqlalchemy import (
    ColumnElement,
    Update,
    bindparam,
    func,
    insert,
    inspect,
    literal,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from infra.orm import flush_pending, stored, update_by_parameters
from infra.uow import LaterWrite, UnitOfWork
from knowledge.store import CatalogueCache
from routing import cases, followups, intake, matching, privacy, sprints
from routing.cases import StaffGroup
from routing.conversation.suggestion_replies import (
    own_suggestion,
)
from routing.conversation.turn_rows import (
    MIRRORED,
    NEW_IDEA_COLUMNS,
    hold,
    mirrored,
    new_ref,
    point_to_idea,
    sent,
)
from routing.intake import Draft, Effect, Turn, Verdict
from routing.journey import (
    JOURNEY_EVENT_INSERT,
    Conversation,
    Idea,
    JourneyEvent,
    Resident,
    journey_columns,
    journey_event_from,
    record_journey_event,
)

SUGGESTIONS_OFFERED = 6  # two pages of three: enough to choose, not a catalogue
_IDEA_EFFECTS = (
    intake.CancelDraft,
    intake.DiscardDraft,
    intake.RequestHuman,
)  # the effects that read the idea row

# The submission's and a new idea's writes, built once, as Core statements: the ORM's flush of
# one row (unit of work, dependency sort, per-object events) cost several times the statement.
_IDEAS = Idea.__table__
NEW_IDEA = (
    insert(_IDEAS)
    .values({name: bindparam(name) for name in NEW_IDEA_COLUMNS})
    .returning(_IDEAS.c.id)
)
# The submitted idea: the draft's last words, the status and the time in one UPDATE, and the
# row back (RETURNING) as the turn's Idea object, instead of a SELECT then the flush's UPDATE.
_SUBMITTED_COLUMNS = (*MIRRORED, "status", "submitted_at")
# (``_submitted_on_sqlite``, ``_submitted_on_postgresql``: what else each returns or writes.)
SUBMIT_IDEA = (
    update(_IDEAS)
    .where(_IDEAS.c.id == bindparam("idea_of"))
    .values({name: bindparam(name) for name in _SUBMITTED_COLUMNS})
)
# The resident's columns a submission sets (and any change of theirs still waiting for the
# flush), named by the parameters.
SUBMITTED_BY = update(Resident.__table__).where(Resident.__table__.c.id == bindparam("resident_of"))
# PostgreSQL: a new idea's INSERT and its idea_received event in one statement (the INSERT as a
# data-modifying CTE); the event's data is built in Python, as record_journey_event does.
_EVENTS = JourneyEvent.__table__
_NEW = NEW_IDEA.cte("new_idea")
NEW_IDEA_RECEIVED = journey_event_from(
    _NEW.c.id, "idea_received", bindparam("event_data", type_=_EVENTS.c.data.type), at="event_at"
).returning(_EVENTS.c.idea_id)


@cache
def _submitted_on_postgresql(columns: tuple[str, ...], with_match: bool) -> Any:
    """PostgreSQL: ``SUBMIT_IDEA`` with the resident's UPDATE (``SUBMITTED_BY``, these columns)
    and the intake_completed event as data-modifying CTEs, one round trip for three. The event
    takes the idea's locale from the row (the only dimension the draft does not carry); built
    once per set of resident columns (consent and quartier, plus what a turn left pending).
    The row comes back with what the follow-ups' planning and (``with_match``) the match would
    read first, when the idea is new to them (``followups.untouched``, ``matching.first_match``:
    a first submission's two reads)."""
    residents = Resident.__table__
    consented = update_by_parameters(residents.c.id, "resident_of", columns, "resident_").cte(
        "consented"
    )
    data = bindparam("event_data", type_=JSONB).op("||", return_type=JSONB)(
        func.jsonb_build_object(literal("locale"), _IDEAS.c.locale)
    )
    completed = journey_event_from(
        _IDEAS.c.id,
        "intake_completed",
        data,
        at="event_at",
        where=_IDEAS.c.id == bindparam("idea_of"),
    ).cte("completed")
    return _returning_known(
        SUBMIT_IDEA.add_cte(consented).add_cte(completed), _known_columns(with_match, ids=True)
    )


@cache
def _submitted_on_sqlite(with_match: bool) -> Any:
    """SQLite: ``SUBMIT_IDEA`` with what the planning and the match would read first (as on
    PostgreSQL, without the suggestions' ids: no sequence here, their INSERT returns them)."""
    return _returning_known(SUBMIT_IDEA, _known_columns(with_match, ids=False))


def _returning_known(submit: Update, known: list[ColumnElement[Any]]) -> Any:
    """``submit`` returning the idea's row (every column, in order: ``_submitted_idea`` makes
    the turn's Idea object of it) and ``known`` beside it."""
    return submit.returning(*_IDEAS.c, *known)


_IDEA_END = len(_IDEAS.c)


def _submitted_idea(session: AsyncSession, row: Sequence[Any]) -> Idea:
    """The turn's Idea object for the submission's returned row (``_returning_known``), made
    persistent by ``infra.orm.stored`` as the claim's rows are: through the ORM
    (``select(Idea).from_statement``) the statement's execution and the row's loading cost
    several times what they cost as a Core row."""
    idea = stored(session, Idea, row[:_IDEA_END])
    hold(session, idea)
    return idea


def _known_columns(with_match: bool, *, ids: bool) -> list[ColumnElement[Any]]:
    # The idea by its parameter, not its column: SQLite's RETURNING names columns unqualified,
    # so "ideas.id" in a subquery would be the subquery's own table's id there.
    idea = bindparam("idea_of", type_=_IDEAS.c.id.type)
    known: list[ColumnElement[Any]] = [followups.untouched(idea).label("untouched")]
    if with_match:
        known.extend(matching.first_match(idea, ids=ids))
    return known


@dataclass(frozen=True)
class _Known:
    """What the submission's statement said of the idea besides its row."""

    untouched: bool = False  # no follow-up, live sprint or activity: planning reads nothing
    first: matching.FirstMatch | None = None  # never matched: the match reads nothing


_NOTHING_KNOWN = _Known()


@dataclass(frozen=True)
class _NewIdea:
    """What a new idea's ``idea_received`` event carries, without loading the row."""

    id: int
    neighbourhood: str | None
    group_type: str | None
    themes: list[Any]
    source: str | None
    locale: str


class TurnEffects:
    """The effects' half of ``ConversationService`` (the attributes are the service's)."""

    catalogues: CatalogueCache | None
    staff_group: StaffGroup | None
    followups: followups.Planner
    sprint_rules: sprints.Rules

    async def _apply(
        self,
        uow: UnitOfWork,
        resident: Resident,
        conversation: Conversation,
        turn: Turn,
        now: datetime,
    ) -> bool:
        """Carry out the dialogue's effects; True when the resident was erased."""
        for effect in turn.effects:
            if await self._apply_one(uow, resident, conversation, turn, effect, now):
                return True
        return False

    async def _apply_one(
        self,
        uow: UnitOfWork,
        resident: Resident,
        conversation: Conversation,
        turn: Turn,
        effect: Effect,
        now: datetime,
    ) -> bool:
        session = uow.session
        idea = None
        if conversation.idea_id is not None and isinstance(effect, _IDEA_EFFECTS):
            idea = await session.get(Idea, conversation.idea_id)  # only the effects that need it
        match effect:
            case intake.StartDraft():
                point_to_idea(conversation, None)
            case intake.CancelDraft():
                if idea is not None and idea.status == "draft":
                    idea.status = "cancelled"
                    idea.updated_at = now
                    point_to_idea(conversation, None)
            case intake.DiscardDraft():
                if idea is not None:
                    await uow.write_deferred()  # the message kept (``claim_last``) goes too
                    await privacy.discard_idea_words(session, idea, now)
                    point_to_idea(conversation, None)
            case intake.SubmitIdea():
                await self._submit(uow, resident, conversation, turn.state.draft, now)
            case intake.AnswerSuggestion():
                if effect.verdict is not Verdict.INFO:
                    row = await own_suggestion(session, resident, effect.suggestion_id)
                    if row is not None:
                        yes = effect.verdict is Verdict.YES
                        await matching.record_response(uow, row.id, yes, now)
            case intake.RequestHuman():
                source = "resident" if effect.reason == "asked" else "dialogue"
                await session.flush()
                await cases.open_case(
                    uow,
                    resident.id,
                    idea.id if idea else None,
                    effect.reason,
                    now,
                    source,
                    staff_group=self.staff_group,
                )
                await record_journey_event(
                    session, idea, "handoff_requested", now, reason=effect.reason
                )
            case intake.AnswerFollowUp():

                async def blocked_case(idea_id: int) -> None:
                    await cases.open_case(
                        uow, resident.id, idea_id, "blocked", now, "resident",
                        staff_group=self.staff_group,
                    )  # fmt: skip

                await followups.answer(
                    uow, resident, effect.followup_id, effect.code, effect.text, now,
                    self.followups.policy, open_case=blocked_case,
                )  # fmt: skip
            case intake.PauseFollowUps():
                policy = self.followups.policy
                await followups.set_paused(uow, resident, effect.paused, now, policy)
            case intake.SetLocale():
                resident.locale = effect.locale
            case intake.EraseResident():
                await uow.write_deferred()  # the message kept (``claim_last``) goes too
                await privacy.erase_resident(uow, resident, now, self.sprint_rules)
                return True
            case intake.AppendNote():
                pass  # the words are already in the transcript, linked to the current idea
            case intake.UpdateIdea():
                if conversation.idea_id is not None:
                    submitted = await session.get(Idea, conversation.idea_id)
                    if submitted is not None and submitted.resident_id == resident.id:
                        for name, value in mirrored(effect.draft).items():
                            setattr(submitted, name, value)
                        submitted.updated_at = now
            case _:
                assert_never(effect)
        return False

    async def _submit(
        self,
        uow: UnitOfWork,
        resident: Resident,
        conversation: Conversation,
        draft: Draft,
        now: datetime,
    ) -> None:
        """The idea is submitted: its follow-ups planned, its suggestions made (or, when the
        directory has nothing for it, a person asked to look at it)."""
        session = uow.session
        matches = self.catalogues is not None
        idea, known = await _submitted(uow, resident, conversation, draft, now, matches)
        if idea is None:  # no stored row yet, or one this turn holds: the ORM's way
            idea = await self._sync_idea(session, resident, conversation, draft, now)
            if idea is None:
                idea = await session.get(Idea, conversation.idea_id)
                assert idea is not None  # inserted just now
                hold(session, idea)
            idea.status = "submitted"
            idea.submitted_at = now
            await _consented(session, resident, draft.neighbourhood, now)
            await record_journey_event(session, idea, "intake_completed", now)
        # The follow-ups' and suggestions' rows (their ids taken before) are written by the
        # turn's last statement on PostgreSQL (``ConversationService._save``): nothing in the
        # turn reads them back (the suggestions' page is the match's own).
        with uow.writing_later():
            # the nudge and the check-ins
            await self.followups.plan(uow, idea.id, now, untouched=known.untouched)
            found = None
            if self.catalogues is not None:
                await flush_pending(session)
                found = await matching.suggest_for_idea(
                    uow, idea.id, self.catalogues, now, top=SUGGESTIONS_OFFERED, first=known.first
                )
        if found is not None and not found.suggestions:  # nothing found: a person looks at it
            await cases.open_case(
                uow, resident.id, idea.id, "no_match", now, "dialogue",
                staff_group=self.staff_group,
            )  # fmt: skip

    async def _sync_idea(
        self,
        session: AsyncSession,
        resident: Resident,
        conversation: Conversation,
        draft: Draft,
        now: datetime,
    ) -> Idea | None:
        """Mirror the draft into its idea row, creating it (and `idea_received`) on first words.

        A new row is one Core INSERT (with the draft's words) and no object: None then."""
        idea = await session.get(Idea, conversation.idea_id) if conversation.idea_id else None
        if idea is None:
            values = _new_idea(resident, draft, now)
            if session.get_bind().dialect.name == "postgresql":  # one round trip for both
                received = {**values, "event_at": now, "event_data": _received(values, now)}
                idea_id: int = (await session.execute(NEW_IDEA_RECEIVED, received)).scalar_one()
                point_to_idea(conversation, idea_id)
                return None
            # SQLite: the row and its event on the driver (``turn_rows.sent``), not through the
            # session's execution (a greenlet and SQLAlchemy's execution context each).
            ((idea_id,),) = await sent(session, NEW_IDEA, values)
            point_to_idea(conversation, idea_id)
            new = _NewIdea(idea_id, **_dimensions(values))
            await sent(session, JOURNEY_EVENT_INSERT, journey_columns(new, "idea_received", now))
            return None
        for name, value in mirrored(draft).items():
            setattr(idea, name, value)
        idea.updated_at = now
        hold(session, idea)
        return idea

    # -- replies ---------------------------------------------------------------------------


def _new_idea(resident: Resident, draft: Draft, now: datetime) -> dict[str, Any]:
    """A new idea's row (``NEW_IDEA_COLUMNS``), from the draft's first words."""
    return {"ref": new_ref(), "resident_id": resident.id, "status": "draft",
            "locale": resident.locale, "created_at": now, "unmet_needs": [],
            **mirrored(draft), "updated_at": now}  # fmt: skip


def new_idea_parameters(resident: Resident, draft: Draft, now: datetime) -> dict[str, Any]:
    """PostgreSQL: a new idea's row and its idea_received event as the parameters of the turn's
    save-and-send statement (``turn_rows.NEW_IDEA_SAVE_AND_SEND``), which writes both."""
    values = _new_idea(resident, draft, now)
    parameters = {f"new_idea_{name}": value for name, value in values.items()}
    return parameters | {"new_idea_at": now, "new_idea_event": _received(values, now)}


def _received(values: dict[str, Any], now: datetime) -> Any:
    """The idea_received event's data for a new idea's row ``values``, written by the same
    statement as the row (its id not known yet)."""
    return journey_columns(_NewIdea(0, **_dimensions(values)), "idea_received", now)["data"]


async def _submitted(
    uow: UnitOfWork,
    resident: Resident,
    conversation: Conversation,
    draft: Draft,
    now: datetime,
    matches: bool,
) -> tuple[Idea | None, _Known]:
    """The draft's idea row, submitted (``SUBMIT_IDEA``), as the turn's object, with the
    resident's consent (``_consented``) and the intake_completed event; None when there is no
    row to update or this turn already holds its object (the ORM's way then, for all three).
    On PostgreSQL, with what the statement learnt for the planning and (``matches``) the match."""
    session = uow.session
    if conversation.idea_id is None:
        return None, _NOTHING_KNOWN
    if identity_key(Idea, conversation.idea_id) in session.identity_map:
        return None, _NOTHING_KNOWN
    values = {**mirrored(draft), "updated_at": now, "status": "submitted", "submitted_at": now}
    # The submission's statements on the driver (``turn_rows.sent``): through the session's
    # execution they cost about as much CPU again as the statement itself (issue 18).
    if session.get_bind().dialect.name != "postgresql":
        found = await sent(
            session, _submitted_on_sqlite(matches), {"idea_of": conversation.idea_id, **values}
        )
        if not found:
            return None, _NOTHING_KNOWN
        row = found[0]
        idea = _submitted_idea(session, row)
        await _consented(session, resident, draft.neighbourhood, now)
        # Written with the match's "suggested" event, in one execution (before the commit when
        # no match runs): nothing reads it back in the turn.
        completed = journey_columns(idea, "intake_completed", now)
        await uow.hold(LaterWrite("intake_completed", JOURNEY_EVENT_INSERT, completed))
        return idea, _known(row, matches)
    written = _resident_values(resident, draft.neighbourhood, now)
    event = journey_columns(_NewIdea(0, **_dimensions(mirrored(draft))), "intake_completed", now)
    del event["data"]["locale"]  # the row's own, added by the statement
    statement = _submitted_on_postgresql(tuple(written), matches)
    found = await sent(session, statement, {
        "idea_of": conversation.idea_id, **values, "resident_of": resident.id,
        **{f"resident_{name}": value for name, value in written.items()},
        "event_at": now, "event_data": event["data"], "fresh": SUGGESTIONS_OFFERED,
    })  # fmt: skip
    if not found:  # nothing submitted, so nothing else written: the ORM's way
        return None, _NOTHING_KNOWN
    row = found[0]
    submitted = _submitted_idea(session, row)
    _stored(resident, written)
    return submitted, _known(row, matches)


def _known(row: Sequence[Any], matches: bool) -> _Known:
    """What the submission's statement said besides the idea's row (``_known_columns``, in
    their order: untouched, then directory, unmatched and PostgreSQL's fresh_ids)."""
    untouched, *match = row[_IDEA_END:]
    first = None
    if matches and match[1]:
        ids = match[2] if len(match) > 2 else None  # PostgreSQL's sequence only
        first = matching.FirstMatch(int(match[0] or 0), tuple(ids or ()))
    return _Known(bool(untouched), first)


def _dimensions(values: dict[str, Any]) -> dict[str, Any]:
    """An idea's non-personal dimensions among its columns' values, for its journey events."""
    return {
        "neighbourhood": values["neighbourhood"],
        "group_type": values["group_type"],
        "themes": values["themes"],
        "source": values["source"],
        "locale": values.get("locale", ""),
    }


async def _consented(
    session: AsyncSession, resident: Resident, neighbourhood: str | None, now: datetime
) -> None:
    """The resident consented and lives (or acts) in the idea's quartier: one Core UPDATE,
    carrying along any change of theirs the flush would otherwise write apart."""
    values = _resident_values(resident, neighbourhood, now)
    await sent(session, SUBMITTED_BY, {"resident_of": resident.id, **values})
    _stored(resident, values)


def _resident_values(
    resident: Resident, neighbourhood: str | None, now: datetime
) -> dict[str, Any]:
    values: dict[str, Any] = {"consent_at": now, "neighbourhood": neighbourhood}
    for name in inspect(resident).committed_state:
        values.setdefault(name, getattr(resident, name))
    return values


def _stored(resident: Resident, values: dict[str, Any]) -> None:
    """The resident's object is told these values are stored: the flush has nothing to write."""
    for name, value in values.items():
        set_committed_value(resident, name, value)
