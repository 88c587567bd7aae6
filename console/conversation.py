"""The whole conversation of a case on one page, as each side lived it.

Resident messages, the bot's messages as the resident saw them (text, the buttons under it, a
document's name), staff replies, private notes (marked, never sent) and what happened to the
case (claimed, transferred…) as small lines, in the order they happened. Commands the resident
typed (``/start``, ``/humain``) are events, not words. Only this transport reads the Bot API
payloads of the outbox: the domain hands them over as stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from console import words
from infra.i18n import N_, Translator
from routing.cases.desk import BotMessageView
from routing.cases.views import CaseEventView, MessageView

COMMANDS: dict[str, str] = {
    "start": N_("L'habitant·e a ouvert la conversation (/start)"),
    "humain": N_("L'habitant·e a demandé à parler à une personne (/humain)"),
    "aide": N_("L'habitant·e a demandé l'aide (/aide)"),
    "annuler": N_("L'habitant·e a annulé (/annuler)"),
    "recommencer": N_("L'habitant·e a recommencé (/recommencer)"),
    "suivi": N_("L'habitant·e a demandé où en est son idée (/suivi)"),
    "mesdonnees": N_("L'habitant·e a demandé ses données (/mesdonnees)"),
    "oublier": N_("L'habitant·e a demandé l'effacement (/oublier)"),
    "langue": N_("L'habitant·e a changé de langue (/langue)"),
    "pause": N_("L'habitant·e a mis les relances en pause (/pause)"),
    "reprendre": N_("L'habitant·e a repris les relances (/reprendre)"),
}
OTHER_COMMAND = N_("L'habitant·e a tapé une commande ({command})")
DOCUMENT = N_("Document envoyé : {name}")
EDITED = N_("message mis à jour")
NOT_SENT = N_("pas encore parti")
FAILED = N_("n'a pas pu partir")
# Events already shown as messages, or as notes.
SHOWN_ELSEWHERE = frozenset({"replied", "resident_message", "note"})
# Rank among things that happened at the same instant: the resident speaks, the case changes,
# staff write, the bot answers.
RANK = {"in": 0, "command": 0, "event": 1, "note": 2, "staff": 2, "bot": 3}


@dataclass(frozen=True)
class Entry:
    kind: str  # in | command | staff | bot | note | event
    at: datetime
    order: int
    key: str  # unique in the page: m12, o40, e7
    who: str | None = None
    text: str | None = None
    buttons: tuple[str, ...] = ()
    status: str | None = None  # a word for a bot message that did not (yet) leave
    attachment: str | None = None


def _command(text: str | None) -> str | None:
    if not text or not text.startswith("/") or len(text) > 40:
        return None
    name = text[1:].split()[0].split("@")[0].lower() if text[1:].split() else ""
    return name if name.isalnum() else None


def _buttons(payload: dict[str, Any]) -> tuple[str, ...]:
    markup = payload.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    labels: list[str] = []
    for row in rows if isinstance(rows, list) else []:
        for button in row if isinstance(row, list) else []:
            text = button.get("text") if isinstance(button, dict) else button
            if isinstance(text, str):
                labels.append(text)
    return tuple(labels)


def timeline(
    tr: Translator,
    messages: list[MessageView],
    bot: list[BotMessageView],
    events: list[CaseEventView],
    event_labels: dict[str, str],
    outcome_labels: dict[str, str],
) -> list[Entry]:
    """Everything, oldest first."""
    entries: list[Entry] = []
    for m in messages:
        command = _command(m.text) if m.direction == "in" else None
        if command is not None:
            label = COMMANDS.get(command)
            text = (
                tr.gettext(label)
                if label
                else tr.gettext(OTHER_COMMAND).format(command="/" + command)
            )
            entries.append(Entry("command", m.at, m.id, f"m{m.id}", text=text))
        elif m.direction == "in":
            attachment = None
            if m.kind not in ("text", "agent") and not m.text:
                label = words.MESSAGE_KINDS.get(m.kind)
                attachment = tr.gettext(label) if label else None
            entries.append(Entry("in", m.at, m.id, f"m{m.id}", text=m.text, attachment=attachment))
        else:
            entries.append(Entry("staff", m.at, m.id, f"m{m.id}", who=m.author, text=m.text))
    for b in bot:
        said = b.payload.get("text") or b.payload.get("caption")
        attachment = None
        if b.method == "sendDocument":
            name = b.payload.get("filename")
            attachment = tr.gettext(DOCUMENT).format(name=name or "—")
        status = None
        if b.method == "editMessageText":
            status = tr.gettext(EDITED)
        if b.status == "failed":
            status = tr.gettext(FAILED)
        elif b.status != "sent":
            status = tr.gettext(NOT_SENT)
        entries.append(
            Entry(
                "bot",
                b.at,
                b.id,
                f"o{b.id}",
                text=said if isinstance(said, str) else None,
                buttons=_buttons(b.payload),
                status=status,
                attachment=attachment,
            )
        )
    for e in events:
        if e.kind == "note":
            entries.append(Entry("note", e.occurred_at, e.id, f"e{e.id}", e.actor_name, e.note))
            continue
        if e.kind in SHOWN_ELSEWHERE:
            continue
        line = event_labels.get(e.kind, e.kind)
        if e.actor_name:
            line += f" · {e.actor_name}"
        if e.data.get("outcome"):
            line += " · " + outcome_labels.get(e.data["outcome"], e.data["outcome"])
        entries.append(Entry("event", e.occurred_at, e.id, f"e{e.id}", text=line))
        if e.note:
            entries.append(Entry("note", e.occurred_at, e.id, f"e{e.id}n", e.actor_name, e.note))
    return sorted(entries, key=lambda x: (_naive(x.at), RANK[x.kind], x.order))


def _naive(moment: datetime) -> datetime:
    """Comparable instants whatever the backend returned (aware on PostgreSQL)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
