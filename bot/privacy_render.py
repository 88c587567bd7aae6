"""The privacy messages a resident reads (issue 17): the retention notice with its button, and
the words ``/mesdonnees`` says before its file (what is kept, since when, who sees it, until
when, how to erase it)."""

from __future__ import annotations

from typing import Any

from dateutil.relativedelta import relativedelta

from bot.callbacks import pack_dialogue
from infra.i18n import N_, Np_, Translator
from routing.intake import Action
from routing.privacy.retention import RetentionNotice
from routing.privacy.service import DataSummary

NOTICE = N_(
    "Bonjour ! Tu ne m'as pas écrit depuis longtemps. Comme promis, j'effacerai le {date} "
    "tout ce que je garde sur toi : ton prénom, tes messages et tes idées. "
    "Si tu veux que je garde tout, touche « Je suis toujours là ». Sinon, tu n'as rien à faire."
)
STILL_HERE = N_("Je suis toujours là")


def notice(t: Translator, reply: RetentionNotice) -> tuple[list[str], dict[str, Any]]:
    """The notice's words and its one button (never stale: it works whatever was said since)."""
    text = t.gettext(NOTICE).format(date=t.date(reply.erase_on, "long"))
    button = {
        "text": t.gettext(STILL_HERE),
        "callback_data": pack_dialogue(Action.STILL_HERE, "yes", 0),
    }
    return [text], {"inline_keyboard": [[button]]}


MY_DATA_INTRO = N_("Voici ce que je garde sur toi :")
MY_DATA_NAME = N_("• ton prénom : {name}")
MY_DATA_IDEAS = Np_("• {count} idée, avec ses réponses", "• {count} idées, avec leurs réponses")
MY_DATA_MESSAGES = Np_(
    "• {count} message que tu m'as envoyé", "• {count} messages que tu m'as envoyés"
)
MY_DATA_FILES = Np_("  dont {count} photo, fichier ou message vocal",
                    "  dont {count} photos, fichiers ou messages vocaux")  # fmt: skip
MY_DATA_REQUESTS = Np_("• {count} demande pour parler à une personne",
                       "• {count} demandes pour parler à une personne")  # fmt: skip
MY_DATA_SINCE = N_("Depuis quand : ton premier message, le {since}.")
MY_DATA_WHO = N_("Qui le voit : seulement l'équipe « {office} ».")
MY_DATA_UNTIL = N_(
    "Jusqu'à quand : {period} après ton dernier message. Si tu ne m'écris plus, "
    "tout sera effacé le {until} (je te préviendrai un mois avant)."
)
MY_DATA_ERASE = N_(
    "Pour tout effacer maintenant, tape /oublier. Le détail est dans le fichier ci-dessous."
)


def my_data(t: Translator, summary: DataSummary, office: str, months: int) -> str:
    """The short message before the ``/mesdonnees`` file, in the resident's language."""
    lines = [t.gettext(MY_DATA_INTRO)]
    if summary.first_name:
        lines.append(t.gettext(MY_DATA_NAME).format(name=summary.first_name))
    for pair, count in ((MY_DATA_IDEAS, summary.ideas), (MY_DATA_MESSAGES, summary.messages)):
        if count:
            lines.append(t.ngettext(*pair, count).format(count=t.number(count)))
    if summary.files:
        lines.append(t.ngettext(*MY_DATA_FILES, summary.files).format(count=summary.files))
    if summary.requests:
        lines.append(t.ngettext(*MY_DATA_REQUESTS, summary.requests).format(count=summary.requests))
    until = summary.last_seen + relativedelta(months=months)
    tail = [
        t.gettext(MY_DATA_SINCE).format(since=t.date(summary.since, "long")),
        t.gettext(MY_DATA_WHO).format(office=office),
        t.gettext(MY_DATA_UNTIL).format(period=t.months(months), until=t.date(until, "long")),
        t.gettext(MY_DATA_ERASE),
    ]
    return "\n".join(lines) + "\n\n" + "\n".join(tail)
