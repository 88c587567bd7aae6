"""``infra.frozen.replace``: the same copies as ``dataclasses.replace``, without ``__init__``
for plain frozen records, through ``dataclasses.replace`` for anything else."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property

import pytest

from infra.frozen import replace
from routing.intake.codes import Step
from routing.intake.draft import Draft, Need, Slot
from routing.intake.events import TextIn
from routing.intake.state import DialogueState


def test_a_plain_record_is_copied_field_for_field() -> None:
    state = DialogueState(step=Step.ASKING, pending=Slot.NEEDS, draft=Draft(text="un jardin"))
    for changes in ({}, {"version": 3}, {"pending": None, "selection": frozenset({Need.PLACE})}):
        copied = replace(state, **changes)
        expected = dataclasses.replace(state, **changes)
        assert type(copied) is DialogueState
        assert copied == expected
        assert vars(copied) == vars(expected)
        assert copied is not state
    draft = Draft(text="un jardin", title="Jardin")
    assert vars(replace(draft, title=None)) == vars(dataclasses.replace(draft, title=None))
    assert replace(TextIn("oui"), edited=True) == TextIn("oui", edited=True)
    assert state.version == 0  # the original untouched


def test_a_name_that_is_not_a_field_is_refused() -> None:
    with pytest.raises(TypeError):
        replace(Draft(), titel="Jardin")  # type: ignore[call-arg]


@dataclass(frozen=True)
class _Checked:
    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("negative")


@dataclass(frozen=True)
class _Derived:
    value: int
    hidden: int = field(default=0, init=False)

    @cached_property
    def double(self) -> int:
        return self.value * 2


def test_anything_else_goes_through_its_init() -> None:
    with pytest.raises(ValueError, match="negative"):
        replace(_Checked(1), value=-1)
    derived = _Derived(2)
    assert derived.double == 4  # cached in the instance's __dict__
    copied = replace(derived, value=5)
    assert copied.double == 10  # not the original's cached value
    # ValueError up to Python 3.12, TypeError from 3.13 on; the same message
    with pytest.raises((ValueError, TypeError), match="init=False"):
        replace(derived, hidden=1)


@dataclass(frozen=True)
class _Counted:
    value: int

    def __new__(cls, *args: object, **kwargs: object) -> _Counted:
        _MADE.append(cls)
        return super().__new__(cls)


_MADE: list[type] = []


def test_a_record_with_its_own_new_is_made_by_it() -> None:
    copied = replace(_Counted(1), value=2)
    assert copied == _Counted(2)
    assert len(_MADE) == 3  # the original, the copy, the comparison's
