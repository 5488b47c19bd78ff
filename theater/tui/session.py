"""The game behind ``drama play``: plain Python, no Textual, unit-testable on its own.

A :class:`Session` holds one drama being played: the compiled story, the seed, the player's
:class:`Role`, the AI agent and the narrator, and the **branch tree** of every beat played so
far. The app only asks it questions (whose turn, which choices, what to show) and tells it
what the player did (choose, undo, rewind, rate, save).

Turns
    As a **character** the player chooses that character's beats; the others are played by
    the agent in initiative order, and the narrator by :func:`agents.base.narrator_choice`
    (through the agent). As **director** the player chooses every beat (any character's, or a
    narrator event), with no turn order. As **audience** the agent plays everything and the
    app calls :meth:`Session.advance` at the pace the player sets.

Branches
    Every beat is a :class:`Beat` node holding the state just after it. Undo and rewind move
    the current node back; choosing again grows a new branch beside the old one (the same
    choice from the same node revisits the branch already there). A branch's audience score
    is the sum of :class:`drama_env.reward.AudienceArcReward` over its beats (a learned
    audience model will replace it).

Saves
    Versioned JSON (``"format": "drama-play-session"``), written atomically, carrying the
    story itself (so generated and hand-written stories reload), the seed, the role, the
    agent and narrator names and the whole branch tree with each beat's event, line and state.
    :meth:`Session.load` raises :class:`stories.errors.SaveError` naming the problem.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from drama_env import rules
from drama_env.compiled import CompiledStory
from drama_env.event import Event
from drama_env.lines import Line
from drama_env.reward import AudienceArcReward
from drama_env.state import SAVE_FORMAT as STATE_FORMAT
from drama_env.state import SAVE_VERSION as STATE_VERSION
from drama_env.state import DramaState
from drama_env.turns import NARRATOR, advance_turn, current_turn
from stories.constants import REL_INDEX
from stories.errors import DramaError, ModelError, SaveError, StoryError, UsageError
from stories.files import write_atomic
from stories.schema import Story

SESSION_FORMAT = "drama-play-session"
SESSION_VERSION = 1
DEFAULT_STORY = "the-orchard-letter"
DIRECTOR = "director"
AUDIENCE = "audience"
NARRATORS = ("template", "lm")
AGENTS = ("heuristic", "random")
ROOT = "n0"


class IllegalChoice(UsageError):
    """A choice that is not open to the player now."""


# --- roles -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Role:
    """Who the player is: a character (by index), the director or the audience."""

    kind: str                  # "character", "director" or "audience"
    character: int = -1        # cast index when kind == "character"

    @classmethod
    def parse(cls, spec: str | None, compiled: CompiledStory) -> "Role":
        """``"director"``, ``"audience"``, or a character's id or name (any case)."""
        if spec is None or spec.strip().lower() == AUDIENCE:
            return cls(AUDIENCE)
        text = spec.strip().lower()
        if text == DIRECTOR:
            return cls(DIRECTOR)
        for k, member in enumerate(compiled.story.cast):
            if text in (member.id.lower(), member.name.lower()):
                return cls("character", k)
        names = ", ".join(m.id for m in compiled.story.cast)
        raise UsageError(f"--as {spec!r}: no such character in {compiled.story.id!r} — use one "
                         f"of: {names}, director or audience")

    def spec(self, compiled: CompiledStory) -> str:
        return compiled.character_ids[self.character] if self.kind == "character" else self.kind

    def describe(self, compiled: CompiledStory) -> str:
        if self.kind == "character":
            return f"playing {compiled.story.cast[self.character].name}"
        return "directing" if self.kind == DIRECTOR else "watching"


# --- where a story comes from ----------------------------------------------------------------
@dataclass(frozen=True)
class StorySource:
    """How a story was opened: a shipped name, a file, a generator seed, or a save."""

    kind: str                  # "shipped", "file", "generated" or "saved"
    name: str                  # the shipped name, the path, or the generator seed
    cast: int | None = None

    def describe(self) -> str:
        if self.kind == "generated":
            return f"generated from seed {self.name}"
        return {"shipped": "shipped drama", "file": "story file", "saved": "from a save"}[
            self.kind] + f" {self.name}"


def open_story(story: str | None = None, generated: int | None = None,
               cast: int | None = None) -> tuple[Story, StorySource]:
    """Load a shipped story or a story file, or generate one from a seed. Raises
    :class:`stories.errors.DramaError` subclasses naming the problem."""
    from stories import load_story, shipped_story_names

    if generated is not None:
        from pydantic import ValidationError

        from stories.generator import generate_story

        try:
            data = generate_story(int(generated), cast)
            return Story.model_validate(data), StorySource("generated", str(int(generated)), cast)
        except ValidationError as error:  # the generator should never do this
            raise StoryError(f"<generated seed {generated}>", None, None,
                             f"the generator made an invalid story ({error.errors()[0]['msg']})",
                             "try another seed and report this one") from None
    name = story or DEFAULT_STORY
    loaded = load_story(name)
    kind = "shipped" if name in shipped_story_names() else "file"
    return loaded, StorySource(kind, str(name))


# --- narrator and agent by name --------------------------------------------------------------
def make_narrator(spec: str = "template", seed: int = 0):
    """The narrator named by ``spec``: ``template``, ``lm`` (the shipped LM narrator) or a
    model folder. The LM narrator lives in ``narrative_models.narrator``; when it (or torch /
    transformers, or the model) is missing this raises :class:`ModelError` naming the piece."""
    from drama_env.narration import TemplateNarrator

    if spec in (None, "", "template"):
        return TemplateNarrator(seed=seed)
    if spec != "lm" and not Path(spec).exists():
        raise ModelError(f"--narrator {spec}: no such model folder — give template, lm or the "
                         "folder of a trained narrator")
    try:
        from narrative_models.narrator.render import make_narrator as lm_narrator
    except ImportError as error:
        raise ModelError(f"--narrator {spec}: the LM narrator (narrative_models.narrator) is not "
                         f"available in this release ({error}) — use --narrator template") from None
    try:
        return lm_narrator(spec, seed=seed)
    except DramaError:
        raise
    except Exception as error:  # a model that does not load is the player's to fix, not a crash
        raise ModelError(f"--narrator {spec}: cannot load the LM narrator "
                         f"({type(error).__name__}: {error})") from None


def make_agent(spec: str = "heuristic", compiled: CompiledStory | None = None):
    """The AI agent named by ``spec``: ``heuristic``, ``random`` or a policy trained by
    ``drama train`` (its ``policy.zip`` or run folder), checked against ``compiled``.
    Raises :class:`ModelError` (or :class:`UsageError`) naming the problem."""
    from agents.policies import make_agent as policy_agent

    return policy_agent(spec or "heuristic", compiled)


# --- labels ----------------------------------------------------------------------------------
def action_label(compiled: CompiledStory, action: int, with_actor: bool = True) -> str:
    """A readable label for an action: ``Elena accuses Tomas``, ``steals from Tomas (the
    ring)``, ``Narrator: A storm breaks``."""
    story = compiled.story
    a = compiled.action(action)
    if a.verb < 0:
        return f"Narrator: {story.events[a.arg].title}"
    verb = compiled.verbs[a.verb]
    text = verb.text or verb.id.replace("_", " ")
    parts = [text]
    if a.target >= 0:
        parts.append(story.cast[a.target].name)
    if a.arg >= 0:
        if verb.arg == "place":
            parts.append(story.places[a.arg].name)
        elif verb.arg == "object":
            parts.append(f"({story.objects[a.arg].name})")
        elif verb.arg in ("secret", "secret_all"):
            parts.append(f"— “{_short(story.secrets[a.arg].text)}”")
    label = " ".join(parts)
    if with_actor:
        return f"{story.cast[a.actor].name} {label}"
    return label[:1].upper() + label[1:]


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def branch_score(total: float, beats: int) -> float:
    """The audience score of a branch in [0, 1]: its mean beat reward mapped through
    ``0.5 + 0.5·tanh(mean)`` (0.5 is a neutral drama; an empty branch scores 0.5)."""
    if beats <= 0:
        return 0.5
    return 0.5 + 0.5 * math.tanh(total / beats)


# --- the branch tree -------------------------------------------------------------------------
@dataclass
class Beat:
    """A node of the branch tree: one beat and the state just after it (the root: the
    opening, with no beat)."""

    id: str
    parent: str | None
    depth: int                     # beats from the opening
    state: DramaState              # just after the beat (and its turn)
    action: int | None = None
    name: str | None = None        # compiled.action_name, e.g. "elena:accuse:tomas"
    label: str = "Opening"
    chooser: str = "ai"            # "player" or "ai"
    event: Event | None = None
    line: Line | None = None
    reward: float = 0.0            # the audience reward of this beat
    total: float = 0.0             # summed over the branch up to here
    terms: dict[str, float] = field(default_factory=dict)
    children: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return branch_score(self.total, self.depth)

    @property
    def actor(self) -> str | None:
        return self.event.actor if self.event else None


@dataclass(frozen=True)
class Choice:
    """One choice open to the player."""

    action: int
    label: str
    actor: str | None              # character id, None for a narrator event


# --- views (what the panels show) ------------------------------------------------------------
@dataclass(frozen=True)
class CastRow:
    id: str
    name: str
    emotion: str
    intensity: float
    mood: tuple[float, float, float]   # pleasure, arousal, dominance in [-1, 1]
    status: str                        # present, departed, dead
    place: str
    is_player: bool
    is_next: bool


@dataclass(frozen=True)
class SecretRow:
    id: str
    text: str                          # what the viewer holds true (the lie, if believed)
    belief: str                        # "knows", "believes the lie" or "unaware"
    known_by: tuple[str, ...]          # names of those who know it


@dataclass(frozen=True)
class Stats:
    beats: int
    player_choices: int
    narrator_events: int
    branches: int
    nodes: int
    score: float
    total_reward: float
    peak_tension: float
    arc_error: float                   # mean |tension − target|
    secrets_learned: int
    deaths: int
    departures: int
    top_verbs: tuple[tuple[str, int], ...]


class Session:
    """One drama being played; see the module docstring."""

    def __init__(self, compiled: CompiledStory, seed: int = 0, role: Role | str | None = None,
                 agent: Any = None, narrator: Any = None, source: StorySource | None = None,
                 agent_name: str = "heuristic", narrator_name: str = "template") -> None:
        self.compiled = compiled
        self.seed = int(seed)
        self.role = role if isinstance(role, Role) else Role.parse(role, compiled)
        self.notices: list[str] = []   # what was asked for but is not available
        if agent is None:
            try:
                agent = make_agent(agent_name, compiled)
            except (ModelError, UsageError) as error:
                self.notices.append(f"{error}. Playing with the heuristic agent instead.")
                agent, agent_name = make_agent("heuristic"), "heuristic"
        if narrator is None:
            try:
                narrator = make_narrator(narrator_name, self.seed)
            except ModelError as error:
                self.notices.append(f"{error}. Narrating with templates instead.")
                narrator, narrator_name = make_narrator("template", self.seed), "template"
        self.agent = agent
        self.narrator = narrator
        self.agent_name = agent_name
        self.narrator_name = narrator_name
        self.source = source or StorySource("shipped", compiled.story.id)
        self.reward = AudienceArcReward()
        opening = DramaState.initial(compiled, self.seed)
        self.beats: dict[str, Beat] = {ROOT: Beat(ROOT, None, 0, opening.clone())}
        self.current = ROOT
        self.state = opening           # the working state (the current beat's, plus passes)
        self._idle = 0                 # passes in a row (the drama is stuck past C + 2)
        self._next_id = 1
        # called with each partial line while a streaming narrator writes (from the thread
        # that plays the beat)
        self.on_line: Callable[[Line], None] | None = None

    # --- construction ----------------------------------------------------------------------
    @classmethod
    def open(cls, story: str | None = None, generated: int | None = None, seed: int = 0,
             role: str | None = None, agent: str = "heuristic",
             narrator: str = "template") -> "Session":
        """Open a story (shipped name, file or generator seed) for play."""
        loaded, source = open_story(story, generated)
        compiled = CompiledStory(loaded)
        return cls(compiled, seed, Role.parse(role, compiled), source=source,
                   agent_name=agent, narrator_name=narrator)

    # --- where we are ----------------------------------------------------------------------
    @property
    def story(self) -> Story:
        return self.compiled.story

    @property
    def beat(self) -> Beat:
        return self.beats[self.current]

    @property
    def stuck(self) -> bool:
        return self._idle > self.compiled.n_characters + 2

    @property
    def over(self) -> bool:
        """An ending was reached, the story's length ran out, or nobody can act."""
        s = self.state
        return s.terminated or s.step >= self.compiled.length or self.stuck

    @property
    def ending(self):
        """The story's ``Ending`` reached, or None."""
        e = self.state.ending
        return self.story.endings[e] if e >= 0 else None

    def next_actor(self) -> int | None:
        """The character index whose turn it is, ``NARRATOR`` (-1), or None as director."""
        if self.role.kind == DIRECTOR:
            return None
        return current_turn(self.state)

    def waiting_for_player(self) -> bool:
        """Whether the next beat is the player's to choose."""
        if self.over or self.role.kind == AUDIENCE:
            return False
        if self.role.kind == DIRECTOR:
            return True
        who = current_turn(self.state)
        return who == self.role.character and bool(rules.legal_actions(self.state, who).any())

    def path(self, beat_id: str | None = None) -> list[Beat]:
        """The beats from the opening (included) to ``beat_id`` (default: the current one)."""
        node = self.beats[beat_id or self.current]
        out = [node]
        while node.parent is not None:
            node = self.beats[node.parent]
            out.append(node)
        return out[::-1]

    def branch_names(self, beat_id: str | None = None) -> list[str]:
        """The branch as action names, opening excluded."""
        return [b.name for b in self.path(beat_id)[1:] if b.name]

    def leaves(self) -> list[Beat]:
        return [b for b in self.beats.values() if not b.children]

    # --- the player's choices --------------------------------------------------------------
    def choices(self) -> list[Choice]:
        """The beats open to the player now (empty when it is not the player's turn). A
        character's come in the story's action order; a director's are ordered by how much
        the heuristic agent likes them, so the strongest come first."""
        if not self.waiting_for_player():
            return []
        c = self.compiled
        if self.role.kind == DIRECTOR:
            mask = rules.legal_actions(self.state, None)
            legal = mask.nonzero()[0]
            order = legal
            scorer = getattr(self.agent, "scores", None)
            if scorer is not None:
                scores = scorer(self.state, None)
                order = legal[np.argsort(-scores[legal], kind="stable")]
            return [Choice(int(k), action_label(c, int(k)), c.decoded[int(k)][0]) for k in order]
        who = self.role.character
        first = int(c.actor_ranges[who])
        mask = rules.legal_actions(self.state, who)
        return [Choice(first + int(k), action_label(c, first + int(k), with_actor=False),
                       c.character_ids[who]) for k in np.flatnonzero(mask)]

    def choose(self, action: int) -> Beat:
        """Play the player's choice ``action`` (an index from :meth:`choices`)."""
        if not self.waiting_for_player():
            raise IllegalChoice("it is not your turn to choose")
        if self.role.kind == DIRECTOR:
            legal = rules.is_legal(self.state, action)
        else:
            c = self.compiled
            first, stop = int(c.actor_ranges[self.role.character]), int(
                c.actor_ranges[self.role.character + 1])
            legal = first <= action < stop and rules.is_legal(self.state, action)
        if not legal:
            raise IllegalChoice(f"{self.compiled.action_name(action)} is not open to you now")
        if self.role.kind != DIRECTOR:
            advance_turn(self.state)
        return self._play(action, "player")

    # --- the AI's turns --------------------------------------------------------------------
    def step(self) -> Beat | None:
        """Play one AI turn: a beat (returned) or a pass (None). Does nothing when the player
        must choose or the drama is over."""
        if self.over or self.waiting_for_player():
            return None
        who = current_turn(self.state)
        if self.role.kind == "character" and who == self.role.character:
            action = None          # the player's character has nothing to do: pass
        else:
            action = self.agent.act(self.state, who)
        advance_turn(self.state)
        if action is None:
            self._idle += 1
            return None
        return self._play(int(action), "ai")

    def advance(self) -> Beat | None:
        """Play AI turns until a beat happens, the player must choose or the drama ends;
        return the beat (None when there was none)."""
        while not self.over and not self.waiting_for_player():
            beat = self.step()
            if beat is not None:
                return beat
        return None

    def _play(self, action: int, chooser: str) -> Beat:
        self._idle = 0
        parent = self.beat
        for child_id in parent.children:   # the same beat again: revisit that branch
            child = self.beats[child_id]
            if child.action == action:
                self.current = child_id
                self.state = child.state.clone()
                return child
        event = rules.apply(self.state, action)
        terms = self.reward.terms(self.compiled, self.state.floats, self.state.ints)
        reward = self.reward(self.compiled, self.state.floats, self.state.ints)
        line = self._line(event)
        beat = Beat(f"n{self._next_id}", parent.id, parent.depth + 1, self.state.clone(),
                    action, self.compiled.action_name(action), action_label(self.compiled, action),
                    chooser, event, line, reward, parent.total + reward,
                    {k: round(v, 4) for k, v in terms.items()})
        self._next_id += 1
        self.beats[beat.id] = beat
        parent.children.append(beat.id)
        self.current = beat.id
        return beat

    def _line(self, event) -> Line:
        """The narrator's line for ``event``; a narrator that writes as it goes
        (``render_stream``, the LM narrator) shows each partial line to ``on_line``."""
        stream = getattr(self.narrator, "render_stream", None)
        if stream is None or self.on_line is None:
            return self.narrator.render(event, self.state)
        line = None
        for line in stream(event, self.state):
            self.on_line(line)
        return line

    # --- branches --------------------------------------------------------------------------
    def rewind(self, beat_id: str) -> Beat:
        """Go back (or over) to ``beat_id``: the drama continues from just after it."""
        if beat_id not in self.beats:
            raise UsageError(f"no beat {beat_id!r} in this session")
        self.current = beat_id
        self.state = self.beats[beat_id].state.clone()
        self._idle = 0
        return self.beat

    def undo(self) -> Beat:
        """Take back the player's last choice (as audience: the last beat). Raises
        :class:`UsageError` at the opening."""
        path = self.path()
        if len(path) <= 1:
            raise UsageError("nothing to undo — this is the opening")
        target = path[-2]
        if self.role.kind == "character":
            mine = [b for b in path[1:] if b.chooser == "player"]
            if mine:
                target = self.beats[mine[-1].parent]
            self.rewind(target.id)
            self.advance()         # only passes lie between it and the player's turn
            return self.beat
        return self.rewind(target.id)

    # --- what the panels show --------------------------------------------------------------
    def cast_view(self) -> list[CastRow]:
        s = self.state
        story = self.story
        nxt = None if self.over else self.next_actor()
        rows = []
        for k, member in enumerate(story.cast):
            emotion, level = s.dominant_emotion(k)
            rows.append(CastRow(
                member.id, member.name, emotion if level >= 0.12 else "calm", level,
                tuple(round(float(x), 3) for x in s.mood[k]),
                ("present", "departed", "dead")[int(s.status[k])],
                story.places[int(s.locations[k])].name,
                self.role.kind == "character" and self.role.character == k, nxt == k))
        return rows

    def relations_view(self, dim: str = "affection") -> np.ndarray:
        """(C, C) one relation dimension, row toward column, in [-1, 1]."""
        return self.state.relations[:, :, REL_INDEX[dim]].copy()

    def tension_view(self) -> tuple[list[float], list[float]]:
        """The tension so far and the story's whole target arc (length + 1 values)."""
        return ([float(x) for x in self.state.tension_history],
                [float(x) for x in self.compiled.target_arc])

    def secrets_view(self) -> list[SecretRow]:
        """As a character: the secrets they know or believe a lie about. Otherwise: all."""
        s = self.state
        story = self.story
        rows = []
        for x, secret in enumerate(story.secrets):
            knowers = tuple(story.cast[k].name for k in range(len(story.cast))
                            if s.knowledge[k, x] == 1)
            if self.role.kind == "character":
                belief = int(s.knowledge[self.role.character, x])
                if belief == 0:
                    continue
                text = secret.text if belief == 1 else (secret.lie or secret.text)
            else:
                belief, text = (1 if knowers else 0), secret.text
            rows.append(SecretRow(secret.id, text,
                                  {1: "knows", -1: "believes the lie", 0: "unaware"}[belief],
                                  knowers))
        return rows

    def stats(self) -> Stats:
        path = self.path()[1:]
        s = self.state
        first = self.beats[ROOT].state
        tension, target = self.tension_view()
        n = len(tension)
        error = float(np.mean(np.abs(np.array(tension) - np.array(target[:n])))) if n else 0.0
        verbs = Counter(b.event.verb for b in path if b.event and not b.event.is_narrator)
        return Stats(
            beats=len(path),
            player_choices=sum(b.chooser == "player" for b in path),
            narrator_events=sum(bool(b.event and b.event.is_narrator) for b in path),
            branches=len(self.leaves()),
            nodes=len(self.beats) - 1,
            score=self.beat.score,
            total_reward=self.beat.total,
            peak_tension=max(tension) if tension else 0.0,
            arc_error=error,
            secrets_learned=int(((s.knowledge == 1) & (first.knowledge != 1)).sum()),
            deaths=int((s.status == 2).sum()),
            departures=int((s.status == 1).sum()),
            top_verbs=tuple(verbs.most_common(3)),
        )

    # --- ratings ---------------------------------------------------------------------------
    def rating(self, value: int):
        """A :class:`stories.ratings.Rating` of the current branch (+1 or -1)."""
        from stories.ratings import Rating

        ending = self.ending
        return Rating.now(story=self.story.id, fingerprint=self.compiled.fingerprint,
                          seed=self.seed, branch=self.branch_names(), rating=value,
                          role=self.role.spec(self.compiled),
                          ending=ending.id if ending else None,
                          score=round(self.beat.score, 4))

    def rate(self, value: int, path: str | Path | None = None):
        """Append a rating of the current branch to the ratings file; return it."""
        from stories.ratings import append_rating

        rating = self.rating(value)
        append_rating(rating, path)
        return rating

    # --- saving ----------------------------------------------------------------------------
    def to_dict(self) -> dict:
        def arrays(state: DramaState) -> dict:
            return {"floats": [float(x) for x in state.floats],
                    "ints": [int(x) for x in state.ints]}

        nodes = []
        for beat in self.beats.values():
            nodes.append({
                "id": beat.id, "parent": beat.parent, "action": beat.name,
                "chooser": beat.chooser, "reward": beat.reward, "terms": beat.terms,
                "event": beat.event.to_dict() if beat.event else None,
                "line": beat.line.to_dict() if beat.line else None,
                "state": arrays(beat.state),
            })
        return {
            "format": SESSION_FORMAT,
            "version": SESSION_VERSION,
            "story": {"id": self.story.id, "fingerprint": self.compiled.fingerprint,
                      "source": {"kind": self.source.kind, "name": self.source.name,
                                 "cast": self.source.cast},
                      "content": self.story.model_dump(mode="json", by_alias=True,
                                                       exclude_none=True)},
            "seed": self.seed,
            "role": self.role.spec(self.compiled),
            "agent": self.agent_name,
            "narrator": self.narrator_name,
            "current": self.current,
            "idle": self._idle,
            "working": arrays(self.state),
            "nodes": nodes,
        }

    def save(self, path: str | Path) -> Path:
        """Write the session as JSON, atomically; return the path written."""
        path = Path(path).expanduser()
        if path.is_dir():
            raise SaveError(f"{path}: is a folder — give a file name for the save")
        try:
            write_atomic(path, json.dumps(self.to_dict(), ensure_ascii=False,
                                          separators=(",", ":")), make_parents=True)
        except OSError as error:
            raise SaveError(f"{path}: cannot write the save ({error.strerror or error}) — "
                            "choose a folder you can write to") from None
        return path

    @classmethod
    def load(cls, path: str | Path, agent: Any = None, narrator: Any = None) -> "Session":
        """Read a save written by :meth:`save`. Raises :class:`SaveError`."""
        path = Path(path).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SaveError(f"{path}: no such save file — check the path") from None
        except IsADirectoryError:
            raise SaveError(f"{path}: is a folder — give the save file") from None
        except UnicodeDecodeError:
            raise SaveError(f"{path}: not a text file — give a save written by `drama play`") from None
        except OSError as error:
            raise SaveError(f"{path}: cannot read it ({error.strerror or error})") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SaveError(f"{path}: not valid JSON (line {error.lineno}, column {error.colno}) "
                            "— the file is damaged") from None
        return cls.from_dict(data, str(path), agent=agent, narrator=narrator)

    @classmethod
    def from_dict(cls, data: Any, source: str = "<save>", agent: Any = None,
                  narrator: Any = None) -> "Session":
        if not isinstance(data, dict) or data.get("format") != SESSION_FORMAT:
            raise SaveError(f"{source}: not a drama-play save (no \"format\": "
                            f"\"{SESSION_FORMAT}\") — give a file saved from `drama play`")
        version = data.get("version")
        if version != SESSION_VERSION:
            newer = isinstance(version, int) and version > SESSION_VERSION
            raise SaveError(f"{source}: save version {version!r} is not supported (this release "
                            f"reads version {SESSION_VERSION}) — "
                            + ("upgrade drama-sim to load it" if newer else "start a new game"))
        try:
            return cls._from_dict(data, source, agent, narrator)
        except DramaError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            raise SaveError(f"{source}: the save is damaged ({type(error).__name__}: {error}) — "
                            "start a new game or restore an older save") from None

    @classmethod
    def _from_dict(cls, data: dict, source: str, agent: Any, narrator: Any) -> "Session":
        from pydantic import ValidationError

        info = data["story"]
        try:
            story = Story.model_validate(info["content"])
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise SaveError(f"{source}: the saved story is invalid at {where}: {first['msg']} — "
                            "the file is damaged") from None
        compiled = CompiledStory(story)
        if info.get("fingerprint") != compiled.fingerprint:
            raise SaveError(f"{source}: the saved story {story.id!r} does not match its "
                            "fingerprint (saved by another release, or edited) — start a new game")
        src = info.get("source") or {}
        agent_name = str(data.get("agent", "heuristic"))
        narrator_name = str(data.get("narrator", "template"))
        session = cls(compiled, int(data["seed"]), Role.parse(data["role"], compiled),
                      agent=agent, narrator=narrator,
                      source=StorySource(str(src.get("kind", "saved")),
                                         str(src.get("name", story.id)), src.get("cast")),
                      agent_name=agent_name, narrator_name=narrator_name)
        header = {"format": STATE_FORMAT, "version": STATE_VERSION, "story": story.id,
                  "fingerprint": compiled.fingerprint}

        def state_of(arrays: dict, where: str) -> DramaState:
            return DramaState.from_dict(dict(header, **arrays), compiled, f"{source}: {where}")

        session.beats = {}
        for node in data["nodes"]:
            node_id = str(node["id"])
            parent = node["parent"]
            if parent is not None and parent not in session.beats:
                raise SaveError(f"{source}: beat {node_id!r} comes before its parent "
                                f"{parent!r} — the file is damaged")
            name = node.get("action")
            action = compiled.action_index(name) if name else None
            depth = session.beats[parent].depth + 1 if parent is not None else 0
            reward = float(node.get("reward", 0.0))
            total = (session.beats[parent].total if parent is not None else 0.0) + reward
            beat = Beat(node_id, parent, depth, state_of(node["state"], f"beat {node_id}"),
                        action, name,
                        action_label(compiled, action) if action is not None else "Opening",
                        str(node.get("chooser", "ai")),
                        Event.from_dict(node["event"]) if node.get("event") else None,
                        Line(**node["line"]) if node.get("line") else None,
                        reward, total, dict(node.get("terms") or {}))
            session.beats[node_id] = beat
            if parent is not None:
                session.beats[parent].children.append(node_id)
        if ROOT not in session.beats:
            raise SaveError(f"{source}: the save has no opening beat — the file is damaged")
        current = str(data["current"])
        if current not in session.beats:
            raise SaveError(f"{source}: current beat {current!r} is not in the tree — the file "
                            "is damaged")
        session.current = current
        session.state = state_of(data["working"], "working state")
        session._idle = int(data.get("idle", 0))
        session._next_id = 1 + max(int(k[1:]) for k in session.beats if k[1:].isdigit())
        return session


def is_session_file(path: str | Path) -> bool:
    """Whether ``path`` looks like a save of this module (a JSON object with its format)."""
    path = Path(path)
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    try:
        with path.open("r", encoding="utf-8") as handle:
            head = handle.read(200)
    except (OSError, UnicodeDecodeError):
        return False
    return SESSION_FORMAT in head


__all__ = ["AUDIENCE", "DIRECTOR", "Beat", "CastRow", "Choice", "IllegalChoice", "NARRATOR",
           "Role", "SESSION_FORMAT", "SESSION_VERSION", "SecretRow", "Session", "Stats",
           "StorySource", "action_label", "branch_score", "is_session_file", "make_agent",
           "make_narrator", "open_story"]
