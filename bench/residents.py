"""Simulated residents: they read what the bot rendered and answer it, in text or by button.

Each resident sees the bot's replies through ``RecordingRenderer``: the conversation service
renders replies inside the resident's own asyncio task, so a ``ContextVar`` routes them to the
right screen without any database read or network. A resident answers the latest question the
way people do: sometimes a button (with the callback data the bot rendered), sometimes words.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from bot.callbacks import unpack
from routing.conversation.replies import Renderer, ServiceReply
from routing.outbox import RenderContext
from routing.outbox.drafts import OutgoingDraft

IDEAS = (
    "On voudrait créer un jardin partagé au pied des immeubles, avec les voisins du bâtiment C.",
    "J'aimerais organiser une fête de rue en juin pour que les gens du quartier se rencontrent.",
    "Une grainothèque à la médiathèque, pour échanger des graines entre habitants.",
    "Avec des parents de l'école on veut monter un atelier de réparation de vélos le samedi.",
    "Je voudrais proposer des cours de cuisine du monde pour les jeunes, il faut une salle.",
    "Notre association aimerait repeindre le passage souterrain avec une fresque participative.",
    "Un café-tricot pour les personnes âgées isolées, une fois par semaine.",
    "On a envie de faire un nettoyage des berges de la rivière avec les enfants du centre social.",
    "Je rêve d'une boîte à livres devant la boulangerie, et d'un petit banc pour lire.",
    "Monter un repair café au Bois-Fleuri, on aurait besoin de matériel et d'un local.",
    "Organiser un tournoi de foot inter-quartiers cet été pour les 12-16 ans.",
    "Créer un compost collectif pour la résidence, on cherche des conseils et des bacs.",
    "Des balades à la découverte du patrimoine industriel des Tanneurs, avec des anciens.",
    "Un ciné plein air gratuit sur la place du marché à la rentrée.",
    "Aider les nouveaux arrivants à remplir leurs papiers, bénévolement, deux soirs par mois.",
)
QUARTIER_ANSWERS = (
    "Les Tanneurs", "aux Glycines", "Bois-Fleuri", "Saint-Éloi", "Moulin-Neuf",
    "quartier de la gare", "centre-ville", "ailleurs",
)  # fmt: skip
NEEDS_ANSWERS = (
    "Il nous faudrait une salle et un peu de financement",
    "surtout du matériel",
    "je ne sais pas encore",
    "des conseils juridiques pour les assurances",
)
GROUP_ANSWERS = ("On est un petit groupe de voisins", "je suis seule pour l'instant",
                 "on est une association", "quelques amis et moi")  # fmt: skip
TIMING_ANSWERS = ("dès que possible", "au printemps", "avant l'été", "d'ici trois mois",
                  "pas de date")  # fmt: skip
NOTES = ("Merci beaucoup !", "J'ai oublié de dire qu'on a déjà dix personnes motivées.")
STARTS = ("/start", "/start affiche-tanneurs", "Bonjour", "/start", "Salut !")

_screen: ContextVar[Resident | None] = ContextVar("bench_screen", default=None)


class DriverClock:
    """CPU the simulated residents spend being residents (choosing and typing the next message,
    reading the reply's buttons), in the event loop's thread: the benchmark's own work, which a
    deployed bot does not do, taken out of the bot's CPU per update (``bench.intake_latency``)."""

    spent = 0.0


class RecordingRenderer:
    """Wraps the bot's renderer; shows what it rendered to the resident whose turn it is."""

    def __init__(self, inner: Renderer) -> None:
        self.inner = inner

    def __call__(
        self, replies: Sequence[ServiceReply], context: RenderContext
    ) -> list[OutgoingDraft]:
        drafts = self.inner(replies, context)
        resident = _screen.get()
        if resident is not None:
            start = time.thread_time()
            resident.receive(drafts)
            DriverClock.spent += time.thread_time() - start
        return drafts


@dataclass(frozen=True)
class Next:
    """What a resident sends next: words, or a press on a button of message ``message_id``."""

    text: str | None = None
    data: str | None = None
    message_id: int = 0


@dataclass
class Resident:
    user_id: int
    first_name: str
    rng: random.Random
    keyboard: list[tuple[str, str]] = field(default_factory=list)  # (label, callback data)
    keyboard_message: int = 0
    sent: int = 0
    _message_ids: int = 0

    def attach(self) -> None:
        """Route the bot's replies rendered in the current task to this resident."""
        _screen.set(self)

    def new_message_id(self) -> int:
        self._message_ids += 1
        return self._message_ids

    def receive(self, drafts: Sequence[OutgoingDraft]) -> None:
        for draft in drafts:
            if draft.method == "editMessageText":
                message_id = int(draft.payload["message_id"])
            else:
                message_id = self.new_message_id()
            markup: dict[str, Any] = draft.payload.get("reply_markup") or {}
            rows = markup.get("inline_keyboard") or []
            # The newest message is the question on screen; one without buttons clears it.
            self.keyboard = [(b["text"], b["callback_data"]) for row in rows for b in row]
            self.keyboard_message = message_id

    def next(self) -> Next:
        self.sent += 1
        if self.sent == 1:
            return self._say(self.rng.choice(STARTS))
        buttons = {}
        for label, data in self.keyboard:
            cb = unpack(data)
            if cb is not None:
                buttons[(cb.action, cb.value)] = (label, data)
        values = {value for action, value in buttons if action == "a"}
        pick = self.rng.random()
        if "elsewhere" in values:  # which quartier?
            if pick < 0.5:
                return self._press(buttons, "a", self.rng.choice(sorted(values)))
            return self._say(self.rng.choice(QUARTIER_ANSWERS))
        if "done" in values:  # needs, several ticks allowed
            ticked = any(label.startswith("✓") for label, _ in self.keyboard)
            if ticked:
                return self._press(buttons, "a", "done")
            if pick < 0.6:
                return self._press(buttons, "a", self.rng.choice(["place", "funding", "skills"]))
            return self._say(self.rng.choice(NEEDS_ANSWERS))
        if "alone" in values:
            if pick < 0.5:
                return self._press(buttons, "a", self.rng.choice(["alone", "informal"]))
            return self._say(self.rng.choice(GROUP_ANSWERS))
        if "asap" in values:
            if pick < 0.5:
                return self._press(buttons, "a", self.rng.choice(["asap", "within_3_months"]))
            return self._say(self.rng.choice(TIMING_ANSWERS))
        if "why" in values:  # consent
            if pick < 0.05:
                return self._say("pourquoi ?")
            return self._press(buttons, "a", "yes") if pick < 0.4 else self._say("oui")
        if ("s", "ok") in buttons:  # summary
            return self._press(buttons, "s", "ok") if pick < 0.6 else self._say("oui c'est bon")
        if ("n", "new") in buttons:  # after submitting
            if pick < 0.3:
                return self._say(self.rng.choice(NOTES))
            return self._press(buttons, "n", "new")
        return self._say(self.rng.choice(IDEAS))

    def _say(self, text: str) -> Next:
        return Next(text=text, message_id=self.new_message_id())

    def _press(self, buttons: dict[tuple[str, str], tuple[str, str]], action: str, value: str
               ) -> Next:  # fmt: skip
        label, data = buttons[(action, value)]
        return Next(text=label, data=data, message_id=self.keyboard_message)
