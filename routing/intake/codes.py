"""The dialogue's closed sets: its steps, the commands, the actions buttons carry, the
verdicts on suggestions, and the formats of button values; plus the small word lists that
read greetings and preambles. Shared by every part of the dialogue."""

from __future__ import annotations

import re
from enum import StrEnum


class Step(StrEnum):
    NEW = "new"
    LISTENING = "listening"
    ASKING = "asking"
    SUMMARY = "summary"
    SUBMITTED = "submitted"
    IDLE = "idle"
    CONFIRM_FORGET = "confirm_forget"
    CHOOSING_LANGUAGE = "choosing_language"


class Command(StrEnum):
    START = "start"
    HELP = "aide"
    RESTART = "recommencer"
    CANCEL = "annuler"
    STATUS = "suivi"
    HUMAN = "humain"
    MYDATA = "mesdonnees"
    FORGET = "oublier"
    LANGUAGE = "langue"
    PAUSE = "pause"  # no more follow-ups until /reprendre
    RESUME = "reprendre"


COMMAND_ALIASES: dict[str, Command] = {
    **{c.value: c for c in Command},
    "help": Command.HELP,
    "restart": Command.RESTART,
    "cancel": Command.CANCEL,
    "status": Command.STATUS,
    "human": Command.HUMAN,
    "mydata": Command.MYDATA,
    "forget": Command.FORGET,
    "language": Command.LANGUAGE,
    "lang": Command.LANGUAGE,
    "resume": Command.RESUME,
}
LOCALES = ("fr", "en")
GREETINGS = frozenset(
    {
        "bonjour",
        "salut",
        "hello",
        "hi",
        "coucou",
        "bonsoir",
        "hey",
        "yo",
        "cc",
        "slt",
        "bjr",
        "hola",
        "good",
        "morning",
        "evening",
        "re",
    }
)
# Words that go with a greeting but tell no idea yet: "Bonjour, j'ai une idée !"
PREAMBLE = frozenset(
    {
        "a",
        "tous",
        "toi",
        "vous",
        "madame",
        "monsieur",
        "declic",
        "there",
        "everyone",
        "all",
        "ca",
        "va",
        "comment",
        "allez",
        "how",
        "are",
        "you",
        "j",
        "ai",
        "une",
        "idee",
        "i",
        "have",
        "an",
        "idea",
        "merci",
        "thanks",
        "afternoon",
        "day",
    }
)
PREAMBLE_MAX_WORDS = 8
SOURCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
IN_PROGRESS = (Step.LISTENING, Step.ASKING, Step.SUMMARY)


class Action(StrEnum):
    """Button families; a button is (action, value, version)."""

    ANSWER = "a"
    EDIT = "e"
    SUBMIT = "s"
    FORGET = "f"
    LANGUAGE = "l"
    NEXT = "n"
    SUGGESTION = "g"  # value "<suggestion id>.<verdict>"; never stale (see _suggestion_button)
    SPRINT = "p"  # value "b.<idea>.<yyyymmdd>.<room>", "r.<idea>" or "c.<idea>"; never stale
    FOLLOWUP = "u"  # value "<follow-up id>.<code>" (FOLLOWUP_CODES); never stale
    HELP = "h"  # the bot's own offers: a person, a clarifying choice, kinds of ideas
    STILL_HERE = "k"  # « Je suis toujours là » under the retention notice; never stale


class Verdict(StrEnum):
    """A resident's answer to one suggestion."""

    YES = "y"  # « Ça m'intéresse »
    NO = "n"  # « Pas pour moi »
    INFO = "i"  # « En savoir plus »


# A follow-up's buttons: a check-in's answers (moving, blocked, paused, realized), the sprint's
# score (1 to 5), and yes/no to sharing the realized idea's line with others.
FOLLOWUP_ANSWERS = {"m": "moving", "b": "blocked", "p": "paused", "r": "realized"}
FOLLOWUP_CODES = frozenset({*FOLLOWUP_ANSWERS, "1", "2", "3", "4", "5", "y", "n"})
FOLLOWUP_VALUE = re.compile(r"([0-9]{1,12})\.([a-z0-9])")
FOLLOWUP_TEXT_CHARS = 500
SUGGESTIONS_PER_PAGE = 3
SUGGESTION_ID = re.compile(r"[0-9]{1,12}")  # ASCII digits only: isdigit() accepts "١٧"
SPRINT_BOOK = re.compile(r"b\.([0-9]{1,12})\.([0-9]{8})\.([0-9]{1,12})")
SPRINT_IDEA = re.compile(r"([rc])\.([0-9]{1,12})")
ORDINALS = {
    "1": 1, "2": 2, "3": 3, "premier": 1, "premiere": 1, "deuxieme": 2, "second": 2,
    "seconde": 2, "troisieme": 3, "first": 1, "third": 3, "un": 1, "une": 1, "deux": 2,
    "trois": 3, "two": 2, "three": 3,
}  # fmt: skip
QUARTIER_BUTTONS = 8  # more quartiers than this are paged
QUARTIERS_PER_PAGE = 6
QUARTIER_PAGE = "page."  # a quartier button's value that shows another page
FREE_PLACE_CHARS = 64  # without a city, the resident's own words for where (column size)
ORDINAL_FILLERS = frozenset({"la", "le", "l", "option", "the", "one", "choix", "je", "prends"})
