"""Characters and a narrator taking turns: PettingZoo AEC and parallel environments.

Agents are the story's characters (by id) plus ``"narrator"``. A round gives each present
character one beat in order of initiative (see :mod:`drama_env.turns`), then the narrator
injects one of the story's events or passes (action 0). Each agent observes
``{"observation": its own view, "action_mask": int8 mask}``; a character's view never shows a
secret it does not know (:mod:`drama_env.envs.character_view`).

Rewards (``reward_mode``): ``"selfish"`` — the change in the character's own weighted goal
satisfaction caused by each beat (×10); ``"audience"`` — the shared audience-arc reward of each
beat (:class:`drama_env.reward.AudienceArcReward`); or a number ``λ`` in [0, 1] mixing them as
``(1 − λ)·selfish + λ·audience``. The narrator always gets the audience reward. An illegal
action plays no beat and costs its agent 1.

Episodes end for everyone when an ending is reached (terminated) or the story's length or
``max_cycles`` rounds run out (truncated). A character who dies or departs is terminated alone.
"""

from __future__ import annotations

import numpy as np
from gymnasium import spaces
from pettingzoo import AECEnv, ParallelEnv
from pettingzoo.utils import AgentSelector, wrappers
from pettingzoo.utils.env_logger import EnvLogger

from drama_env import rules
from drama_env.envs.character_view import character_view_size, fill_character_view, narrator_view
from drama_env.envs.common import ILLEGAL_PENALTY, compile_story
from drama_env.manager_step import play_beat
from drama_env.reward import TERMS, AudienceArcReward
from drama_env.state import DramaState

NARRATOR = "narrator"
SELFISH_SCALE = 10.0


def _reward_weights(mode) -> tuple[float, float]:
    if mode == "selfish":
        return 1.0, 0.0
    if mode == "audience":
        return 0.0, 1.0
    if isinstance(mode, (int, float)) and 0.0 <= mode <= 1.0:
        return 1.0 - float(mode), float(mode)
    raise ValueError("reward_mode must be 'selfish', 'audience' or a number in [0, 1]")


class _DramaCore:
    """State and bookkeeping shared by the AEC and parallel shells."""

    def _setup(self, story, reward_mode, max_cycles, reward, render_mode) -> None:
        self.compiled = compile_story(story)
        c = self.compiled
        self.render_mode = render_mode
        self.max_cycles = max_cycles
        self.reward_fn = AudienceArcReward.from_options(reward)
        self.w_self, self.w_audience = _reward_weights(reward_mode)
        self.reward_mode = reward_mode
        ids = c.character_ids
        self.turn_order = [ids[k] for k in c.initiative_order] + [NARRATOR]
        self.possible_agents = list(ids) + [NARRATOR]
        self._index = {a: k for k, a in enumerate(ids)}
        self._slice = int(c.actor_ranges[1] - c.actor_ranges[0])
        self._gmax = max([sum(1 for o, _ in c.goals if o == k) for k in range(len(ids))] + [1])
        self._view_size = character_view_size(len(ids), len(c.place_ids), len(c.object_ids),
                                              len(c.secret_ids), len(c.verbs), self._gmax)
        self._narrator_size = len(narrator_view(DramaState.initial(c, 0)))
        n_events = len(c.event_ids)
        self._obs_spaces = {a: spaces.Dict({
            "observation": spaces.Box(-1.0, 1.0, (self._view_size,), np.float32),
            "action_mask": spaces.Box(0, 1, (self._slice,), np.int8)}) for a in ids}
        self._obs_spaces[NARRATOR] = spaces.Dict({
            "observation": spaces.Box(-1.0, 1.0, (self._narrator_size,), np.float32),
            "action_mask": spaces.Box(0, 1, (n_events + 1,), np.int8)})
        self._act_spaces = {a: spaces.Discrete(self._slice) for a in ids}
        self._act_spaces[NARRATOR] = spaces.Discrete(n_events + 1)
        self.state: DramaState | None = None
        self._sat = (np.zeros(len(ids)), np.zeros(len(ids)))
        self._terms = np.zeros(len(TERMS))
        self._weights = self.reward_fn.weights

    def observation_space(self, agent):
        return self._obs_spaces[agent]

    def action_space(self, agent):
        return self._act_spaces[agent]

    def _new_state(self, seed: int | None) -> None:
        if seed is not None:
            self._rng = np.random.default_rng(seed)
        elif not hasattr(self, "_rng"):
            self._rng = np.random.default_rng()
        self.state = DramaState.initial(self.compiled, int(self._rng.integers(0, 2**63)))
        self.cycles = 0

    def mask_of(self, agent) -> np.ndarray:
        if agent == NARRATOR:
            events = rules.legal_actions(self.state, -1)
            return np.concatenate([[1], events]).astype(np.int8)
        return rules.legal_actions(self.state, self._index[agent]).astype(np.int8)

    def observe(self, agent):
        if agent == NARRATOR:
            view = narrator_view(self.state)
        else:
            c = self.compiled
            view = np.empty(self._view_size, np.float32)
            fill_character_view(self.state.floats, self.state.ints, c.tables_f, c.tables_i,
                                c.layout, self._index[agent], self._gmax, view)
        return {"observation": view, "action_mask": self.mask_of(agent)}

    def _play(self, agent, action) -> dict[str, float]:
        """Play one agent's action; return the rewards it earns each character agent."""
        c = self.compiled
        action = int(action)
        if agent == NARRATOR:
            if action == 0:
                return {}
            story_action = c.narrator_start + action - 1
        else:
            story_action = int(c.actor_ranges[self._index[agent]]) + action
        if not (0 <= story_action < c.n_actions) or not rules.is_legal(self.state, story_action):
            return {agent: -ILLEGAL_PENALTY}
        before, after = self._sat
        audience = float(play_beat(self.state.floats, self.state.ints, c.tables_f, c.tables_i,
                                   c.layout, story_action, self._weights, c.climax, before, after,
                                   self._terms))
        gains = (SELFISH_SCALE * self.w_self) * (after - before) + self.w_audience * audience
        out = dict(zip(self._index, gains.tolist()))
        out[NARRATOR] = audience
        return out

    def _ended(self) -> tuple[bool, bool]:
        over = self.state.terminated
        truncated = not over and (self.state.truncated or (
            self.max_cycles is not None and self.cycles >= self.max_cycles))
        return over, truncated

    def render(self):
        if self.render_mode is None:
            return None
        text = f"step {self.state.step}: tension {float(self.state.tension[min(self.state.step, self.compiled.length)]):.2f}"
        if self.render_mode == "ansi":
            return text
        print(text)
        return None

    def close(self):
        pass


class raw_env(_DramaCore, AECEnv):
    """The AEC (turn-based) environment; see the module docstring."""

    metadata = {"name": "characters_v0", "render_modes": ["ansi", "human"], "is_parallelizable": True}

    def __init__(self, story="the-orchard-letter", reward_mode="selfish", max_cycles=None,
                 reward=None, render_mode=None):
        super().__init__()
        self._setup(story, reward_mode, max_cycles, reward, render_mode)

    def reset(self, seed=None, options=None):
        self._new_state(seed)
        self.agents = list(self.possible_agents)
        self.rewards = {a: 0.0 for a in self.agents}
        self._cumulative_rewards = {a: 0.0 for a in self.agents}
        self.terminations = {a: False for a in self.agents}
        self.truncations = {a: False for a in self.agents}
        self.infos = {a: {} for a in self.agents}
        order = [a for a in self.turn_order if a in self.agents]
        self._agent_selector = AgentSelector(order)
        self.agent_selection = self._agent_selector.reset()

    def step(self, action):
        agent = self.agent_selection
        if self.terminations[agent] or self.truncations[agent]:
            self._was_dead_step(action)
            if self.agents:
                self._select_next(agent)
            return
        self._cumulative_rewards[agent] = 0.0
        earned = self._play(agent, action)
        self.rewards = {a: earned.get(a, 0.0) for a in self.agents}
        if agent == NARRATOR:
            self.cycles += 1
        over, truncated = self._ended()
        status = self.state.status
        for a in self.agents:
            if over:
                self.terminations[a] = True
            elif truncated:
                self.truncations[a] = True
            elif a != NARRATOR and status[self._index[a]] != 0:
                self.terminations[a] = True
        self._accumulate_rewards()
        self._select_next(agent)
        if self.render_mode == "human":
            self.render()

    def _select_next(self, current) -> None:
        if not self.agents:
            return
        for a in self.turn_order:  # the first agent that is done steps next (and leaves)
            if (self.terminations.get(a) or self.truncations.get(a)) and a in self.agents:
                self.agent_selection = a
                return
        position = self.turn_order.index(current)
        for k in range(1, len(self.turn_order) + 1):
            candidate = self.turn_order[(position + k) % len(self.turn_order)]
            if candidate in self.agents:
                self.agent_selection = candidate
                return


class parallel_env(_DramaCore, ParallelEnv):
    """The parallel environment: every agent submits an action each round; characters' beats
    are played in initiative order (an action made illegal by an earlier beat of the same
    round is skipped without penalty), then the narrator's."""

    metadata = {"name": "characters_v0", "render_modes": ["ansi", "human"]}

    def __init__(self, story="the-orchard-letter", reward_mode="selfish", max_cycles=None,
                 reward=None, render_mode=None):
        self._setup(story, reward_mode, max_cycles, reward, render_mode)

    def reset(self, seed=None, options=None):
        self._new_state(seed)
        self.agents = list(self.possible_agents)
        observations = {a: self.observe(a) for a in self.agents}
        self._round_masks = {a: observations[a]["action_mask"] for a in self.agents}
        return observations, {a: {} for a in self.agents}

    def step(self, actions):
        rewards = {a: 0.0 for a in self.agents}
        for agent in self.turn_order:
            if agent not in self.agents or agent not in actions or self.state.terminated:
                continue
            if agent != NARRATOR and self.state.status[self._index[agent]] != 0:
                continue
            action = int(actions[agent])
            if agent != NARRATOR:
                story_action = int(self.compiled.actor_ranges[self._index[agent]]) + action
                if not rules.is_legal(self.state, story_action):
                    if not self._round_masks[agent][action]:  # illegal from the start
                        rewards[agent] -= ILLEGAL_PENALTY
                    continue
            for a, r in self._play(agent, action).items():
                if a in rewards:
                    rewards[a] += r
        self.cycles += 1
        over, truncated = self._ended()
        terminations = {a: over or (a != NARRATOR and self.state.status[self._index[a]] != 0)
                        for a in self.agents}
        truncations = {a: truncated and not terminations[a] for a in self.agents}
        observations = {a: self.observe(a) for a in self.agents}
        self._round_masks = {a: observations[a]["action_mask"] for a in self.agents}
        infos = {a: {} for a in self.agents}
        self.agents = [a for a in self.agents if not (terminations[a] or truncations[a])]
        if self.render_mode == "human":
            self.render()
        return observations, rewards, terminations, truncations, infos


class _OrderEnforcing(wrappers.OrderEnforcingWrapper):
    """PettingZoo's ``OrderEnforcingWrapper`` (same checks), with ``last()`` and the attributes an
    agent loop reads every step taken from the raw env directly: through each wrapper's
    ``__getattr__`` they cost about a fifth of an agent-step."""

    def __init__(self, env) -> None:
        super().__init__(env)
        self._raw = env.unwrapped

    def last(self, observe: bool = True):
        if not self._has_reset:
            EnvLogger.error_observe_before_reset()
        return self._raw.last(observe)


class _AssertOutOfBounds(wrappers.AssertOutOfBoundsWrapper):
    """PettingZoo's ``AssertOutOfBoundsWrapper`` (same assertion), checking a plain integer
    action against the agent's ``Discrete`` space without ``Discrete.contains``' generality."""

    def step(self, action) -> None:
        raw = self.env.unwrapped
        agent = raw.agent_selection
        if action is None:
            assert raw.terminations[agent] or raw.truncations[agent], "action is not in action space"
        elif isinstance(action, (int, np.integer)) and not isinstance(action, bool):
            space = raw.action_space(agent)
            assert space.start <= action < space.start + space.n, "action is not in action space"
        else:
            assert raw.action_space(agent).contains(action), "action is not in action space"
        self.env.step(action)


def _forward(name: str) -> property:
    def read(self):
        if not self._has_reset:
            raise AttributeError(f"{name} cannot be accessed before reset")
        return getattr(self._raw, name)

    return property(read)


for _name in ("agent_selection", "agents", "rewards", "terminations", "truncations", "infos"):
    setattr(_OrderEnforcing, _name, _forward(_name))


def env(**kwargs):
    """The AEC environment with PettingZoo's standard safety wrappers (out-of-bounds actions,
    call order)."""
    aec = raw_env(**kwargs)
    return _OrderEnforcing(_AssertOutOfBounds(aec))

