"""``Line``: what a narrator makes of one beat — a stage direction and a line of dialogue."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Line:
    """A rendered beat. ``speaker`` is a character id (``None`` for narration only)."""

    step: int
    place: str | None
    direction: str
    speaker: str | None = None
    speaker_name: str | None = None
    text: str = ""
    emotion: str = "calm"
    parenthetical: str = ""

    def to_dict(self) -> dict:
        return asdict(self)
