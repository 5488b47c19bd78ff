"""Playing a drama through: characters take turns, the narrator interjects, until an ending."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from agents.heuristic import HeuristicAgent
from agents.random_agent import RandomAgent
from drama_env import rules
from drama_env.compiled import CompiledStory
from drama_env.event import Event
from drama_env.state import DramaState
from drama_env.turns import NARRATOR, advance_turn, current_turn
from stories.errors import UsageError

AGENTS = {"heuristic": HeuristicAgent, "random": RandomAgent}


def make_agent(name: str):
    """A built-in agent by name."""
    try:
        return AGENTS[name]()
    except KeyError:
        raise UsageError(f"unknown agent {name!r} — use one of: {', '.join(AGENTS)}") from None


@dataclass
class Playthrough:
    """The result of :func:`play`: the events in order and the final state."""

    compiled: CompiledStory
    seed: int
    state: DramaState
    events: list[Event] = field(default_factory=list)
    states: list[DramaState] = field(default_factory=list)  # after each event, if kept

    @property
    def ending(self) -> str | None:
        return self.state.ending_id

    @property
    def tension(self) -> list[float]:
        return [round(float(x), 4) for x in self.state.tension_history]


def play(compiled: CompiledStory, seed: int, agent=None, steps: int | None = None,
         state: DramaState | None = None, keep_states: bool = False) -> Playthrough:
    """Play from the opening (or ``state``) until an ending, ``steps`` beats, or the story's
    length. Characters act in initiative order; the narrator gets a turn after each round.
    With ``keep_states`` a copy of the state after each event is kept (for narrators)."""
    agent = agent or HeuristicAgent()
    state = state or DramaState.initial(compiled, seed)
    result = Playthrough(compiled, seed, state)
    limit = min(steps if steps is not None else compiled.length, compiled.length)
    for event in play_turns(state, agent, limit):
        result.events.append(event)
        if keep_states:
            result.states.append(state.clone())
    return result


def play_turns(state: DramaState, agent, limit: int) -> Iterator[Event]:
    """Play ``state`` in place, turn by turn — characters in initiative order, the narrator
    after each round — yielding each event, until an ending, step ``limit``, or nobody can act."""
    compiled = state.compiled
    idle = 0
    while state.step < limit and not state.terminated:
        who = current_turn(state)
        action = agent.act(state, who)
        advance_turn(state)
        if action is None:
            idle += 1
            if idle > compiled.n_characters + 2:  # nobody can do anything
                break
            continue
        idle = 0
        yield rules.apply(state, action)


__all__ = ["AGENTS", "NARRATOR", "Playthrough", "make_agent", "play", "play_turns"]
