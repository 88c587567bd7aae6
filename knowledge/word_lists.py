"""The word lists of ``knowledge/vocab/`` (YAML), read once and checked as they are read.

A word list is data a city's maintainer edits by hand: a list written where a mapping belongs,
an empty phrase, a key written twice (YAML would keep the last one without a word). Each reader
checks the shape it expects and fails at once with the file and the key at fault
(:class:`WordListError`), rather than leaving a lexicon that silently misses words.

Every word is read as text, whatever it looks like: ``no``, ``on`` and ``12`` are words here,
not YAML's false, true and number. A file is parsed once per process: libyaml's events, read
here into dicts, lists and texts (1.5 to 2 ms of CPU per file of ``knowledge/vocab``, where
``yaml.safe_load``, in pure Python, took about 30).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

import yaml

VOCAB_DIR = Path(__file__).resolve().parent / "vocab"

Phrases = Mapping[str, Mapping[str, tuple[str, ...]]]
"""category → value → phrases, in the file's order."""


class WordListError(ValueError):
    """A word-list file that is not the shape its reader expects (the message names the file,
    and the key where there is one)."""


def _loader() -> type[yaml.CBaseLoader] | type[yaml.BaseLoader]:
    """A loader that resolves no types: every scalar stays the text it is."""
    if yaml.__with_libyaml__:  # PyYAML's wheels bundle libyaml
        return yaml.CBaseLoader
    return yaml.BaseLoader  # pragma: no cover (a PyYAML built without libyaml)


def _value(path: Path, events: Iterator[yaml.Event], event: yaml.Event, where: str) -> object:
    """The part of the document ``event`` starts, as dicts, lists and texts; no key twice."""
    if isinstance(event, yaml.ScalarEvent):
        return event.value
    if isinstance(event, yaml.SequenceStartEvent):
        items: list[object] = []
        while not isinstance(item := next(events), yaml.SequenceEndEvent):
            items.append(_value(path, events, item, where))
        return items
    if isinstance(event, yaml.MappingStartEvent):
        entries: dict[str, object] = {}
        while not isinstance(key := next(events), yaml.MappingEndEvent):
            if not isinstance(key, yaml.ScalarEvent) or not key.value:
                raise WordListError(f"{path}{_line(key)}: {where or 'top'}: a name expected as key")
            inner = f"{where}.{key.value}" if where else key.value
            if key.value in entries:
                raise WordListError(f"{path}{_line(key)}: {inner}: the key is given twice")
            entries[key.value] = _value(path, events, next(events), inner)
        return entries
    # an alias (*name): each phrase is written where it counts
    raise WordListError(f"{path}{_line(event)}: {where or 'top'}: an alias is not read here")


def _line(event: yaml.Event) -> str:
    mark = event.start_mark
    return f":{mark.line + 1}" if mark is not None else ""


def _kind(raw: object) -> str:
    if isinstance(raw, dict):
        return "a mapping"
    if isinstance(raw, list):
        return "a list"
    return f"the text {raw!r}" if raw else "nothing"


def _texts(path: Path, where: str, raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list):
        raise WordListError(f"{path}: {where}: a list of phrases expected, not {_kind(raw)}")
    for position, item in enumerate(raw):
        if not isinstance(item, str) or not item.strip():
            raise WordListError(
                f"{path}: {where}[{position}]: a phrase (non-empty text) expected, "
                f"not {_kind(item)}"
            )
    return tuple(raw)


def _mapping(path: Path, raw: object, where: str, expected: str) -> dict[str, object]:
    if not isinstance(raw, dict):
        raise WordListError(f"{path}: {where}: {expected} expected, not {_kind(raw)}")
    return raw


@cache
def _document(path: Path) -> dict[str, object]:
    """The file's top-level keys and what they hold, parsed once."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WordListError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        events = yaml.parse(text, Loader=_loader())
        next(events)  # the stream's start
        if isinstance(next(events), yaml.StreamEndEvent):
            raise WordListError(f"{path}: empty (a mapping of keys expected at the top)")
        root = _value(path, events, next(events), "")
        if [type(e) for e in events] != [yaml.DocumentEndEvent, yaml.StreamEndEvent]:
            raise WordListError(f"{path}: one YAML document expected, not several")
    except yaml.YAMLError as exc:
        raise WordListError(f"{path}: not valid YAML: {exc}") from exc
    return _mapping(path, root, "top", "a mapping of keys")


def _part(path: Path, key: str) -> object:
    """``key`` of the file; ``a.b`` is ``b`` of the mapping ``a`` holds."""
    raw: object = _document(path)
    where = ""
    for name in key.split("."):
        part = _mapping(path, raw, where or "top", "a mapping of keys")
        where = f"{where}.{name}" if where else name
        if name not in part:
            raise WordListError(f"{path}: {where}: missing")
        raw = part[name]
    return raw


def _lists(path: Path, where: str, raw: object, expected: str) -> dict[str, tuple[str, ...]]:
    return {
        name: _texts(path, f"{where}.{name}" if where else name, texts)
        for name, texts in _mapping(path, raw, where or "top", expected).items()
    }


@cache
def read_phrases(path: Path, key: str | None = None, skip: frozenset[str] = frozenset()) -> Phrases:
    """``key`` of the file (without one, the whole file but the top-level keys in ``skip``,
    which other readers read): category → value → phrases, each level in the file's order."""
    raw = _document(path) if key is None else _part(path, key)
    categories = _mapping(path, raw, key or "top", "a mapping of categories")
    return {
        category: _lists(
            path, f"{key}.{category}" if key else category, values, "a mapping of values"
        )
        for category, values in categories.items()
        if key is not None or category not in skip
    }


@cache
def read_lists(path: Path, key: str) -> Mapping[str, tuple[str, ...]]:
    """``key`` of the file: name → words, in the file's order."""
    return _lists(path, key, _part(path, key), "a mapping of lists")


@cache
def read_pairs(path: Path, key: str | None = None) -> Mapping[str, str]:
    """``key`` of the file (without one, the whole file): word → word, in the file's order."""
    raw = _document(path) if key is None else _part(path, key)
    pairs = _mapping(path, raw, key or "top", "a mapping of words")
    for word, other in pairs.items():
        if not isinstance(other, str) or not other.strip():
            where = f"{key}.{word}" if key else word
            raise WordListError(
                f"{path}: {where}: a word (non-empty text) expected, not {_kind(other)}"
            )
    return {word: str(other) for word, other in pairs.items()}


@cache
def read_words(path: Path, key: str) -> tuple[str, ...]:
    """``key`` of the file (``a.b``: ``b`` of the mapping ``a``): a list of words, in the file's
    order."""
    return _texts(path, key, _part(path, key))
