"""Listening to typed words: what the understanding layer read, acted on at every step
(issue 14): an idea, an answer, a request for a person, a question, a correction, nothing yet."""

from __future__ import annotations

from datetime import date

from infra.frozen import replace
from knowledge.text import tokens
from routing.intake.asking import Asking, _sprintable
from routing.intake.codes import (
    FREE_PLACE_CHARS,
    IN_PROGRESS,
    Action,
    Step,
)
from routing.intake.draft import (
    ELSEWHERE,
    IDEA_MAX_CHARS,
    Draft,
    Group,
    Need,
    Slot,
    Timing,
    make_title,
    short_title,
)
from routing.intake.effects import (
    AppendNote,
    Effect,
    RequestHuman,
    StartDraft,
    UpdateIdea,
)
from routing.intake.events import (
    CommandIn,
    TextIn,
)
from routing.intake.extraction import Extractor
from routing.intake.leaving import aside, goodbye_at, greeted_at
from routing.intake.reading import (
    ANSWERED_BY_SLOTS,
    GROUP_CODES,
    IDEA_KINDS,
    INTENT_COMMANDS,
    NEED_CODES,
    TIMING_CODES,
    _asks_for_more,
    _asks_why,
    _corrected,
    _is_greeting,
    _locale_from_text,
    _new_words,
    _ordinal,
    _quote,
    _substantial,
    _wants,
    _whole_idea,
)
from routing.intake.replies import (
    Added,
    AnswerQuestion,
    BookSprint,
    CancelSprint,
    IdeaExamples,
    Menu,
    Option,
    Reply,
    Say,
    Understood,
    Waiting,
)
from routing.intake.state import (
    DialogueState,
    Turn,
)
from routing.understanding import Intent, Understanding


class Listening(Asking):
    """The part of ``Dialogue`` that reads typed text; see ``routing.intake.dialogue``."""

    extractor: Extractor
    threshold: float

    # -- text -------------------------------------------------------------------------------

    def _text(self, state: DialogueState, event: TextIn, today: date) -> Turn:
        text = event.text.strip()[:IDEA_MAX_CHARS]
        if not text:
            return self._reask(state, (Say("empty_message"),))
        if event.edited:
            return self._edited(state, text, event.replaces_idea, today)
        followup = self._followup_text(state, text)
        if followup is not None:
            return followup
        if event.understanding is not None:
            heard = self._listen(state, text, event.understanding, today)
            if heard is not None:
                return heard
        step = state.step
        if step in (Step.NEW, Step.IDLE, Step.LISTENING):
            if _is_greeting(text):
                lead = (Say("welcome"),) if step is Step.NEW else ()
                return Turn(replace(state, step=Step.LISTENING), (*lead, Say("listen")))
            return self._start_idea(state, text, None, today)
        if step is Step.SUBMITTED:
            if _asks_for_more(text):
                return self._more_suggestions(state)
            choice = _ordinal(text) if state.sprint_menu else None
            if choice is not None:
                return Turn(replace(state, sprint_menu=False), (BookSprint(index=choice),))
            if _sprintable(state) and "sprint" in tokens(text):
                return self._sprint_options(state)
            turn = self._after_submit_menu(state, (Say("note_added"),))
            return Turn(turn.state, turn.replies, (AppendNote(text),))
        if step is Step.ASKING and state.pending is not None:
            return self._answer_text(state, state.pending, text, today)
        if step is Step.SUMMARY:
            yes = self.extractor.yes_no(text)
            if yes:
                return self._submit(state)
            draft = state.draft.merge(self.extractor.draft(text, today))
            draft = replace(draft, text=f"{draft.text}\n{text}"[:IDEA_MAX_CHARS])
            return self._summary(replace(state, draft=draft), (Say("added_to_idea"),))
        if step is Step.CONFIRM_FORGET:
            answer = self.extractor.yes_no(text)
            if answer is not None:
                return self._forget_answer(state, "yes" if answer else "no")
            return self._reask(state, (Say("yes_or_no"),))
        if step is Step.CHOOSING_LANGUAGE:
            locale = _locale_from_text(text)
            if locale:
                return self._set_locale(state, locale)
            return self._reask(state, (Say("choose_language"),))
        return self._reask(state)

    # -- listening: what the understanding layer read ----------------------------------------

    def _listen(
        self, state: DialogueState, text: str, heard: Understanding, today: date
    ) -> Turn | None:
        """Act on the intent at every step. None: the slot parsers below decide (an answer to
        the question asked, read as before)."""
        if state.step in (Step.CONFIRM_FORGET, Step.CHOOSING_LANGUAGE):
            return None  # their menus read yes, no and language names
        sure = heard.confidence >= self.threshold
        intent = heard.intent if sure else Intent.OTHER
        if state.waiting:
            return self._while_waiting(state, intent)
        if goodbye_at(state, text, intent):  # a question or the summary, left for now
            slot = state.pending
            if slot is None or self._fill_from(state, slot, heard, text, today) is None:
                return Turn(replace(state, away=True), (Say("see_you_later"),))  # the idea kept
        command = INTENT_COMMANDS.get(intent)
        if command is not None:
            return self._command(state, CommandIn(command))
        if intent is Intent.FRUSTRATED:
            return self._offer_human(replace(state, held_text=None), (Say("sorry_frustrated"),))
        greeted = greeted_at(state, text, intent)  # at consent, the summary, an edit prompt
        if greeted is not None:
            return self._reask(replace(state, away=False), aside(state, greeted))
        step = state.step
        if step in (Step.NEW, Step.IDLE, Step.LISTENING):
            return self._listen_start(state, text, heard, intent, sure, today)
        if step is Step.ASKING and state.pending in ANSWERED_BY_SLOTS:
            return self._listen_answer(state, text, heard, intent, today)
        if step is Step.ASKING and state.pending is Slot.CONSENT:
            if intent is Intent.YES:
                return self._answer(state, Slot.CONSENT, "yes")
            if intent is Intent.NO:
                return self._answer(state, Slot.CONSENT, "no")
            if intent is Intent.QUESTION:
                return self._reask(state, (Say("consent_details"),))
            return None
        if step is Step.SUMMARY:
            return self._listen_summary(state, text, heard, intent)
        if step is Step.SUBMITTED:
            return self._listen_after(state, text, heard, intent, sure)
        return None

    def _while_waiting(self, state: DialogueState, intent: Intent) -> Turn:
        """A person has been asked for: no intake question, nothing becomes an idea; every
        word is kept in the transcript for the agent, and the bot says when the team answers."""
        if intent is Intent.HUMAN:
            return Turn(state, (Waiting(again=True),))
        if intent is Intent.THANKS_BYE:
            return Turn(state, (Say("goodbye_waiting"),))
        command = INTENT_COMMANDS.get(intent)
        if command is not None:
            return self._command(state, CommandIn(command))
        return Turn(state, (Say("kept_for_agent"), Waiting()))

    def _listen_start(
        self,
        state: DialogueState,
        text: str,
        heard: Understanding,
        intent: Intent,
        sure: bool,
        today: date,
    ) -> Turn | None:
        step = state.step
        if intent is Intent.GREETING:
            lead = (Say("welcome"),) if step is Step.NEW else ()
            if step is Step.IDLE:
                lead = (Say("welcome_back_new"),)
            return Turn(replace(state, step=Step.LISTENING, held_text=None), (*lead, Say("listen")))
        if intent is Intent.DONT_KNOW:
            return self._no_idea_yet(state)
        if intent is Intent.THANKS_BYE:
            return Turn(replace(state, held_text=None), (Say("goodbye"),))
        if intent is Intent.QUESTION:
            return Turn(state, (AnswerQuestion(text, heard.slots.needs), Say("listen")))
        if intent is Intent.IDEA or (sure and _substantial(text) and intent is not Intent.YES):
            return self._start_idea(state, text, heard.title, today)
        # Too short or too unsure to be an idea: ask, never file it.
        new = replace(state, held_text=text[:IDEA_MAX_CHARS], version=state.version + 1)
        menu = Menu("clarify_start", Action.HELP, (Option("idea"), Option("human"),
                    Option("examples")), new.version)  # fmt: skip
        return Turn(new, (menu,))

    def _start_idea(self, state: DialogueState, text: str, title: str | None, today: date) -> Turn:
        step = state.step
        effects: tuple[Effect, ...] = (StartDraft(),) if step is not Step.LISTENING else ()
        fresh = (
            state
            if step is Step.LISTENING
            else replace(
                state, draft=Draft(source=state.draft.source if step is Step.NEW else None)
            )
        )
        return self._absorb_idea(replace(fresh, held_text=None), text, today, effects, title)

    def _no_idea_yet(self, state: DialogueState) -> Turn:
        """No idea yet: no draft; what neighbours have started, common kinds, and a person."""
        new = replace(state, step=Step.LISTENING, held_text=None, version=state.version + 1)
        kinds = Menu(
            "idea_kinds",
            Action.HELP,
            (Option("garden"), Option("party"), Option("workshop"), Option("sport"),
             Option("solidarity"), Option("environment"), Option("human")),
            new.version,
        )  # fmt: skip
        return Turn(new, (Say("no_idea_yet"), IdeaExamples(), kinds))

    def _listen_answer(
        self, state: DialogueState, text: str, heard: Understanding, intent: Intent, today: date
    ) -> Turn | None:
        slot = state.pending
        assert slot is not None
        filled = self._fill_from(state, slot, heard, text, today)
        if filled is not None:
            return filled
        if intent is Intent.QUESTION:
            return self._reask(state, (AnswerQuestion(text, heard.slots.needs),))
        if intent is Intent.DONT_KNOW:
            if slot is Slot.NEEDS:
                return self._answer(state, Slot.NEEDS, "unsure")
            if slot is Slot.TIMING:
                return self._answer(state, Slot.TIMING, Timing.NO_DATE.value)
            return self._reask(
                state, (Say("quartier_unknown" if slot is Slot.NEIGHBOURHOOD else "group_unknown"),)
            )
        if intent is Intent.CORRECTION:
            corrected = _corrected(state.draft, heard)
            if corrected is not None:
                return self._reask(replace(state, draft=corrected), (Say("corrected"),))
        if intent in (Intent.GREETING, Intent.THANKS_BYE, Intent.MORE):
            return self._reask(replace(state, away=False), aside(state, intent))
        return None

    def _fill_from(
        self, state: DialogueState, slot: Slot, heard: Understanding, text: str, today: date
    ) -> Turn | None:
        """The answer the understanding layer read in the words (« avc mes potes »), and the
        answers to questions not asked yet said on the way (« aux Glycines, avec des voisins,
        en juin »): kept, so they are not asked again (needs apart: that question's ticks)."""
        slots = heard.slots
        draft = state.draft
        if slot is Slot.NEIGHBOURHOOD and slots.neighbourhood:
            valid = {q.id for q in self.extractor.gazetteer.quartiers} | {ELSEWHERE}
            if slots.neighbourhood not in valid:
                return None
            draft = replace(draft, neighbourhood=slots.neighbourhood)
        elif slot is Slot.NEEDS and slots.needs:
            needs = frozenset(Need(n) for n in slots.needs if n in NEED_CODES)
            if not needs:
                return None
            base = frozenset() if state.editing else state.selection
            draft = replace(draft, needs=base | needs)
        elif slot is Slot.GROUP and slots.group in GROUP_CODES:
            draft = replace(draft, group=Group(slots.group))
        elif slot is Slot.TIMING and (slots.timing in TIMING_CODES or slots.date):
            timing = Timing(slots.timing) if slots.timing in TIMING_CODES else Timing.NO_DATE
            words = text.strip()[:200] if slots.date else None  # the date as they said it
            draft = replace(draft, timing=timing, timing_words=words)
        else:
            return None
        draft = _with_other_answers(state, draft, self.extractor.draft(text, today))
        return self._next(replace(state, draft=draft), (Say("noted"),))

    def _listen_summary(
        self, state: DialogueState, text: str, heard: Understanding, intent: Intent
    ) -> Turn | None:
        if intent is Intent.YES:
            return self._submit(state)
        if intent is Intent.NO:
            return self._summary(state, (Say("what_to_fix"),))
        if intent is Intent.CORRECTION and heard.slots.corrects == "title":
            return self._edit(state, Slot.TITLE)
        if intent is Intent.CORRECTION:
            corrected = _corrected(state.draft, heard)
            if corrected is not None:
                return self._summary(replace(state, draft=corrected), (Say("corrected"),))
        if intent in (Intent.IDEA, Intent.CORRECTION, Intent.ANSWER):
            added = _new_words(state.draft.text, text)
            if added is None:
                return self._summary(state, (Say("already_there"),))
            draft = replace(state.draft, text=f"{state.draft.text}\n{added}"[:IDEA_MAX_CHARS])
            return self._summary(replace(state, draft=draft), (Added(_quote(added)),))
        if intent is Intent.QUESTION:
            return self._summary(state, (AnswerQuestion(text, heard.slots.needs),))
        return self._summary(state, (Say("summary_unclear"),))

    def _listen_after(
        self, state: DialogueState, text: str, heard: Understanding, intent: Intent, sure: bool
    ) -> Turn | None:
        """After the idea is sent: answer, close, show more, correct, or add, saying which."""
        if state.sprint_menu:
            choice = heard.slots.option or _ordinal(text)
            if choice is not None and intent in (Intent.ANSWER, Intent.OTHER, Intent.YES):
                return Turn(replace(state, sprint_menu=False), (BookSprint(index=choice),))
            if intent is Intent.NO:
                return self._after_submit_menu(state, (Say("no_sprint_booked"),))
        if intent is Intent.QUESTION:
            if _sprintable(state) and "sprint" in tokens(text) and _wants(text):
                return self._sprint_options(state)
            return self._after_submit_menu(state, (AnswerQuestion(text, heard.slots.needs),))
        if intent is Intent.THANKS_BYE:
            return Turn(replace(state, held_text=None), (Say("goodbye"),))
        if intent is Intent.MORE:
            return self._more_suggestions(state)
        if intent is Intent.GREETING:
            return self._after_submit_menu(state, (Say("welcome_back"),))
        if intent is Intent.DONT_KNOW:
            return self._offer_human(state, (Say("no_worries"),))
        if _sprintable(state) and "sprint" in tokens(text):
            return self._sprint_options(state)
        if intent is Intent.CORRECTION:
            corrected = _corrected(state.draft, heard)
            if corrected is not None:
                turn = self._after_submit_menu(
                    replace(state, draft=corrected), (Say("idea_corrected"),)
                )
                return Turn(turn.state, turn.replies, (UpdateIdea(corrected),))
        if intent in (Intent.IDEA, Intent.CORRECTION) and sure:
            return self._add_to_idea(state, text)
        if intent in (Intent.YES, Intent.NO):
            return self._after_submit_menu(state)
        new = replace(state, held_text=text[:IDEA_MAX_CHARS], version=state.version + 1)
        menu = Menu("clarify_after", Action.HELP, (Option("add"), Option("question"),
                    Option("new"), Option("human")), new.version)  # fmt: skip
        return Turn(new, (menu,))

    def _add_to_idea(self, state: DialogueState, text: str) -> Turn:
        """Only words the idea does not already hold are added, and quoted back."""
        added = _new_words(state.draft.text, text)
        if added is None:
            return self._after_submit_menu(replace(state, held_text=None), (Say("already_there"),))
        draft = replace(state.draft, text=f"{state.draft.text}\n{added}"[:IDEA_MAX_CHARS])
        new = replace(state, draft=draft, held_text=None)
        turn = self._after_submit_menu(new, (Added(_quote(added)),))
        return Turn(turn.state, turn.replies, (AppendNote(added), UpdateIdea(draft)))

    def _offer_human(self, state: DialogueState, lead: tuple[Reply, ...]) -> Turn:
        new = replace(state, version=state.version + 1)
        menu = Menu("offer_human", Action.HELP, (Option("human"), Option("continue")), new.version)
        return Turn(new, (*lead, menu))

    def _ask_human(self, state: DialogueState, lead: tuple[Reply, ...] = ()) -> Turn:
        """/humain, typed or pressed: the request goes to the team and intake questions stop
        until it is closed; asked again, the bot says it is already with the team."""
        if state.waiting:
            return Turn(state, (*lead, Waiting(again=True)))
        new = replace(state, waiting=True, held_text=None, sprint_menu=False)
        return Turn(new, (*lead, Say("human_requested"), Waiting()), (RequestHuman("asked"),))

    def _help_button(self, state: DialogueState, value: str, today: date) -> Turn:
        held = state.held_text
        state = replace(state, held_text=None)
        if value == "human":
            return self._ask_human(state)
        if value == "continue":
            return self._reask(state, (Say("lets_go_on"),))
        if value == "examples":
            return self._no_idea_yet(state)
        if value == "idea" and held and state.step in (Step.NEW, Step.IDLE, Step.LISTENING):
            return self._start_idea(state, held, None, today)
        if value == "idea" or value in IDEA_KINDS:
            new = replace(state, step=Step.LISTENING, version=state.version + 1)
            return Turn(new, (Say("tell_me_more" if value == "idea" else "kind_chosen"),))
        if state.step is Step.SUBMITTED and held:
            if value == "add":
                return self._add_to_idea(state, held)
            if value == "question":
                return self._after_submit_menu(state, (AnswerQuestion(held),))
            if value == "new":
                fresh = replace(state, step=Step.LISTENING, draft=Draft())
                return self._absorb_idea(fresh, held, today, (StartDraft(),), None)
        if value in ("sprint_cancel_yes", "sprint_cancel_no") and state.step is Step.SUBMITTED:
            if value == "sprint_cancel_yes":
                return Turn(replace(state, sprint_menu=False), (CancelSprint(None),))
            return self._after_submit_menu(state, (Say("sprint_kept"),))
        return self._reask(state, (Say("button_unknown"),))

    def _absorb_idea(
        self,
        state: DialogueState,
        text: str,
        today: date,
        effects: tuple[Effect, ...],
        title: str | None = None,
    ) -> Turn:
        found = self.extractor.draft(text, today)
        draft = replace(state.draft, text=text, title=title or make_title(text)).merge(found)
        new = replace(state, draft=draft)
        lead: tuple[Reply, ...] = (Say("idea_thanks"),)
        if any((found.neighbourhood, found.needs, found.group, found.timing)):
            lead = (*lead, Understood(draft))
        return self._next(new, lead, effects)

    def _answer_text(self, state: DialogueState, slot: Slot, text: str, today: date) -> Turn:
        draft = state.draft
        if slot is Slot.TITLE:
            draft = replace(draft, title=short_title(text))
            return self._summary(replace(state, draft=draft), (Say("noted"),))
        if slot is Slot.IDEA:
            found = self.extractor.draft(text, today)
            whole = _whole_idea(draft.text, text)
            draft = replace(draft, text=whole, title=make_title(text), themes=found.themes)
            return self._summary(replace(state, draft=draft), (Say("noted"),))
        if slot is Slot.CONSENT:
            if _asks_why(text):  # "oui mais pourquoi ?": explain before taking any answer
                return self._reask(state, (Say("consent_details"),))
            answer = self.extractor.yes_no(text)
            if answer is None:
                return self._reask(state, (Say("yes_or_no"),))
            return self._answer(state, Slot.CONSENT, "yes" if answer else "no")
        others = self.extractor.draft(text, today)
        if slot is Slot.NEIGHBOURHOOD:
            quartier = self.extractor.neighbourhood(text, whole_answer=True)
            if quartier is None and not self.extractor.gazetteer.configured:
                quartier = " ".join(text.split())[:FREE_PLACE_CHARS] or None  # no city: as said
            if quartier is None:
                return self._reask(state, (Say("quartier_unknown"),))
            draft = replace(draft, neighbourhood=quartier)
        elif slot is Slot.NEEDS:
            needs = self.extractor.needs_answer(text)
            if needs is None:
                return self._reask(state, (Say("needs_unknown"),))
            base = frozenset() if state.editing else state.selection
            draft = replace(draft, needs=base | needs)
        elif slot is Slot.GROUP:
            if others.group is None:
                return self._reask(state, (Say("group_unknown"),))
            draft = replace(draft, group=others.group)
        elif slot is Slot.TIMING:
            if others.timing is None and (self.extractor.yes_no(text) or "?" in text):
                return self._reask(state, (Say("timing_unknown"),))
            timing = others.timing or Timing.NO_DATE
            draft = replace(draft, timing=timing, timing_words=others.timing_words or text[:200])
        merged = _with_other_answers(state, draft, others)
        return self._next(replace(state, draft=merged), (Say("noted"),))

    def _edited(self, state: DialogueState, text: str, replaces_idea: bool, today: date) -> Turn:
        if state.step not in IN_PROGRESS or not state.draft.text:
            return self._reask(state, (Say("edit_noted"),), (AppendNote(text),))
        draft = state.draft
        if replaces_idea:
            found = self.extractor.draft(text, today)
            whole = _whole_idea(draft.text, text)
            draft = replace(draft, text=whole, title=make_title(text), themes=found.themes)
        draft = draft.merge(self.extractor.draft(text, today))
        if state.pending is Slot.NEEDS and draft.needs is not None and not state.editing:
            draft = replace(draft, needs=draft.needs | state.selection)  # keep the ticks
        new = replace(state, draft=draft)
        if new.step is Step.ASKING and new.pending and new.draft.known(new.pending):
            return self._next(new, (Say("edit_noted"),))
        return self._reask(new, (Say("edit_noted"),))


def _with_other_answers(state: DialogueState, draft: Draft, found: Draft) -> Draft:
    """``draft`` with the answers to questions not asked yet that an answer said on the way
    (``found``): they fill what is unknown, never what was said. Needs apart (that question
    is ticked), and nothing when one line is edited from the summary."""
    return draft if state.editing else draft.merge(replace(found, needs=None))
