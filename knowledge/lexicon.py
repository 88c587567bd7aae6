"""Everyday French and English words mapped to needs, themes, group types and timing.

Residents do not write "subvention de fonctionnement"; they write "des sous", "un local",
"assurance des bénévoles". The phrases below are matched on normalised, singularised tokens,
with single-word typo tolerance (rapidfuzz), and a negation window ("pas besoin de salle").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from rapidfuzz import fuzz, process

from knowledge.text import singular, tokens

# category -> value -> phrases (French first, then English)
ENTRIES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "need": {
        "place": (
            "salle",
            "un local",
            "le local",
            "de local",
            "du local",
            "des locaux",
            "local pour",
            "un lieu",
            "endroit",
            "un espace pour",
            "d un espace",
            "de l espace",
            "terrain",
            "parcelle",
            "bout de terrain",
            "ou se reunir",
            "se retrouver",
            "pour se reunir",
            "salle de reunion",
            "lieu pour",
            "room",
            "a place",
            "venue",
            "space to",
            "premises",
            "meeting room",
            "plot of land",
        ),
        "funding": (
            "financement",
            "financer",
            "subvention",
            "argent",
            "des sous",
            "de sous",
            "les sous",
            "budget",
            "fric",
            "thune",
            "de la tune",
            "de tune",
            "aide financiere",
            "bourse",
            "des fonds",
            "levee de fonds",
            "cagnotte",
            "payer",
            "acheter",
            "money",
            "funding",
            "fund",
            "grant",
            "cash",
            "pay for",
            "finance",
            "budget",
        ),
        "legal": (
            "juridique",
            "assurance",
            "assurer",
            "autorisation",
            "responsabilite",
            "legal",
            "statut",
            "statuts",
            "arrete",
            "declaration en mairie",
            "occupation du domaine public",
            "voie publique",
            "autorise",
            "permis",
            "reglementation",
            "securite",
            "insurance",
            "insured",
            "liability",
            "permit",
            "permission",
            "authorisation",
            "authorization",
            "law",
            "lawyer",
            "allowed",
        ),
        "equipment": (
            "materiel",
            "outil",
            "outils",
            "tables",
            "table",
            "chaise",
            "chaises",
            "barnum",
            "tente",
            "sono",
            "sonorisation",
            "vaisselle",
            "ordinateur",
            "cuisine equipee",
            "frigo",
            "equipment",
            "tools",
            "gear",
            "chairs",
            "tables",
            "sound system",
            "tent",
        ),
        "partners": (
            "partenaire",
            "partenaires",
            "sponsor",
            "mecene",
            "mecenat",
            "entreprise",
            "commercant",
            "un soutien",
            "des soutiens",
            "parrain",
            "partner",
            "partners",
            "sponsorship",
            "businesses",
            "local shops",
        ),
        "skills": (
            "competence",
            "savoir faire",
            "des conseils",
            "un conseil",
            "de conseil",
            "accompagnement",
            "formation",
            "aide pour",
            "coup de main",
            "benevole",
            "benevoles",
            "communication",
            "affiche",
            "site internet",
            "comptabilite",
            "graphiste",
            "monter le projet",
            "monter un dossier",
            "skills",
            "advice",
            "help with",
            "volunteers",
            "training",
            "expertise",
            "mentoring",
        ),
        "peers": (
            "rencontrer",
            "autres porteurs",
            "porteurs de projet",
            "reseau",
            "echanger avec",
            "d autres gens",
            "autres habitants qui",
            "rejoindre",
            "mutualiser",
            "meet other",
            "network",
            "other projects",
            "connect with",
            "join",
        ),
    },
    "theme": {
        "garden": (
            "jardin",
            "potager",
            "jardinage",
            "plantation",
            "planter",
            "compost",
            "composteur",
            "legume",
            "fleur",
            "fleurir",
            "verger",
            "permaculture",
            "bac",
            "graine",
            "grainotheque",
            "garden",
            "gardening",
            "vegetable",
            "plants",
            "allotment",
            "seeds",
        ),
        "repair": (
            "reparation",
            "reparer",
            "repair cafe",
            "bricolage",
            "velo a reparer",
            "atelier velo",
            "recyclerie",
            "reemploi",
            "couture",
            "recoudre",
            "repair",
            "fix",
            "fixing",
            "mend",
        ),
        "food": (
            "repas",
            "cuisine",
            "cuisiner",
            "manger",
            "gouter",
            "pique nique",
            "picnic",
            "buffet",
            "epicerie",
            "alimentation",
            "soupe",
            "banquet",
            "food",
            "cooking",
            "meal",
            "dinner",
            "lunch",
            "cook",
        ),
        "culture": (
            "culture",
            "concert",
            "musique",
            "theatre",
            "danse",
            "expo",
            "exposition",
            "lecture",
            "livre",
            "bibliotheque",
            "boite a livre",
            "cinema",
            "art",
            "fresque",
            "peinture",
            "chorale",
            "photo",
            "music",
            "theater",
            "dance",
            "books",
            "mural",
            "painting",
            "film",
        ),
        "sport": (
            "sport",
            "foot",
            "football",
            "basket",
            "course",
            "courir",
            "gym",
            "yoga",
            "marche",
            "randonnee",
            "petanque",
            "tournoi",
            "sports",
            "running",
            "soccer",
            "tournament",
        ),
        "parenting": (
            "parent",
            "parents",
            "enfant",
            "enfants",
            "bebe",
            "maman",
            "papa",
            "famille",
            "parentalite",
            "creche",
            "garde d enfant",
            "children",
            "kids",
            "baby",
            "mums",
            "dads",
            "family",
            "families",
            "childcare",
        ),
        "youth": (
            "jeune",
            "jeunes",
            "ado",
            "ados",
            "adolescent",
            "etudiant",
            "youth",
            "teenager",
            "teens",
            "young people",
            "students",
        ),
        "elderly": (
            "senior",
            "seniors",
            "personne agee",
            "personnes agees",
            "aine",
            "anciens",
            "retraite",
            "isolement",
            "elderly",
            "older people",
            "pensioners",
        ),
        "solidarity": (
            "solidarite",
            "entraide",
            "precarite",
            "don",
            "dons",
            "maraude",
            "sans abri",
            "migrant",
            "refugie",
            "solidarity",
            "mutual aid",
            "homeless",
            "donation",
            "donations",
            "refugees",
            "helping",
        ),
        "events": (
            "fete",
            "fete de quartier",
            "fete des voisins",
            "fete de rue",
            "bal",
            "carnaval",
            "brocante",
            "vide grenier",
            "kermesse",
            "evenement",
            "animation",
            "street party",
            "party",
            "festival",
            "celebration",
            "event",
            "flea market",
        ),
        "environment": (
            "environnement",
            "ecologie",
            "proprete",
            "dechet",
            "dechets",
            "nettoyage",
            "ramassage",
            "zero dechet",
            "biodiversite",
            "nature",
            "arbre",
            "climat",
            "environment",
            "litter",
            "clean up",
            "cleanup",
            "waste",
            "trees",
            "ecology",
            "climate",
        ),
        "mobility": (
            "velo",
            "mobilite",
            "covoiturage",
            "pedibus",
            "trottinette",
            "transport",
            "bike",
            "bicycle",
            "cycling",
            "carpool",
            "carpooling",
        ),
        "digital": (
            "numerique",
            "informatique",
            "ordinateur",
            "internet",
            "smartphone",
            "demarche en ligne",
            "digital",
            "computer",
            "computers",
            "online",
        ),
        "education": (
            "soutien scolaire",
            "devoirs",
            "aide aux devoirs",
            "alphabetisation",
            "apprendre",
            "cours",
            "francais langue",
            "homework",
            "tutoring",
            "literacy",
            "learn",
            "classes",
        ),
        "health": (
            "sante",
            "bien etre",
            "sport sante",
            "prevention",
            "sante mentale",
            "health",
            "wellbeing",
            "well being",
            "mental health",
        ),
        "living": (
            "cadre de vie",
            "embellir",
            "rue",
            "place",
            "banc",
            "cour d immeuble",
            "hall",
            "residence",
            "square",
            "immeuble",
            "street",
            "courtyard",
            "neighbourhood life",
        ),
        "accessibility": (
            "fauteuil",
            "fauteuil roulant",
            "handicap",
            "handicape",
            "pmr",
            "mobilite reduite",
            "accessible",
            "accessibilite",
            "malvoyant",
            "sourd",
            "wheelchair",
            "disabled",
            "disability",
            "accessibility",
            "step free",
            "blind",
            "deaf",
        ),
        "languages": (
            "langue",
            "langues",
            "interculturel",
            "traduction",
            "conversation en anglais",
            "languages",
            "language exchange",
            "translation",
            "intercultural",
        ),
    },
    "group": {
        "association": (
            "association",
            "notre association",
            "une association",
            "loi 1901",
            "association loi",
            "club",
            "charity",
            "nonprofit",
            "non profit",
            "registered association",
            "our charity",
        ),
        "informal": (
            "collectif",
            "un groupe",
            "groupe de",
            "on est",
            "nous sommes",
            "avec des voisins",
            "avec mes voisins",
            "avec quelques voisins",
            "avec les voisins",
            "avec nos voisins",
            "avec des voisines",
            "avec mes voisines",
            "avec les voisines",
            "avec ma voisine",
            "avec mon voisin",
            "avec des amis",
            "avec des parents",
            "avec d autres parents",
            "avec des copains",
            "avec des copines",
            "plusieurs habitants",
            "on voudrait",
            "on aimerait",
            "on veut",
            "on souhaite",
            "nous voulons",
            "nous aimerions",
            "entre voisins on",
            "we are",
            "we want",
            "we would like",
            "we d like",
            "a few of us",
            "with my neighbours",
            "with my neighbors",
            "with neighbours",
            "with neighbors",
            "with friends",
            "a group of",
            "our group",
        ),
        "alone": (
            "seul",
            "seule",
            "tout seul",
            "toute seule",
            "je suis seul",
            "je suis seule",
            "moi meme",
            "pour l instant je suis",
            "a titre perso",
            "alone",
            "by myself",
            "on my own",
            "just me",
            "only me",
        ),
    },
    "timing": {
        "asap": (
            "des que possible",
            "au plus vite",
            "vite",
            "rapidement",
            "urgent",
            "bientot",
            "la semaine prochaine",
            "ce week end",
            "demain",
            "tout de suite",
            "maintenant",
            "asap",
            "as soon as possible",
            "soon",
            "next week",
            "this weekend",
            "right away",
        ),
        "within_3_months": (
            "le mois prochain",
            "dans un mois",
            "dans deux mois",
            "dans 2 mois",
            "dans 3 mois",
            "dans trois mois",
            "d ici l ete",
            "cet ete",
            "ce printemps",
            "next month",
            "in a month",
            "in two months",
            "this spring",
            "this summer",
            "within 3 months",
        ),
        "this_year": (
            "cette annee",
            "dans l annee",
            "a la rentree",
            "en septembre",
            "l automne",
            "cet automne",
            "cet hiver",
            "d ici la fin de l annee",
            "dans six mois",
            "dans 6 mois",
            "this year",
            "later this year",
            "in the autumn",
            "in the fall",
            "this autumn",
            "by the end of the year",
            # seasons are dated from today by the extractor
            "l ete prochain",
            "le printemps prochain",
            "l automne prochain",
            "l hiver prochain",
            "next summer",
            "next spring",
            "next autumn",
            "next fall",
            "next winter",
        ),
        "no_date": (
            "pas de date",
            "pas encore de date",
            "je ne sais pas quand",
            "sais pas quand",
            "aucune idee",
            "pas presse",
            "on verra",
            "un jour",
            "l annee prochaine",
            "no date",
            "not sure when",
            "no idea when",
            "no rush",
            "next year",
            "someday",
            "some day",
        ),
    },
}

NEGATIONS = frozenset(
    {"pas", "sans", "aucun", "aucune", "deja", "no", "not", "dont", "already", "without", "never"}
)
NEGATION_WINDOW = 3
TYPO_MIN_LENGTH = 5
TYPO_CUTOFF = 84.0


@dataclass(frozen=True)
class Hit:
    category: str
    value: str
    start: int
    end: int
    phrase: str


class Lexicon:
    def __init__(self, entries: Mapping[str, Mapping[str, Iterable[str]]] = ENTRIES) -> None:
        self._index: dict[str, list[tuple[tuple[str, ...], str, str]]] = defaultdict(list)
        for category, values in entries.items():
            for value, phrases in values.items():
                for phrase in phrases:
                    key = tuple(singular(t) for t in tokens(phrase))
                    if key:
                        self._index[key[0]].append((key, category, value))
        for candidates in self._index.values():
            candidates.sort(key=lambda item: -len(item[0]))
        # A word's typo twin, remembered: residents' words repeat from message to message, and
        # each unknown one cost a fuzzy search of the words with its initial (the lexicon does
        # not change once built, so neither do the answers).
        self._twin = lru_cache(maxsize=16384)(self._typo_twin)

    @cached_property
    def known_words(self) -> frozenset[str]:
        """Every word of every phrase: real words, never to be read as someone's typo."""
        return frozenset(w for cands in self._index.values() for key, _, _ in cands for w in key)

    @cached_property
    def _vocabulary(self) -> dict[str, dict[str, None]]:
        """Words long enough to have typo twins, by first letter: a typo rarely hits the first
        letter, and without that rule "looking" would read as "cooking"."""
        words: dict[str, dict[str, None]] = defaultdict(dict)
        for candidates in self._index.values():
            for key, _, _ in candidates:
                for word in key:
                    if len(word) >= TYPO_MIN_LENGTH:
                        words[word[0]][word] = None
        return words

    def correct(
        self, words: tuple[str, ...], protected: frozenset[str] = frozenset()
    ) -> tuple[str, ...]:
        """Singularise, then replace a word absent from the lexicon by its close typo twin.

        ``protected`` words (place names) are kept as they are.
        """
        twin = self._twin
        return tuple(raw if raw in protected else twin(singular(raw)) for raw in words)

    def _typo_twin(self, word: str) -> str:
        """``word`` (singular), or its close typo twin when the lexicon does not know it."""
        same_initial = self._vocabulary.get(word[:1], {})
        if len(word) >= TYPO_MIN_LENGTH and word not in same_initial and word not in self._index:
            match = process.extractOne(
                word, same_initial.keys(), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF
            )
            if match is not None:
                return str(match[0])
        return word

    def hits(self, text: str, protected: frozenset[str] = frozenset()) -> list[Hit]:
        words = self.correct(tokens(text), protected)
        found: list[Hit] = []
        for start, word in enumerate(words):
            for key, category, value in self._index.get(word, ()):
                end = start + len(key)
                if words[start:end] == key:
                    found.append(Hit(category, value, start, end, " ".join(key)))
        return found

    def negated(self, text: str, hit: Hit) -> bool:
        words = tokens(text)
        window = words[max(0, hit.start - NEGATION_WINDOW) : hit.start]
        return any(w in NEGATIONS for w in window)

    def values(
        self,
        text: str,
        category: str,
        *,
        respect_negation: bool = True,
        protected: frozenset[str] = frozenset(),
        hits: Sequence[Hit] | None = None,
    ) -> list[str]:
        """Values of one category found in text, in order of first appearance, deduplicated.
        ``hits``: ``self.hits(text, protected)`` when the caller has read them already."""
        seen: dict[str, None] = {}
        for hit in self.hits(text, protected) if hits is None else hits:
            if hit.category != category:
                continue
            if respect_negation and self.negated(text, hit):
                continue
            seen.setdefault(hit.value, None)
        return list(seen)


_DEFAULT: Lexicon | None = None


def default_lexicon() -> Lexicon:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Lexicon()
    return _DEFAULT
