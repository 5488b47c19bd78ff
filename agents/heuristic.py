"""The heuristic agent: volition in the spirit of Comme il Faut and Versu.

Every legal action of the character is scored by

- **goal progress**: the change in the character's weighted goal satisfaction after a one-beat
  look-ahead (uncertain outcomes assumed to go the likelier way), times ``goal_weight``;
- **personality**: the verb's trait affinities times the character's Big Five (centred),
  times ``trait_weight``;
- **feelings**: the verb's affinities with the character's current emotions, times
  ``feeling_weight``; plus the log of the verb's weight in the story;
- minus ``repeat_penalty`` for each time the same action occurs in the last 8 beats,

and one is sampled by softmax at ``temperature`` from the state's random stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.base import action_slice, narrator_choice
from drama_env import kernels, rules
from drama_env.state import DramaState


@dataclass
class HeuristicAgent:
    temperature: float = 0.5
    goal_weight: float = 1.0
    trait_weight: float = 0.6
    feeling_weight: float = 1.2
    repeat_penalty: float = 1.5
    narrator_chance: float = 0.5
    name: str = "heuristic"

    def scores(self, state: DramaState, actor: int | None) -> np.ndarray:
        """Score of every action in the actor's slice (``-inf`` where illegal)."""
        c = state.compiled
        first, stop = action_slice(state, actor)
        mask = rules.legal_actions(state, actor)
        out = np.empty(stop - first)
        kernels.score_actions(state.floats, state.ints, c.tables_f, c.tables_i, c.layout,
                              -1 if actor is None else actor, first, stop, mask, out,
                              self.goal_weight, self.trait_weight, self.feeling_weight,
                              self.repeat_penalty)
        return out

    def act(self, state: DramaState, actor: int | None) -> int | None:
        if actor is not None and actor < 0:
            return narrator_choice(state, self.narrator_chance)
        first, _ = action_slice(state, actor)
        scores = self.scores(state, actor)
        k = kernels.sample_softmax(state.ints, state.compiled.layout, scores, self.temperature)
        return None if k < 0 else first + int(k)
