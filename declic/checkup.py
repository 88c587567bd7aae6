"""The lines of `declic doctor`: a check's status, message and fix, in the settings' language.

Shared by the command (``declic.doctor``) and the checks that reach out (``declic.doctor_checks``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from infra.i18n import Translator
from infra.settings import Settings

Status = Literal["ok", "warn", "fail", "skip"]


@dataclass
class Check:
    name: str
    status: Status
    message: str
    fix: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


class Checkup:
    """Translated check lines: what each check of `declic doctor` writes with."""

    def __init__(self, t: Translator, settings: Settings | None = None) -> None:
        self.t = t
        self.settings = settings

    def say(self, msgid: str, **params: Any) -> str:
        return self.t.gettext(msgid).format(**params)

    def check(
        self,
        name: str,
        status: Status,
        message: str,
        fix: str | None = None,
        details: dict[str, Any] | None = None,
        **params: Any,
    ) -> Check:
        """A check whose message and fix (msgids) are translated and filled with ``params``."""
        return Check(
            name,
            status,
            self.say(message, **params),
            self.say(fix, **params) if fix else None,
            details or {},
        )
