"""Words for matching: stop words, English→French, and the concepts a directory entry names.

The intake lexicon (``knowledge.lexicon``) maps residents' words to needs and themes; this
module adds what matching also needs (equipment, food, wheelchair, kinds of resource, energy and
housing themes) and a fast phrase tagger for directory texts, without typo correction, so a
catalogue of 100,000 entries builds in seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from pathlib import Path

import Stemmer
import yaml

from knowledge.lexicon import ENTRIES as INTAKE_ENTRIES
from knowledge.resources import canonical_theme
from knowledge.text import singular, tokens

EXTRA_ENTRIES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "need": {
        "legal": (
            "assurance des benevoles",
            "responsabilite civile",
            "statut juridique",
            "creer une association",
            "declarer",
            "reglement",
            "conseil juridique",
        ),
        "funding": ("un peu d argent", "des fonds", "financement participatif", "dotation"),
        "place": ("salle des fetes", "hall", "accueillir", "heberger", "host"),
        "equipment": ("pret de materiel", "emprunter", "preter", "borrow", "lend"),
        "skills": (
            "expert",
            "referent",
            "accompagner",
            "guide",
            "coach",
            "mentor",
            "monter mon projet",
            "monter notre projet",
            "aider a monter",
            "par ou commencer",
            "where to start",
        ),
        "peers": ("deja fait", "d autres collectifs", "collectif existant", "rejoindre"),
    },
    "theme": {
        "energy": (
            "energie",
            "energetique",
            "renovation energetique",
            "solaire",
            "panneau solaire",
            "photovoltaique",
            "isolation",
            "chauffage",
            "facture",
            "economie d energie",
            "energy",
            "solar",
            "insulation",
            "heating",
        ),
        "housing": (
            "logement",
            "habitat",
            "bailleur",
            "locataire",
            "copropriete",
            "hlm",
            "housing",
            "tenant",
            "landlord",
        ),
        "food": (
            "epicerie solidaire",
            "frigo solidaire",
            "cuisine partagee",
            "gateau",
            "crepe",
            "apero",
            "barbecue",
            "potluck",
            "auberge espagnole",
            "brunch",
            "restauration",
        ),
        "garden": ("jardin partage", "parcelle", "bac a potager", "arrosage", "vegetaliser"),
        "digital": ("fracture numerique", "atelier numerique", "tablette", "laptop", "pc"),
        "repair": ("repair cafe", "atelier de reparation", "outillage"),
    },
    "equipment": {
        "kitchen": ("cuisine", "une cuisine", "cuisine equipee", "four", "kitchen", "oven"),
        "pro_kitchen": (
            "cuisine professionnelle",
            "cuisine pro",
            "chambre froide",
            "commercial kitchen",
            "professional kitchen",
        ),
        "kitchenette": ("kitchenette", "coin cuisine", "bouilloire"),
        "projector": (
            "videoprojecteur",
            "video projecteur",
            "projecteur",
            "projection",
            "ecran",
            "projector",
            "screen",
        ),
        "sound_system": (
            "sono",
            "sonorisation",
            "enceinte",
            "micro",
            "sound system",
            "speaker",
            "pa system",
        ),
        "garden_plot": ("parcelle", "bac", "carre potager", "plot", "allotment", "raised bed"),
        "workshop_tools": ("outil", "outillage", "etabli", "perceuse", "tool", "workbench"),
        "wifi": ("wifi", "wi fi", "connexion internet"),
        "tables_chairs": ("table", "chaise", "tables et chaises", "chair"),
        "tent": ("barnum", "tente", "chapiteau", "tonnelle", "gazebo", "marquee", "tent"),
        "crockery": ("vaisselle", "gobelet", "verre", "assiette", "plate", "cup", "crockery"),
        "sewing_machines": ("machine a coudre", "sewing machine"),
        "computers": ("ordinateur", "ordi", "computer", "laptop"),
        "stage": ("scene", "estrade", "podium", "stage"),
    },
    "flag": {
        "wheelchair": (
            "fauteuil",
            "fauteuil roulant",
            "en fauteuil",
            "roulant",
            "pmr",
            "mobilite reduite",
            "handicap moteur",
            "wheelchair",
            "step free",
            "sans marche",
            "plain pied",
            "deambulateur",
            "walker",
            "rollator",
        ),
        "food": (
            "repas",
            "diner",
            "dejeuner",
            "traiteur",
            "plat",
            "plats chauds",
            "rechauffer",
            "chauffer les plats",
            "manger",
            "cuisiner",
            "cuisine",
            "gouter",
            "buffet",
            "pique nique",
            "soupe",
            "gateau",
            "crepe",
            "apero",
            "barbecue",
            "brunch",
            "auberge espagnole",
            "degustation",
            "food",
            "meal",
            "cook",
            "cooking",
            "dinner",
            "lunch",
            "potluck",
            "snack",
        ),
    },
    "kind": {
        "room": (
            "salle",
            "local",
            "maison de quartier",
            "centre social",
            "gymnase",
            "auditorium",
            "room",
            "venue",
            "hall",
            "premises",
            "community centre",
            "community center",
        ),
        "grant": (
            "subvention",
            "aide financiere",
            "appel a projet",
            "bourse",
            "fonds",
            "fond",
            "budget participatif",
            "dotation",
            "grant",
            "funding",
            "fund",
        ),
        "legal": (
            "juridique",
            "assurance",
            "avocat",
            "permanence juridique",
            "droit",
            "legal",
            "insurance",
            "lawyer",
            "legal advice",
        ),
        "sponsor": (
            "mecenat",
            "mecene",
            "sponsor",
            "sponsoring",
            "partenariat",
            "don en nature",
            "sponsorship",
            "donation",
        ),
        "contact": (
            "referent",
            "referente",
            "charge de mission",
            "chargee de mission",
            "conseiller",
            "conseillere",
            "animateur",
            "animatrice",
            "interlocuteur",
            "delegue",
            "officer",
            "adviser",
            "advisor",
            "coordinator",
        ),
        "initiative": (
            "collectif",
            "initiative",
            "reseau",
            "benevoles",
            "rejoignez",
            "nouveaux venus",
            "bienvenue",
            "group",
            "volunteers",
            "newcomers",
            "welcome",
        ),
    },
}

STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cet",
        "cette",
        "c",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "elles",
        "en",
        "et",
        "etre",
        "eu",
        "il",
        "ils",
        "je",
        "j",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lui",
        "m",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "moi",
        "mon",
        "n",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "s",
        "sa",
        "se",
        "ses",
        "si",
        "son",
        "sur",
        "t",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "y",
        "est",
        "sont",
        "ai",
        "as",
        "avons",
        "avez",
        "ont",
        "suis",
        "es",
        "etes",
        "fait",
        "faire",
        "faut",
        "peut",
        "peux",
        "veux",
        "voudrais",
        "voudrait",
        "aimerais",
        "aimerait",
        "bonjour",
        "salut",
        "merci",
        "hello",
        "hi",
        "thanks",
        "ca",
        "cela",
        "ceci",
        "tout",
        "tous",
        "toute",
        "toutes",
        "tres",
        "plus",
        "bien",
        "aussi",
        "comme",
        "quand",
        "comment",
        "quoi",
        "dont",
        "donc",
        "alors",
        "car",
        "ici",
        "la-bas",
        "chez",
        "sans",
        "sous-entendu",
        "ya",
        "il-y",
        "voila",
        "oui",
        "non",
        "ok",
        "genre",
        "truc",
        "trucs",
        "chose",
        "choses",
        "idee",
        "projet",
        "envie",
        "besoin",
        "cherche",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "is",
        "are",
        "be",
        "been",
        "was",
        "were",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "their",
        "them",
        "they",
        "he",
        "she",
        "his",
        "her",
        "an",
        "as",
        "by",
        "from",
        "so",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "should",
        "will",
        "want",
        "wanted",
        "like",
        "need",
        "looking",
        "some",
        "any",
        "just",
        "about",
        "into",
    ]
)

EN_FR_FILE = Path(__file__).resolve().parent / "vocab" / "en_fr.yaml"


@cache
def en_fr() -> dict[str, str]:
    """English word → French word (knowledge/vocab/en_fr.yaml), loaded once."""
    with EN_FR_FILE.open(encoding="utf-8") as handle:
        return {str(k): str(v) for k, v in yaml.safe_load(handle).items()}


_STEMMER = Stemmer.Stemmer("french")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """French Snowball stem (PyStemmer) of an accent-free word: jardins, jardinage → jardin."""
    return str(_STEMMER.stemWord(word))  # PyStemmer ships no type hints


PREFIX = 5
_ENGLISH = Stemmer.Stemmer("english")


@cache
def _en_fr_by_stem() -> dict[str, str]:
    by_stem: dict[str, str] = {}
    for english, french in en_fr().items():
        by_stem.setdefault(_ENGLISH.stemWord(english), french)
    return by_stem


def english_term(word: str) -> str | None:
    """The French word for an English word written in another form than the vocabulary's
    (« rehearsing », « benches » → the entry of « rehearse », « bench »), or None. Only a word
    with an English ending is read so: « train » stays itself, whatever « training » means."""
    root = _ENGLISH.stemWord(word)
    return _en_fr_by_stem().get(root) if root != word else None


def term(word: str) -> str:
    """A word as the index stores it: singular, English mapped to French."""
    word = singular(word)
    return en_fr().get(word, word)


def stem_key(word: str) -> str:
    """The index key of a word's family (jardin, jardins, jardinage → ``~jardin``): a
    French Snowball stem, matched with a lower weight than the word itself."""
    return "~" + stem(word)


def terms(text: str) -> list[str]:
    """Index terms of a text: content words, singular, English mapped to French."""
    return [term(w) for w in tokens(text) if w not in STOP_WORDS and len(w) > 1]


def merged_entries() -> dict[str, dict[str, tuple[str, ...]]]:
    """The intake lexicon plus the matching words above, themes under their profile names."""
    merged: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for entries in (INTAKE_ENTRIES, EXTRA_ENTRIES):
        for category, values in entries.items():
            for value, phrases in values.items():
                key = canonical_theme(value) if category == "theme" else value
                merged[category][key].extend(phrases)
    return {c: {v: tuple(dict.fromkeys(p)) for v, p in vs.items()} for c, vs in merged.items()}


class PhraseTagger:
    """Exact phrase lookup on singular tokens: (category, value) pairs a text mentions."""

    def __init__(self, entries: Mapping[str, Mapping[str, Iterable[str]]]) -> None:
        self._index: dict[str, list[tuple[tuple[str, ...], str, str]]] = defaultdict(list)
        for category, values in entries.items():
            for value, phrases in values.items():
                for phrase in phrases:
                    key = tuple(singular(t) for t in tokens(phrase))
                    if key:
                        self._index[key[0]].append((key, category, value))

    def tags(self, text: str) -> set[tuple[str, str]]:
        words = tuple(singular(t) for t in tokens(text))
        found: set[tuple[str, str]] = set()
        for start, word in enumerate(words):
            for key, category, value in self._index.get(word, ()):
                if words[start : start + len(key)] == key:
                    found.add((category, value))
        return found
