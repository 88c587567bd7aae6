"""routing.matching.suggestions.as_stored: a new suggestion's reasons as JSON stores them and
reads them back, without the encoding for the plain values (issue 18, session 11)."""

from __future__ import annotations

import enum
import json
import math
from typing import Any

import pytest

from routing.matching.suggestions import as_stored, stored_reasons
from routing.reasons import Reason


class Need(enum.StrEnum):
    PLACE = "place"


VALUES: list[Any] = [
    [{"code": "need", "params": {"need": "place"}}, {"code": "rolling", "params": {}}],
    {"themes": ("garden", "ecology"), "capacity": 40, "max": 1500.5, "open": True, "x": None},
    ("a", ("b", ["c", ("d",)])),
    {"nested": {"deeper": (1, 2.0, False)}},
    {1: "int key", "b": 2},  # JSON makes the key text
    {"need": Need.PLACE},  # a str subclass comes back a plain str
    Need.PLACE,
    [],
    {},
]


@pytest.mark.parametrize("value", VALUES)
def test_as_json_reads_it_back(value: Any) -> None:
    expected = json.loads(json.dumps(value))
    got = as_stored(value)
    assert got == expected
    assert json.dumps(got) == json.dumps(expected)
    assert repr(got) == repr(expected)  # the same types too (list, not tuple; str, not Need)


def test_a_copy_not_the_value() -> None:
    params = {"themes": ["garden"]}
    stored = as_stored(params)
    params["themes"].append("ecology")
    assert stored == {"themes": ["garden"]}


def test_not_a_number_stays_one() -> None:
    assert math.isnan(as_stored([math.nan])[0])


class Code(str):
    pass


REASONS: list[tuple[Reason, ...]] = [
    (Reason("need", {"need": "place"}), Reason("rolling")),
    (Reason("themes", {"themes": ("garden", "ecology")}), Reason("capacity", {"capacity": 40})),
    (Reason("skills", {"skills": ["a", ("b", ["c"])], "x": None, "open": True, "max": 1.5}),),
    (Reason("need", {"need": Need.PLACE}), Reason(Code("odd"), {"n": {"deeper": (1, 2.0)}})),
    (Reason("keys", {1: "int key", "b": 2}),),  # type: ignore[dict-item]
    (),
]


@pytest.mark.parametrize("reasons", REASONS, ids=repr)
def test_the_views_reasons_are_the_rows_read_back(reasons: tuple[Reason, ...]) -> None:
    """``stored_reasons``: what a view read from the row gives (``suggestion_view``: the code
    and the params of each stored dictionary), the same values and types."""
    stored = json.loads(json.dumps([r.as_dict() for r in reasons]))
    expected = tuple(Reason(r["code"], r["params"]) for r in stored)
    got = stored_reasons(reasons)
    assert repr(got) == repr(expected)
    assert [type(r.code) for r in got] == [str] * len(got)
