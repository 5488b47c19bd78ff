"""Fixed action enumerations for padded spaces (stories of different sizes, one policy)."""

from __future__ import annotations

import numpy as np

from drama_env.compiled import CompiledStory, enumerate_actions
from drama_env.observation import Padding
from stories.verbs import default_verbs


class CanonicalActions:
    """The action enumeration of a story padded to ``padding`` with the default vocabulary.

    ``to_story[k]`` is the story's action index for canonical action ``k``, or -1 where the
    canonical action names a character, place, object, secret or event the story lacks.
    """

    def __init__(self, padding: Padding) -> None:
        self.padding = padding
        self.verb_ids = [v.id for v in default_verbs()]
        p = padding
        actions, _ = enumerate_actions(p.characters, p.places, p.objects, p.secrets,
                                       [v.arg for v in default_verbs()], p.events)
        self.actions = np.array(actions, dtype=np.int64)
        self._index = {tuple(row): k for k, row in enumerate(actions)}

    @property
    def n(self) -> int:
        return len(self.actions)

    def mapping(self, compiled: CompiledStory) -> np.ndarray:
        """``to_story`` for one story (see the class docstring)."""
        if not self.padding.fits(compiled):
            raise ValueError(f"story {compiled.story.id!r} does not fit {self.padding}")
        to_story = np.full(self.n, -1, dtype=np.int64)
        verb_pos = {v: k for k, v in enumerate(self.verb_ids)}
        for a, (actor, verb, target, arg) in enumerate(compiled.actions.tolist()):
            v = verb_pos.get(compiled.verb_ids[verb], -1) if verb >= 0 else -1
            if verb >= 0 and v < 0:
                continue  # a verb of the story's own: not in the shared space
            k = self._index.get((actor, v, target, arg))
            if k is not None:
                to_story[k] = a
        return to_story
