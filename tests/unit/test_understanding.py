"""The understanding layer, pure: every step × every intent, closed answers, slots, titles."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.territory import load_gazetteer
from routing.understanding import (
    Context,
    GazetteerPlaces,
    Intent,
    Step,
    Understander,
    Understanding,
)
from routing.understanding.classifier import char_wb_ngrams, word_ngrams
from routing.understanding.model import ANSWER_STEPS
from routing.understanding.normal import flat
from routing.understanding.training import RESIDENTS_FILE

TODAY = datetime.date(2026, 12, 3)
OPTIONS = (datetime.date(2027, 4, 12), datetime.date(2027, 4, 22), datetime.date(2027, 5, 3))
CONTEXT = Context(today=TODAY, options=OPTIONS)
TUNING = Path(__file__).resolve().parents[1] / "data" / "understanding" / "tuning.jsonl"


@pytest.fixture(scope="module")
def understander() -> Understander:
    return Understander(GazetteerPlaces(load_gazetteer()))


def read(understander: Understander, text: str, step: Step, locale: str = "fr") -> Understanding:
    return understander.understand(text, step, locale, CONTEXT)


# One message per intent that means the same whatever the bot had asked.
ANYWHERE = {
    Intent.HUMAN: "je veux parler à quelqu'un",
    Intent.CANCEL: "annule ma demande",
    Intent.FORGET: "efface mes données",
    Intent.PAUSE: "stop les messages",
    Intent.HELP: "comment ça marche ?",
    Intent.QUESTION: "c'est quoi un sprint ?",
    Intent.GREETING: "bonjour",
    Intent.THANKS_BYE: "merci, au revoir",
    Intent.STATUS: "où en est ma demande ?",
    Intent.FRUSTRATED: "tu comprends rien, c'est nul",
    Intent.OTHER: "vous connaissez un bon plombier ?",
}
# Intents whose words only make sense after some questions: (text, steps where they are read).
AT_STEPS = {
    Intent.IDEA: (
        "je voudrais organiser un repair café aux Tanneurs",
        {Step.START, Step.AFTER_SUBMIT, Step.WAITING_HUMAN},
    ),
    Intent.YES: ("oui d'accord", {Step.CONSENT, Step.SUMMARY, Step.SPRINT_BOOKED}),
    Intent.NO: ("non merci", {Step.CONSENT, Step.SUMMARY, Step.SPRINT_OPTIONS}),
    Intent.MORE: ("vous avez d'autres propositions ?", {Step.AFTER_SUBMIT, Step.SPRINT_OPTIONS}),
    Intent.DONT_KNOW: (
        "je sais pas trop",
        {Step.START, Step.QUARTIER, Step.NEEDS, Step.GROUP, Step.TIMING, Step.CONSENT},
    ),
    Intent.CORRECTION: (
        "je me suis trompé, c'est pas la Gare c'est les Glycines",
        {Step.NEEDS, Step.GROUP, Step.TIMING, Step.SUMMARY, Step.AFTER_SUBMIT},
    ),
}
ANSWERS = {
    Step.QUARTIER: "aux Tanneurs",
    Step.NEEDS: "une salle et des sous",
    Step.GROUP: "avec mes voisins",
    Step.TIMING: "le samedi 24 avril 2027",
    Step.SPRINT_OPTIONS: "le deuxième",
}


def test_the_grid_names_every_intent() -> None:
    assert set(ANYWHERE) | set(AT_STEPS) | {Intent.ANSWER} == set(Intent)


@pytest.mark.parametrize("step", list(Step))
@pytest.mark.parametrize("intent", list(ANYWHERE))
def test_intents_said_the_same_way_at_every_step(
    understander: Understander, step: Step, intent: Intent
) -> None:
    assert read(understander, ANYWHERE[intent], step).intent is intent


@pytest.mark.parametrize("step", list(Step))
@pytest.mark.parametrize("intent", list(AT_STEPS))
def test_intents_that_belong_to_some_steps(
    understander: Understander, step: Step, intent: Intent
) -> None:
    text, steps = AT_STEPS[intent]
    got = read(understander, text, step).intent
    if step in steps:
        assert got is intent
    else:
        assert got is not Intent.ANSWER or step in ANSWER_STEPS


@pytest.mark.parametrize("step", list(Step))
def test_answers_only_where_a_question_expects_them(understander: Understander, step: Step) -> None:
    for answer_step, text in ANSWERS.items():
        got = read(understander, text, step).intent
        if step is answer_step:
            assert got is Intent.ANSWER, (text, step)
        elif step not in ANSWER_STEPS:
            assert got is not Intent.ANSWER, (text, step)


@pytest.mark.parametrize(
    ("text", "step", "expected"),
    [
        ("Le samedi 24 avril 2027", Step.TIMING, {"date": "2027-04-24", "timing": "this_year"}),
        ("avc mes potes", Step.GROUP, {"group": "informal"}),
        ("moi et les voisin", Step.GROUP, {"group": "informal"}),
        ("asso", Step.GROUP, {"group": "association"}),
        ("o vernet", Step.QUARTIER, {"neighbourhood": "haut-vernet"}),
        ("Pas à Rivebelle, à Villeurbanne", Step.QUARTIER, {"neighbourhood": "elsewhere"}),
        ("je suis de Grenoble", Step.QUARTIER, {"neighbourhood": "elsewhere"}),
        ("from Leeds", Step.QUARTIER, {"neighbourhood": "elsewhere"}),
        ("perso, pas d'asso", Step.GROUP, {"group": "alone"}),
        (
            "un local + des sous + du matos",
            Step.NEEDS,
            {"needs": ["place", "funding", "equipment"]},
        ),
        ("dans 3 mois", Step.TIMING, {"timing": "within_3_months"}),
        ("The second one, please", Step.SPRINT_OPTIONS, {"option": 2}),
        ("celui de mai", Step.SPRINT_OPTIONS, {"option": 3}),
        ("le deuxième", Step.SPRINT_OPTIONS, {"option": 2}),
        ("lundi 12", Step.SPRINT_OPTIONS, {"option": 1}),
        # A yes that names an option chooses it.
        ("oui la deuxième", Step.SPRINT_OPTIONS, {"option": 2}),
        ("ok pour le lundi 12", Step.SPRINT_OPTIONS, {"option": 1}),
        ("d'accord pour celle de mai", Step.SPRINT_OPTIONS, {"option": 3}),
    ],
)
def test_closed_answers_fill_their_slot(
    understander: Understander, text: str, step: Step, expected: dict[str, object]
) -> None:
    got = read(understander, text, step, "en" if text.startswith("The") else "fr")
    assert got.intent is Intent.ANSWER
    slots = got.slots.as_json()
    assert {k: slots.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    ("text", "step", "intent"),
    [
        ("merci au revoir", Step.AFTER_SUBMIT, Intent.THANKS_BYE),
        ("Is there any small grant for spare parts?", Step.AFTER_SUBMIT, Intent.QUESTION),
        ("non je veux annuler, pas changer de date", Step.SPRINT_BOOKED, Intent.CANCEL),
        ("je doi apele qui pour la sale ?", Step.AFTER_SUBMIT, Intent.QUESTION),
        ("y a une vraie personne ?", Step.START, Intent.HUMAN),
        ("allo ? il y a quelqu'un ?", Step.WAITING_HUMAN, Intent.HUMAN),
        ("je sais pas trop", Step.START, Intent.DONT_KNOW),
        ("euh…", Step.START, Intent.DONT_KNOW),
        ("coucou c'est encore moi", Step.START, Intent.GREETING),
        ("ouai", Step.CONSENT, Intent.YES),
        ("ok", Step.SPRINT_OPTIONS, Intent.YES),  # no option named: a plain yes
        ("J'y consens.", Step.CONSENT, Intent.YES),
        ("c'est bon", Step.SUMMARY, Intent.YES),
        ("annuler le sprint", Step.SPRINT_BOOKED, Intent.CANCEL),
        ("annule le truc du 12", Step.SPRINT_BOOKED, Intent.CANCEL),
        ("STOP", Step.AFTER_SUBMIT, Intent.PAUSE),
        ("annulez tout et effacez mes données", Step.SPRINT_BOOKED, Intent.FORGET),
    ],
)
def test_the_failures_quoted_in_issue_14(
    understander: Understander, text: str, step: Step, intent: Intent
) -> None:
    assert read(understander, text, step).intent is intent


def test_a_correction_says_which_field(understander: Understander) -> None:
    got = read(understander, "non le quartier c'est Glycines", Step.SUMMARY)
    assert got.intent is Intent.CORRECTION
    assert (got.slots.corrects, got.slots.neighbourhood) == ("neighbourhood", "glycines")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Salut ! je voudrais un potager partagé aux Tanneurs", "Potager partagé aux Tanneurs"),
        (
            "Madame, Monsieur, je me permets de vous soumettre un projet de fête de quartier "
            "à Moulin-Neuf. Je vous remercie de votre attention.",
            "Fête de quartier à Moulin-Neuf",
        ),
        ("slt on veut faire un tournoi de foot pour les petits", "Tournoi de foot pour les petits"),
        (
            "Hi! We'd like to start a community choir in Haut-Vernet",
            "Community choir in Haut-Vernet",
        ),
    ],
)
def test_titles_name_the_activity_and_the_place(
    understander: Understander, text: str, title: str
) -> None:
    got = read(understander, text, Step.START, "en" if text.startswith("Hi") else "fr")
    assert got.title == title


@pytest.mark.parametrize("text", ["Salut", "Bonjour Madame, Monsieur,", "je sais pas trop", "euh…"])
def test_no_title_from_a_greeting_or_a_doubt(understander: Understander, text: str) -> None:
    assert read(understander, text, Step.START).title is None


@pytest.mark.parametrize(
    ("text", "formal"),
    [
        ("Madame, Monsieur, je souhaiterais vous présenter un projet.", True),
        ("Pourriez-vous me rappeler ?", True),
        ("slt jveu faire un truc", False),
    ],
)
def test_formal_register_is_noticed(understander: Understander, text: str, formal: bool) -> None:
    assert read(understander, text, Step.START).formal is formal


def test_english_is_never_flagged_formal(understander: Understander) -> None:
    assert read(understander, "Could you please call me?", Step.START, "en").formal is False


def test_an_injected_place_finder_is_used() -> None:
    class OnePlace:
        def find(self, text: str) -> str | None:
            return "le-port" if "port" in text.lower() else None

    got = Understander(OnePlace()).understand("au Port", Step.QUARTIER, "fr", CONTEXT)
    assert (got.intent, got.slots.neighbourhood) == (Intent.ANSWER, "le-port")


def test_weights_saved_once_are_loaded_again(tmp_path: Path) -> None:
    first = Understander(None, cache_dir=tmp_path)
    saved = list(tmp_path.glob("intents-*.npz"))
    assert len(saved) == 1
    again = Understander(None, cache_dir=tmp_path)
    for text in ("annule", "bonjour", "je voudrais un jardin partagé"):
        assert first.understand(text, Step.START, "fr", CONTEXT) == again.understand(
            text, Step.START, "fr", CONTEXT
        )


def test_our_ngrams_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    text = "jveu  parlé a 1 vraie personne !! ok?"
    chars = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    assert char_wb_ngrams(text) == chars(text)
    words = CountVectorizer(
        analyzer="word", ngram_range=(1, 2), token_pattern=r"[a-z0-9]+|[^\sa-z0-9]"
    ).build_analyzer()
    assert word_ngrams(text) == words(text)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=80) | st.sampled_from(["Annulé TOUT ça !!!", "un jardin  partagé\tici"]))
def test_a_messages_ngram_columns_are_read_word_by_word_the_same(
    understander: Understander, text: str
) -> None:
    """The classifier keeps each word's character n-gram columns: a message read that way gives
    its n-grams' columns looked up one by one, in their order (the margins' sums in the same
    order), the first time and from the kept words."""
    classifier = understander._classifier
    vocabulary = classifier._vocabularies[0]
    normal = flat(text)
    expected = [c for c in map(vocabulary.get, char_wb_ngrams(normal)) if c is not None]
    assert classifier._char_columns(normal) == expected
    assert classifier._char_columns(normal) == expected


def test_the_shipped_tuning_copy_matches_the_evaluation_set() -> None:
    shipped = [json.loads(line) for line in RESIDENTS_FILE.read_text("utf-8").splitlines()]
    tuning = [json.loads(line) for line in TUNING.read_text("utf-8").splitlines()]
    assert shipped == [{k: r[k] for k in ("text", "step", "intent")} for r in tuning]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=300),
    step=st.sampled_from(list(Step)),
    locale=st.sampled_from(["fr", "en"]),
)
def test_any_text_at_any_step_yields_exactly_one_intent(
    understander: Understander, text: str, step: Step, locale: str
) -> None:
    got = understander.understand(text, step, locale, CONTEXT)
    assert isinstance(got.intent, Intent)
    assert 0.0 <= got.confidence <= 1.0
    assert got.title is None or 0 < len(got.title) <= 50
    if step not in ANSWER_STEPS:
        assert got.intent is not Intent.ANSWER


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Le samedi 24 avril 2027", "2027-04-24"),
        ("le 24/04", "2027-04-24"),
        ("24.04.2027", "2027-04-24"),
        ("Saturday, April 24", "2027-04-24"),
        ("May 3rd", "2027-05-03"),
        ("samedi prochain", "2026-12-05"),
        ("le 21 juin", "2027-06-21"),
        ("le 12 décembre", "2026-12-12"),
        ("on est 2-3 voisins", None),
        ("sam 12", "2026-12-12"),
        ("Sat 12th", "2026-12-12"),
        ("jeudi 22", "2027-04-22"),
        ("the 27th of February", "2027-02-27"),
        ("samedi 14h", None),
        ("je veux plus que vous ayez mes infos", None),
    ],
)
def test_exact_days(text: str, day: str | None) -> None:
    from routing.understanding.dates import exact_date

    found = exact_date(text, TODAY)
    assert (found.isoformat() if found else None) == day


@pytest.mark.parametrize(
    ("text", "timing"),
    [
        ("en février", "within_3_months"),
        ("au printemps", "this_year"),
        ("le samedi 13 mars 2027", "this_year"),
        ("dès que possible", "asap"),
        ("pas de date précise", "no_date"),
        ("ds 2 sem", "within_3_months"),
        ("dans 15j", "within_3_months"),
        ("in 2 wks", "within_3_months"),
        ("courant 2027", "this_year"),
        ("Dans les meilleurs délais.", "asap"),
        ("Nous ne sommes tenus par aucune échéance.", "no_date"),
    ],
)
def test_timing_buckets_count_from_today(
    understander: Understander, text: str, timing: str
) -> None:
    assert read(understander, text, Step.TIMING).slots.timing == timing


def test_titles_of_our_own_idea_messages(understander: Understander) -> None:
    """tests/data/understanding/titles_own.jsonl: written for the layer, not the held-out."""
    from tests.support.understanding_scores import good_title

    path = TUNING.parent / "titles_own.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    good = sum(
        good_title(read(understander, r["text"], Step.START, r["locale"]).title, r["activity"])
        for r in rows
    )
    assert good / len(rows) >= 0.9


@pytest.mark.parametrize(
    ("text", "step", "slot", "value"),
    [
        ("avc mes potes", Step.GROUP, "group", "informal"),
        ("moi é ma voisine", Step.GROUP, "group", "informal"),
        ("on é 3 potes", Step.GROUP, "group", "informal"),
        ("à titre personnel", Step.GROUP, "group", "alone"),
        ("on veut lancer un club de running", Step.START, "group", "informal"),
        ("Nous aurions besoin d'un soutien financier.", Step.NEEDS, "needs", ("funding",)),
        ("un accompagnement juridique", Step.NEEDS, "needs", ("legal",)),
        ("legal advice about insurance", Step.NEEDS, "needs", ("legal",)),
        ("Une assurance pour nos bénévoles.", Step.NEEDS, "needs", ("legal",)),
        ("un accompagnement pour rédiger les statuts", Step.NEEDS, "needs", ("legal",)),
        ("un partenariat avec le centre social", Step.NEEDS, "needs", ("partners",)),
        ("we'd like a games night but we have no room", Step.START, "needs", ("place",)),
        ("on a ni salle ni argent", Step.START, "needs", ("place", "funding")),
        ("on a déjà une salle", Step.START, "needs", ()),
        # « c » is « c'est » for the lexicon: the words before a need are counted alike.
        ("c nul c argent", Step.NEEDS, "needs", ("funding",)),
        ("c bon c c salle", Step.NEEDS, "needs", ("place",)),
        ("finalement ce sera au printemps", Step.SUMMARY, "needs", ()),
        ("je veux parler à un agent", Step.AFTER_SUBMIT, "needs", ()),
        ("une fête pour 80 neighbours", Step.START, "headcount", 80),
        ("on peut avoir 1 sale pr 40 perso ?", Step.AFTER_SUBMIT, "headcount", 40),
        ("finalement on sera plutôt 80", Step.AFTER_SUBMIT, "headcount", 80),
        ("we'll be at least 25", Step.START, "headcount", 25),
        ("on sera entre 30 et 40", Step.START, "headcount", 40),
        ("pour 20 à 30 personnes", Step.START, "headcount", 30),
        ("there are five of us", Step.GROUP, "headcount", 5),
        ("there are five of us", Step.GROUP, "group", "informal"),
        ("lundi 12 et mardi 13 avril", Step.SPRINT_OPTIONS, "headcount", None),
        ("une association de parents organise une kermesse", Step.START, "themes", ("events",)),
        ("des panneaux solaires sur l'école", Step.START, "themes", ("energy",)),
    ],
)
def test_slots_in_formal_and_sms_spelling(
    understander: Understander, text: str, step: Step, slot: str, value: object
) -> None:
    assert getattr(read(understander, text, step).slots, slot) == value


def test_slots_of_our_own_examples(understander: Understander) -> None:
    """tests/data/understanding/slots_own.jsonl: written for the layer (formal letters, SMS and
    slang answers), in the evaluation set's format; never the held-out."""
    from dataclasses import asdict

    path = TUNING.parent / "slots_own.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    good = total = 0
    for row in rows:
        got = asdict(read(understander, row["text"], Step(row["step"]), row["locale"]).slots)
        for name, value in row["slots"].items():
            found = got[name]
            found = found.isoformat() if isinstance(found, datetime.date) else found
            same = set(value) == set(found) if isinstance(value, list) else value == found
            good, total = good + same, total + 1
    assert total > 250
    assert good / total >= 0.95


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("je suis de Grenoble", "elsewhere"),
        ("I live near Oxford", "elsewhere"),
        ("à Rivebelle", None),  # our own town tells no quartier, but is no other town
        ("à Montclair", "montclair"),
        ("de Saint-Éloi", "saint-eloi"),
        ("rue de Verdun", None),  # a street
        ("une fête à Noël", None),
        ("Merci", None),
        ("en Mars", None),
    ],
)
def test_a_short_answer_naming_another_town_is_elsewhere(text: str, place: str | None) -> None:
    assert GazetteerPlaces(load_gazetteer()).find(text) == place
