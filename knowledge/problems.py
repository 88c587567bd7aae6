"""A problem found in a file, with its place, in plain words translated at the edge.

The directory's importers and the city's importers each keep their own table of messages; the
shape of a problem, a list of them and its rendering are this one piece of code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    place: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    severity: str = ERROR

    MESSAGES: ClassVar[Mapping[str, str]] = {}  # code → French msgid, set by each kind of file
    SEPARATOR: ClassVar[str] = ": "

    def render(self, gettext: Callable[[str], str] = lambda s: s) -> str:
        text = gettext(self.MESSAGES[self.code]).format(**self.params)
        return f"{self.place}{self.SEPARATOR}{text}"


class Problems(list[Problem]):
    problem: ClassVar[type[Problem]] = Problem

    def error(self, place: str, code: str, **params: Any) -> None:
        self.append(self.problem(place, code, params, ERROR))

    def warn(self, place: str, code: str, **params: Any) -> None:
        self.append(self.problem(place, code, params, WARNING))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.severity == ERROR]
