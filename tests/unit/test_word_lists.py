"""The word lists of knowledge/vocab/ are read at the boundary: a malformed file fails at once,
naming the file and the key, instead of leaving a lexicon that silently misses words."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.labels import labels
from knowledge.lexicon import LEXICON_FILE, intake_entries, negations
from knowledge.vocabulary import MATCHING_FILE, en_fr, matching_entries, stop_words
from knowledge.word_lists import (
    WordListError,
    read_lists,
    read_pairs,
    read_phrases,
    read_words,
)


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "words.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("entries:\n  need:\n    place: salle\n", "entries.need.place: a list of phrases expected"),
        ("entries:\n  need:\n    place:\n", "entries.need.place: a list of phrases expected, not "),
        ("entries:\n  need: [salle]\n", "entries.need: a mapping of values expected, not a list"),
        ("entries: [salle]\n", "entries: a mapping of categories expected, not a list"),
        ("entries:\n  need:\n    place: [salle, '']\n", "entries.need.place[1]: a phrase"),
        ("entries:\n  need:\n    place: [salle, [a, b]]\n", "entries.need.place[1]: a phrase"),
        ("entries:\n  need:\n    place: [salle, {a: b}]\n", "entries.need.place[1]: a phrase"),
        (
            "entries:\n  need:\n    ? [a]\n    : [salle]\n",
            ":3: entries.need: a name expected as key",
        ),
        ("other: {}\n", "entries: missing"),
        ("- salle\n", "top: a mapping of keys expected, not a list"),
        ("entries: {}\n---\nentries: {}\n", "one YAML document expected"),
        (
            "entries:\n  need:\n    place: &p [salle]\n    room: *p\n",
            ":4: entries.need.room: an alias",
        ),
        ("", "empty"),
        ("entries:\n  need:\n    place: [salle\n", "not valid YAML"),
        # YAML keeps the second `place` without a word: the first one's phrases would be lost
        (
            "entries:\n  need:\n    place: [salle]\n    funding: [argent]\n    place: [local]\n",
            ":5: entries.need.place: the key is given twice",
        ),
        ("entries: {}\nentries: {}\n", ":2: entries: the key is given twice"),
    ],
)
def test_a_malformed_phrase_file_names_the_file_and_the_key(
    tmp_path: Path, text: str, says: str
) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(WordListError) as error:
        read_phrases(path, "entries")
    assert str(error.value).startswith(str(path))
    assert says in str(error.value)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("stop_words: [le, '  ']\n", "stop_words[1]: a phrase (non-empty text) expected"),
        ("stop_words: le\n", "stop_words: a list of phrases expected, not the text 'le'"),
        ("stop_words: {le: la}\n", "stop_words: a list of phrases expected, not a mapping"),
    ],
)
def test_a_malformed_word_list_names_the_file_and_the_key(
    tmp_path: Path, text: str, says: str
) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(WordListError) as error:
        read_words(path, "stop_words")
    assert str(error.value).startswith(f"{path}: ")
    assert says in str(error.value)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("garden: jardin\nroom: [salle]\n", ": room: a word (non-empty text) expected, not a list"),
        ("garden: jardin\nroom:\n", ": room: a word (non-empty text) expected, not nothing"),
        ("garden: jardin\ngarden: potager\n", ":2: garden: the key is given twice"),
    ],
)
def test_a_malformed_pair_file_names_the_file_and_the_key(
    tmp_path: Path, text: str, says: str
) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(WordListError) as error:
        read_pairs(path)
    assert str(error.value).startswith(str(path))
    assert says in str(error.value)


def test_a_whole_file_of_phrases_names_its_keys_without_a_prefix(tmp_path: Path) -> None:
    path = _file(tmp_path, "kind:\n  room: [Salle, Room]\n  grant: Subvention\n")
    with pytest.raises(WordListError, match=r"words\.yaml: kind\.grant: a list of phrases"):
        read_phrases(path)
    other = tmp_path / "other.yaml"
    other.write_text("kind:\n  room: [Salle, no]\n", encoding="utf-8")
    assert read_phrases(other) == {"kind": {"room": ("Salle", "no")}}


def test_a_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(WordListError, match=r"absent\.yaml: cannot be read"):
        read_words(tmp_path / "absent.yaml", "stop_words")


def test_a_well_formed_file_keeps_its_order_and_reads_every_word_as_text(tmp_path: Path) -> None:
    text = "entries:\n  b:\n    z: [y, a, no]\n    a: [on, 12, ~, 'off']\n  a: {}\nw: [x, yes]\n"
    path = _file(tmp_path, text)
    assert read_phrases(path, "entries") == {
        "b": {"z": ("y", "a", "no"), "a": ("on", "12", "~", "off")},
        "a": {},
    }
    assert [list(v) for v in read_phrases(path, "entries").values()] == [["z", "a"], []]
    assert read_words(path, "w") == ("x", "yes")


def test_the_shipped_word_lists_read_and_are_read_once() -> None:
    assert intake_entries()["need"]["place"][:2] == ("salle", "un local")
    assert {"no", "pas", "sans"} <= negations()
    assert matching_entries()["equipment"]["kitchen"][0] == "cuisine"
    assert {"on", "le", "the"} <= stop_words() and "no" not in stop_words()
    assert intake_entries() is read_phrases(LEXICON_FILE, "entries")  # cached: parsed once
    assert matching_entries() is matching_entries()
    assert read_words(MATCHING_FILE, "stop_words") is read_words(MATCHING_FILE, "stop_words")
    assert en_fr()["garden"] == "jardin" and en_fr() is en_fr()
    assert labels()["kind"]["room"][:2] == ("Salle", "Salle à louer") and labels() is labels()


def test_a_part_of_a_part_and_its_lists_name_the_whole_key(tmp_path: Path) -> None:
    text = (
        "reading:\n  leads: [faire, '12']\n  only_after:\n    marche: [la, une]\n"
        "  pairs: {pr: pour}\ncategory:\n  value: [a]\n"
    )
    path = _file(tmp_path, text)
    assert read_words(path, "reading.leads") == ("faire", "12")
    assert read_lists(path, "reading.only_after") == {"marche": ("la", "une")}
    assert read_pairs(path, "reading.pairs") == {"pr": "pour"}
    assert read_phrases(path, skip=frozenset({"reading"})) == {"category": {"value": ("a",)}}
    for read, key, says in [
        (read_words, "reading.nope", "reading.nope: missing"),
        (read_words, "reading.leads.x", "reading.leads: a mapping of keys expected, not a list"),
        (read_lists, "reading", "reading.only_after: a list of phrases expected, not a mapping"),
        (read_lists, "reading.leads", "reading.leads: a mapping of lists expected, not a list"),
        (read_pairs, "reading.only_after", "reading.only_after.marche: a word (non-empty"),
    ]:
        with pytest.raises(WordListError) as error:
            read(path, key)
        assert str(error.value).startswith(f"{path}: {says}"), (key, str(error.value))
    with pytest.raises(WordListError, match=r": reading\.only_after: a list of phrases"):
        read_phrases(path)
