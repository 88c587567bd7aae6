"""The understanding's caches of residents' texts keep long messages only briefly (privacy)."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.territory import load_gazetteer
from knowledge.text import SHORT_TEXT, remembered, tokens
from routing.understanding.normal import flat, words


def counting() -> tuple[list[str], Callable[[str], str]]:
    calls: list[str] = []

    def read(text: str) -> str:
        calls.append(text)
        return text.upper()

    return calls, remembered(read)


def test_a_short_answer_is_read_once_whatever_comes_after() -> None:
    calls, read = counting()
    assert read("oui") == "OUI"
    for i in range(1000):
        read(f"{'x' * SHORT_TEXT} {i}")  # a thousand long messages since
    assert read("oui") == "OUI"
    assert calls.count("oui") == 1


def test_a_long_message_is_remembered_for_its_turn_then_let_go() -> None:
    calls, read = counting()
    story = "Je m'appelle Awa, j'habite au 12 rue des Lilas et je voudrais un potager partagé"
    assert len(story) > SHORT_TEXT
    for _ in range(5):  # the readers of one turn
        read(story)
    assert calls.count(story) == 1
    for i in range(64):
        read(f"{'x' * SHORT_TEXT} {i}")
    read(story)
    assert calls.count(story) == 2, "the message stayed in the cache after 64 others"


@given(st.text(max_size=120))
def test_cached_readings_equal_the_readings(text: str) -> None:
    for read in (tokens, flat, words):
        assert read(text) == inspect.unwrap(read)(text) == read(text)


@pytest.mark.parametrize("first", [True, False])
def test_a_quartier_is_remembered_apart_for_a_whole_answer_and_a_running_text(
    first: bool,
) -> None:
    """« tanerrs » answers "which quartier?" (the looser cutoff) but names none in running text:
    whichever reading comes first, the other is not given its answer."""
    gazetteer = load_gazetteer()
    expected = {True: "tanneurs", False: None}
    for whole_answer in (first, not first, first, not first):
        found = gazetteer.find_quartier("tanerrs", whole_answer=whole_answer)
        assert found == expected[whole_answer]
