"""One message at one step → one intent, its confidence, the slots, a title, the register.

Order of reading: commands typed in words (rules, never missed), then the classifier's
probabilities restricted to what the step makes plausible, then closed answers the step expects
(yes/no, an option, a place, a need, a group, a timing), then slots and title. Built once by the
composition root and shared: nothing here changes after ``__init__``, so it is thread-safe.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from knowledge.lexicon import Lexicon
from routing.understanding import rules
from routing.understanding.classifier import Example, LinearIntents, trained
from routing.understanding.language import written_in
from routing.understanding.model import (
    ANSWER_STEPS,
    ELSEWHERE,
    Context,
    Intent,
    Slots,
    Step,
    Understanding,
)
from routing.understanding.normal import words
from routing.understanding.places import Places
from routing.understanding.slots import SlotReader, default_vocabulary
from routing.understanding.titles import make_title
from routing.understanding.training import all_examples

DEFAULT_THRESHOLD = 0.5
RULE_CONFIDENCE = 0.97
ANSWER_CONFIDENCE = 0.9
# Intents a closed answer may override: the classifier's guess among these is weak evidence
# against a reply that fits the question (« Tanneurs » at the quartier step is an answer).
OVERRIDABLE = frozenset(
    {
        Intent.ANSWER,
        Intent.OTHER,
        Intent.IDEA,
        Intent.GREETING,
        Intent.DONT_KNOW,
        Intent.YES,
        Intent.NO,
        Intent.THANKS_BYE,
    }
)
# Steps where the bot waits for a decision: there, « ok merci » is a yes.
DECISIONS = frozenset({Step.CONSENT, Step.SUMMARY})
STEP_SLOT = {
    Step.QUARTIER: "neighbourhood",
    Step.NEEDS: "needs",
    Step.GROUP: "group",
    Step.TIMING: "timing",
}
# What makes a message a correction rather than a first answer (« en fait », « pardon »…).
CHANGE_MARKERS = re.compile(
    r" (en fait|finalement|pardon|trompe\w*|erreur|oups|oops|correction|rectif\w*|plutot|"
    r"c est pas|pas la|pas le|pas les|pas au|pas aux|change\w*|modifi\w*|corrig\w*|actually|"
    r"sorry|meant|wrong|instead|decal\w*|deplac\w*|report\w*|postpone|move|reschedule) "
)
FORMAL = re.compile(
    r" (vous|votre|vos|madame|monsieur|mesdames|messieurs|cordialement|veuillez|"
    r"je me permets|salutations|pourriez|auriez|seriez|souhaiterais|souhaiterions) "
)
TITLE_SKIP = frozenset(
    {
        Intent.GREETING,
        Intent.DONT_KNOW,
        Intent.THANKS_BYE,
        Intent.HUMAN,
        Intent.CANCEL,
        Intent.FORGET,
        Intent.PAUSE,
        Intent.HELP,
        Intent.FRUSTRATED,
        Intent.STATUS,
    }
)


class Understander:
    """Reads residents' messages for the dialogue; see ``model`` for what it returns."""

    def __init__(
        self,
        gazetteer: Places | None = None,
        vocabulary: Lexicon | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        *,
        examples: Sequence[Example] | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.places = gazetteer
        self.threshold = threshold
        self._classifier: LinearIntents = trained(
            list(examples) if examples is not None else all_examples(), cache_dir
        )
        self._slots = SlotReader(gazetteer, vocabulary or default_vocabulary())

    def understand(
        self, text: str, step: Step | str, locale: str, context: Context
    ) -> Understanding:
        step = Step(step)
        text = text if isinstance(text, str) else ""
        if not words(text).strip() and not text.strip():
            return Understanding(Intent.OTHER, 1.0, Slots(), None, False)
        slots = self._slots.read(text, context)
        intent, confidence = self._intent(text, step, context, slots)
        slots = self._slots.settle(slots, text, step, intent, context)
        if intent is Intent.ANSWER and step in STEP_SLOT:
            slots = _only_step_slots(slots, step)
        language = written_in(text) if step is Step.START else None
        if language is not None and locale.startswith(language):
            language = None  # already read in it
        title = None
        if intent is Intent.IDEA or (step is Step.START and intent not in TITLE_SKIP):
            title = self._title(text, language or locale, slots.neighbourhood)
        formal = self._formal(text, language or locale)
        return Understanding(intent, confidence, slots, title, formal, language)

    def _intent(
        self, text: str, step: Step, context: Context, found: Slots
    ) -> tuple[Intent, float]:
        probabilities = self._classifier.probabilities(text, step)
        if step not in ANSWER_STEPS:
            probabilities.pop(Intent.ANSWER, None)
        total = sum(probabilities.values()) or 1.0
        best = max(probabilities, key=probabilities.__getitem__)
        confidence = probabilities[best] / total
        command = rules.command(text)
        if command is not None:
            return command, max(RULE_CONFIDENCE, confidence if best is command else 0.0)
        if step in (Step.CONSENT, Step.SUMMARY, Step.SPRINT_OPTIONS, Step.SPRINT_BOOKED):
            closed = rules.yes_no(text)
            if closed is Intent.YES and best is Intent.THANKS_BYE and step not in DECISIONS:
                closed = None  # « parfait merci » once the sprint is booked is a thank-you
            if (
                closed is Intent.YES
                and step is Step.SPRINT_OPTIONS
                and rules.option(text, context.options, context.today) is not None
            ):
                closed = None  # « oui la deuxième », « ok pour le lundi 12 » choose an option
            if (
                closed is not None
                and best in OVERRIDABLE
                and not _names_a_change(text, step, found)
            ):
                return closed, max(confidence if best is closed else 0.0, ANSWER_CONFIDENCE)
        if (
            step is Step.SPRINT_OPTIONS
            and best in OVERRIDABLE
            and rules.option(text, context.options, context.today) is not None
        ):
            return Intent.ANSWER, max(confidence if best is Intent.ANSWER else 0.0, 0.95)
        if step in STEP_SLOT and _fits(found, step):
            weak = confidence < self.threshold
            unmarked = best is Intent.CORRECTION and not CHANGE_MARKERS.search(words(text))
            if best in OVERRIDABLE or weak or unmarked:
                boost = ANSWER_CONFIDENCE if best is not Intent.ANSWER else max(confidence, 0.9)
                return Intent.ANSWER, boost
        return best, confidence

    def _title(self, text: str, locale: str, place: str | None) -> str | None:
        name = None
        if place and place != ELSEWHERE:
            namer = getattr(self.places, "name", None)
            name = namer(place) if namer else None
        place_words = frozenset(getattr(self.places, "name_words", ()) or ())
        return make_title(text, locale, name, place_words)

    @staticmethod
    def _formal(text: str, locale: str) -> bool:
        return locale.startswith("fr") and bool(FORMAL.search(words(text)))


def _fits(found: Slots, step: Step) -> bool:
    """The words give the slot the step asked for."""
    slot = STEP_SLOT[step]
    return bool(getattr(found, slot) or (slot == "timing" and found.date))


def _names_a_change(text: str, step: Step, found: Slots) -> bool:
    """At the summary, « non le quartier c'est Glycines » corrects; it is not a plain no."""
    if step is not Step.SUMMARY or len(words(text).split()) <= 3:
        return False
    return bool(found.neighbourhood or re.search(r" (titre|title|date|quartier) ", words(text)))


def _only_step_slots(slots: Slots, step: Step) -> Slots:
    """An answer to one question fills that question's slot (and the day, for timing)."""
    keep = STEP_SLOT[step]
    values = {keep: getattr(slots, keep)}
    if step is Step.TIMING:
        values["date"] = slots.date
    return Slots(**values, themes=slots.themes, headcount=slots.headcount)
