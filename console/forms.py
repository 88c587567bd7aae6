"""What every page does with a form or a query string: flash messages, labels, ids."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

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


def back(
    path: str, *, notice: str | None = None, error: str | None = None, anchor: str = ""
) -> Response:
    """After a form: back to ``path`` with a notice or an error code for :func:`flash`, and to
    the part of the page ``anchor`` names, if one does: after the query, where a URL has it
    ("/panel#member-11?m=…" would lose the notice)."""
    query = f"?m={notice}" if notice else f"?e={error}" if error else ""
    return RedirectResponse(path + query + (f"#{anchor}" if anchor else ""), status_code=303)


def translated(tr: Translator, labels: dict[str, str]) -> dict[str, str]:
    return {key: tr.gettext(value) for key, value in labels.items()}


def int_or_none(value: str) -> int | None:
    value = value.strip()
    number = int(value) if value.isdigit() and len(value) < 12 else None
    return number if number is not None and 1 <= number <= MAX_ID else None


# The version a form was rendered from, sent back as a hidden field ("" from a script: no check).
VersionField = Annotated[str, Form(max_length=64)]


def version_of(state: object) -> str:
    """A short digest of the state a form shows (a view dataclass, or plain values). Any change
    to it, by anyone and through any door (page, API, command line), gives another digest, with
    no version column to keep up to date."""
    data: object = state
    if dataclasses.is_dataclass(state) and not isinstance(state, type):  # a view, not its class
        data = dataclasses.asdict(state)
    text = json.dumps(data, default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def is_stale(sent: str, state: object | None) -> bool:
    """True when a form says it was rendered from another state than ``state`` (None: gone).
    A form without a version is not checked, as for cases."""
    sent = sent.strip()
    return bool(sent) and (state is None or sent != version_of(state))
