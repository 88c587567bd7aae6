"""The command menu shown by Telegram, in French and English; the default menu (for any other
language) in the town's (DECLIC_LOCALE), as the bot answers such a resident."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand

from infra.i18n import N_, Translator

MENU: tuple[tuple[str, str, str], ...] = (
    # (French name, English alias, description)
    ("aide", "help", N_("Ce que je sais faire")),
    ("recommencer", "restart", N_("Repartir de zéro")),
    ("annuler", "cancel", N_("Mettre de côté l'idée en cours")),
    ("suivi", "status", N_("Où en sont mes idées")),
    ("humain", "human", N_("Parler à une personne")),
    ("mesdonnees", "mydata", N_("Tout ce que Déclic garde sur moi")),
    ("oublier", "forget", N_("Tout effacer")),
    ("langue", "language", N_("Changer de langue")),
    ("pause", "pause", N_("Ne plus recevoir de messages de suivi")),
    ("reprendre", "resume", N_("Recevoir à nouveau les messages de suivi")),
)


def bot_commands(locale: str) -> list[BotCommand]:
    t = Translator(locale)
    index = 0 if locale == "fr" else 1
    return [BotCommand(command=entry[index], description=t.gettext(entry[2])) for entry in MENU]


async def register_commands(bot: Bot, default_locale: str) -> None:
    await bot.set_my_commands(bot_commands(default_locale))
    for locale in ("fr", "en"):
        await bot.set_my_commands(bot_commands(locale), language_code=locale)
