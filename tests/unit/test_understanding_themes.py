"""Themes of a message: those of the activity it proposes and of the people it is for
(routing/understanding/themes.py), not every theme word it holds."""

from __future__ import annotations

import datetime

import pytest

from knowledge.territory import load_gazetteer
from routing.understanding import Context, GazetteerPlaces
from routing.understanding.slots import SlotReader, default_vocabulary, theme_reading

CONTEXT = Context(today=datetime.date(2026, 12, 3), options=())


@pytest.fixture(scope="module")
def reader() -> SlotReader:
    return SlotReader(GazetteerPlaces(load_gazetteer()), default_vocabulary())


@pytest.mark.parametrize(
    ("text", "themes"),
    [
        # Who writes is not what the idea is about.
        (
            "Je suis maman de deux enfants et je voudrais lancer un club de lecture pour adultes.",
            {"culture"},
        ),
        (
            "Bonjour, je suis retraité et j'aimerais monter un club d'échecs pour les jeunes.",
            {"culture", "youth"},
        ),
        ("Je suis prof de sport et je voudrais lancer des ateliers numériques.", {"digital"}),
        ("Slt jsui 1 etudiante je propos du babysitting solidaire", {"parenting"}),
        # What comes with the activity, or after it, is not it.
        ("On aimerait organiser une fête de quartier avec un repas et de la musique.", {"events"}),
        (
            "Could we have a street party next summer? There would be music and a barbecue.",
            {"events"},
        ),
        ("slt jveu fer 1 tournoi de ping pong, et aprè 1 pique nique", {"sport"}),
        (
            "un nettoyage du parc avec les enfants de l'école, suivi d'un goûter",
            {"environment", "youth"},
        ),
        # Where it happens is not what it is.
        ("Je voudrais proposer des cours de danse africaine à la salle des fêtes.", {"culture"}),
        ("Could we set up a repair café at the library?", {"repair"}),
        ("Projet : des cours de zumba au jardin public le samedi matin.", {"sport"}),
        ("We want to put solar panels on the roof of the sports hall.", {"energy"}),
        # Why is not what: a reason, a clause of its own.
        (
            "on voudrait transformer le terrain vague en jardin avec des bancs, pour que"
            " les anciens et les enfants s'y retrouvent",
            {"garden"},
        ),
        ("une balade à vélo pour découvrir les jardins du quartier", {"mobility"}),
        ("organiser un loto pour financer le voyage des collégiens", {"events"}),
        # One noun phrase, one activity: all its theme words.
        ("On voudrait organiser une fête de la musique sur la place.", {"events", "culture"}),
        (
            "We'd like a football tournament and a barbecue for the families.",
            {"sport", "food", "parenting"},
        ),
        (
            "je souhaite ouvrir un atelier vélo solidaire : on répare les vélos",
            {"repair", "mobility"},
        ),
        ("I'd like to run a free repair workshop for bikes and small appliances", {"repair"}),
        ("turn the empty shop into a repair café and a bike workshop", {"repair", "mobility"}),
        # The longest phrase says what the words mean.
        ("notre collectif aimerait planter des arbres fruitiers", {"garden"}),
        ("a monthly soup kitchen for homeless people", {"food"}),
        # The people it is for or done with.
        ("un tournoi de football pour une centaine de jeunes", {"sport", "youth"}),
        (
            "un repas partagé entre les anciens et les jeunes du quartier",
            {"food", "elderly", "youth"},
        ),
        ("Pour les jeunes du quartier, on voudrait monter un tournoi de foot.", {"sport", "youth"}),
        ("une fête de la musique, avec une buvette tenue par les jeunes", {"events", "culture"}),
        # After a comma, what comes with the activity has its own public.
        ("une fête des voisins, avec un repas et des jeux pour les enfants", {"events"}),
        (
            "Idée : une fresque sur le mur, peinte avec les jeunes du quartier.",
            {"culture", "youth"},
        ),
        ("une braderie le premier dimanche de juin", {"events"}),
        ("a knitting circle for older ladies", {"elderly"}),
        ("turn the old bus stop into a little free library", {"culture"}),
        ("we'd like to set up a toy library", {"parenting"}),
        ("un atelier cuisine pour les enfants le mercredi", {"food", "youth"}),
        ("jvoudré fèr 1 atelié de danse pour lé zenfan", {"culture", "youth"}),
        ("un troc de vêtements pour bébés entre jeunes parents", {"parenting"}),
        ("un repas de quartier pour les résidents âgés de la tour B", {"food", "elderly"}),
        ("jveu faire un atelier smartphone pour ma mamie et ses copines", {"digital", "elderly"}),
    ],
)
def test_the_themes_of_the_activity_and_its_public(
    reader: SlotReader, text: str, themes: set[str]
) -> None:
    assert set(reader.read(text, CONTEXT).themes) == themes


@pytest.mark.parametrize(
    "text",
    [
        "comment ça marche ?",  # the verb, not walking
        "mon chat a marché sur le clavier",
        "je suis contre",  # not « conte »
        "un vide dressing dans la cour",  # not « dessin »
        "je dois faire les courses",  # shopping, not a race
    ],
)
def test_ordinary_words_are_not_themes(reader: SlotReader, text: str) -> None:
    assert reader.read(text, CONTEXT).themes == ()


def test_a_market_is_not_a_walk(reader: SlotReader) -> None:
    found = reader.read("un covoiturage pour aller au marché le samedi", CONTEXT).themes
    assert found == ("mobility",)


def test_the_reading_comes_from_the_vocabulary_file() -> None:
    reading = theme_reading()
    assert {"organiser", "idee", "would", "like"} & reading.leads
    assert ("salle", "des", "fetes") in reading.venues
    assert "enfant" in reading.youth_words
