"""The JSON API under ``/api``: the same actions as the pages, for scripts and progressive pages.

Authenticated by a personal token (``Authorization: Bearer dcl_…``, from `declic staff token`)
or by the console session (then unsafe methods need the ``X-CSRF-Token`` header). Described at
``/api/openapi.json``.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict
from pydantic.dataclasses import dataclass as pydantic_dataclass

from console.security import Auth, context, require_agent, require_coordinator
from routing.staff import accounts as staff_service
from routing.staff import audit_log as staff_audit
from routing.staff.views import AuditView

router = APIRouter(prefix="/api", tags=["staff"])

MAX_ID = 2**31 - 1  # case, idea, team, staff and sprint ids are 32-bit integers on PostgreSQL
MAX_BIG_ID = 2**63 - 1  # audit entries have 64-bit ids; a larger number is bad input, not a crash
# Text a staff member sends: PostgreSQL text and jsonb cannot hold a NUL character, so one is
# refused as bad input (422) on every backend instead of failing at the database.
NO_NUL = r"^[^\x00]*$"


class FromView(BaseModel):
    """A response read from a view of the domain (its attributes): only the fields named here are
    shown; a field named otherwise in the view says where it reads from (``validation_alias``)."""

    model_config = ConfigDict(from_attributes=True)


class Me(BaseModel):
    id: int
    email: str
    display_name: str
    role: str
    locale: str | None


@pydantic_dataclass(frozen=True)
class AuditItem(AuditView):  # an entry of the audit log, as routing.staff reads it
    pass


class LocaleChoice(BaseModel):
    locale: Literal["fr", "en"] | None


def _me(auth: Auth) -> Me:
    s = auth.staff
    return Me(id=s.id, email=s.email, display_name=s.display_name, role=s.role, locale=s.locale)


@router.get("/me", response_model=Me)
async def me(auth: Auth = Depends(require_agent)) -> Me:
    """Who the token or session belongs to."""
    return _me(auth)


@router.put("/me/locale", response_model=Me)
async def set_my_locale(
    choice: LocaleChoice, request: Request, auth: Auth = Depends(require_agent)
) -> Me:
    """Choose the console's language (null: follow the browser)."""
    async with context(request).uow_factory() as uow:
        await staff_service.set_locale(uow, auth.staff.id, choice.locale)
        await uow.commit()
        staff = await staff_service.get_staff(uow, auth.staff.id)
    assert staff is not None
    return _me(Auth(staff, auth.via))


@router.get("/audit", response_model=list[AuditItem])
async def audit(
    request: Request,
    before: int | None = Query(None, ge=1, le=MAX_BIG_ID),
    limit: int = Query(100, ge=1, le=500),
    subject_type: str | None = Query(None, max_length=32, pattern=NO_NUL),
    subject_id: str | None = Query(None, max_length=64, pattern=NO_NUL),
    auth: Auth = Depends(require_coordinator),
) -> list[AuditItem]:
    """The audit log, newest first (coordinators and admins)."""
    async with context(request).uow_factory() as uow:
        entries = await staff_audit.list_audit(
            uow,
            limit=limit,
            before_id=before,
            subject_type=subject_type,
            subject_id=subject_id,
        )
    return [AuditItem(**entry.__dict__) for entry in entries]
