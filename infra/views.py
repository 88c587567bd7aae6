"""Views read from rows: a dataclass filled from an object's attributes of the same names."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_View = TypeVar("_View", bound="DataclassInstance")
_NAMES: dict[type[Any], tuple[str, ...]] = {}  # per view class, the fields its constructor takes


def view_of(view: type[_View], source: object, /, **given: Any) -> _View:
    """A ``view`` (a dataclass) of ``source``: each field the attribute of the same name of
    ``source`` (an ORM row, a statement's row, another view), except the fields ``given``."""
    names = _NAMES.get(view)
    if names is None:
        names = _NAMES[view] = tuple(field.name for field in fields(view) if field.init)
    read = {name: getattr(source, name) for name in names if name not in given}
    return view(**read, **given)
