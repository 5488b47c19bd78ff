"""The random agent: a uniformly chosen legal action (from the state's random stream)."""

from __future__ import annotations

from agents.base import action_slice, narrator_choice, uniform_choice
from drama_env import rules
from drama_env.state import DramaState


class RandomAgent:
    """Picks uniformly among the legal actions of whoever's turn it is."""

    name = "random"

    def act(self, state: DramaState, actor: int | None) -> int | None:
        if actor is not None and actor < 0:
            return narrator_choice(state)
        first, _ = action_slice(state, actor)
        choice = uniform_choice(state, rules.legal_actions(state, actor))
        return None if choice is None else first + choice
