"""``DramaState``: everything that changes during a drama, in two flat numpy buffers.

The story (content) never changes; the state holds relations, emotions, moods, knowledge,
locations, possessions, flags, the step, the tension history and its own random stream
(SplitMix64), so that a clone or a reloaded save continues exactly as the original would.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from drama_env import layout as lay
from drama_env.compiled import CompiledStory
from stories.constants import BOND_INDEX, BONDS, EMOTION_INDEX, EMOTIONS, PAD, REL_DIMS, REL_INDEX
from stories.errors import SaveError
from stories.files import write_atomic

SAVE_FORMAT = "drama-state"
SAVE_VERSION = 1


class DramaState:
    """The mutable world of one drama. Build one with :meth:`initial`.

    Array views (read them; change them only through the rules):

    - ``relations``  float32 (C, C, 3): affection, trust, respect of row toward column
    - ``bonds``      int64 (C, C): bit ``k`` set when row has bond ``BONDS[k]`` to column
    - ``emotions``   float32 (C, 12): OCC emotion intensities in [0, 1]
    - ``mood``       float32 (C, 3): PAD mood in [-1, 1]
    - ``knowledge``  int64 (C, S): 1 knows the secret, -1 believes its lie, 0 unaware
    - ``locations``  int64 (C,): place index; ``status`` int64 (C,): 0 present, 1 departed, 2 dead
    - ``owners``     int64 (O,): owning character, or ``-1 - place`` for an object lying somewhere
    - ``flags``      int64 (F,); ``fired`` int64 (events,): times each narrator event happened
    - ``tension``    float32 (length + 1,): tension after each step (index 0: the start)
    """

    __slots__ = ("compiled", "floats", "ints")

    def __init__(self, compiled: CompiledStory, floats: np.ndarray, ints: np.ndarray) -> None:
        self.compiled = compiled
        self.floats = floats
        self.ints = ints

    # --- construction ----------------------------------------------------------------------
    @classmethod
    def initial(cls, compiled: CompiledStory, seed: int = 0) -> "DramaState":
        """The opening state of a story, with its random stream seeded by ``seed``."""
        if compiled.opening is None:  # built once per compiled story, then cloned (resets are hot)
            compiled.opening = cls._build_opening(compiled)
        state = compiled.opening.clone()
        state.reseed(seed)
        return state

    @classmethod
    def _build_opening(cls, compiled: CompiledStory) -> "DramaState":
        L = compiled.layout
        story = compiled.story
        state = cls(compiled, np.zeros(L[lay.F_SIZE], np.float32), np.zeros(L[lay.I_SIZE], np.int64))
        ci = {c: k for k, c in enumerate(compiled.character_ids)}
        for r in story.relationships:
            pairs = [(r.from_, r.to)] + ([(r.to, r.from_)] if r.mutual else [])
            for a, b in pairs:
                state.relations[ci[a], ci[b]] = (r.affection, r.trust, r.respect)
                for bond in r.bonds:
                    state.bonds[ci[a], ci[b]] |= 1 << BOND_INDEX[bond]
        for k, c in enumerate(story.cast):
            for name, value in c.emotions.items():
                state.emotions[k, EMOTION_INDEX[name]] = value
            state.mood[k] = (c.mood.pleasure, c.mood.arousal, c.mood.dominance)
            state.locations[k] = compiled.place_ids.index(c.location)
        for x, secret in enumerate(story.secrets):
            for who in secret.known_by:
                state.knowledge[ci[who], x] = 1
            for who in secret.believes_lie:
                state.knowledge[ci[who], x] = -1
        for o, obj in enumerate(story.objects):
            state.owners[o] = ci[obj.owner] if obj.owner else -1 - compiled.place_ids.index(obj.place)
        scal = state._scalars_i
        scal[lay.SI_ENDING] = -1
        scal[lay.SI_LAST_ACTION] = -1
        scal[lay.SI_LAST_ACTOR] = -1
        scal[lay.SI_LAST_PLACE] = state.locations[0]
        state.recent[:] = -1
        state.memory[:] = -1
        from drama_env import rules  # the starting tension needs the rules

        state.tension[0] = rules.current_tension(state)
        return state

    def clone(self) -> "DramaState":
        """An independent copy (two buffer copies; the compiled story is shared)."""
        new = DramaState.__new__(DramaState)
        new.compiled = self.compiled
        new.floats = self.floats.copy()
        new.ints = self.ints.copy()
        return new

    # --- views -----------------------------------------------------------------------------
    def _f(self, key: int, shape: tuple) -> np.ndarray:
        o = self.compiled.offsets
        return self.floats[o[key]:o[key + 1]].reshape(shape)

    def _i(self, key: int, shape: tuple) -> np.ndarray:
        o = self.compiled.offsets
        return self.ints[o[key]:o[key + 1]].reshape(shape)

    @property
    def n_characters(self) -> int:
        return self.compiled.n_characters

    @property
    def relations(self) -> np.ndarray:
        C = self.n_characters
        return self._f(lay.F_REL, (C, C, 3))

    @property
    def emotions(self) -> np.ndarray:
        return self._f(lay.F_EMO, (self.n_characters, len(EMOTIONS)))

    @property
    def mood(self) -> np.ndarray:
        return self._f(lay.F_MOOD, (self.n_characters, 3))

    @property
    def tension(self) -> np.ndarray:
        return self._f(lay.F_TENSION, (-1,))

    @property
    def bonds(self) -> np.ndarray:
        C = self.n_characters
        return self._i(lay.I_BONDS, (C, C))

    @property
    def knowledge(self) -> np.ndarray:
        return self._i(lay.I_KNOW, (self.n_characters, len(self.compiled.secret_ids)))

    @property
    def locations(self) -> np.ndarray:
        return self._i(lay.I_LOC, (-1,))

    @property
    def status(self) -> np.ndarray:
        return self._i(lay.I_STATUS, (-1,))

    @property
    def owners(self) -> np.ndarray:
        return self._i(lay.I_OWNER, (-1,))

    @property
    def flags(self) -> np.ndarray:
        return self._i(lay.I_FLAGS, (-1,))

    @property
    def fired(self) -> np.ndarray:
        return self._i(lay.I_FIRED, (-1,))

    @property
    def recent(self) -> np.ndarray:
        return self._i(lay.I_RECENT, (-1,))

    @property
    def memory(self) -> np.ndarray:
        """(C, C): the verb index of the last act of column that row witnessed, or -1."""
        C = self.n_characters
        return self._i(lay.I_MEMORY, (C, C))

    @property
    def _scalars_f(self) -> np.ndarray:
        return self._f(lay.F_SCAL, (-1,))

    @property
    def _scalars_i(self) -> np.ndarray:
        return self._i(lay.I_SCAL, (-1,))

    @property
    def step(self) -> int:
        return int(self.ints[self.compiled.offsets[lay.I_SCAL] + lay.SI_STEP])

    @property
    def ending(self) -> int:
        """Index of the ending reached, or -1."""
        return int(self.ints[self.compiled.offsets[lay.I_SCAL] + lay.SI_ENDING])

    @property
    def ending_id(self) -> str | None:
        e = self.ending
        return self.compiled.ending_ids[e] if e >= 0 else None

    @property
    def terminated(self) -> bool:
        """True once an ending has been reached."""
        return self.ending >= 0

    @property
    def truncated(self) -> bool:
        """True when the episode length ran out with no ending."""
        return self.ending < 0 and self.step >= self.compiled.length

    @property
    def tension_history(self) -> np.ndarray:
        return self.tension[: min(self.step, self.compiled.length) + 1].copy()

    @property
    def rng_state(self) -> int:
        return int(np.uint64(self._scalars_i[lay.SI_RNG]))

    def reseed(self, seed: int) -> None:
        """Restart the state's random stream from ``seed``."""
        self._scalars_i[lay.SI_RNG] = np.int64(np.uint64(seed % (1 << 64)))

    # --- queries ---------------------------------------------------------------------------
    def present_at(self, place: int) -> list[int]:
        return [c for c in range(self.n_characters)
                if self.status[c] == 0 and self.locations[c] == place]

    def has_bond(self, a: int, b: int, bond: str) -> bool:
        return bool((self.bonds[a, b] >> BOND_INDEX[bond]) & 1)

    def relation(self, a: str, b: str, dim: str) -> float:
        ci = self.compiled.character_ids
        return float(self.relations[ci.index(a), ci.index(b), REL_INDEX[dim]])

    def dominant_emotion(self, c: int) -> tuple[str, float]:
        row = self.emotions[c]
        k = int(np.argmax(row))
        return EMOTIONS[k], float(row[k])

    def to_networkx(self):
        """A MultiDiGraph: characters, places, objects and secrets as nodes; relations,
        presence, possession and knowledge as edges."""
        from drama_env.graph import state_graph

        return state_graph(self)

    # --- saving ----------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "format": SAVE_FORMAT,
            "version": SAVE_VERSION,
            "story": self.compiled.story.id,
            "fingerprint": self.compiled.fingerprint,
            "floats": [float(x) for x in self.floats],
            "ints": [int(x) for x in self.ints],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict, compiled: CompiledStory, source: str = "<save>") -> "DramaState":
        if not isinstance(data, dict) or data.get("format") != SAVE_FORMAT:
            raise SaveError(f"{source}: not a drama save (no 'format: {SAVE_FORMAT}')"
                            " — give a file written by DramaState.save or `drama play`")
        version = data.get("version")
        if version != SAVE_VERSION:
            raise SaveError(f"{source}: save version {version!r} is not supported (this "
                            f"version reads {SAVE_VERSION}) — upgrade drama-sim or start anew")
        if data.get("fingerprint") != compiled.fingerprint:
            raise SaveError(f"{source}: saved for story {data.get('story')!r} "
                            f"({data.get('fingerprint')}), not {compiled.story.id!r} "
                            f"({compiled.fingerprint}) — load it with the story it was made with")
        L = compiled.layout
        try:
            floats = np.array(data["floats"], dtype=np.float32)
            ints = np.array(data["ints"], dtype=np.int64)
        except (KeyError, TypeError, ValueError, OverflowError) as error:
            raise SaveError(f"{source}: corrupt state arrays ({error}) — the file is damaged") from None
        if floats.shape != (L[lay.F_SIZE],) or ints.shape != (L[lay.I_SIZE],):
            raise SaveError(f"{source}: state arrays have the wrong size — the file is damaged")
        return cls(compiled, floats, ints)

    def save(self, path: str | Path) -> None:
        """Write the state as JSON, atomically (a temp file, then rename)."""
        write_atomic(Path(path), self.to_json(), make_parents=True)

    @classmethod
    def load(cls, path: str | Path, compiled: CompiledStory) -> "DramaState":
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SaveError(f"{path}: no such save file — check the path") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise SaveError(f"{path}: not valid JSON ({error}) — the file is damaged") from None
        except IsADirectoryError:
            raise SaveError(f"{path}: is a directory — give the save file") from None
        return cls.from_dict(data, compiled, str(path))

    def __repr__(self) -> str:
        return (f"DramaState(story={self.compiled.story.id!r}, step={self.step}, "
                f"ending={self.ending_id!r})")


__all__ = ["DramaState", "write_atomic", "BONDS", "PAD", "REL_DIMS"]
