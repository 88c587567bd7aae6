"""What every page does with a form or a query string: flash messages, labels, ids."""

from __future__ import annotations

from fastapi import Request

from console.api import MAX_ID
from console.security import Auth, translator
from infra.i18n import Translator


def flash(
    request: Request, auth: Auth | None, notices: dict[str, str], errors: dict[str, str]
) -> tuple[str | None, str | None]:
    """The notice or error named in the query string, translated; unknown codes show nothing."""
    tr = translator(request, auth)
    notice = notices.get(request.query_params.get("m", ""))
    error = errors.get(request.query_params.get("e", ""))
    return (tr.gettext(notice) if notice else None), (tr.gettext(error) if error else None)


def translated(tr: Translator, labels: dict[str, str]) -> dict[str, str]:
    return {key: tr.gettext(value) for key, value in labels.items()}


def int_or_none(value: str) -> int | None:
    value = value.strip()
    number = int(value) if value.isdigit() and len(value) < 12 else None
    return number if number is not None and 1 <= number <= MAX_ID else None
