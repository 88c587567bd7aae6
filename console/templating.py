"""Pages in the staff member's language: the Jinja2 environment and ``render``."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from console import words
from console.forms import version_of
from console.labels import Labels
from console.security import Auth, translator

HERE = Path(__file__).resolve().parent


@cache
def templates() -> Environment:
    """One environment per process: it holds no app's state (every value comes at ``render``),
    and its compiled templates then serve every app (the tests create hundreds)."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render(request: Request, name: str, *, status_code: int = 200, **values: Any) -> HTMLResponse:
    """A page in the staff member's language; ``_`` in templates is that language's gettext."""
    auth: Auth | None = getattr(request.state, "auth", None)
    tr = translator(request, auth)
    env: Environment = request.app.state.templates
    html = env.get_template(name).render(
        _=tr.gettext,
        tr=tr,
        request=request,
        auth=auth,
        staff=auth.staff if auth else None,
        csrf_token=auth.csrf_token if auth else None,
        role_labels={k: tr.gettext(v) for k, v in words.ROLE_LABELS.items()},
        labels=Labels(tr, getattr(request.state, "city", None)),
        version_of=version_of,
        **values,
    )
    return HTMLResponse(html, status_code=status_code)
