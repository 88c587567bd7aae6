"""What the outbox stores and who words it: a draft per Bot API call, made by the transport.

The domain decides *what* to tell whom (typed replies and messages); the transport's renderer,
injected by the composition root, turns them into drafts (a method and its payload), which the
outbox keeps as rows until its sender delivers them. Nothing here knows a method's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar


@dataclass(frozen=True)
class OutgoingDraft:
    """One call for the transport to make later; ``method`` and ``payload`` are its own."""

    method: str
    payload: dict[str, Any]
    erase_after_send: bool = False


@dataclass(frozen=True)
class RenderContext:
    locale: str
    edit_target: int | None = None
    register: str | None = None  # « tu » or « vous » (French only); None: the city's default


ReplyT_contra = TypeVar("ReplyT_contra", contravariant=True)


class Renderer(Protocol[ReplyT_contra]):
    """The transport's words for a list of replies, as drafts in sending order."""

    def __call__(
        self, replies: Sequence[ReplyT_contra], context: RenderContext
    ) -> list[OutgoingDraft]: ...
