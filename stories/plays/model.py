"""One model for every imported play, whatever the file format it came from.

A :class:`Play` is immutable content, like a :class:`~stories` story: a title, its authors,
the cast, the acts and, in reading order, the scenes. A scene is the smallest division that
holds speech (DraCor calls it a *segment*); each scene keeps its speeches and stage
directions in the order they appear::

    Play
    ├── cast:   Character(id, name, gender, is_group)
    ├── acts:   Act(title, kind, directions)          # containers of scenes (may be empty)
    └── scenes: Scene(title, kind, act, lines)        # act = index into Play.acts or None
                  └── lines: Speech(speaker_ids, speaker_name, text, directions)
                             StageDirection(text)

Every speaker id used in a speech is the id of a member of :attr:`Play.cast` (the importers
add undeclared speakers to the cast), so a play can always name who speaks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Act", "Character", "Gender", "Line", "Play", "PlayFormat", "Scene", "Speech",
           "StageDirection"]

#: Gender as recorded by the source (TEI ``@sex``); ``None`` when the source says nothing.
Gender = Literal["female", "male", "unknown"]

#: The file formats :func:`stories.plays.load_play` understands.
PlayFormat = Literal["tei", "fountain", "csv"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Character(_Frozen):
    """A member of the cast.

    Attributes:
        id: Stable identifier, unique in the play (TEI ``xml:id``, or a slug of the name).
        name: Display name.
        gender: ``"female"``, ``"male"``, ``"unknown"`` or ``None`` when not recorded.
        is_group: ``True`` for a group that speaks as one (TEI ``personGrp``: a chorus, "Alle").
    """

    id: str = Field(min_length=1)
    name: str
    gender: Gender | None = None
    is_group: bool = False


class Speech(_Frozen):
    """One speech: who speaks and what they say.

    Attributes:
        speaker_ids: The ids of the speakers (more than one when several speak together;
            empty when the source does not say who speaks).
        speaker_name: The speaker label as printed (``"MARINELLI"``), without trailing ``.``/``:``.
        text: The spoken text; verse lines and paragraphs are separated by ``"\\n"``.
        directions: Stage directions embedded in the speech (``"Aside."``), in order.
    """

    kind: Literal["speech"] = "speech"
    speaker_ids: tuple[str, ...] = ()
    speaker_name: str = ""
    text: str = ""
    directions: tuple[str, ...] = ()

    @property
    def speaker_id(self) -> str | None:
        """The first (usually only) speaker id, or ``None`` when nobody is named."""
        return self.speaker_ids[0] if self.speaker_ids else None


class StageDirection(_Frozen):
    """A stage direction (or, in a screenplay, an action paragraph or transition)."""

    kind: Literal["stage"] = "stage"
    text: str


#: An item of a scene, in reading order.
Line = Annotated[Union[Speech, StageDirection], Field(discriminator="kind")]


class Act(_Frozen):
    """A container of scenes: an act, or any other grouping division (TEI ``part``).

    Attributes:
        title: The heading (``"Erster Aufzug"``, ``"Act I"``), or ``None``.
        kind: The kind of division, normally ``"act"`` (TEI ``div/@type``).
        directions: Stage directions of the act itself, outside its scenes
            (``"Die Szene: ein Kabinett des Prinzen."``).
    """

    title: str | None = None
    kind: str = "act"
    directions: tuple[str, ...] = ()


class Scene(_Frozen):
    """The smallest division that holds speech (DraCor's *segment*).

    Attributes:
        title: The heading (``"Zweiter Auftritt"``, ``"EXT. PARK--DAY"``), or ``None``.
        kind: The kind of division (``"scene"``; ``"act"`` for an act without scenes;
            ``"prologue"``...).
        act: Index of the enclosing act in :attr:`Play.acts`, or ``None``.
        lines: Speeches and stage directions in reading order.
    """

    title: str | None = None
    kind: str = "scene"
    act: int | None = None
    lines: tuple[Line, ...] = ()

    @property
    def speeches(self) -> tuple[Speech, ...]:
        """The speeches of the scene, in order."""
        return tuple(line for line in self.lines if isinstance(line, Speech))

    @property
    def stage_directions(self) -> tuple[StageDirection, ...]:
        """The stage directions of the scene (not those embedded in speeches), in order."""
        return tuple(line for line in self.lines if isinstance(line, StageDirection))

    def speakers(self) -> tuple[str, ...]:
        """The distinct speaker ids of the scene, in order of first speech."""
        return tuple(dict.fromkeys(sid for speech in self.speeches for sid in speech.speaker_ids))


class Play(_Frozen):
    """An imported play.

    Attributes:
        title: The main title.
        authors: Author names, in the order the source gives them.
        cast: The characters; every speaker id in the play is one of their ids.
        acts: The acts (or other grouping divisions), in order; may be empty.
        scenes: The scenes in reading order (each names its act by index).
        format: The format the play was imported from.
        source: The file it was imported from, if any.
        play_id: An identifier given by the source (the DraCor id ``"ger000088"``), if any.
    """

    title: str
    authors: tuple[str, ...] = ()
    cast: tuple[Character, ...] = ()
    acts: tuple[Act, ...] = ()
    scenes: tuple[Scene, ...] = ()
    format: PlayFormat
    source: str | None = None
    play_id: str | None = None

    @model_validator(mode="after")
    def _check_references(self) -> Play:
        ids = [member.id for member in self.cast]
        if len(set(ids)) != len(ids):
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"cast ids must be unique; repeated: {', '.join(duplicates)}")
        known = set(ids)
        for number, scene in enumerate(self.scenes):
            if scene.act is not None and not 0 <= scene.act < len(self.acts):
                raise ValueError(f"scene {number} names act {scene.act}, "
                                 f"but the play has {len(self.acts)} acts")
            for speech in scene.speeches:
                unknown = [sid for sid in speech.speaker_ids if sid not in known]
                if unknown:
                    raise ValueError(f"scene {number}: speaker ids {unknown} are not in the cast")
        return self

    def character(self, character_id: str) -> Character:
        """The cast member with this id (``KeyError`` if there is none)."""
        for member in self.cast:
            if member.id == character_id:
                return member
        raise KeyError(character_id)

    def speeches(self) -> Iterator[Speech]:
        """Every speech of the play, in reading order."""
        for scene in self.scenes:
            yield from scene.speeches

    def speakers(self) -> tuple[str, ...]:
        """The distinct ids of characters who speak, in order of first speech."""
        return tuple(dict.fromkeys(sid for speech in self.speeches()
                                   for sid in speech.speaker_ids))

    def scenes_of(self, act: int) -> tuple[Scene, ...]:
        """The scenes of act number ``act`` (an index into :attr:`acts`)."""
        return tuple(scene for scene in self.scenes if scene.act == act)
