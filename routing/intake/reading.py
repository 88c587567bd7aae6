"""Small readings of the resident's words the dialogue needs besides the understanding
layer: ordinals, « more », greetings, « why? », a language asked for, commands typed, new words
for an idea; and which step the understanding layer should read a message at."""

from __future__ import annotations

from infra.frozen import replace
from knowledge.text import tokens
from routing.intake.codes import (
    COMMAND_ALIASES,
    GREETINGS,
    ORDINAL_FILLERS,
    ORDINALS,
    PREAMBLE,
    PREAMBLE_MAX_WORDS,
    Command,
    Step,
)
from routing.intake.draft import (
    IDEA_MAX_CHARS,
    Draft,
    Group,
    Need,
    Slot,
    Timing,
)
from routing.intake.events import (
    CommandIn,
    UnknownCommandIn,
)
from routing.intake.state import DialogueState
from routing.understanding import Intent, Understanding

INTENT_COMMANDS = {
    Intent.HUMAN: Command.HUMAN,
    Intent.CANCEL: Command.CANCEL,
    Intent.FORGET: Command.FORGET,
    Intent.PAUSE: Command.PAUSE,
    Intent.STATUS: Command.STATUS,
    Intent.HELP: Command.HELP,
}
ANSWERED_BY_SLOTS = frozenset({Slot.NEIGHBOURHOOD, Slot.NEEDS, Slot.GROUP, Slot.TIMING})
NEED_CODES = frozenset(n.value for n in Need)
GROUP_CODES = frozenset(g.value for g in Group)
TIMING_CODES = frozenset(t.value for t in Timing)
# Common kinds of ideas offered, as buttons, to a resident who has none yet.
IDEA_KINDS = ("garden", "party", "workshop", "sport", "solidarity", "environment")
SUBSTANTIAL_WORDS = 5  # fewer words, and not surely an idea: ask what they meant
WANT_WORDS = frozenset({"reserver", "book", "veux", "want", "voudrais", "prendre", "faire"})


def _substantial(text: str) -> bool:
    return len(tokens(text)) >= SUBSTANTIAL_WORDS


def _wants(text: str) -> bool:
    return bool(WANT_WORDS & set(tokens(text)))


def _corrected(draft: Draft, heard: Understanding) -> Draft | None:
    """The draft with the field the resident corrects replaced (not merged); None when the
    words name no new value for it."""
    slots = heard.slots
    field_ = slots.corrects
    if field_ in (None, "neighbourhood") and slots.neighbourhood:
        return replace(draft, neighbourhood=slots.neighbourhood)
    if field_ in (None, "needs") and slots.needs:
        needs = frozenset(Need(n) for n in slots.needs if n in NEED_CODES)
        return replace(draft, needs=needs) if needs else None
    if field_ in (None, "group") and slots.group in GROUP_CODES:
        return replace(draft, group=Group(slots.group))
    if field_ in (None, "timing") and (slots.timing in TIMING_CODES or slots.date):
        timing = Timing(slots.timing) if slots.timing in TIMING_CODES else draft.timing
        words = slots.date.isoformat() if slots.date else None
        return replace(draft, timing=timing, timing_words=words)
    if field_ == "title" and heard.title:
        return replace(draft, title=heard.title)
    return None


def _new_words(known: str, text: str) -> str | None:
    """``text`` when it tells something the idea does not already say, else None."""
    words = [w for w in tokens(text) if len(w) > 2]
    if not words:
        return None
    have = set(tokens(known))
    fresh = [w for w in words if w not in have]
    return text.strip() if len(fresh) * 2 >= len(words) or len(fresh) >= 3 else None


QUOTE_CHARS = 120


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[:QUOTE_CHARS].rsplit(" ", 1)[0] + "…"


def reading_step(state: DialogueState) -> str:
    """The understanding layer's step for what the bot last asked (its ``Step`` values)."""
    if state.waiting:
        return "waiting_human"
    if state.step is Step.ASKING:
        return {
            Slot.NEIGHBOURHOOD: "quartier",
            Slot.NEEDS: "needs",
            Slot.GROUP: "group",
            Slot.TIMING: "timing",
            Slot.CONSENT: "consent",
        }.get(state.pending or Slot.IDEA, "start")
    if state.step is Step.SUMMARY:
        return "summary"
    if state.step is Step.SUBMITTED:
        if state.sprint_menu:
            return "sprint_options"
        return "sprint_booked" if state.sprint_day else "after_submit"
    if state.step is Step.CONFIRM_FORGET:
        return "consent"
    return "start"


def _ordinal(text: str) -> int | None:
    """ "1", "la première", "the second one" → 1, 1, 2; anything else None."""
    words = [w for w in tokens(text) if w not in ORDINAL_FILLERS]
    if len(words) != 1:
        return None
    return ORDINALS.get(words[0])


MORE_WORDS = frozenset({"autre", "encore", "plus", "suite", "piste", "more", "other", "next"})
MORE_FILLERS = frozenset({"d", "des", "de", "la", "le", "voir", "les", "please", "stp", "svp"})


def _asks_for_more(text: str) -> bool:
    """A short "d'autres ?" typed instead of pressing « Voir d'autres pistes »."""
    words = [w if w in MORE_WORDS else w.removesuffix("s") for w in tokens(text)]
    if not 0 < len(words) <= 4:
        return False
    meaningful = [w for w in words if w not in MORE_FILLERS]
    return bool(meaningful) and all(w in MORE_WORDS for w in meaningful)


def _is_greeting(text: str) -> bool:
    """Only hello (and "j'ai une idée"): nothing yet to keep as the idea."""
    words = tokens(text)
    if not 0 < len(words) <= PREAMBLE_MAX_WORDS:
        return False
    return all(w in GREETINGS or w in PREAMBLE for w in words) and (
        any(w in GREETINGS for w in words) or "idee" in words or "idea" in words
    )


def _asks_why(text: str) -> bool:
    flat = f" {' '.join(tokens(text))} "
    if " pourquoi pas " in flat or " why not " in flat:
        return False
    return "?" in text or " pourquoi " in flat or " why " in flat


def _locale_from_text(text: str) -> str | None:
    flat = " ".join(tokens(text))
    if flat in ("fr", "francais", "french", "france"):
        return "fr"
    if flat in ("en", "english", "anglais", "englais"):
        return "en"
    return None


def parse_command(text: str) -> CommandIn | UnknownCommandIn | None:
    """``/aide``, ``/start poster-tanneurs``, ``/help@DeclicBot`` → a command event."""
    if not text.startswith("/"):
        return None
    head, _, arg = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    command = COMMAND_ALIASES.get(name)
    if command is None:
        return UnknownCommandIn(name[:32])
    return CommandIn(command, arg.strip() or None)


def _whole_idea(before: str, edit: str) -> str:
    """The idea as told so far and its edit, both kept: suggestions read the whole idea
    (an edited 100-guest dinner still needs a room for 100), the title follows the edit."""
    if not before or edit.strip() in before:
        return before or edit
    return f"{before}\n{edit}"[-IDEA_MAX_CHARS:]
