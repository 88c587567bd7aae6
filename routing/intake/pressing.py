"""Buttons: an answer, an edit from the summary, suggestions, sprints, follow-ups; and the
transitions they share (submitting, going back, a language chosen)."""

from __future__ import annotations

from datetime import date

from infra.frozen import replace
from knowledge.text import tokens
from routing.followups import answer_from_words, score_from_words
from routing.intake.asking import (
    Asking,
    _after_submit,
    _sprintable,
)
from routing.intake.codes import (
    FOLLOWUP_ANSWERS,
    FOLLOWUP_CODES,
    FOLLOWUP_TEXT_CHARS,
    FOLLOWUP_VALUE,
    IN_PROGRESS,
    LOCALES,
    QUARTIER_PAGE,
    SPRINT_BOOK,
    SPRINT_IDEA,
    SUGGESTION_ID,
    SUGGESTIONS_PER_PAGE,
    Action,
    Step,
    Verdict,
)
from routing.intake.draft import (
    EDITABLE,
    Draft,
    Group,
    Need,
    Slot,
    Timing,
)
from routing.intake.effects import (
    AnswerFollowUp,
    AnswerSuggestion,
    DiscardDraft,
    EraseResident,
    RequestHuman,
    SetLocale,
    StartDraft,
    SubmitIdea,
)
from routing.intake.events import ButtonIn
from routing.intake.extraction import Extractor
from routing.intake.replies import (
    Ask,
    BookSprint,
    CancelSprint,
    FollowUpFeedback,
    GeneralPointers,
    Menu,
    Option,
    Say,
    ShowSprintOptions,
    ShowSuggestions,
    SuggestionFeedback,
)
from routing.intake.state import (
    DialogueState,
    Turn,
)


class Pressing(Asking):
    """The part of ``Dialogue`` that handles pressed buttons; see ``routing.intake.dialogue``."""

    extractor: Extractor
    threshold: float

    # -- buttons ----------------------------------------------------------------------------

    def _button(self, state: DialogueState, event: ButtonIn, today: date) -> Turn:
        if event.action == Action.FOLLOWUP:
            return self._followup_button(state, event.value)
        if event.action == Action.SUGGESTION:
            return self._suggestion_button(state, event.value)
        if event.action == Action.SPRINT:
            return self._sprint_button(state, event.value)
        if event.action == Action.STILL_HERE:
            # Pressing it is the message that keeps everything (the service moves
            # ``last_seen_at``); the conversation stays where it was.
            return Turn(state, (Say("retention_kept"),))
        if event.version != state.version:
            return self._reask(state, (Say("stale_button"),))
        action = event.action
        if action == Action.HELP:
            return self._help_button(state, event.value, today)
        if action == Action.ANSWER and state.step is Step.ASKING and state.pending is not None:
            if state.pending is Slot.NEIGHBOURHOOD and event.value.startswith(QUARTIER_PAGE):
                page = event.value.removeprefix(QUARTIER_PAGE)
                if page.isascii() and page.isdigit() and len(page) < 4:
                    new = replace(state, version=state.version + 1)
                    options = self.quartier_options(int(page))
                    ask = Ask(Slot.NEIGHBOURHOOD, options, new.version, refresh=True, mode="places")
                    return Turn(new, (ask,))
            allowed = {o.value for o in self.options(state.pending, state)}
            if state.pending is Slot.NEIGHBOURHOOD:
                allowed |= {q.id for q in self.extractor.gazetteer.quartiers}
            if event.value in allowed:
                return self._answer(state, state.pending, event.value)
        elif action == Action.EDIT and state.step is Step.SUMMARY:
            if event.value in {s.value for s in EDITABLE}:
                return self._edit(state, Slot(event.value))
        elif action == Action.SUBMIT and state.step is Step.SUMMARY and event.value == "ok":
            return self._submit(state)
        elif action == Action.FORGET and state.step is Step.CONFIRM_FORGET:
            if event.value in ("yes", "no"):
                return self._forget_answer(state, event.value)
        elif action == Action.LANGUAGE and state.step is Step.CHOOSING_LANGUAGE:
            if event.value in LOCALES:
                return self._set_locale(state, event.value)
        elif action == Action.NEXT and state.step is Step.SUBMITTED:
            if event.value == "new":
                new = replace(state, step=Step.LISTENING, draft=Draft(), version=state.version + 1)
                return Turn(new, (Say("listen_new"),), (StartDraft(),))
            if event.value == "human":
                return self._ask_human(state)
            if event.value == "more":
                return self._more_suggestions(state)
            if event.value == "sprint" and _sprintable(state):
                return self._sprint_options(state)
        return self._reask(state, (Say("button_unknown"),))

    def _edit(self, state: DialogueState, slot: Slot) -> Turn:
        """A summary line to correct: its question again, or the words to type (idea, title)."""
        if slot in (Slot.IDEA, Slot.TITLE):
            new = replace(
                state, step=Step.ASKING, pending=slot, editing=True, version=state.version + 1
            )
            return Turn(
                new, (Say("edit_title_prompt" if slot is Slot.TITLE else "edit_idea_prompt"),)
            )
        return self._ask(state, slot, editing=True)

    def _sprint_options(self, state: DialogueState, idea_id: int | None = None) -> Turn:
        new = replace(state, sprint_menu=True, version=state.version + 1)
        return Turn(new, (ShowSprintOptions(idea_id),))

    def _sprint_button(self, state: DialogueState, value: str) -> Turn:
        """Sprint buttons carry their idea, dates and room, so they stay valid whatever was said
        since; the service checks the idea is the resident's and the option still free."""
        book = SPRINT_BOOK.fullmatch(value)
        if book:
            raw = book.group(2)
            try:
                day = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
            except ValueError:
                return self._reask(state, (Say("button_unknown"),))
            reply = BookSprint(int(book.group(1)), day, int(book.group(3)))
            return Turn(replace(state, sprint_menu=False), (reply,))
        other = SPRINT_IDEA.fullmatch(value)
        if other is None:
            return self._reask(state, (Say("button_unknown"),))
        idea_id = int(other.group(2))
        if other.group(1) == "r":
            return self._sprint_options(state, idea_id)
        return Turn(replace(state, sprint_menu=False), (CancelSprint(idea_id),))

    def _suggestion_button(self, state: DialogueState, value: str) -> Turn:
        """Suggestion buttons stay valid whatever was said since: a resident may scroll back
        and answer an older one. The state is untouched, so the current question still holds."""
        ident, _, verdict = value.partition(".")
        if not SUGGESTION_ID.fullmatch(ident) or verdict not in {v.value for v in Verdict}:
            return self._reask(state, (Say("button_unknown"),))
        answer = Verdict(verdict)
        suggestion_id = int(ident)
        return Turn(
            state,
            (SuggestionFeedback(suggestion_id, answer),),
            (AnswerSuggestion(suggestion_id, answer),),
        )

    def _followup_button(self, state: DialogueState, value: str) -> Turn:
        """Follow-up buttons stay valid whatever was said since (a check-in may arrive in the
        middle of another conversation); the service checks the follow-up is the resident's."""
        found = FOLLOWUP_VALUE.fullmatch(value)
        if found is None or found.group(2) not in FOLLOWUP_CODES:
            return self._reask(state, (Say("button_unknown"),))
        return self._followup_answer(state, int(found.group(1)), found.group(2))

    def _followup_answer(self, state: DialogueState, followup_id: int, code: str) -> Turn:
        awaiting = state.awaiting
        if code == "r":
            awaiting = f"r.{followup_id}"
        elif code in "12345":
            awaiting = f"c.{followup_id}"
        elif code in ("y", "n"):
            awaiting = None
        new = replace(state, awaiting=awaiting, open_followup=None)
        return Turn(
            new,
            (FollowUpFeedback(followup_id, code),),
            (AnswerFollowUp(followup_id, code),),
        )

    def _followup_text(self, state: DialogueState, text: str) -> Turn | None:
        """Words typed as a follow-up answer: the awaited line, or a check-in's answer."""
        if state.awaiting and state.step not in (Step.CONFIRM_FORGET, Step.CHOOSING_LANGUAGE):
            kind, _, ident = state.awaiting.partition(".")
            if ident.isascii() and ident.isdigit():
                code = "story" if kind == "r" else "comment"
                new = replace(state, awaiting=None)
                line = text[:FOLLOWUP_TEXT_CHARS]
                return Turn(
                    new,
                    (FollowUpFeedback(int(ident), code),),
                    (AnswerFollowUp(int(ident), code, line),),
                )
        if state.open_followup is None or state.step in IN_PROGRESS:
            return None
        if state.step in (Step.CONFIRM_FORGET, Step.CHOOSING_LANGUAGE):
            return None
        followup_id, kind = state.open_followup
        words = tokens(text)
        if kind == "sprint_feedback":
            score = score_from_words(words)
            return self._followup_answer(state, followup_id, str(score)) if score else None
        answer = answer_from_words(words)
        if answer is None:
            return None
        code = next(c for c, a in FOLLOWUP_ANSWERS.items() if a == answer.value)
        return self._followup_answer(state, followup_id, code)

    def _more_suggestions(self, state: DialogueState) -> Turn:
        new = replace(state, shown=state.shown + SUGGESTIONS_PER_PAGE, version=state.version + 1)
        page = ShowSuggestions(new.shown, SUGGESTIONS_PER_PAGE, new.version)
        return Turn(new, (page, _after_submit(new.version, _sprintable(new))))

    def _answer(self, state: DialogueState, slot: Slot, value: str) -> Turn:
        draft = state.draft
        if slot is Slot.NEIGHBOURHOOD:
            draft = replace(draft, neighbourhood=value)
        elif slot is Slot.NEEDS:
            if value in ("done", "unsure"):
                chosen = state.selection if value == "done" else frozenset()
                return self._next(
                    replace(state, draft=replace(draft, needs=chosen)), (Say("noted"),)
                )
            need = Need(value)
            selection = state.selection ^ {need}
            new = replace(state, selection=selection, version=state.version + 1)
            ask = Ask(
                Slot.NEEDS, self.options(Slot.NEEDS, new), new.version, multi=True, refresh=True
            )
            return Turn(new, (ask,))
        elif slot is Slot.GROUP:
            draft = replace(draft, group=Group(value))
        elif slot is Slot.TIMING:
            draft = replace(draft, timing=Timing(value), timing_words=None)
        elif slot is Slot.CONSENT:
            if value == "why":
                return self._reask(state, (Say("consent_details"),))
            if value == "no":
                # Nothing is kept, but the resident does not leave empty-handed: pointers
                # computed from the words in memory, never stored (and /humain, said).
                pointers = GeneralPointers(state.draft)
                if not state.consented:
                    # Nothing was ever agreed: all they sent (words, photos, voice) and who
                    # they are is erased, as /oublier does; they start afresh if they come back.
                    new = DialogueState(version=state.version + 1)
                    return Turn(
                        new,
                        (Say("consent_refused"), pointers),
                        (DiscardDraft(), EraseResident()),
                    )
                new = replace(
                    state,
                    step=Step.IDLE,
                    pending=None,
                    draft=Draft(),
                    voice_waiting=False,
                    version=state.version + 1,
                )
                offer = Menu("offer_human", Action.HELP, (Option("human"),), new.version)
                return Turn(
                    new,
                    (Say("consent_refused"), pointers, offer),
                    (DiscardDraft(),),
                )
            draft = replace(draft, consent=True)
            if state.voice_waiting:  # the held voice message now goes to a person
                new = replace(state, draft=draft, voice_waiting=False)
                return self._next(new, (Say("voice_passed_on"),), (RequestHuman("voice"),))
        return self._next(replace(state, draft=draft), (Say("noted"),))

    def _submit(self, state: DialogueState) -> Turn:
        new = replace(
            state,
            step=Step.SUBMITTED,
            pending=None,
            editing=False,
            shown=0,
            version=state.version + 1,
        )
        page = ShowSuggestions(0, SUGGESTIONS_PER_PAGE, new.version)
        menu = _after_submit(new.version, _sprintable(new))
        return Turn(new, (Say("submitted"), page, menu), (SubmitIdea(),))

    def _forget_answer(self, state: DialogueState, value: str) -> Turn:
        if value == "yes":
            return Turn(
                DialogueState(version=state.version + 1), (Say("forgotten"),), (EraseResident(),)
            )
        return self._reask(self._back(state), (Say("forget_cancelled"),))

    def _set_locale(self, state: DialogueState, locale: str) -> Turn:
        back = self._back(state) if state.step is Step.CHOOSING_LANGUAGE else state
        back = replace(back, locale_chosen=True)
        return self._reask(back, (Say("language_set"),), (SetLocale(locale),))

    @staticmethod
    def _back(state: DialogueState) -> DialogueState:
        return replace(
            state,
            step=state.back_step or Step.NEW,
            pending=state.back_pending,
            back_step=None,
            back_pending=None,
        )
