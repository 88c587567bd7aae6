"""``replace``: ``dataclasses.replace`` for the turn's frozen records, without their ``__init__``.

A turn copies its dialogue state (21 fields) and draft (10) a few times with one field changed;
``dataclasses.replace`` walks the class's fields, then calls the frozen ``__init__``, which sets
every field through ``object.__setattr__``: 10.2 µs a state against 1.8 for this copy (one
change, on a busy box), three or four times a turn. For a *plain* dataclass, one whose
instances hold their fields in ``__dict__`` and nothing else, whose fields are all ``__init__``
arguments, and which has no ``__post_init__`` nor ``__new__`` of its own, the copy is the
same object field for field: a new instance whose ``__dict__`` is the old one's with the
changes. Anything else (slots, ``__post_init__``, ``__new__``, ``InitVar``, ``init=False``
fields, a name that is not a field) goes to ``dataclasses.replace``, errors included.

mypy reads ``dataclasses.replace`` (its dataclass plugin checks each call's fields); the
running code calls the copy.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, TypeVar, cast

_T = TypeVar("_T")

# A class → its fields' names when its instances are plain (above), else None.
_PLAIN: dict[type, frozenset[str] | None] = {}


def _plain(cls: type) -> frozenset[str] | None:
    names: frozenset[str] | None = None
    params = getattr(cls, "__dataclass_params__", None)
    if (
        params is not None
        and not hasattr(cls, "__slots__")
        and not hasattr(cls, "__post_init__")
        and not any("__new__" in vars(base) for base in cls.__mro__[:-1])  # object's only
    ):
        fields = dataclasses.fields(cls)
        declared = getattr(cls, "__dataclass_fields__", {})  # with InitVar and ClassVar ones
        if len(fields) == len(declared) and all(f.init for f in fields):
            names = frozenset(f.name for f in fields)
    _PLAIN[cls] = names
    return names


def _replace(obj: _T, /, **changes: Any) -> _T:
    cls = type(obj)
    names = _PLAIN[cls] if cls in _PLAIN else _plain(cls)
    old = getattr(obj, "__dict__", None)
    if names is None or old is None or len(old) != len(names) or not names.issuperset(changes):
        copied: _T = dataclasses.replace(cast(Any, obj), **changes)
        return copied
    new: _T = object.__new__(cls)
    values = new.__dict__
    values.update(old)
    values.update(changes)
    return new


if TYPE_CHECKING:
    from dataclasses import replace as replace
else:
    replace = _replace
