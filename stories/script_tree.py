"""``ScriptTree``: a format-neutral branching script, the input of every exporter.

A tree of nodes; each node is one beat (or the opening) with its lines of dialogue and stage
directions, a summary of the state after it (tension, each character's dominant emotion), the
audience score of the branch so far, and the choices that lead on. Saved as versioned JSON::

    {"format": "drama-script-tree", "version": 1, "story": {...}, "seed": 7,
     "root": "n0", "nodes": {"n0": {...}, ...}}

``docs/script-tree.md`` documents every field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from stories.errors import DramaError
from stories.files import write_atomic

FORMAT = "drama-script-tree"
VERSION = 1


class ScriptTreeError(DramaError):
    """A script-tree file that is missing, corrupt, of another version or inconsistent."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScriptLine(_Model):
    """A stage direction and, when someone speaks, their line."""

    direction: str = ""
    speaker: Optional[str] = None        # character id
    speaker_name: Optional[str] = None
    text: str = ""
    emotion: str = "calm"
    parenthetical: str = ""


class Choice(_Model):
    """A way on from a node: its label, the node it leads to, and who chooses it."""

    label: str
    target: str
    chooser: str = "director"            # a character id, "director" or "narrator"


class CharacterSummary(_Model):
    emotion: str
    intensity: float
    mood: list[float] = Field(default_factory=list)  # pleasure, arousal, dominance


class StateSummary(_Model):
    tension: float = 0.0
    target_tension: Optional[float] = None
    characters: dict[str, CharacterSummary] = Field(default_factory=dict)


class EndingInfo(_Model):
    id: str
    title: str
    tone: str
    text: str = ""


class ScriptNode(_Model):
    """One beat of the branching script (the root is the opening, with no beat)."""

    id: str
    parent: Optional[str] = None
    step: int = 0
    beat: Optional[str] = None           # the action name, e.g. "elena:accuse:tomas"
    place: Optional[str] = None          # place id
    place_name: Optional[str] = None
    interior: bool = True
    lines: list[ScriptLine] = Field(default_factory=list)
    choices: list[Choice] = Field(default_factory=list)
    state: StateSummary = Field(default_factory=StateSummary)
    score: Optional[float] = None        # audience score of the branch up to here, in [0, 1]
    ending: Optional[EndingInfo] = None


class CastMember(_Model):
    id: str
    name: str
    pronouns: str = "they/them"


class StoryInfo(_Model):
    id: str
    title: str
    genre: str = ""
    premise: str = ""
    author: str = ""
    cast: list[CastMember] = Field(default_factory=list)


class ScriptTree(_Model):
    """A branching script; see the module docstring."""

    format: Literal["drama-script-tree"] = FORMAT
    version: int = VERSION
    story: StoryInfo
    seed: int = 0
    root: str
    nodes: dict[str, ScriptNode]
    best_path: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> "ScriptTree":
        if self.version != VERSION:
            raise ValueError(f"version {self.version} is not supported (this release reads {VERSION})")
        if self.root not in self.nodes:
            raise ValueError(f"root {self.root!r} is not a node")
        for key, node in self.nodes.items():
            if node.id != key:
                raise ValueError(f"node stored as {key!r} has id {node.id!r}")
            if node.parent is not None and node.parent not in self.nodes:
                raise ValueError(f"node {key!r} has unknown parent {node.parent!r}")
            for choice in node.choices:
                if choice.target not in self.nodes:
                    raise ValueError(f"node {key!r} has a choice to unknown node {choice.target!r}")
        for node_id in self.best_path:
            if node_id not in self.nodes:
                raise ValueError(f"best_path names unknown node {node_id!r}")
        return self

    # --- navigation -------------------------------------------------------------------------
    def children(self, node_id: str) -> list[ScriptNode]:
        return [self.nodes[c.target] for c in self.nodes[node_id].choices]

    def leaves(self) -> list[ScriptNode]:
        return [n for n in self.nodes.values() if not n.choices]

    def paths(self) -> list[list[str]]:
        """Every root-to-leaf path, as node ids, in depth-first choice order."""
        out: list[list[str]] = []
        stack = [[self.root]]
        while stack:
            path = stack.pop()
            node = self.nodes[path[-1]]
            if not node.choices:
                out.append(path)
            for choice in reversed(node.choices):
                stack.append(path + [choice.target])
        return out

    def best(self) -> list[str]:
        """The best path: ``best_path`` if set, else the path to the highest-scoring leaf."""
        if self.best_path:
            return list(self.best_path)
        leaf = max(self.leaves(), key=lambda n: (n.score if n.score is not None else -1.0, n.id))
        path = [leaf.id]
        while self.nodes[path[-1]].parent is not None:
            path.append(self.nodes[path[-1]].parent)
        return path[::-1]

    # --- files ------------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str, source: str = "<tree>") -> "ScriptTree":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ScriptTreeError(f"{source}: not valid JSON (line {error.lineno}, column "
                                  f"{error.colno}: {error.msg}) — give a file written by "
                                  "`drama explore -o`") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ScriptTreeError(f"{source}: not a script tree (no \"format\": \"{FORMAT}\") — "
                                  "give a file written by `drama explore -o`")
        if data.get("version") != VERSION:
            raise ScriptTreeError(f"{source}: script-tree version {data.get('version')!r} is not "
                                  f"supported (this release reads {VERSION}) — re-export it with "
                                  "this release")
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(x) for x in first["loc"]) or "(top level)"
            raise ScriptTreeError(f"{source}: {where}: {first['msg']} — the file is damaged or "
                                  "was edited by hand; re-create it with `drama explore`") from None

    def save(self, path: str | Path) -> None:
        write_atomic(Path(path), self.to_json())

    @classmethod
    def load(cls, path: str | Path) -> "ScriptTree":
        path = Path(path)
        if not path.exists():
            raise ScriptTreeError(f"{path}: no such file — check the path")
        if path.is_dir():
            raise ScriptTreeError(f"{path}: is a directory — give a script-tree JSON file")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ScriptTreeError(f"{path}: not UTF-8 text — give a script-tree JSON file") from None
        return cls.from_json(text, str(path))
