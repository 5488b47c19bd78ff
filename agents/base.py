"""The agent protocol: given a state and whose turn it is, pick an action index."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from drama_env import kernels, rules
from drama_env.state import DramaState


class Agent(Protocol):
    """Anything with ``act(state, actor) -> action``; ``actor`` is a character index, -1 for the
    narrator's turn, or ``None`` for a drama manager choosing any beat."""

    name: str

    def act(self, state: DramaState, actor: int | None) -> int | None:
        ...


def action_slice(state: DramaState, actor: int | None) -> tuple[int, int]:
    c = state.compiled
    if actor is None:
        return 0, c.n_actions
    if actor < 0:
        return c.narrator_start, c.n_actions
    return int(c.actor_ranges[actor]), int(c.actor_ranges[actor + 1])


def draw(state: DramaState) -> float:
    """A uniform draw from the state's own random stream."""
    c = state.compiled
    return float(kernels.next_uniform(state.ints, c.layout))


def uniform_choice(state: DramaState, mask: np.ndarray) -> int | None:
    """Index of a uniformly chosen True entry of ``mask``, drawn from the state's stream."""
    legal = mask.nonzero()[0]
    if legal.size == 0:
        return None
    return int(legal[min(int(draw(state) * legal.size), legal.size - 1)])


def narrator_choice(state: DramaState, chance: float = 0.5) -> int | None:
    """The default narrator's turn: with ``chance``, one legal narrator event; else pass."""
    first, _ = action_slice(state, -1)
    mask = rules.legal_actions(state, -1)
    if not mask.any() or draw(state) >= chance:
        return None
    return first + uniform_choice(state, mask)
