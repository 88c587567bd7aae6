"""The turn's one write: the dialogue's state saved in the conversation row, the draft mirrored
into its idea row when it changed, and on PostgreSQL the turn's outbox rows (and the writes it
deferred, ``claim_last``) carried by the same statement (``turn_rows.SAVE_AND_SEND`` and its
kin), one round trip where there were several (issue 18). A part of ``ConversationService``,
apart from the turn's course (``routing.conversation.service``): how a turn's changes reach the
database, each dialect's way. It builds on the effects (``TurnEffects``): a draft's first words
make its idea row (``_sync_idea``) before the conversation points to it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from infra.uow import UnitOfWork
from routing.conversation.claim_last import CLAIM_WRITES
from routing.conversation.effects import TurnEffects, new_idea_parameters
from routing.conversation.turn_rows import (
    MIRROR_AND_SAVE,
    MIRROR_DRAFT,
    MIRROR_SAVE_AND_SEND,
    NEW_IDEA_ID_COLUMN,
    NEW_IDEA_SAVE_AND_SEND,
    SAVE_AND_SEND,
    SAVE_CONVERSATION,
    insert_conversation,
    mirrored,
    sent,
)
from routing.intake import DialogueState, Draft, state_to_json
from routing.journey import Conversation, Idea, Resident
from routing.outbox import json_row_ids, json_rows

DRAFTING_STEPS = frozenset({"listening", "asking", "summary"})  # the idea row mirrors the draft


class TurnSaving(TurnEffects):
    """The turn's write of its conversation (and idea, and outbox rows): ``_save``."""

    async def _save(
        self,
        uow: UnitOfWork,
        resident: Resident,
        conversation: Conversation,
        before: Draft,
        state: DialogueState,
        now: datetime,
        stored_idea: int | None,
        outbox: list[dict[str, Any]],
    ) -> tuple[int, ...] | None:
        """Write the dialogue state; mirror the draft into its idea row when it changed. On
        PostgreSQL the turn's ``outbox`` rows go with the conversation's UPDATE, in one
        statement: then their ids, else None (the caller writes them).

        A draft whose mirrored columns equal those of the one loaded at the start of the turn
        is already in its idea row (``_sync_idea`` ran when they last changed), so most turns
        skip the idea's SELECT and UPDATE (``_mirror_moved``); a reset draft (no ``idea_id``)
        always gets its row.
        """
        session = uow.session
        mirror: dict[str, Any] | None = None  # the idea row's UPDATE, when one is due
        drafting = state.draft.text and state.step.value in DRAFTING_STEPS
        persistent = inspect(conversation).persistent
        postgresql = session.get_bind().dialect.name == "postgresql"
        if drafting and (conversation.idea_id is None or _mirror_moved(state.draft, before)):
            key = identity_key(Idea, conversation.idea_id) if conversation.idea_id else None
            if key is not None and key not in session.identity_map:
                # The row exists and this turn has not loaded it: one UPDATE, no SELECT.
                mirror = {**mirrored(state.draft), "updated_at": now}
            elif key is None and outbox and persistent and postgresql:
                # A new idea: its row and event written by the save-and-send statement.
                return await self._save_new_idea(uow, resident, conversation, state, now, outbox)
            else:
                await self._sync_idea(session, resident, conversation, state.draft, now)
        saved = state_to_json(state)
        moved = conversation.idea_id != stored_idea  # ``point_to_idea`` left it to this UPDATE
        unchanged = saved == conversation.state and state.version == conversation.version
        values = {"state": saved, "version": state.version, "updated_at": now,
                  "idea_id": conversation.idea_id}  # fmt: skip
        if (
            (mirror is not None or outbox)
            and persistent
            and not (unchanged and not moved)
            and postgresql
        ):  # the writes in one round trip
            params: dict[str, Any] = {"conversation_of": conversation.resident_id}
            params |= {f"conversation_{name}": value for name, value in values.items()}
            if mirror is not None:
                params["mirror_of"] = conversation.idea_id
                params |= {f"idea_{name}": value for name, value in mirror.items()}
            ids = None
            if not outbox:
                await sent(session, MIRROR_AND_SAVE, params)
            elif mirror is None:  # and the writes the turn deferred (``LaterWrite``)
                statement, params = uow.carry_later(SAVE_AND_SEND, params)
                returned = await sent(session, statement, params | json_rows(outbox), last=True)
                ids = json_row_ids(returned, outbox)
            else:
                # the claim's writes only: another (a match's) may UPDATE the idea it mirrors
                statement, params = uow.carry_later(MIRROR_SAVE_AND_SEND, params, CLAIM_WRITES)
                last = not uow.deferred
                returned = await sent(session, statement, params | json_rows(outbox), last=last)
                ids = json_row_ids(returned, outbox)
            for name, value in values.items():
                set_committed_value(conversation, name, value)
            return ids
        if mirror is not None:
            await sent(session, MIRROR_DRAFT, {"idea_id": conversation.idea_id, **mirror})
        if not persistent:  # a new conversation: its row, with the turn's values
            await insert_conversation(session, conversation, values)
            return None
        if unchanged and not moved:
            return None  # updated_at says when the dialogue moved, not when it was read
        # The turn's one write to a known row, as a Core UPDATE: the ORM's flush of a single
        # dirty object costs several times the statement. The object is told the values are
        # stored, so the flush has nothing left to write for it.
        saved = {"conversation_of": conversation.resident_id, **values}
        await sent(session, SAVE_CONVERSATION, saved)
        for name, value in values.items():
            set_committed_value(conversation, name, value)
        return None

    async def _save_new_idea(
        self,
        uow: UnitOfWork,
        resident: Resident,
        conversation: Conversation,
        state: DialogueState,
        now: datetime,
        outbox: list[dict[str, Any]],
    ) -> tuple[int, ...]:
        """PostgreSQL: the new idea's row and event, the conversation pointing to it, the turn's
        outbox rows and its deferred writes in one statement (``NEW_IDEA_SAVE_AND_SEND``; the
        idea's INSERT was a round trip of its own, ``_sync_idea``); the outbox rows' ids."""
        values = {"state": state_to_json(state), "version": state.version, "updated_at": now}
        new_idea = new_idea_parameters(resident, state.draft, now)
        params = {"conversation_of": conversation.resident_id} | new_idea | json_rows(outbox)
        params |= {f"conversation_{name}": value for name, value in values.items()}
        statement, params = uow.carry_later(NEW_IDEA_SAVE_AND_SEND, params)
        rows = await sent(uow.session, statement, params, last=True)
        for name, value in (*values.items(), ("idea_id", rows[0][NEW_IDEA_ID_COLUMN])):
            set_committed_value(conversation, name, value)
        return json_row_ids([row[:NEW_IDEA_ID_COLUMN] for row in rows], outbox)


def _mirror_moved(draft: Draft, before: Draft) -> bool:
    """Whether the idea row's mirror of the draft (``mirrored``) changed in the turn. The
    draft also holds what the row does not mirror (the consent given at the summary), and
    needs not asked yet and none are the same empty list there."""
    return draft != before and mirrored(draft) != mirrored(before)
