"""What reaches the dialogue: text, a pressed button, a command, a location, a file."""

from __future__ import annotations

from dataclasses import dataclass

from routing.intake.codes import Command
from routing.understanding import Understanding

# ---- events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextIn:
    """Words typed; ``understanding`` is what the understanding layer read in them (filled in
    by the service before the dialogue steps; None: only the slot parsers read them)."""

    text: str
    edited: bool = False
    replaces_idea: bool = False
    understanding: Understanding | None = None


@dataclass(frozen=True)
class ButtonIn:
    action: str
    value: str
    version: int


@dataclass(frozen=True)
class CommandIn:
    command: Command
    arg: str | None = None


@dataclass(frozen=True)
class UnknownCommandIn:
    name: str


@dataclass(frozen=True)
class LocationIn:
    """A point the resident shared: turned into a quartier at once, the point itself never kept."""

    longitude: float
    latitude: float


@dataclass(frozen=True)
class AttachmentIn:
    kind: str  # photo, document, video, sticker, voice, audio, video_note, location, contact, other
    caption: str | None = None


Event = TextIn | ButtonIn | CommandIn | UnknownCommandIn | AttachmentIn | LocationIn
