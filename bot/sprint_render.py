"""The sprint's replies in words and buttons: options, confirmation (with the .ics), cancel."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any, assert_never

from bot.callbacks import pack_dialogue
from infra.i18n import N_, Np_, Translator
from routing.conversation.sprints import (
    SprintBooked,
    SprintCancelled,
    SprintGone,
    SprintOptionsPage,
    SprintReply,
)
from routing.intake import Action
from routing.outbox.drafts import OutgoingDraft
from routing.sprints.reasons import render_sprint_reason, skill_label

ICS_FILENAME = "sprint-declic.ics"
REASONS_SHOWN = 3
WORDS = {
    "intro": N_(
        "Un sprint, c'est deux jours de suite avec un petit panel de 3 à 5 personnes qui "
        "t'aident à faire avancer ton idée. Voici trois possibilités. Choisis celle qui te va, "
        "ou écris « la première », « la deuxième »…"
    ),
    "intro_reschedule": N_(
        "Voici d'autres dates possibles. Ton sprint actuel reste réservé tant que tu n'en "
        "choisis pas un autre."
    ),
    "lost": N_(
        "Oups, quelqu'un vient de réserver ces dates juste avant toi. Voici d'autres "
        "possibilités, encore libres :"
    ),
    "line": N_("{n}. Le {day1} et le {day2}, à {room}"),
    "button": N_("{n}. {day1} et {day2}"),
    "none": N_(
        "Je n'ai pas trouvé de dates pour un sprint dans les trois prochains mois. "
        "L'équipe va regarder avec toi."
    ),
    "unknown_skills": N_(
        "Personne dans le panel ne s'y connaît encore en : {skills}. Je l'ai noté pour l'équipe."
    ),
    "booked": N_(
        "C'est réservé ! Ton sprint aura lieu le {day1} et le {day2}, de 9 h à 17 h, à {room}."
    ),
    "rescheduled": N_(
        "C'est changé ! Ton sprint aura lieu le {day1} et le {day2}, de 9 h à 17 h, à {room}."
    ),
    "address": N_("Adresse : {address}"),
    "prepare": N_(
        "Pour bien préparer ces deux jours :\n"
        "• décris ton idée en quelques lignes, avec tes mots ;\n"
        "• note ce que tu as déjà : des personnes motivées, un lieu, du matériel, des contacts ;\n"
        "• viens avec une ou deux personnes qui portent le projet avec toi, si tu peux."
    ),
    "prepare_funding": N_("• Pour le financement : une première idée de ce que ça coûterait."),
    "prepare_place": N_("• Pour le lieu : combien de personnes tu imagines accueillir."),
    "calendar": N_("Je t'envoie aussi les dates pour ton agenda."),
    "ics_caption": N_("Ajoute ton sprint à ton agenda."),
    "ics_cancel_caption": N_("Pour retirer le sprint de ton agenda."),
    "reschedule": N_("Changer les dates"),
    "cancel": N_("Annuler le sprint"),
    "book_again": N_("Réserver un autre sprint"),
    "cancelled": N_(
        "C'est annulé : le sprint du {day1} et du {day2} est libéré. "
        "Tu peux en réserver un autre quand tu veux."
    ),
    "gone": N_("Je ne retrouve pas ce sprint. Tape /suivi pour voir où en sont tes idées."),
}
PANEL = Np_("Un panel de {count} personne t'y attend.", "Un panel de {count} personnes t'y attend.")


def _button(text: str, value: str) -> dict[str, str]:
    data = pack_dialogue(str(Action.SPRINT), value, 0)
    return {"text": text, "callback_data": data}


def _short(t: Translator, day: date) -> str:
    return t.date(day, "EEE d MMM")


def _document(t: Translator, ics: bytes, caption_key: str) -> OutgoingDraft:
    return OutgoingDraft(
        "sendDocument",
        {
            "filename": ICS_FILENAME,
            "content_b64": base64.b64encode(ics).decode("ascii"),
            "caption": t.gettext(WORDS[caption_key]),
        },
    )


def render(
    t: Translator, reply: SprintReply, lead: list[str]
) -> tuple[list[str], dict[str, Any] | None, list[OutgoingDraft]]:
    """(text parts, keyboard, documents to send after the message)."""
    match reply:
        case SprintOptionsPage():
            return _options(t, reply, lead)
        case SprintBooked():
            return _booked(t, reply, lead)
        case SprintCancelled():
            text = t.gettext(WORDS["cancelled"]).format(
                day1=t.date(reply.day1, "full"), day2=t.date(reply.day2, "full")
            )
            again = _button(t.gettext(WORDS["book_again"]), f"r.{reply.idea_id}")
            keyboard = {"inline_keyboard": [[again]]}
            return [*lead, text], keyboard, [_document(t, reply.ics, "ics_cancel_caption")]
        case SprintGone():
            return [*lead, t.gettext(WORDS["gone"])], None, []
        case _:
            assert_never(reply)


def _options(
    t: Translator, page: SprintOptionsPage, lead: list[str]
) -> tuple[list[str], dict[str, Any] | None, list[OutgoingDraft]]:
    parts = list(lead)
    if page.lost:
        parts.append(t.gettext(WORDS["lost"]))
    elif page.rescheduling:
        parts.append(t.gettext(WORDS["intro_reschedule"]))
    else:
        parts.append(t.gettext(WORDS["intro"]))
    if not page.choices:
        parts[-1:] = [] if page.lost or page.rescheduling else parts[-1:]
        lines = [t.gettext(WORDS["none"])]
        lines += [f"• {render_sprint_reason(p, t)}" for p in page.problems]
        parts.append("\n".join(lines))
    rows = []
    for n, choice in enumerate(page.choices, 1):
        room = choice.room_name + (f" ({choice.address})" if choice.address else "")
        lines = [
            t.gettext(WORDS["line"]).format(
                n=n, day1=t.date(choice.day1, "full"), day2=t.date(choice.day2, "full"), room=room
            )
        ]
        lines += [f"   • {render_sprint_reason(r, t)}" for r in choice.reasons[:REASONS_SHOWN]]
        parts.append("\n".join(lines))
        label = t.gettext(WORDS["button"]).format(
            n=n, day1=_short(t, choice.day1), day2=_short(t, choice.day2)
        )
        value = f"b.{choice.idea_id}.{choice.day1:%Y%m%d}.{choice.room_id}"
        rows.append([_button(label, value)])
    if page.unknown_skills:
        skills = ", ".join(skill_label(s, t) for s in page.unknown_skills)
        parts.append(t.gettext(WORDS["unknown_skills"]).format(skills=skills))
    return parts, ({"inline_keyboard": rows} if rows else None), []


def _booked(
    t: Translator, booked: SprintBooked, lead: list[str]
) -> tuple[list[str], dict[str, Any] | None, list[OutgoingDraft]]:
    key = "rescheduled" if booked.rescheduled else "booked"
    lines = [
        t.gettext(WORDS[key]).format(
            day1=t.date(booked.day1, "full"),
            day2=t.date(booked.day2, "full"),
            room=booked.room_name or "?",
        )
    ]
    if booked.address:
        lines.append(t.gettext(WORDS["address"]).format(address=booked.address))
    singular, plural = PANEL
    lines.append(t.ngettext(singular, plural, booked.panel_size).format(count=booked.panel_size))
    prepare = [t.gettext(WORDS["prepare"])]
    if "funding" in booked.needs:
        prepare.append(t.gettext(WORDS["prepare_funding"]))
    if "place" in booked.needs:
        prepare.append(t.gettext(WORDS["prepare_place"]))
    keyboard = {
        "inline_keyboard": [
            [
                _button(t.gettext(WORDS["reschedule"]), f"r.{booked.idea_id}"),
                _button(t.gettext(WORDS["cancel"]), f"c.{booked.idea_id}"),
            ]
        ]
    }
    parts = [*lead, "\n".join(lines), "\n".join(prepare), t.gettext(WORDS["calendar"])]
    return parts, keyboard, [_document(t, booked.ics, "ics_caption")]


__all__ = ["render", "skill_label"]
