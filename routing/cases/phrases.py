"""What the bot tells a resident when a person takes, signs, hands back or closes their request.

These words are written by use cases that run outside a resident's turn (an agent's click in
the console), so they are rendered here with Babel, in the resident's language and register
(« tu » or « vous », as their conversation speaks), rather than by a transport. French source,
tutoiement; « vous » in ``locales/fr/…/declic_vous.po``, English in ``locales/en``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_timedelta

from infra.i18n import N_, Translator

SIGNATURE = N_("— {name}, équipe {team}")
SIGNATURE_NO_TEAM = N_("— {name}, équipe participation citoyenne")
CLAIMED = N_(
    "Bonjour ! Je suis {name}, de l'équipe {team}. Je m'occupe de ta demande et je te réponds ici."
)
CLAIMED_NO_TEAM = N_(
    "Bonjour ! Je suis {name}, de l'équipe participation citoyenne. "
    "Je m'occupe de ta demande et je te réponds ici."
)
HANDED_BACK = N_(
    "C'est de nouveau moi, Déclic. {name} m'a redonné la main : on continue ensemble. "
    "Tape /humain si tu veux reparler à une personne."
)
RESOLVED = N_(
    "Ta demande est close. Merci pour ton message ! Tu peux toujours m'écrire ici, "
    "ou taper /humain pour reparler à une personne."
)

AGAIN = N_("Tu peux toujours m'écrire ici, ou taper /humain pour reparler à une personne.")
CLOSING: dict[str, str] = {
    "answered": N_("Ta demande est close : j'espère que la réponse t'aide !"),
    "referred": N_("Ta demande est close : tu as les coordonnées du partenaire qui peut t'aider."),
    "sprint": N_("Ta demande est close : ton sprint est réservé, à bientôt !"),
    "no_reply": N_("Sans nouvelles de toi, je clos ta demande."),
    "duplicate": N_("Cette demande rejoint celle que tu as déjà faite : on te répond là-bas."),
    "other": N_("Ta demande est close. Merci pour ton message !"),
}


def closing(locale: str, outcome: str, name: str, register: str = "tu") -> str:
    """The one kind sentence a resident reads when their request closes (or goes back to the
    bot); the agent may edit it before closing. ``register``: the resident's « tu » or « vous »."""
    t = Translator(locale, register=register)
    if outcome == "handed_back":
        return t.gettext(HANDED_BACK).format(name=name)
    return t.gettext(CLOSING.get(outcome, CLOSING["other"])) + " " + t.gettext(AGAIN)


def signed(locale: str, text: str, name: str, team: str | None) -> str:
    """An agent's reply with their first name and team, so the resident knows who speaks."""
    t = Translator(locale)
    signature = (
        t.gettext(SIGNATURE).format(name=name, team=team)
        if team
        else t.gettext(SIGNATURE_NO_TEAM).format(name=name)
    )
    return f"{text}\n\n{signature}"


def claimed(locale: str, name: str, team: str | None, register: str = "tu") -> str:
    t = Translator(locale, register=register)
    if team:
        return t.gettext(CLAIMED).format(name=name, team=team)
    return t.gettext(CLAIMED_NO_TEAM).format(name=name)


def handed_back(locale: str, name: str, register: str = "tu") -> str:
    return Translator(locale, register=register).gettext(HANDED_BACK).format(name=name)


def resolved(locale: str, register: str = "tu") -> str:
    return Translator(locale, register=register).gettext(RESOLVED)


# -- the staff group (Telegram): colleagues, so *vouvoiement*; never a resident's name or words --

GROUP_NEW = N_("🆕 Nouvelle demande #{number}")
GROUP_ESCALATED = N_("⏰ Demande #{number} toujours sans preneur après {waited} de temps ouvré")
GROUP_RETURNED = N_("↩️ Demande #{number} de nouveau libre : sans réponse depuis {waited}")
GROUP_REASON = N_("Motif : {reason}")
GROUP_NEIGHBOURHOOD = N_("Quartier : {neighbourhood}")
GROUP_NO_NEIGHBOURHOOD = N_("Quartier : non précisé")
GROUP_TEAM = N_("Équipe : {team}")
GROUP_NO_TEAM = N_("Équipe : aucune, pour la coordination")
GROUP_OPENED = N_("Reçue le {when}")
GROUP_CLAIM_BUTTON = N_("Je prends")
GROUP_TAKEN_BY = N_("✋ Prise en charge par {name}")
GROUP_REASONS: dict[str, str] = {
    "asked": N_("la personne demande à parler à quelqu'un"),
    "voice": N_("un message vocal à écouter"),
    "no_match": N_("rien ne correspond dans l'annuaire"),
    "blocked": N_("le projet est bloqué"),
    "legal": N_("une question juridique"),
    "agent": N_("ouverte par un membre de l'équipe"),
}


def group_post(
    locale: str,
    tz: ZoneInfo,
    *,
    kind: str,
    number: int,
    reason: str,
    neighbourhood: str | None,
    team: str | None,
    opened_at: datetime,
    waited_minutes: int = 0,
) -> str:
    """A case as the staff group sees it: number, reason, quartier, team and when it arrived.
    ``kind`` is "new", "escalated" or "returned"."""
    t = Translator(locale, tz)
    waited = format_timedelta(
        timedelta(minutes=max(waited_minutes, 1)), threshold=1.5, locale=t.locale
    )
    title = {"new": GROUP_NEW, "escalated": GROUP_ESCALATED, "returned": GROUP_RETURNED}[kind]
    reason_words = t.gettext(GROUP_REASONS[reason]) if reason in GROUP_REASONS else reason
    lines = [
        t.gettext(title).format(number=number, waited=waited),
        t.gettext(GROUP_REASON).format(reason=reason_words),
        t.gettext(GROUP_NEIGHBOURHOOD).format(neighbourhood=neighbourhood)
        if neighbourhood
        else t.gettext(GROUP_NO_NEIGHBOURHOOD),
        t.gettext(GROUP_TEAM).format(team=team) if team else t.gettext(GROUP_NO_TEAM),
        t.gettext(GROUP_OPENED).format(when=t.datetime(opened_at, "short")),
    ]
    return "\n".join(lines)


def group_claim_button(locale: str) -> str:
    return Translator(locale).gettext(GROUP_CLAIM_BUTTON)


def group_taken_by(locale: str, name: str, team: str | None) -> str:
    who = f"{name} ({team})" if team else name
    return Translator(locale).gettext(GROUP_TAKEN_BY).format(name=who)
