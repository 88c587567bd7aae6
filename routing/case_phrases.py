"""What the bot tells a resident when a person takes, signs, hands back or closes their request.

These words are written by use cases that run outside a resident's turn (an agent's click in
the console), so they are rendered here with Babel, in the resident's language, rather than by
a transport. French source, tutoiement; translations in ``locales/en``.
"""

from __future__ import annotations

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


def signed(locale: str, text: str, name: str, team: str | None) -> str:
    """An agent's reply with their first name and team, so the resident knows who speaks."""
    t = Translator(locale)
    signature = (
        t.gettext(SIGNATURE).format(name=name, team=team)
        if team
        else t.gettext(SIGNATURE_NO_TEAM).format(name=name)
    )
    return f"{text}\n\n{signature}"


def claimed(locale: str, name: str, team: str | None) -> str:
    t = Translator(locale)
    if team:
        return t.gettext(CLAIMED).format(name=name, team=team)
    return t.gettext(CLAIMED_NO_TEAM).format(name=name)


def handed_back(locale: str, name: str) -> str:
    return Translator(locale).gettext(HANDED_BACK).format(name=name)


def resolved(locale: str) -> str:
    return Translator(locale).gettext(RESOLVED)
