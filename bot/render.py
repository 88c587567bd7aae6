"""Turn the dialogue's decisions into Bot API calls, in the resident's language.

Lead-in phrases are joined with the question that follows, so a turn is one message with its
buttons. Text is sent plain (no parse mode): a resident's words are never interpreted as markup.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any, assert_never
from zoneinfo import ZoneInfo

from bot import followup_render, listening_render, phrases, privacy_render, sprint_render
from bot.callbacks import pack_dialogue
from infra.i18n import Translator
from infra.settings import Settings
from routing.cases import Holder
from routing.conversation.answers import Examples, Pointers, QuestionAnswer, WaitingNotice
from routing.conversation.replies import (
    ExportDocument,
    FollowUpAck,
    HeldBy,
    ServiceReply,
    StatusReport,
    SuggestionAnswered,
    SuggestionCard,
    SuggestionDetails,
    SuggestionsPage,
)
from routing.conversation.sprints import (
    SprintBooked,
    SprintCancelled,
    SprintGone,
    SprintOptionsPage,
)
from routing.followups.service import FollowUpPrompt
from routing.intake import (
    Action,
    Added,
    Ask,
    Menu,
    Option,
    Say,
    Summary,
    Understood,
    Verdict,
)
from routing.intake.draft import Draft, Slot
from routing.outbox.drafts import OutgoingDraft, RenderContext
from routing.privacy.retention import RetentionNotice
from routing.reasons import LABELS, render_reason

log = logging.getLogger(__name__)
TELEGRAM_LIMIT = 4096
SAFE_LIMIT = 4000
SUMMARY_IDEA_CHARS = 300
CARD_REASONS = 3  # a card says why in a few lines; "En savoir plus" tells everything
DESCRIPTION_CHARS = 600
Keyboard = dict[str, Any]


@dataclass(frozen=True)
class OfficeWords:
    """What the greeting and the privacy notice say about who runs Déclic (from the settings)."""

    # All from the settings (``of``), without defaults: a forgotten one would tell residents
    # another office, retention period, register or time zone than the town's.
    office: str  # DECLIC_OFFICE_NAME
    town: str | None  # DECLIC_TOWN_NAME
    retention_months: int  # DECLIC_RETENTION_MONTHS
    register: str  # DECLIC_DEFAULT_REGISTER, for a resident whose register is not known
    _: KW_ONLY
    tz: ZoneInfo  # DECLIC_TIMEZONE, for dates and hours

    @classmethod
    def of(cls, settings: Settings) -> OfficeWords:
        return cls(
            settings.office_name,
            settings.town_name,
            settings.retention_months,
            settings.default_register,
            tz=settings.tz,
        )

    def params(self, t: Translator) -> dict[str, str]:
        return {
            "office": self.office,
            "town": self.town or t.gettext(phrases.THE_TOWN),
            "period": t.months(self.retention_months),
        }


class Renderer:
    def __init__(
        self, quartier_names: dict[str, str] | None = None, *, office: OfficeWords
    ) -> None:
        self.quartier_names = quartier_names or {}
        self.office = office  # from the settings (OfficeWords.of): its words and time zone

    def __call__(
        self, replies: Sequence[ServiceReply], context: RenderContext
    ) -> list[OutgoingDraft]:
        t = Translator(
            context.locale, self.office.tz, register=context.register or self.office.register
        )
        out: list[OutgoingDraft] = []
        lead: list[str] = []
        more = False  # the suggestions page left some unseen: the next menu offers them
        keyboard: Keyboard | None
        for reply in replies:
            match reply:
                case Say() if reply.key in phrases.LOCATION_KEYS:
                    out.extend(_messages([*lead, self.say(t, reply)], {"remove_keyboard": True}))
                    lead = []
                case Say():
                    lead.append(self.say(t, reply))
                case Understood():
                    lead.append(self.understood(t, reply.draft))
                case Ask():
                    text, keyboard = self.ask(t, reply)
                    if reply.refresh and context.edit_target is not None and not lead:
                        out.append(_edit(context.edit_target, text, keyboard))
                    else:
                        out.extend(_messages([*lead, text], keyboard))
                        if reply.share:
                            hint = [t.gettext(phrases.SHARE_LOCATION_HINT)]
                            out.extend(_messages(hint, _share(t)))
                    lead = []
                case Summary():
                    summary = self.summary(t, reply)
                    out.extend(_messages([*lead, summary], self.summary_keys(t, reply)))
                    lead = []
                case SuggestionsPage():
                    drafts, lead = self.suggestions(t, reply, lead)
                    out.extend(drafts)
                    more = reply.remaining > 0
                case SuggestionAnswered():
                    lead.append(self.answered(t, reply))
                case SuggestionDetails():
                    keys = _card_keys(t, reply.card, details=False)
                    out.extend(_messages([*lead, self.details(t, reply)], keys))
                    lead = []
                case Menu():
                    text = t.gettext(phrases.MENUS[reply.key])
                    options = reply.options
                    if more and reply.key == "after_submit":
                        options = (Option("more"), *options)
                        more = False
                    keyboard = _keyboard(t, reply.key, reply.action, options, reply.version, 2)
                    out.extend(_messages([*lead, text], keyboard))
                    lead = []
                case Added():
                    lead.append(listening_render.added(t, reply.words))
                case WaitingNotice() | QuestionAnswer() | Examples() | Pointers():
                    lead.extend(listening_render.render(t, reply, self.office.office))
                case StatusReport():
                    lead.append(self.status(t, reply))
                case HeldBy():
                    lead.append(_holder(t, reply.holder, "already"))
                case ExportDocument():
                    if reply.summary is not None:  # first the words, then the file
                        office, months = self.office.office, self.office.retention_months
                        lead.append(privacy_render.my_data(t, reply.summary, office, months))
                    out.extend(_messages(lead, None))
                    lead = []
                    out.append(_document(t, reply))
                case RetentionNotice():
                    parts, keyboard = privacy_render.notice(t, reply)
                    out.extend(_messages([*lead, *parts], keyboard))
                    lead = []
                case FollowUpPrompt() | FollowUpAck():
                    parts, keyboard = (
                        followup_render.prompt(t, reply)
                        if isinstance(reply, FollowUpPrompt)
                        else followup_render.ack(t, reply)
                    )
                    out.extend(_messages([*lead, *parts], keyboard))
                    lead = []
                case SprintOptionsPage() | SprintBooked() | SprintCancelled() | SprintGone():
                    parts, keyboard, documents = sprint_render.render(t, reply, lead)
                    out.extend(_messages(parts, keyboard))
                    out.extend(documents)
                    lead = []
                case _:
                    assert_never(reply)
        if lead:
            out.extend(_messages(lead, None))
        return out

    # -- suggestions ----------------------------------------------------------------------

    def suggestions(
        self, t: Translator, page: SuggestionsPage, lead: list[str]
    ) -> tuple[list[OutgoingDraft], list[str]]:
        """One message per suggestion, each with its own buttons; returns what is left to lead
        the next message (the unmet needs, or "nothing more")."""
        out: list[OutgoingDraft] = []
        if not page.cards:
            key = "none" if page.first else "no_more"
            return out, [*lead, t.gettext(phrases.SUGGEST[key]), *self._unmet(t, page)]
        intro = [t.gettext(phrases.SUGGEST["intro"])] if page.first else []
        for index, card in enumerate(page.cards):
            parts = [*lead, *intro] if index == 0 else []
            out.extend(_messages([*parts, self.card(t, card)], _card_keys(t, card)))
        return out, self._unmet(t, page)

    @staticmethod
    def _unmet(t: Translator, page: SuggestionsPage) -> list[str]:
        if not page.unmet_needs:
            return []
        needs = ", ".join(t.gettext(LABELS.get(n, n)) for n in page.unmet_needs)
        return [t.gettext(phrases.SUGGEST["unmet"]).format(needs=needs)]

    @staticmethod
    def card(t: Translator, card: SuggestionCard, *, every_reason: bool = False) -> str:
        lines = []
        if card.heading:
            heading = phrases.SUGGEST_HEADINGS.get(card.need, phrases.SUGGEST_HEADINGS[None])
            lines.append(t.gettext(heading))
        icon = phrases.KIND_ICONS.get(card.kind, "📌")
        lines.append(f"{icon} {card.name}")
        reasons = card.reasons if every_reason else card.reasons[:CARD_REASONS]
        lines.extend(f"• {render_reason(reason, t)}" for reason in reasons)
        return "\n".join(lines)

    def details(self, t: Translator, details: SuggestionDetails) -> str:
        lines = [self.card(t, details.card, every_reason=True)]
        if details.description:
            text = details.description.strip()
            if len(text) > DESCRIPTION_CHARS:
                text = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"
            lines += ["", text]
        facts = [
            ("organization", details.organization),
            ("address", details.address),
            ("hours", details.opening_hours),
            ("phone", details.phone),
            ("email", details.email),
            ("url", details.url),
        ]
        shown = [t.gettext(phrases.SUGGEST[k]).format(value=v) for k, v in facts if v]
        if shown:
            lines += ["", *shown]
        return "\n".join(lines)

    @staticmethod
    def answered(t: Translator, answer: SuggestionAnswered) -> str:
        if answer.name is None:
            return t.gettext(phrases.SUGGEST["gone"])
        key = "yes" if answer.verdict is Verdict.YES else "no"
        return t.gettext(phrases.SUGGEST[key]).format(name=answer.name)

    # -- pieces ---------------------------------------------------------------------------

    def say(self, t: Translator, reply: Say) -> str:
        template = phrases.SAY.get(reply.key)
        if template is None:
            log.warning("no phrase for dialogue key %r", reply.key)
            template = phrases.FALLBACK
        text = t.gettext(template)
        if reply.key in phrases.OFFICE_KEYS:
            return text.format(**self.office.params(t), **dict(reply.params))
        return text.format(**dict(reply.params)) if reply.params else text

    def ask(self, t: Translator, reply: Ask) -> tuple[str, Keyboard]:
        key = reply.slot.value
        if reply.slot is Slot.NEIGHBOURHOOD and reply.mode:
            key = f"{key}_{reply.mode}"
        question = t.gettext(phrases.QUESTIONS[key])
        if reply.slot.value in phrases.OFFICE_KEYS:
            question = question.format(**self.office.params(t))
        per_row = 2 if reply.slot in (Slot.NEIGHBOURHOOD, Slot.TIMING) else 1
        keyboard = _keyboard(
            t, reply.slot.value, Action.ANSWER, reply.options, reply.version, per_row
        )
        return question, keyboard

    def understood(self, t: Translator, draft: Draft) -> str:
        parts = self._facts(t, draft, include_missing=False)
        return t.gettext(phrases.SUMMARY["understood"]) + " " + " · ".join(parts)

    def _facts(self, t: Translator, draft: Draft, *, include_missing: bool) -> list[str]:
        facts: list[str] = []
        none = t.gettext(phrases.SUMMARY["none"])
        if draft.neighbourhood or include_missing:
            name = self.quartier_names.get(draft.neighbourhood or "") or (
                t.gettext(phrases.OPTIONS[("neighbourhood", "elsewhere")])
                if draft.neighbourhood == "elsewhere"
                else draft.neighbourhood or none  # no city: the resident's own words
            )
            facts.append(_fact(t, "neighbourhood", name))
        if draft.needs or include_missing:
            needs = ", ".join(
                t.gettext(phrases.OPTIONS[("needs", n.value)]).lower()
                for n in sorted(draft.needs or ())
            )
            facts.append(_fact(t, "needs", needs or none))
        if draft.group or include_missing:
            group = (
                t.gettext(phrases.OPTIONS[("group", draft.group.value)]) if draft.group else none
            )
            facts.append(_fact(t, "group", group))
        if draft.timing or include_missing:
            timing = draft.timing_words or (
                t.gettext(phrases.OPTIONS[("timing", draft.timing.value)]) if draft.timing else none
            )
            facts.append(_fact(t, "timing", timing))
        return facts

    def summary(self, t: Translator, reply: Summary) -> str:
        draft = reply.draft
        idea = (
            draft.text
            if len(draft.text) <= SUMMARY_IDEA_CHARS
            else draft.text[:SUMMARY_IDEA_CHARS].rsplit(" ", 1)[0] + "…"
        )
        lines = [
            t.gettext(phrases.SUMMARY["intro"]),
            "",
            f"🏷 {_fact(t, 'title', draft.title or '')}",
            f"💡 {_fact(t, 'idea', t.gettext(phrases.SUMMARY['quoted']).format(text=idea))}",
            *(f"• {fact}" for fact in self._facts(t, draft, include_missing=True)),
            "",
            t.gettext(phrases.SUMMARY["outro"]),
        ]
        return "\n".join(lines)

    @staticmethod
    def summary_keys(t: Translator, reply: Summary) -> Keyboard:
        edit = t.gettext(phrases.SUMMARY["edit"])
        buttons = [
            _button(
                edit.format(field=t.gettext(phrases.SUMMARY[slot]).lower()),
                Action.EDIT,
                slot,
                reply.version,
            )
            for slot in ("title", "idea", "neighbourhood", "needs", "group", "timing")
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append(
            [_button(t.gettext(phrases.SUMMARY["submit"]), Action.SUBMIT, "ok", reply.version)]
        )
        return {"inline_keyboard": rows}

    @staticmethod
    def status(t: Translator, report: StatusReport) -> str:
        if not report.ideas and not report.open_requests:
            return t.gettext(phrases.STATUS["none"])
        lines = [t.gettext(phrases.STATUS["intro"])] if report.ideas else []
        for idea in report.ideas[-10:]:
            status = t.gettext(
                phrases.IDEA_STATUS.get(idea.status, phrases.IDEA_STATUS["submitted"])
            )
            lines.append(
                t.gettext(phrases.STATUS["line"]).format(
                    title=idea.title or t.gettext(phrases.STATUS["untitled"]),
                    ref=idea.ref,
                    status=status,
                    date=t.date(idea.submitted_at or idea.created_at, "long"),
                )
            )
        if report.holder is not None:
            lines.append(_holder(t, report.holder, "status"))
        elif report.open_requests:
            lines.append(t.gettext(phrases.STATUS["requests"]))
        return "\n".join(lines)


def _holder(t: Translator, holder: Holder, key: str) -> str:
    if holder.team:
        return t.gettext(phrases.HOLDER[key]).format(name=holder.first_name, team=holder.team)
    return t.gettext(phrases.HOLDER[f"{key}_no_team"]).format(name=holder.first_name)


def _share(t: Translator) -> Keyboard:
    button = {"text": t.gettext(phrases.SHARE_LOCATION), "request_location": True}
    return {"keyboard": [[button]], "resize_keyboard": True, "one_time_keyboard": True}


def _option_label(t: Translator, family: str, option: Option) -> str:
    value = "page" if option.value.startswith("page.") else option.value
    label = option.label or t.gettext(phrases.OPTIONS.get((family, value), option.value))
    return f"✓ {label}" if option.selected else label


def _button(text: str, action: str, value: str, version: int) -> dict[str, str]:
    data = pack_dialogue(str(action), value, version)
    return {"text": text, "callback_data": data}


def _keyboard(
    t: Translator, family: str, action: str, options: Sequence[Option], version: int, per_row: int
) -> Keyboard:
    buttons = [_button(_option_label(t, family, o), action, o.value, version) for o in options]
    return {"inline_keyboard": [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]}


def _card_keys(t: Translator, card: SuggestionCard, *, details: bool = True) -> Keyboard:
    """Suggestion buttons carry no dialogue version: they stay valid (see the dialogue)."""

    def button(key: str, verdict: Verdict) -> dict[str, str]:
        value = f"{card.id}.{verdict.value}"
        return _button(t.gettext(phrases.SUGGEST[key]), Action.SUGGESTION, value, 0)

    rows = [[button("interested", Verdict.YES), button("not_for_me", Verdict.NO)]]
    if details:
        rows.append([button("more_info", Verdict.INFO)])
    return {"inline_keyboard": rows}


def _split(text: str) -> list[str]:
    """Cut on paragraph or word boundaries so that no message exceeds Telegram's limit."""
    chunks: list[str] = []
    while len(text) > SAFE_LIMIT:
        cut = text.rfind("\n", 0, SAFE_LIMIT)
        if cut < SAFE_LIMIT // 2:
            cut = text.rfind(" ", 0, SAFE_LIMIT)
        if cut < SAFE_LIMIT // 2:
            cut = SAFE_LIMIT
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    chunks.append(text)
    return [c for c in chunks if c]


def _messages(parts: Sequence[str], keyboard: Keyboard | None) -> list[OutgoingDraft]:
    text = "\n\n".join(p for p in parts if p)
    if not text:
        return []
    chunks = _split(text)
    drafts = [OutgoingDraft("sendMessage", {"text": chunk}) for chunk in chunks]
    if keyboard is not None:
        drafts[-1].payload["reply_markup"] = keyboard
    return drafts


def _edit(message_id: int, text: str, keyboard: Keyboard) -> OutgoingDraft:
    return OutgoingDraft(
        "editMessageText",
        {"message_id": message_id, "text": _split(text)[0], "reply_markup": keyboard},
    )


def _document(t: Translator, export: ExportDocument) -> OutgoingDraft:
    return OutgoingDraft(
        "sendDocument",
        {
            "filename": export.filename,
            "content_b64": base64.b64encode(export.content).decode("ascii"),
            "caption": t.gettext(phrases.EXPORT_CAPTION),
        },
        erase_after_send=True,
    )


def _fact(t: Translator, label: str, value: str) -> str:
    """« Quartier : Glycines » in French, "Neighbourhood: Glycines" in English (the catalog
    says where the colon goes)."""
    line = t.gettext(phrases.SUMMARY["fact"])
    return line.format(label=t.gettext(phrases.SUMMARY[label]), value=value)
