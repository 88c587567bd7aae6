"""The dialogue's replies filled in with data before the transport renders them: ideas,
suggestions, sprints, follow-ups, who holds a request, the export, and what listening answers
(when a person will answer, examples, pointers, a question's answer). A part of
``ConversationService``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeAlias, assert_never

from infra.clock import Clock
from infra.uow import UnitOfWork
from knowledge.store import CatalogueCache
from routing import cases, followups, intake, privacy, sprints
from routing.cases import StaffGroup, WorkingHours
from routing.conversation import answers
from routing.conversation import sprints as sprint_conversation
from routing.conversation.replies import (
    ExportDocument,
    HeldBy,
    ServiceReply,
)
from routing.conversation.status import case_holder, followup_ack, status_report
from routing.conversation.suggestion_replies import (
    suggestion_feedback,
    suggestions_page,
)
from routing.journey import (
    Conversation,
    Resident,
)
from routing.understanding import Context, Understanding
from routing.understanding import Step as ReadingStep

# the replies that listening fills in: when a person answers, examples, pointers, an answer
Listened: TypeAlias = (
    intake.Waiting | intake.AnswerQuestion | intake.IdeaExamples | intake.GeneralPointers
)


class Reader(Protocol):
    """The understanding layer as the service uses it (``routing.understanding``)."""

    threshold: float

    def understand(
        self, text: str, step: ReadingStep, locale: str, context: Context
    ) -> Understanding: ...


@dataclass(frozen=True)
class Listening:
    """What listening needs besides the dialogue: the reader, the office's hours and usual
    delay (to say when a person answers), the register residents get by default. Built by the
    composition root from the settings (``declic.runtime``), with no defaults: a forgotten one
    would promise another delay or speak another register than the town's."""

    reader: Reader | None  # None: the dialogue's own extraction only
    hours: WorkingHours | None  # working_hours(settings); None: the office's hours unknown
    delay_minutes: int  # DECLIC_CASE_ESCALATE_AFTER_WORKING_MINUTES
    default_register: str  # DECLIC_DEFAULT_REGISTER


class ReplyFilling:
    """The replies' half of ``ConversationService`` (the attributes are the service's)."""

    clock: Clock
    dialogue: intake.Dialogue
    catalogues: CatalogueCache | None
    staff_group: StaffGroup | None
    followups: followups.Planner
    sprint_rules: sprints.Rules
    listening: Listening

    async def _resolve(
        self,
        uow: UnitOfWork,
        resident: Resident,
        conversation: Conversation,
        replies: Sequence[intake.Reply],
        state: intake.DialogueState | None = None,
    ) -> tuple[ServiceReply, ...]:
        """Fill in the replies that need data: ideas, suggestions, the export document."""
        session = uow.session
        out: list[ServiceReply] = []
        for reply in replies:
            match reply:
                case (
                    intake.Waiting()
                    | intake.AnswerQuestion()
                    | intake.IdeaExamples()
                    | intake.GeneralPointers()
                ):
                    found = await self._listened(uow, resident, conversation, reply, state)
                    if found is not None:
                        out.append(found)
                case intake.Say(key="human_requested"):
                    holder = await case_holder(uow, resident)  # asked again while a person holds it
                    out.append(HeldBy(holder) if holder is not None else reply)
                case (
                    intake.Say()
                    | intake.Understood()
                    | intake.Ask()
                    | intake.Summary()
                    | intake.Menu()
                    | intake.Added()
                ):
                    out.append(reply)
                case intake.ShowSuggestions():
                    if self.catalogues is not None:
                        out.append(await suggestions_page(session, conversation.idea_id, reply))
                case intake.SuggestionFeedback():
                    out.append(await suggestion_feedback(session, resident, reply))
                case intake.ShowSprintOptions() | intake.BookSprint() | intake.CancelSprint():
                    out.append(
                        await sprint_conversation.resolve(
                            uow,
                            resident,
                            conversation.idea_id,
                            reply,
                            self.clock.now(),
                            self.dialogue.extractor.gazetteer,
                            group=self.staff_group,
                            followups=self.followups,
                            rules=self.sprint_rules,
                        )
                    )
                case intake.FollowUpFeedback():
                    out.append(await followup_ack(session, resident, reply))
                case intake.ShowStatus():
                    out.append(await status_report(uow, resident))
                case intake.SendExport():
                    await uow.write_deferred()  # the message kept (``claim_last``) is in it
                    await session.flush()
                    content = await privacy.export_resident(session, resident)
                    summary = await privacy.summarise(session, resident)
                    out.append(ExportDocument("declic-mes-donnees.json", content, summary))
                case _:
                    assert_never(reply)
        return tuple(out)

    async def _listened(
        self,
        uow: UnitOfWork,
        resident: Resident,
        conversation: Conversation,
        reply: Listened,
        state: intake.DialogueState | None,
    ) -> ServiceReply | None:
        now = self.clock.now()
        today = now.date()
        if isinstance(reply, intake.Waiting):
            holder = await case_holder(uow, resident)
            if holder is not None:
                return HeldBy(holder)
            since = state.human_since if state is not None else None
            return answers.waiting_notice(
                self.listening.hours, self.listening.delay_minutes, now, since, again=reply.again
            )
        if isinstance(reply, intake.IdeaExamples):
            return await answers.examples(uow, self.catalogues, resident.neighbourhood)
        if isinstance(reply, intake.GeneralPointers):
            return await answers.pointers(uow, self.catalogues, reply.draft, today)
        needs = self.dialogue.extractor.draft(reply.text, today).needs or frozenset()
        draft = state.draft if state is not None else intake.Draft()
        answer = await answers.answer_question(
            uow,
            self.catalogues,
            conversation.idea_id
            if state is not None and state.step is intake.Step.SUBMITTED
            else None,
            frozenset(n.value for n in needs) | frozenset(reply.needs),
            reply.text,
            draft.neighbourhood or resident.neighbourhood,
            today,
        )
        if answer.routed:
            await uow.session.flush()
            await cases.open_case(
                uow, resident.id, conversation.idea_id, "question", now, "dialogue",
                staff_group=self.staff_group,
            )  # fmt: skip
        return answer
