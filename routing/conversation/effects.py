"""What a turn does besides speaking: the dialogue's effects carried out (the draft kept as an
idea row, submitted, cancelled, a case opened, suggestions and follow-ups answered, the resident
erased…), in the turn's unit of work. A part of ``ConversationService``."""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from sqlalchemy.ext.asyncio import AsyncSession

from infra.uow import UnitOfWork
from knowledge.store import CatalogueCache
from routing import cases, followups, intake, matching, privacy, sprints
from routing.cases import StaffGroup
from routing.conversation.suggestion_replies import (
    own_suggestion,
)
from routing.conversation.turn_rows import (
    hold,
    mirrored,
    new_ref,
    point_to_idea,
)
from routing.intake import Draft, Effect, Turn, Verdict
from routing.journey import (
    Conversation,
    Idea,
    Resident,
)
from routing.journey import journey_event as _event

SUGGESTIONS_OFFERED = 6  # two pages of three: enough to choose, not a catalogue
_IDEA_EFFECTS = (
    intake.CancelDraft,
    intake.DiscardDraft,
    intake.RequestHuman,
)  # the effects that read the idea row


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
                session.add(_event(idea, "handoff_requested", now, reason=effect.reason))
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
                await privacy.erase_resident(uow, resident, now, self.sprint_rules.tz)
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
        idea = await self._sync_idea(session, resident, conversation, draft, now)
        idea.status = "submitted"
        idea.submitted_at = now
        resident.consent_at = now
        resident.neighbourhood = draft.neighbourhood
        session.add(_event(idea, "intake_completed", now))
        await self.followups.plan(uow, idea.id, now)  # the nudge and the check-ins
        if self.catalogues is not None:
            await session.flush()
            found = await matching.suggest_for_idea(
                uow, idea.id, self.catalogues, now, top=SUGGESTIONS_OFFERED
            )
            if not found.suggestions:  # nothing in the directory: a person looks at it
                await cases.open_case(
                    uow,
                    resident.id,
                    idea.id,
                    "no_match",
                    now,
                    "dialogue",
                    staff_group=self.staff_group,
                )

    async def _sync_idea(
        self,
        session: AsyncSession,
        resident: Resident,
        conversation: Conversation,
        draft: Draft,
        now: datetime,
    ) -> Idea:
        """Mirror the draft into its idea row, creating it (and `idea_received`) on first words."""
        idea = await session.get(Idea, conversation.idea_id) if conversation.idea_id else None
        if idea is None:
            # One INSERT with the draft's words (assigning them after the flush cost an UPDATE).
            idea = Idea(
                ref=new_ref(),
                resident_id=resident.id,
                status="draft",
                locale=resident.locale,
                created_at=now,
                updated_at=now,
                unmet_needs=[],
                **mirrored(draft),
            )
            session.add(idea)
            await session.flush()
            point_to_idea(conversation, idea.id)
            session.add(_event(idea, "idea_received", now))
        else:
            for name, value in mirrored(draft).items():
                setattr(idea, name, value)
            idea.updated_at = now
        hold(session, idea)
        return idea

    # -- replies ---------------------------------------------------------------------------
