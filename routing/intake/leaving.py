"""Thanks, hello and goodbye said while the bot asks its questions (slot filling).

A thank-you gets a word back and the question again; a hello, a hello back and the question. A
goodbye (« au revoir », « a+ », « bonne soirée », « je dois y aller », « plus tard ») is not
answered with the question: the idea is kept as it is, and the next message picks it up where it
stopped. The same at the consent question (a thank-you or a goodbye is never a yes: one that
``Extractor.yes_no`` reads as yes or no still answers, as before) and at the summary's title and
idea prompts (there any short text may be the new title: only a message made of nothing but
thanks, hello and farewell words is taken for one; one of nothing but yes, no, ok and thanks
words, « oui merci », « non merci », « d'accord », is no title or idea either: the words are
asked for again, with an example). One intent, ``THANKS_BYE``, covers thanks
and goodbyes in the understanding layer; the words tell them apart here: a short message with a
farewell in it is a goodbye, « merci » alone a thank-you. Words that answer the question are
read first (``Listening._listen``).
"""

from __future__ import annotations

import re

from knowledge.text import tokens
from routing.intake.codes import Step
from routing.intake.draft import Slot
from routing.intake.extraction import Extractor
from routing.intake.reading import ANSWERED_BY_SLOTS
from routing.intake.replies import Reply, Say
from routing.intake.state import DialogueState
from routing.understanding import Intent

# Longer messages carry content: they are read as before, never answered with a goodbye.
FAREWELL_MAX_WORDS = 8
# Accent-folded token sequences (``knowledge.text.tokens``), French then English.
FAREWELLS = (
    ("au", "revoir"),
    ("aurevoir",),
    ("bye",),
    ("byebye",),
    ("ciao",),
    ("tchao",),
    ("a", "plus", "tard"),
    ("a", "bientot"),
    ("a", "demain"),
    ("a", "toute"),
    ("tout", "a", "l", "heure"),
    ("a", "la", "prochaine"),
    ("bonne", "soiree"),
    ("bonne", "journee"),
    ("bonne", "nuit"),
    ("bonne", "fin", "de"),
    ("bon", "week", "end"),
    ("bon", "weekend"),
    ("dois", "y", "aller"),
    ("dois", "filer"),
    ("dois", "partir"),
    ("je", "file"),
    ("reviendrai",),
    ("repasserai",),
    ("goodbye",),
    ("good", "bye"),
    ("good", "night"),
    ("see", "you"),
    ("see", "ya"),
    ("cya",),
    ("gotta", "go"),
    ("got", "to", "go"),
    ("have", "to", "go"),
    ("must", "go"),
    ("come", "back"),
    ("take", "care"),
    ("have", "a", "good", "evening"),
    ("have", "a", "good", "day"),
    ("have", "a", "good", "night"),
    ("have", "a", "good", "one"),
    ("have", "a", "good", "weekend"),
    ("have", "a", "nice", "evening"),
    ("have", "a", "nice", "day"),
    ("have", "a", "nice", "weekend"),
    ("ttyl",),
)
# « later » rather than « goodbye »: at the timing question they may be the answer.
LATER = (
    ("plus", "tard"),
    ("pas", "le", "temps"),
    ("pas", "trop", "le", "temps"),
    ("later",),
    ("no", "time"),
)
SMS_BYE = re.compile(r"(?:^|[\s,.;!])[aà@] ?\+")  # « a+ », « @+ »: the tokens lose the « + »
# What the understanding layer may have read a goodbye as: never a command it is sure of
# (a person, cancel, forget, pause, status), a question, a correction or an idea.
MAY_BE_GOODBYE = frozenset(
    {
        Intent.THANKS_BYE,
        Intent.GREETING,
        Intent.HELP,
        Intent.OTHER,
        Intent.ANSWER,
        Intent.YES,
        Intent.NO,
        Intent.MORE,
        Intent.DONT_KNOW,
    }
)

# Words a message of only courtesies is made of, besides the farewells (accent-folded tokens).
THANKS_WORDS = frozenset(
    {"merci", "mrc", "mci", "remercie", "cordialement", "thanks", "thank", "thx"}
)
HELLO_WORDS = frozenset({"bonjour", "bonsoir", "salut", "coucou", "hello", "hi", "hey", "re"})
COURTESY_WORDS = frozenset(
    {"beaucoup", "bcp", "encore", "bien", "tres", "a", "vous", "toi", "je", "te", "par", "avance",
     "et", "you", "very", "much", "so", "lot", "and", "again"}
)  # fmt: skip
# Yes, no and ok words: « oui merci » or « d'accord » typed at an edit prompt is no title.
ACK_WORDS = frozenset(
    {"oui", "ouais", "ouai", "non", "nan", "ok", "okay", "oki", "okey", "d", "accord", "daccord",
     "dac", "c", "est", "bon", "ca", "marche", "vas", "y", "bien", "sur", "parfait", "super",
     "entendu", "yes", "yeah", "yep", "yup", "no", "nope", "nah", "sure", "fine", "alright",
     "all", "right"}
)  # fmt: skip
COURTESY_PHRASES = (("fin", "de", "journee"), ("fin", "de", "soiree"), ("fin", "de", "semaine"))
EDIT_PROMPTS = (Slot.TITLE, Slot.IDEA)


def goodbye_at(state: DialogueState, text: str, intent: Intent) -> bool:
    """Whether a resident leaves the question (or the summary) for now with these words (the
    caller checks that they do not answer the question)."""
    slot = state.pending
    if state.step is Step.SUMMARY:  # « gotta go », read as a yes, would send the idea
        return _yes_or_no_aside(text, intent) and says_goodbye(text, None)
    if state.step is not Step.ASKING or slot is None or not says_goodbye(text, slot):
        return False
    if slot in ANSWERED_BY_SLOTS:
        return intent in MAY_BE_GOODBYE
    if slot is Slot.CONSENT:  # « oui, bonne soirée » consents, « non, au revoir » refuses
        return _yes_or_no_aside(text, intent)
    return slot in EDIT_PROMPTS and only_courtesies(text, ACK_WORDS)  # « ok bye »


def _yes_or_no_aside(text: str, intent: Intent) -> bool:
    return intent in MAY_BE_GOODBYE and Extractor.yes_no(text) is None


def greeted_at(state: DialogueState, text: str, intent: Intent) -> Intent | None:
    """``GREETING`` or ``THANKS_BYE`` when a resident only greets or thanks at the consent
    question, the summary or an edit prompt (put again after a word back); ``YES`` for only
    yes, no, ok and thanks words at an edit prompt (no title: asked for again); else None."""
    slot = state.pending
    at_yes_or_no = state.step is Step.SUMMARY or slot is Slot.CONSENT
    if state.step not in (Step.ASKING, Step.SUMMARY):
        return None
    if at_yes_or_no and intent in (Intent.GREETING, Intent.THANKS_BYE):
        return intent if Extractor.yes_no(text) is None else None  # « ok merci » is a yes
    if slot in EDIT_PROMPTS and only_courtesies(text):
        return Intent.GREETING if set(tokens(text)) & HELLO_WORDS else Intent.THANKS_BYE
    if slot in EDIT_PROMPTS and only_courtesies(text, ACK_WORDS):
        return Intent.YES  # « oui merci », « non merci », « ok »: not a title, not the idea
    return None


def only_courtesies(text: str, also: frozenset[str] = frozenset()) -> bool:
    """Nothing but thanks, hello and farewell words: « merci », « bonjour », « merci, bonne
    soirée », not « Bonne soirée entre voisins » (which may be a title). With ``also``
    (``ACK_WORDS``), those words too: « oui merci », « ok », not « Oui au jardin ! »."""
    words = tokens(text)
    if not words or len(words) > FAREWELL_MAX_WORDS or "?" in text:
        return False
    said = bool(set(words) & (THANKS_WORDS | HELLO_WORDS | also)) or says_goodbye(text, None)
    allowed = THANKS_WORDS | HELLO_WORDS | COURTESY_WORDS | also
    covered = [w in allowed for w in words]
    for phrase in (*FAREWELLS, *LATER, *COURTESY_PHRASES, ("a", "plus")):
        size = len(phrase)
        for i in range(len(words) - size + 1):
            if words[i : i + size] == phrase:
                covered[i : i + size] = [True] * size
    return said and all(covered)


def says_goodbye(text: str, slot: Slot | None) -> bool:
    """A short message that leaves for now, at the question about ``slot``."""
    words = tokens(text)
    if "?" in text or len(words) > FAREWELL_MAX_WORDS:
        return False
    if SMS_BYE.search(text.lower()) or words[-2:] == ("a", "plus"):
        return True  # « à plus » at the end, not « à plus de vingt »
    phrases = FAREWELLS if slot is Slot.TIMING else FAREWELLS + LATER
    return any(_contains(words, phrase) for phrase in phrases)


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(words[i : i + size] == phrase for i in range(len(words) - size + 1))


def aside(state: DialogueState, intent: Intent) -> tuple[Reply, ...]:
    """The word said before the question again: welcome back after a goodbye, a hello back,
    a « with pleasure »; nothing for « more » (there is nothing more to show yet)."""
    if state.away:
        return (Say("welcome_back"),)
    if intent is Intent.GREETING:
        return (Say("hello_mid_questions"),)
    if intent is Intent.THANKS_BYE:
        return (Say("thanks_mid_questions"),)
    if intent is Intent.YES and state.pending in EDIT_PROMPTS:  # only yes, no, ok, thanks
        return (Say("title_needed" if state.pending is Slot.TITLE else "idea_needed"),)
    return ()
