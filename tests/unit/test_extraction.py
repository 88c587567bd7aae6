"""What the extractor reads in a resident's own words: only what is clearly there, nothing invented.

Each first message below is written as a resident would: typos, SMS shortcuts, no accents,
run-on sentences, English. "Today" is a Monday in late November.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from knowledge.lexicon import default_lexicon
from knowledge.territory import load_gazetteer
from routing.intake.draft import ELSEWHERE, Group, Need, Timing
from routing.intake.extraction import Extractor

EXTRACTOR = Extractor(load_gazetteer(), default_lexicon())
TODAY = date(2026, 11, 23)

PLACE, FUNDING, LEGAL = Need.PLACE, Need.FUNDING, Need.LEGAL
EQUIPMENT, PARTNERS, SKILLS, PEERS = Need.EQUIPMENT, Need.PARTNERS, Need.SKILLS, Need.PEERS
ALONE, INFORMAL, ASSOCIATION = Group.ALONE, Group.INFORMAL, Group.ASSOCIATION
ASAP, SOON, THIS_YEAR, NO_DATE = (
    Timing.ASAP,
    Timing.WITHIN_3_MONTHS,
    Timing.THIS_YEAR,
    Timing.NO_DATE,
)


@dataclass(frozen=True)
class Case:
    text: str
    quartier: str | None = None
    needs: frozenset[Need] = frozenset()
    group: Group | None = None
    timing: Timing | None = None


def case(
    id_: str,
    text: str,
    quartier: str | None = None,
    needs: tuple[Need, ...] = (),
    group: Group | None = None,
    timing: Timing | None = None,
):  # type: ignore[no-untyped-def]
    return pytest.param(Case(text, quartier, frozenset(needs), group, timing), id=id_)


FIRST_MESSAGES = [
    case(
        "fr-garden-tanneurs-neighbours-land-tools",
        "Bonjour, j'aimerais créer un jardin partagé aux Tanneurs avec des voisins, "
        "il nous faudrait un bout de terrain et des outils",
        "tanneurs",
        (PLACE, EQUIPMENT),
        INFORMAL,
    ),
    case(
        "sms-street-party-st-eloi-june-tables",
        "slt jvoudrais faire une fete des voisins a st eloi en juin, "
        "on a besoin de tables et de chaises",
        "saint-eloi",
        (EQUIPMENT,),
        None,
        THIS_YEAR,
    ),
    case(
        "negation-already-have-room-need-insurance",
        "on a déjà une salle mais il nous faut une assurance",
        None,
        (LEGAL,),
    ),
    case(
        "negation-have-tools-lack-land",
        "on a deja les outils mais pas de terrain",
        None,
        (PLACE,),
    ),
    case(
        "negation-no-room-needed-just-money",
        "pas besoin d'une salle, il nous faut juste un peu d'argent pour acheter des graines",
        None,
        (FUNDING,),
    ),
    case(
        "negation-lacking-money-is-a-need",
        "faire un potager ds la cité des glycynes avec les enfants, on a pas de sous",
        "glycines",
        (FUNDING,),
    ),
    case(
        "en-repair-cafe-city-centre-next-month",
        "Hi! I'd like to start a repair café in the city centre with my neighbours, "
        "we need a room and some funding, ideally next month",
        "centre-ville",
        (PLACE, FUNDING),
        INFORMAL,
        SOON,
    ),
    case(
        "en-dont-need-room-just-money",
        "We don't need a room, just some money for paint",
        None,
        (FUNDING,),
    ),
    case(
        "en-alone-downtown-no-rush",
        "Hello, I live downtown and I'd love to set up a book exchange box. "
        "Just me for now. No rush.",
        "centre-ville",
        (),
        ALONE,
        NO_DATE,
    ),
    case(
        "en-sms-station-friends-asap",
        "repair cafe near the station w friends, need tools & a room asap",
        "gare",
        (EQUIPMENT, PLACE),
        INFORMAL,
        ASAP,
    ),
    case(
        "en-charity-railway-station-peers",
        "We are a small charity near the railway station and we'd like to meet other projects",
        "gare",
        (PEERS,),
        ASSOCIATION,
    ),
    case(
        "en-parents-tanneurs-advice",
        "We're a group of parents at Les Tanneurs and we'd like a safe cycle route to school. "
        "We need advice and to connect with other projects.",
        "tanneurs",
        (SKILLS, PEERS),
        INFORMAL,
    ),
    case(
        "en-saint-eloi-next-summer-permit",
        "I want to organise a street party in Saint Eloi next summer with a few of us, "
        "we need a sound system and a permit",
        "saint-eloi",
        (EQUIPMENT, LEGAL),
        INFORMAL,
        THIS_YEAR,
    ),
    case(
        "en-newcomer-no-quartier-not-sure-when",
        "Hi, I'm new in Rivebelle. I'd like to meet other people who run neighbourhood "
        "projects. Not sure when.",
        None,
        (PEERS,),
        None,
        NO_DATE,
    ),
    case(
        "en-march-is-a-walk-not-a-month",
        "a march for the climate in the town centre",
        "centre-ville",
    ),
    case(
        "en-may-is-a-month-after-in",
        "a picnic by the river in May",
        None,
        (),
        None,
        THIS_YEAR,
    ),
    case(
        "fr-association-haut-vernet-summer-permit",
        "Notre association voudrait organiser un vide-grenier au Haut Vernet cet été, "
        "il nous manque des barnums et une autorisation pour la voie publique",
        "haut-vernet",
        (EQUIPMENT, LEGAL),
        ASSOCIATION,
        THIS_YEAR,
    ),
    case(
        "fr-association-glycines-april-partners",
        "Nous sommes une association loi 1901 aux Glycines. Nous aimerions organiser un "
        "tournoi de foot en avril. Il nous faut des partenaires (commerçants) et du matériel.",
        "glycines",
        (PARTNERS, EQUIPMENT),
        ASSOCIATION,
        THIS_YEAR,
    ),
    case(
        "fr-alone-woman-sewing-glycines",
        "je suis toute seule et je voudrais monter un atelier couture pour les mamans des glycines",
        "glycines",
        (),
        ALONE,
    ),
    case(
        "fr-founding-an-association-is-not-being-one",
        "Je voudrais créer une association pour aider les personnes âgées du Haut-Vernet à "
        "faire leurs courses, mais je suis seule pour l'instant et je ne sais pas comment "
        "faire les statuts",
        "haut-vernet",
        (LEGAL,),
        ALONE,
    ),
    case(
        "sms-youth-moulin-neuf-room",
        "bjr on est un groupe de jeunes du moulin neuf on voudrait un local pr faire de la musique",
        "moulin-neuf",
        (PLACE,),
        INFORMAL,
    ),
    case(
        "fr-book-box-bois-fleuri-no-hurry",
        "Idée : une boîte à livres devant l'école de Bois-Fleuri. Pas pressé.",
        "bois-fleuri",
        (),
        None,
        NO_DATE,
    ),
    case(
        "fr-benches-gare-asap",
        "Je voudrais mettre des bancs dans le quartier de la gare, le plus vite possible",
        "gare",
        (),
        None,
        ASAP,
    ),
    case(
        "sms-graffiti-no-permit-yet-quickly",
        "cc on veut faire un graff sur le mur du gymnase a st eloi, on a pas d autorisation, "
        "vite svp",
        "saint-eloi",
        (LEGAL,),
        INFORMAL,
        ASAP,
    ),
    case(
        "fr-volunteers-centre-next-month",
        "il nous faut des benevoles pour la fete de quartier du centre ville le mois prochain",
        "centre-ville",
        (SKILLS,),
        None,
        SOON,
    ),
    case(
        "fr-outdoor-cinema-next-summer-many-needs",
        "mon idée c'est un cinéma en plein air l'été prochain à Bois Fleuri, il faudrait un "
        "écran, une sono, une autorisation de la mairie et surtout des sous",
        "bois-fleuri",
        (EQUIPMENT, LEGAL, FUNDING),
        None,
        THIS_YEAR,
    ),
    case(
        "fr-not-urgent-is-no-date",
        "Une grainothèque à la médiathèque, c'est pas urgent",
        None,
        (),
        None,
        NO_DATE,
    ),
    case("very-short-one-word", "jardin"),
    case("very-short-no-accents", "atelier reparation velo"),
    case(
        "no-quartier-entre-voisins-is-not-centre",
        "un repas entre voisins une fois par mois, avec des amis",
        None,
        (),
        INFORMAL,
    ),
    case(
        "no-quartier-centre-social-is-not-centre-ville",
        "un atelier d'écriture au centre social, on aimerait commencer en février",
        None,
        (),
        INFORMAL,
        SOON,
    ),
    case(
        "no-false-needs-in-everyday-words",
        "un marché de producteurs sous la halle avec des produits locaux, un banc au fond",
    ),
    case(
        "commune-outside-rivebelle-is-not-a-quartier",
        "Jardin partagé à Montclair avec des voisins, il nous faudrait une parcelle",
        None,
        (PLACE,),
        INFORMAL,
    ),
    case(
        "long-run-on-message",
        "Bonjour, je m'appelle Fatima, j'habite aux Glycines depuis 20 ans, et depuis longtemps "
        "je me dis qu'il manque un endroit où les femmes du quartier pourraient se retrouver "
        "pour discuter, échanger des recettes, apprendre le français pour celles qui ne le "
        "parlent pas encore bien, et faire garder les enfants pendant ce temps, alors avec "
        "quelques voisines on s'est dit qu'on pourrait demander une salle à la mairie, "
        "peut-être une fois par semaine, et aussi un peu d'argent pour le goûter et les "
        "fournitures, on n'a pas d'association mais on est motivées, on aimerait commencer "
        "à la rentrée",
        "glycines",
        (PLACE, FUNDING),
        INFORMAL,
        THIS_YEAR,
    ),
    case(
        "shouting-caps-typos",
        "BONJOUR JE VOUDRAI UN TERRAIN POUR LES JEUNES AU HAUT VERNET URGENT",
        "haut-vernet",
        (PLACE,),
        None,
        ASAP,
    ),
    case(
        "winter-is-within-three-months-in-november",
        "des ateliers tricot cet hiver au centre, il nous faudrait des chaises",
        "centre-ville",
        (EQUIPMENT,),
        None,
        SOON,
    ),
    case(
        "sms-avc-les-voisins-is-a-group",
        "slt jvoudrai faire 1 repair cafe ds la salle des glycines avc les voisins",
        "glycines",
        (PLACE,),
        INFORMAL,
    ),
    case(
        "with-one-neighbour-is-a-group",
        "une fete des voisins aux glycines avec ma voisine",
        "glycines",
        (),
        INFORMAL,
    ),
]


@pytest.mark.parametrize("expected", FIRST_MESSAGES)
def test_first_message(expected: Case) -> None:
    draft = EXTRACTOR.draft(expected.text, TODAY)
    found = (draft.neighbourhood, draft.needs or frozenset(), draft.group, draft.timing)
    assert found == (expected.quartier, expected.needs, expected.group, expected.timing)


def test_a_5000_character_message_is_read_without_trouble() -> None:
    text = ("On voudrait un jardin aux Tanneurs avec une salle. " * 120)[:5000]
    draft = EXTRACTOR.draft(text, TODAY)
    assert (draft.neighbourhood, draft.needs) == ("tanneurs", frozenset({PLACE}))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("on voudrait démarrer dès que possible !", "dès que possible"),
        ("Pas pressé.", "Pas pressé"),
        ("c'est pas urgent", "pas urgent"),
        ("en Juin", "Juin"),
        ("d'ici l'été", "d'ici l'été"),
    ],
)
def test_timing_words_are_the_residents_own(text: str, words: str) -> None:
    assert EXTRACTOR.timing(text, TODAY)[1] == words


@pytest.mark.parametrize(
    ("today", "text", "bucket"),
    [
        pytest.param(date(2026, 11, 23), "en février", SOON, id="nov-february-wraps-the-year"),
        pytest.param(date(2026, 11, 23), "en juin", THIS_YEAR, id="nov-june-within-the-year"),
        pytest.param(date(2026, 11, 23), "en octobre", THIS_YEAR, id="nov-october-11-months"),
        pytest.param(date(2026, 11, 23), "en novembre", SOON, id="nov-this-month"),
        pytest.param(date(2026, 12, 2), "janvier", SOON, id="dec-january-next-year"),
        pytest.param(date(2026, 3, 1), "en juin", SOON, id="march-june"),
        pytest.param(date(2026, 3, 1), "en juillet", THIS_YEAR, id="march-july"),
        pytest.param(date(2026, 11, 23), "cet été", THIS_YEAR, id="nov-this-summer-is-next"),
        pytest.param(date(2026, 5, 10), "cet été", SOON, id="may-this-summer"),
        pytest.param(date(2026, 11, 23), "à la rentrée", THIS_YEAR, id="nov-rentree"),
        pytest.param(date(2026, 7, 1), "à la rentrée", SOON, id="july-rentree"),
        pytest.param(date(2026, 7, 1), "en septembre", SOON, id="july-september"),
        pytest.param(date(2026, 11, 23), "l'année prochaine", NO_DATE, id="next-year-no-date"),
        pytest.param(date(2026, 12, 3), "maybe in spring", SOON, id="dec-in-spring"),
        pytest.param(date(2026, 2, 1), "in the spring", SOON, id="feb-in-the-spring"),
        pytest.param(date(2026, 2, 1), "au printemps", SOON, id="feb-au-printemps"),
        pytest.param(date(2026, 11, 23), "en hiver", SOON, id="nov-en-hiver"),
        pytest.param(date(2026, 3, 1), "for the summer", SOON, id="march-for-the-summer"),
    ],
)
def test_months_and_seasons_are_dated_from_today(today: date, text: str, bucket: Timing) -> None:
    assert EXTRACTOR.timing(text, today)[0] is bucket


@pytest.mark.parametrize(
    "text",
    [
        "j'ai été voir la mairie",
        "the water spring in the park is dry",
        "kids fall off the old swing",
        "un matelas à ressort",
    ],
)
def test_season_words_that_are_everyday_words_are_no_timing(text: str) -> None:
    assert EXTRACTOR.timing(text, TODAY) == (None, None)


def test_a_season_keeps_the_residents_own_words() -> None:
    assert EXTRACTOR.timing("Peut-être au Printemps", TODAY)[1] == "au Printemps"


@pytest.mark.parametrize(
    ("answer", "quartier"),
    [
        ("tanneur", "tanneurs"),
        ("les taneurs", "tanneurs"),
        ("st-éloi", "saint-eloi"),
        ("bois fleury", "bois-fleuri"),
        ("centreville", "centre-ville"),
        ("le centre", "centre-ville"),
        ("downtown", "centre-ville"),
        ("j'habite au moulin neuf", "moulin-neuf"),
        ("ailleurs", ELSEWHERE),
        ("Ailleurs !", ELSEWHERE),
        ("c'est ailleurs", ELSEWHERE),
        ("un autre quartier", ELSEWHERE),
        ("hors de Rivebelle", ELSEWHERE),
        ("pas à Rivebelle", ELSEWHERE),
        ("à Montclair", ELSEWHERE),
        ("st aubin", ELSEWHERE),
        ("elsewhere", ELSEWHERE),
        ("somewhere else", ELSEWHERE),
        ("another neighbourhood", ELSEWHERE),
        ("je sais pas", None),
        ("Rivebelle", None),
        ("oui", None),
    ],
)
def test_answer_to_which_quartier(answer: str, quartier: str | None) -> None:
    assert EXTRACTOR.neighbourhood(answer, whole_answer=True) == quartier


def test_elsewhere_words_in_a_first_message_invent_no_quartier() -> None:
    text = "on a vu ça ailleurs, dans une autre ville, on voudrait le faire ici"
    assert EXTRACTOR.draft(text, TODAY).neighbourhood is None


@pytest.mark.parametrize(
    ("answer", "needs"),
    [
        ("une salle et un peu d'argent", {PLACE, FUNDING}),
        ("du matos, des tables surtout", {EQUIPMENT}),
        ("rien", set()),
        ("jsp", set()),
        ("not sure", set()),
        ("I don't know yet", set()),
        ("we don't need anything", set()),
        ("bof", None),
    ],
)
def test_answer_to_what_do_you_need(answer: str, needs: set[Need] | None) -> None:
    found = EXTRACTOR.needs_answer(answer)
    assert (None if found is None else set(found)) == needs


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("oui", True),
        ("oui bien sûr", True),
        ("Oui, bien sûr !", True),
        ("ok !", True),
        ("OK", True),
        ("d'accord", True),
        ("je suis d'accord", True),
        ("ouiii", True),
        ("euh oui", True),
        ("pas de souci", True),
        ("pourquoi pas", True),
        ("yes please", True),
        ("sure", True),
        ("no problem", True),
        ("👍", True),
        ("Non merci", False),
        ("non.", False),
        ("nan", False),
        ("pas d'accord", False),
        ("je ne suis pas d'accord", False),
        ("no thanks", False),
        ("not really", False),
        ("👎", False),
        ("peut-être", None),
        ("en juin", None),
        ("", None),
    ],
)
def test_yes_or_no(text: str, answer: bool | None) -> None:
    assert EXTRACTOR.yes_no(text) is answer


def test_ideas_teams_and_rules_share_one_theme_vocabulary() -> None:
    """A street party is an ``events`` idea, as the directory, teams and routing rules say:
    a team set to ``events`` receives it (issue 15: ideas used to say ``festivity``)."""
    from knowledge.resources import THEMES
    from routing.cases.policy import TeamScope, choose_team

    text = "On organise une fête de rue avec les parents de l'école"
    themes = EXTRACTOR.draft(text, date(2026, 12, 3)).themes
    assert {"events", "parenting"} <= themes
    assert themes <= set(THEMES)
    teams = [TeamScope(1, frozenset({"garden"})), TeamScope(2, frozenset({"events"}))]
    assert choose_team([], teams, themes, None, "asked") == 2
