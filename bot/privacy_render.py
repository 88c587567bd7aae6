"""The privacy messages a resident reads: the retention notice with its button (issue 17)."""

from __future__ import annotations

from typing import Any

from bot.callbacks import DialogueCb
from infra.i18n import N_, Translator
from routing.intake.dialogue import Action
from routing.privacy.retention import RetentionNotice

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
        "callback_data": DialogueCb(action=Action.STILL_HERE, value="yes", version=0).pack(),
    }
    return [text], {"inline_keyboard": [[button]]}
