"""infra.views.view_of: a dataclass view filled from the attributes of the same names."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from infra.views import view_of


@dataclass(frozen=True)
class _View:
    id: int
    name: str
    note: str | None = None
    label: str = field(init=False, default="-")


def test_each_field_is_read_from_the_attribute_of_its_name() -> None:
    row = SimpleNamespace(id=3, name="Glycines", note="n", label="not read", other=1)
    assert view_of(_View, row) == _View(3, "Glycines", "n")


def test_given_fields_are_not_read() -> None:
    row = SimpleNamespace(id=3, name="Glycines")  # no ``note``: it is given
    view = view_of(_View, row, note="given", name="other")
    assert view == _View(3, "other", "given")


def test_a_missing_attribute_or_an_unknown_field_is_an_error() -> None:
    with pytest.raises(AttributeError):
        view_of(_View, SimpleNamespace(id=3, name="Glycines"))
    with pytest.raises(TypeError):
        view_of(_View, SimpleNamespace(id=3, name="x", note=None), nickname="y")
