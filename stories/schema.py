"""The story format: pydantic models of a drama's content.

A :class:`Story` is immutable content — cast, relationships, secrets, places, objects,
endings, narrator events, the tension arc and the verb vocabulary. Everything that changes
during play lives in ``drama_env.DramaState``. ``docs/story-format.md`` documents every field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stories.constants import (BIG_FIVE, BONDS, EMOTIONS, GOAL_ARGUMENT, GOAL_TYPES, PAD,
                                 REL_DIMS, TONES, VERB_ARGS, VERB_OPS)

Identifier = str
Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]      # a value in [0, 1]
Signed = Annotated[float, Field(ge=-1.0, le=1.0, allow_inf_nan=False)]   # a value in [-1, 1]
Affinity = Annotated[float, Field(ge=-3.0, le=3.0, allow_inf_nan=False)]  # a verb's inclination

FORMAT_VERSION = 1


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _in_range(value: float, low: float, high: float, what: str) -> float:
    if not low <= value <= high:
        raise ValueError(f"{what} {value} is outside [{low}, {high}]")
    return value


def _check_id(value: str) -> str:
    if not value or not all(c.isalnum() or c in "_-" for c in value):
        raise ValueError(f"id {value!r} must be letters, digits, '_' or '-'")
    return value


# --- conditions ---------------------------------------------------------------------------

class Threshold(Model):
    above: Optional[float] = None
    below: Optional[float] = None

    @model_validator(mode="after")
    def _one_bound(self) -> "Threshold":
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of 'above' or 'below'")
        return self


class RelationTest(Threshold):
    from_: Identifier = Field(alias="from")
    to: Identifier
    dim: Literal[REL_DIMS]  # type: ignore[valid-type]


class EmotionTest(Threshold):
    character: Identifier
    emotion: Literal[EMOTIONS]  # type: ignore[valid-type]


class SecretKnownTest(Model):
    secret: Identifier
    character: Identifier


class PlaceTest(Model):
    character: Identifier
    place: Identifier


class HasTest(Model):
    character: Identifier
    object: Identifier


class BondTest(Model):
    from_: Identifier = Field(alias="from")
    to: Identifier
    type: Literal[BONDS]  # type: ignore[valid-type]


CONDITION_KEYS = ("all", "any", "not", "secret_known_by_all", "secret_known_by",
                  "secret_believed_false_by", "relation", "emotion", "dead", "departed",
                  "alive", "at", "together", "has", "bond", "flag", "step_at_least",
                  "tension_above")


class Condition(Model):
    """One test over the state, written as a one-key mapping (``{dead: hamlet}``)."""

    all: Optional[list["Condition"]] = Field(default=None, min_length=1)
    any: Optional[list["Condition"]] = Field(default=None, min_length=1)
    not_: Optional["Condition"] = Field(default=None, alias="not")
    secret_known_by_all: Optional[Identifier] = None
    secret_known_by: Optional[SecretKnownTest] = None
    secret_believed_false_by: Optional[SecretKnownTest] = None
    relation: Optional[RelationTest] = None
    emotion: Optional[EmotionTest] = None
    dead: Optional[Identifier] = None
    departed: Optional[Identifier] = None
    alive: Optional[Identifier] = None
    at: Optional[PlaceTest] = None
    together: Optional[list[Identifier]] = Field(default=None, min_length=2)
    has: Optional[HasTest] = None
    bond: Optional[BondTest] = None
    flag: Optional[Identifier] = None
    step_at_least: Optional[Annotated[int, Field(ge=0)]] = None
    tension_above: Optional[Unit] = None

    @model_validator(mode="before")
    @classmethod
    def _one_key(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if len(data) != 1:
                raise ValueError(
                    f"a condition is a mapping with exactly one key of {', '.join(CONDITION_KEYS)}; "
                    f"got {len(data)} keys")
            key = next(iter(data))
            if key not in CONDITION_KEYS:
                raise ValueError(f"unknown condition {key!r}; use one of {', '.join(CONDITION_KEYS)}")
        return data

    @property
    def kind(self) -> str:
        for key in CONDITION_KEYS:
            attr = "not_" if key == "not" else key
            if getattr(self, attr) is not None:
                return key
        raise AssertionError("empty condition")

    @property
    def value(self) -> Any:
        return getattr(self, "not_" if self.kind == "not" else self.kind)


# --- effects ------------------------------------------------------------------------------

class RelationChange(Model):
    from_: Identifier = Field(alias="from")
    to: Identifier
    dim: Literal[REL_DIMS]  # type: ignore[valid-type]
    delta: Annotated[float, Field(ge=-2.0, le=2.0)]


class EmotionChange(Model):
    character: Identifier  # a character id, or "present" / "all"
    emotion: Literal[EMOTIONS]  # type: ignore[valid-type]
    delta: Signed


class Reveal(Model):
    secret: Identifier
    to: Identifier  # a character id, or "present" / "all"


class GiveObject(Model):
    object: Identifier
    to: Identifier


class MoveCharacter(Model):
    character: Identifier
    place: Identifier


class BondChange(Model):
    from_: Identifier = Field(alias="from")
    to: Identifier
    type: Literal[BONDS]  # type: ignore[valid-type]


EFFECT_KEYS = ("move", "relation", "emotion", "reveal", "give", "set_flag", "clear_flag",
               "kill", "depart", "bond", "unbond")


class Effect(Model):
    """One change to the state, written as a one-key mapping (``{kill: polonius}``)."""

    move: Optional[MoveCharacter] = None
    relation: Optional[RelationChange] = None
    emotion: Optional[EmotionChange] = None
    reveal: Optional[Reveal] = None
    give: Optional[GiveObject] = None
    set_flag: Optional[Identifier] = None
    clear_flag: Optional[Identifier] = None
    kill: Optional[Identifier] = None
    depart: Optional[Identifier] = None
    bond: Optional[BondChange] = None
    unbond: Optional[BondChange] = None

    @model_validator(mode="before")
    @classmethod
    def _one_key(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if len(data) != 1:
                raise ValueError(f"an effect is a mapping with exactly one key of "
                                 f"{', '.join(EFFECT_KEYS)}; got {len(data)} keys")
            key = next(iter(data))
            if key not in EFFECT_KEYS:
                raise ValueError(f"unknown effect {key!r}; use one of {', '.join(EFFECT_KEYS)}")
        return data

    @property
    def kind(self) -> str:
        return next(k for k in EFFECT_KEYS if getattr(self, k) is not None)

    @property
    def value(self) -> Any:
        return getattr(self, self.kind)


# --- verbs --------------------------------------------------------------------------------

class VerbRequirement(Model):
    """A data-driven precondition of a verb, over its actor and (if any) target."""

    actor_relation: Optional[dict[str, Union[str, float]]] = None   # {dim: affection, above: 0.3}
    target_relation: Optional[dict[str, Union[str, float]]] = None
    actor_emotion: Optional[dict[str, Union[str, float]]] = None    # {emotion: anger, above: 0.2}
    bond: Optional[Literal[BONDS]] = None  # type: ignore[valid-type]
    no_bond: Optional[Literal[BONDS]] = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _one(self) -> "VerbRequirement":
        given = [k for k in ("actor_relation", "target_relation", "actor_emotion", "bond",
                             "no_bond") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a requirement has exactly one key of actor_relation, "
                             "target_relation, actor_emotion, bond, no_bond")
        for key in ("actor_relation", "target_relation", "actor_emotion"):
            spec = getattr(self, key)
            if spec is None:
                continue
            name_key = "emotion" if key == "actor_emotion" else "dim"
            names = EMOTIONS if key == "actor_emotion" else REL_DIMS
            if name_key not in spec or spec[name_key] not in names:
                raise ValueError(f"{key} needs '{name_key}': one of {', '.join(names)}")
            bounds = [b for b in ("above", "below") if b in spec]
            if len(bounds) != 1 or set(spec) - {name_key, "above", "below"}:
                raise ValueError(f"{key} needs '{name_key}' and exactly one of 'above'/'below'")
        return self

    @field_validator("actor_relation", "target_relation", "actor_emotion", mode="before")
    @classmethod
    def _keep_names(cls, value: Any) -> Any:
        # names are strings, bounds are numbers: keep both in one dict
        return value

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class RelationDelta(Model):
    affection: Signed = 0.0
    trust: Signed = 0.0
    respect: Signed = 0.0


class Verb(Model):
    """A dramatic verb: its argument, mechanics, preconditions and effects."""

    id: Identifier
    arg: Literal[VERB_ARGS] = "character"  # type: ignore[valid-type]
    op: Literal[VERB_OPS] = "none"  # type: ignore[valid-type]
    text: str = ""                        # "insults", used by narrators
    requires: list[VerbRequirement] = []
    actor_to_target: RelationDelta = RelationDelta()
    target_to_actor: RelationDelta = RelationDelta()
    witness_to_actor: RelationDelta = RelationDelta()
    desirability: Signed = 0.0            # how good the act is for its target
    praise: Signed = 0.0                  # praiseworthiness under common standards
    conflict: Unit = 0.0                  # how much open conflict it shows
    actor_emotions: dict[Literal[EMOTIONS], Signed] = {}   # type: ignore[valid-type]
    target_emotions: dict[Literal[EMOTIONS], Signed] = {}  # type: ignore[valid-type]
    traits: dict[Literal[BIG_FIVE], Affinity] = {}         # type: ignore[valid-type]
    feelings: dict[Literal[EMOTIONS], Affinity] = {}       # type: ignore[valid-type]
    probability: Unit = 1.0               # chance the mechanic succeeds (lie, eavesdrop, attack…)
    bond: Optional[Literal[BONDS]] = None  # type: ignore[valid-type]
    weight: float = Field(default=1.0, ge=0.0, le=10.0)

    _id = field_validator("id")(_check_id)


class VerbChanges(Model):
    """How a story changes the default vocabulary."""

    only: Optional[list[Identifier]] = None
    exclude: list[Identifier] = []
    weights: dict[Identifier, Annotated[float, Field(ge=0.0, le=10.0)]] = {}
    add: list[Verb] = []


# --- content ------------------------------------------------------------------------------

class Personality(Model):
    openness: Unit = 0.5
    conscientiousness: Unit = 0.5
    extraversion: Unit = 0.5
    agreeableness: Unit = 0.5
    neuroticism: Unit = 0.5

    @field_validator("*")
    @classmethod
    def _unit(cls, v: float, info) -> float:
        return _in_range(v, 0, 1, info.field_name)


class Goal(Model):
    type: Literal[GOAL_TYPES]  # type: ignore[valid-type]
    weight: float = Field(default=1.0, gt=0.0, le=5.0)
    target: Optional[Identifier] = None
    object: Optional[Identifier] = None
    secret: Optional[Identifier] = None
    place: Optional[Identifier] = None

    @model_validator(mode="after")
    def _argument(self) -> "Goal":
        needed = GOAL_ARGUMENT[self.type]
        key = {"character": "target"}.get(needed, needed)
        given = [k for k in ("target", "object", "secret", "place") if getattr(self, k)]
        if needed is None and given:
            raise ValueError(f"goal '{self.type}' takes no argument; remove {given[0]!r}")
        if needed is not None and given != [key]:
            raise ValueError(f"goal '{self.type}' needs exactly '{key}:' (a {needed} id)")
        return self

    @property
    def argument(self) -> Optional[str]:
        return self.target or self.object or self.secret or self.place


class Standards(Model):
    praise: list[Identifier] = []
    condemn: list[Identifier] = []


class Mood(Model):
    pleasure: Signed = 0.0
    arousal: Signed = 0.0
    dominance: Signed = 0.0

    @field_validator("*")
    @classmethod
    def _signed(cls, v: float, info) -> float:
        return _in_range(v, -1, 1, info.field_name)


class Character(Model):
    id: Identifier
    name: str
    pronouns: str = "they/them"
    description: str = ""
    personality: Personality = Personality()
    goals: list[Goal] = []
    standards: Standards = Standards()
    emotions: dict[Literal[EMOTIONS], Unit] = {}  # type: ignore[valid-type]
    mood: Mood = Mood()
    location: Identifier
    initiative: Optional[Unit] = None

    _id = field_validator("id")(_check_id)

    @field_validator("emotions")
    @classmethod
    def _emotions(cls, v: dict) -> dict:
        for name, value in v.items():
            _in_range(value, 0, 1, f"emotion {name}")
        return v

    @property
    def turn_initiative(self) -> float:
        """Who acts first in a round: given, or from extraversion and low agreeableness."""
        if self.initiative is not None:
            return self.initiative
        p = self.personality
        return round(0.6 * p.extraversion + 0.2 * p.neuroticism + 0.2 * (1 - p.agreeableness), 6)


class Relationship(Model):
    from_: Identifier = Field(alias="from")
    to: Identifier
    affection: Signed = 0.0
    trust: Signed = 0.0
    respect: Signed = 0.0
    bonds: list[Literal[BONDS]] = []  # type: ignore[valid-type]
    mutual: bool = False

    @field_validator("affection", "trust", "respect")
    @classmethod
    def _signed(cls, v: float, info) -> float:
        return _in_range(v, -1, 1, info.field_name)


class Secret(Model):
    id: Identifier
    text: str
    lie: str = ""
    about: list[Identifier] = []
    known_by: list[Identifier] = []
    believes_lie: list[Identifier] = []
    stakes: dict[Identifier, Unit] = {}

    _id = field_validator("id")(_check_id)

    @field_validator("stakes")
    @classmethod
    def _stakes(cls, v: dict) -> dict:
        for who, value in v.items():
            _in_range(value, 0, 1, f"stake of {who}")
        return v


class Place(Model):
    id: Identifier
    name: str
    interior: bool = True
    description: str = ""

    _id = field_validator("id")(_check_id)


class StoryObject(Model):
    id: Identifier
    name: str
    kind: str = "thing"
    owner: Optional[Identifier] = None
    place: Optional[Identifier] = None
    description: str = ""

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _where(self) -> "StoryObject":
        if (self.owner is None) == (self.place is None):
            raise ValueError("an object needs exactly one of 'owner:' (a character) or 'place:'")
        return self


class Ending(Model):
    id: Identifier
    title: str
    tone: Literal[TONES]  # type: ignore[valid-type]
    when: Condition
    text: str = ""

    _id = field_validator("id")(_check_id)


class NarratorEvent(Model):
    id: Identifier
    title: str
    text: str = ""
    place: Optional[Identifier] = None
    when: Optional[Condition] = None
    effects: list[Effect] = Field(default_factory=list, min_length=1)
    repeatable: bool = False
    tension: Unit = 0.3

    _id = field_validator("id")(_check_id)


class TensionArc(Model):
    """The target tension curve over the episode, as (progress, tension) points."""

    shape: Literal["freytag", "rising", "points"] = "freytag"
    start: Unit = 0.15
    peak: Unit = 0.9
    end: Unit = 0.3
    climax: float = Field(default=0.7, gt=0.0, lt=1.0)
    points: list[tuple[float, float]] = []

    @model_validator(mode="after")
    def _points(self) -> "TensionArc":
        if self.shape == "points":
            if len(self.points) < 2:
                raise ValueError("shape 'points' needs at least two [progress, tension] points")
            xs = [p[0] for p in self.points]
            if xs != sorted(xs) or xs[0] != 0.0 or xs[-1] != 1.0:
                raise ValueError("points must run from progress 0 to 1 in increasing order")
            for _, y in self.points:
                _in_range(y, 0, 1, "tension")
        return self

    def knots(self) -> list[tuple[float, float]]:
        if self.shape == "points":
            return [tuple(p) for p in self.points]
        if self.shape == "rising":
            return [(0.0, self.start), (1.0, self.peak)]
        return [(0.0, self.start), (self.climax, self.peak), (1.0, self.end)]


class Story(Model):
    """A whole drama, validated. Load one with :func:`stories.load_story`."""

    format: Literal[1] = 1
    id: Identifier
    title: str
    genre: str
    premise: str
    author: str = ""
    length: int = Field(default=40, ge=4, le=1000)
    start_place: Optional[Identifier] = None
    places: list[Place] = Field(min_length=1)
    objects: list[StoryObject] = []
    cast: list[Character] = Field(min_length=2, max_length=12)
    relationships: list[Relationship] = []
    secrets: list[Secret] = []
    endings: list[Ending] = Field(min_length=1)
    events: list[NarratorEvent] = []
    tension_arc: TensionArc = TensionArc()
    verbs: VerbChanges = VerbChanges()

    _id = field_validator("id")(_check_id)

    # lookups by id
    def character_index(self, cid: str) -> int:
        return [c.id for c in self.cast].index(cid)

    @property
    def cast_names(self) -> list[str]:
        return [c.name for c in self.cast]
