"""What a resident's free text already tells: quartier, needs, themes, group type, timing. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from knowledge.lexicon import Hit, Lexicon
from knowledge.territory import Gazetteer
from knowledge.text import original_words, tokens
from routing.intake.draft import ELSEWHERE, Draft, Group, Need, Timing

MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
# English month names that are everyday words too ("we may", "a march"): a month only after these.
AMBIGUOUS_MONTHS = frozenset({"may", "march"})
MONTH_LEADS = frozenset({"in", "by", "until", "early", "late", "mid", "of", "next", "this", "en"})
# Seasons start in these months ("cet été" said in November is next summer).
SEASONS = {
    "printemps": 3,
    "ete": 6,
    "rentree": 9,
    "automne": 9,
    "hiver": 12,
    "spring": 3,
    "summer": 6,
    "autumn": 9,
    "fall": 9,
    "winter": 12,
}
# A season said alone ("maybe in spring", « au printemps ») only after one of these, or after an
# article that follows one ("in the spring"): "spring", "fall" and « été » are everyday words too.
SEASON_LEADS = MONTH_LEADS | {"au", "for", "pour", "cet", "ce"}
ARTICLES = frozenset({"the", "le", "l"})
QUARTER = 3
ELSEWHERE_WORDS = frozenset(
    {"ailleurs", "autre", "autres", "hors", "elsewhere", "else", "other", "another", "outside"}
)
NOT_HERE = frozenset({"pas", "hors", "not", "outside"})
# In front of a need: "déjà une salle" (they have it); "pas besoin de salle" (they do not
# need it); but "pas de salle", "no money" say what is lacking, so the need stands.
HAVE_WORDS = frozenset({"deja", "already"})
NEED_NEGATORS = frozenset({"pas", "aucun", "aucune", "ni", "no", "not", "never", "jamais"})
WITHOUT = frozenset({"sans", "without"})
NEED_VERBS = frozenset(
    {"besoin", "faut", "necessaire", "veux", "voulons", "need", "needed", "want", "require"}
)
NEED_WINDOW = 4
TIMING_NEGATORS = frozenset({"pas", "rien", "not", "no", "nothing"})
# "créer une association" is a plan, not a group that exists.
FOUNDING_WORDS = frozenset(
    {"creer", "fonder", "monter", "lancer", "create", "creating", "start", "starting", "found"}
)
NO_NEED_WORDS = (
    "rien",
    "aucun",
    "je sais pas",
    "je ne sais pas",
    "sais pas",
    "nothing",
    "none",
    "not sure",
    "do not know",
    "dont know",
    "not need anything",
    "no idea",
    "pas encore",
)
FILLERS = frozenset({"euh", "bah", "ben", "ah", "oh", "eh", "alors", "well", "um", "hmm", "bon"})
YES_PHRASES = (
    "pas de souci",
    "pas de probleme",
    "pas de pb",
    "pourquoi pas",
    "no problem",
    "no worries",
    "why not",
    "avec plaisir",
    "je veux bien",
    "j accepte",
    "je suis d accord",
    "of course",
)
NO_PHRASES = (
    "pas d accord",
    "not agree",
    "disagree",
    "je refuse",
    "pas vraiment",
    "not really",
    "no way",
    "pas question",
)
YES_EMOJI = frozenset("👍👌✅🙂😊")
NO_EMOJI = frozenset("👎❌🚫")
YES = frozenset(
    {
        "oui",
        "ok",
        "okay",
        "d accord",
        "daccord",
        "dacc",
        "ouais",
        "yes",
        "yep",
        "sure",
        "vas y",
        "c est bon",
        "bien sur",
        "go",
        "parfait",
        "top",
        "yeah",
        "volontiers",
        "ca marche",
        "c bon",
        "agree",
        "i agree",
        "fine",
        "oki",
        "ouep",
        "ouaip",
        "yup",
        "certainly",
        "absolutely",
        "accepte",
        "dac",
    }
)
NO = frozenset(
    {"non", "no", "nope", "nan", "nn", "pas d accord", "non merci", "no thanks", "jamais", "never"}
)


@dataclass(frozen=True)
class Extractor:
    gazetteer: Gazetteer
    lexicon: Lexicon

    def draft(self, text: str, today: date, *, whole_answer: bool = False) -> Draft:
        """A partial draft from free text; only what is clearly there, nothing invented.

        The lexicon reads the text once (``hits``), for the group, timing, needs and themes."""
        hits = self._hits(text)
        groups = self.lexicon.values(text, "group", hits=hits)
        if Group.ASSOCIATION.value in groups and not self._names_an_association(text, hits):
            groups.remove(Group.ASSOCIATION.value)
        timing, words = self.timing(text, today, hits)
        return Draft(
            neighbourhood=self.neighbourhood(text, whole_answer=whole_answer),
            needs=self.needs(text, hits) or None,
            group=self._strongest_group(groups),
            timing=timing,
            timing_words=words,
            themes=frozenset(self.lexicon.values(text, "theme", hits=hits)),
        )

    def _hits(self, text: str) -> list[Hit]:
        """The lexicon's phrases in ``text``, place names kept as written."""
        return self.lexicon.hits(text, self.gazetteer.name_words)

    def needs(self, text: str, hits: Sequence[Hit] | None = None) -> frozenset[Need]:
        """Needs the text states, minus the ones it says are met or not needed (``hits``: the
        text's ``_hits``, when already read)."""
        words = tokens(text)
        return frozenset(
            Need(hit.value)
            for hit in (self._hits(text) if hits is None else hits)
            if hit.category == "need"
            and _still_needed(words[max(0, hit.start - NEED_WINDOW) : hit.start])
        )

    def _names_an_association(self, text: str, hits: Sequence[Hit]) -> bool:
        words = tokens(text)
        for hit in hits:
            if hit.category == "group" and hit.value == Group.ASSOCIATION.value:
                before = set(words[max(0, hit.start - 3) : hit.start])
                if not before & FOUNDING_WORDS and not self.lexicon.negated(text, hit):
                    return True
        return False

    def neighbourhood(self, text: str, *, whole_answer: bool = False) -> str | None:
        found = self.gazetteer.find_quartier(text, whole_answer=whole_answer)
        if found:
            return found
        if not whole_answer:
            return None
        words = set(tokens(text))
        if words & ELSEWHERE_WORDS or self.gazetteer.find_other_commune(text):
            return ELSEWHERE
        if words & self.gazetteer.home_words and words & NOT_HERE:
            return ELSEWHERE
        return None

    @staticmethod
    def _strongest_group(groups: list[str]) -> Group | None:
        # An association is a fact; "on voudrait" only suggests a group.
        for candidate in (Group.ASSOCIATION, Group.ALONE, Group.INFORMAL):
            if candidate.value in groups:
                return candidate
        return None

    def timing(
        self, text: str, today: date, hits: Sequence[Hit] | None = None
    ) -> tuple[Timing | None, str | None]:
        """The timing bucket and the resident's own words for it (``hits``: the text's
        ``_hits``, when already read).

        A month or a season means its next occurrence, dated from ``today``: within three
        months, or else within the year ahead ("en juin" said in November is "dans l'année").
        """
        words = tokens(text)
        for hit in self._hits(text) if hits is None else hits:
            if hit.category != "timing":
                continue
            bucket, start = Timing(hit.value), hit.start
            negator = next(
                (i for i in range(max(0, start - 2), start) if words[i] in TIMING_NEGATORS), None
            )
            if negator is not None:
                if bucket is not Timing.ASAP:
                    continue
                bucket, start = Timing.NO_DATE, negator  # "pas urgent" means no rush
            month = _named_month((*words[hit.start : hit.end], *hit.phrase.split()))
            if month is not None:
                bucket = _month_bucket(month, today)
            return bucket, original_words(text, start, hit.end) or hit.phrase
        for i, word in enumerate(words):
            month = MONTHS.get(word)
            if month is not None:
                if word in AMBIGUOUS_MONTHS and (i == 0 or words[i - 1] not in MONTH_LEADS):
                    continue
                return _month_bucket(month, today), original_words(text, i, i + 1) or word
            lead = _season_lead(words, i)
            if word in SEASONS and lead is not None:
                said = original_words(text, lead, i + 1) or word
                return _month_bucket(SEASONS[word], today), said
        return None, None

    def needs_answer(self, text: str) -> frozenset[Need] | None:
        """Needs in an answer to "what do you need?"; empty set for "nothing / not sure"."""
        found = self.needs(text)
        if found:
            return found
        flat = f" {' '.join(tokens(text))} "
        if any(f" {phrase} " in flat for phrase in NO_NEED_WORDS):
            return frozenset()
        return None

    @staticmethod
    def yes_no(text: str) -> bool | None:
        """Yes, no, or None when unclear: "oui bien sûr", "ok !", "Non merci", "pas de souci"."""
        words = [w for w in tokens(text) if w not in FILLERS]
        flat = f" {' '.join(words)} "
        if any(f" {phrase} " in flat for phrase in NO_PHRASES):
            return False
        if any(f" {phrase} " in flat for phrase in YES_PHRASES):
            return True
        if not words:
            if set(text) & YES_EMOJI and not set(text) & NO_EMOJI:
                return True
            if set(text) & NO_EMOJI and not set(text) & YES_EMOJI:
                return False
            return None
        whole = flat.strip()
        first = words[0]
        if whole in NO or first in NO:
            return False
        if whole in YES or first in YES or (first.startswith("oui") and set(first) <= set("oui")):
            return True
        if whole.startswith(("d accord", "bien sur", "ca marche", "c est bon", "vas y")):
            return True
        return None


def _still_needed(before: tuple[str, ...]) -> bool:
    window = set(before)
    if window & HAVE_WORDS or window & WITHOUT:
        return False
    if window & NEED_NEGATORS:
        return not window & NEED_VERBS
    return True


def _season_lead(words: tuple[str, ...], i: int) -> int | None:
    """Where the words leading to a season at ``i`` start ("in", "in the"), or None."""
    before = i - 1
    if before >= 0 and words[before] in ARTICLES:
        before -= 1
    if before >= 0 and words[before] in SEASON_LEADS:
        return before
    return None


def _named_month(words: tuple[str, ...]) -> int | None:
    for word in words:
        month = SEASONS.get(word) or MONTHS.get(word)
        if month is not None:
            return month
    return None


def _month_bucket(month: int, today: date) -> Timing:
    ahead = (month - today.month) % 12
    return Timing.WITHIN_3_MONTHS if ahead <= QUARTER else Timing.THIS_YEAR
