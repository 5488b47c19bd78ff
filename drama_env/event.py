"""``Event``: one beat of a drama — who did what to whom, where, and what it changed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(slots=True)
class Event:
    """A beat: the unit the narrator renders and every exporter writes.

    Names are story ids (``"elena"``); ``verb`` is ``"narrator"`` for a narrator event, whose
    id is in ``narrator_event``. ``effects`` lists the changes to relations, knowledge,
    places, possessions, bonds and life; ``emotions`` the emotion changes by character.
    """

    step: int
    action: int
    place: str | None
    actor: str | None
    verb: str
    target: str | None = None
    object: str | None = None
    secret: str | None = None
    destination: str | None = None
    narrator_event: str | None = None
    success: bool = True
    witnesses: tuple[str, ...] = ()
    effects: tuple[dict, ...] = ()
    emotions: dict[str, dict[str, float]] = field(default_factory=dict)
    tension: float = 0.0
    ending: str | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["witnesses"] = list(self.witnesses)
        data["effects"] = list(self.effects)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Event":
        data = dict(data)
        data["witnesses"] = tuple(data.get("witnesses", ()))
        data["effects"] = tuple(data.get("effects", ()))
        return cls(**data)

    @property
    def is_narrator(self) -> bool:
        return self.verb == "narrator"
