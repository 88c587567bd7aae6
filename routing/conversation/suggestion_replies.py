"""The idea's suggestions as the resident sees them: a few at a time, grouped by need (the best
of each need first), and the answer to a button under one (details, or the verdict noted)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from infra.orm import loaded_or_get
from infra.views import view_of
from knowledge.records import ResourceRow
from knowledge.store import resource_of
from routing import matching
from routing.conversation.replies import (
    SuggestionAnswered,
    SuggestionCard,
    SuggestionDetails,
    SuggestionsPage,
)
from routing.intake import SUGGESTIONS_PER_PAGE, ShowSuggestions, SuggestionFeedback, Verdict
from routing.journey import Idea, Resident
from routing.matching import Suggestion as SuggestionRow
from routing.matching import SuggestionView


async def own_suggestion(
    session: AsyncSession, resident: Resident, suggestion_id: int
) -> SuggestionRow | None:
    """The suggestion, only if it was made to one of this resident's ideas (buttons lie)."""
    return await session.scalar(
        select(SuggestionRow)
        .join(Idea, Idea.id == SuggestionRow.idea_id)
        .where(SuggestionRow.id == suggestion_id, Idea.resident_id == resident.id)
    )


def _card(view: SuggestionView, heading: bool = False) -> SuggestionCard:
    return view_of(SuggestionCard, view, heading=heading)


async def suggestions_page(
    session: AsyncSession, idea_id: int | None, request: ShowSuggestions
) -> SuggestionsPage:
    """A few suggestions at a time, grouped by need in the idea's order, declined ones left out.

    Right after a match (a submission) the turn knows them (``matching.suggestions_known``):
    no read then."""
    idea = await loaded_or_get(session, Idea, idea_id) if idea_id is not None else None
    if idea is None:
        return SuggestionsPage((), request.offset == 0, 0, (), request.version)
    known = matching.suggestions_known(session, idea.id)
    if known is not None:
        views = [view for view in known if view.status != matching.DECLINED]
    else:
        rows = await session.scalars(
            select(SuggestionRow)
            .where(
                SuggestionRow.idea_id == idea.id,
                SuggestionRow.status != matching.DECLINED,
            )
            .order_by(SuggestionRow.rank, SuggestionRow.id)
        )
        views = [matching.suggestion_view(row) for row in rows.all()]
    ranked = _interleave_needs(views, [*(idea.needs or []), None])
    window = ranked[request.offset : request.offset + request.limit]
    cards = []
    for index, row in enumerate(window):
        previous = window[index - 1] if index else None
        cards.append(_card(row, heading=previous is None or previous.need != row.need))
    return SuggestionsPage(
        cards=tuple(cards),
        first=request.offset == 0,
        remaining=max(0, len(ranked) - request.offset - len(window)),
        unmet_needs=tuple(idea.unmet_needs or ()) if request.offset == 0 else (),
        version=request.version,
    )


def _interleave_needs(
    rows: Sequence[SuggestionView], order: list[str | None]
) -> list[SuggestionView]:
    """Best of each need first, then the second best of each…, so that a resident who needs a
    room and money sees both on the first page; inside a page, suggestions stay grouped."""
    groups: dict[str | None, list[SuggestionView]] = {}
    for row in sorted(rows, key=lambda r: (r.rank, r.id)):
        groups.setdefault(row.need, []).append(row)
    needs = sorted(groups, key=lambda n: order.index(n) if n in order else len(order))
    rounds: list[list[SuggestionView]] = []
    for need in needs:
        for depth, row in enumerate(groups[need]):
            if depth == len(rounds):
                rounds.append([])
            rounds[depth].append(row)
    flat = [row for round_ in rounds for row in round_]
    position = {need: i for i, need in enumerate(needs)}
    pages = [flat[i : i + SUGGESTIONS_PER_PAGE] for i in range(0, len(flat), SUGGESTIONS_PER_PAGE)]
    return [row for page in pages for row in sorted(page, key=lambda r: position[r.need])]


async def suggestion_feedback(
    session: AsyncSession, resident: Resident, reply: SuggestionFeedback
) -> SuggestionDetails | SuggestionAnswered:
    row = await own_suggestion(session, resident, reply.suggestion_id)
    if row is None:
        return SuggestionAnswered(reply.verdict, None)
    if reply.verdict is not Verdict.INFO:
        return SuggestionAnswered(reply.verdict, row.name)
    resource = None
    if row.resource_id is not None:
        stored = await session.get(ResourceRow, row.resource_id)
        resource = resource_of(stored) if stored is not None else None
    return SuggestionDetails(
        card=_card(matching.suggestion_view(row)),
        organization=resource.organization if resource else None,
        description=resource.description if resource else "",
        address=resource.address if resource else None,
        opening_hours=resource.opening_hours if resource else None,
        phone=resource.phone if resource else None,
        email=resource.email if resource else None,
        url=resource.url if resource else None,
    )
