"""Every message to Telegram is a row first: ``enqueue`` writes what the domain says (or the
drafts the transport's renderer made) in the caller's transaction; the sender drains the rows
exactly once and in order per chat, within Telegram's sending limits (in this process's memory,
or shared through PostgreSQL or Redis)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.outbox.claims import worker_name
    from routing.outbox.drafts import OutgoingDraft, RenderContext, Renderer
    from routing.outbox.messages import (
        CLAIM_OFFER,
        KINDS,
        ROW_COLUMNS,
        ROWS_FROM_JSON,
        Attachment,
        ClaimOffer,
        Notice,
        Recipient,
        Rewrite,
        Text,
        enqueue,
        json_row_ids,
        json_rows,
        pending_rows,
        stored,
        write_rows,
    )
    from routing.outbox.outcomes import Delivered, DeliveryResult, Failed, RetryLater
    from routing.outbox.rate_limit import Limits, LocalLimits, RateLimiter, SendLimits
    from routing.outbox.sender import OutboxSender, Unreachable
    from routing.outbox.shared_limits import DatabaseLimits, RedisLimits

__getattr__, __dir__, __all__ = attach(__name__, __file__)
