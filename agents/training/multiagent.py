"""Multi-agent training: one parameter-shared character policy, by self-play against earlier
snapshots of itself (``drama train STORY --multi-agent``).

**Parameter sharing.** Every character is played by the same network. It reads the
character's own view from the PettingZoo env ``drama_env.characters_v0`` (which begins with
the character's one-hot identity, so one network can play each character differently) and
chooses among that character's actions (the same number for everyone); the mask of legal
actions comes with the view.

**Self-play.** Each training episode (:class:`SelfPlayEnv`) draws one character to learn
with; every other character is played by an *opponent* drawn from the
:class:`OpponentPool`: half of the time the current policy itself, otherwise one of the last
``pool_size`` snapshots of it (one is added every ``pool_every`` steps) or, until the first
snapshot, the heuristic agent. The narrator keeps its default behaviour (a legal event half
of the time). Opponents sample from their softmax with the episode's own generator, so runs
are reproducible.

**Rewards** mix, by ``reward_mode`` (``selfish`` = 0, ``audience`` = 1, or λ, default 0.5),
the character's own goal progress (the change of its weighted goal satisfaction, in [−1, 1]
over an episode) and the audience's: with ``objective="score"`` (default) the change of the
episode's audience score made by each beat (so it adds up to the score, as for the drama
manager), with ``objective="reward"`` the env's own ``reward_mode`` (per-beat audience-arc
rewards, which pay for dramas that never end). Both are summed over the beats between two of
the learner's turns. The story's end counts as a true end (no value bootstrapped past it).
"""

from __future__ import annotations

import copy
import io
import pickle

import gymnasium as gym
import numpy as np
import torch
from gymnasium import spaces
from stable_baselines3.common.vec_env import DummyVecEnv

from agents.training.metrics import ScoreShaping, climax_beats
from drama_env.envs.characters import NARRATOR, SELFISH_SCALE, raw_env
from drama_env.reward import AudienceArcReward

HEURISTIC = -1    # the opponent index of the heuristic agent
LIVE = -2         # the opponent index of the current policy
P_LIVE = 0.5      # chance that the opponents are the current policy
NARRATOR_CHANCE = 0.5


def _audience_share(reward_mode) -> float:
    if reward_mode == "selfish":
        return 0.0
    if reward_mode == "audience":
        return 1.0
    return float(reward_mode)


class OpponentPool:
    """Snapshots (state dicts) of the policy being trained, newest last."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.snapshots: list[dict] = []
        self.serials: list[int] = []  # a number per snapshot, never reused

    def add(self, policy) -> None:
        self.snapshots.append({k: v.detach().clone() for k, v in policy.state_dict().items()})
        self.serials.append(self.serials[-1] + 1 if self.serials else 0)
        del self.snapshots[: -self.size]
        del self.serials[: -self.size]

    def sample(self, rng: np.random.Generator) -> int:
        """An opponent index: :data:`LIVE`, a snapshot, or :data:`HEURISTIC` before any."""
        if rng.random() < P_LIVE:
            return LIVE
        if not self.snapshots:
            return HEURISTIC
        return int(rng.integers(len(self.snapshots)))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        torch.save({"snapshots": self.snapshots, "serials": self.serials}, buffer)
        return buffer.getvalue()

    def load_bytes(self, data: bytes) -> None:
        saved = torch.load(io.BytesIO(data), weights_only=True)
        self.snapshots, self.serials = list(saved["snapshots"]), list(saved["serials"])


class SelfPlayEnv(gym.Env):
    """One learner character per episode against opponents from the pool (see the module
    docstring). Observation: the learner's view; action: one of its actions;
    ``action_masks()`` gives the legal ones."""

    metadata = {"render_modes": []}

    def __init__(self, compiled, reward_mode, owner: "SelfPlayVecEnv",
                 objective: str = "score") -> None:
        self.objective = objective
        if objective == "score":  # own goals from the env, the audience's part scored here
            self.aec = raw_env(story=compiled, reward_mode="selfish")
            self.audience_share = _audience_share(reward_mode)
        else:
            self.aec = raw_env(story=compiled, reward_mode=reward_mode)
        self.compiled = compiled
        self.reward_fn = AudienceArcReward()
        self._shaping = ScoreShaping(1, climax_beats(compiled))
        self._pending = 0.0
        self.owner = owner
        self.characters = list(compiled.character_ids)
        first = self.characters[0]
        self.observation_space = spaces.Box(-1.0, 1.0, self.aec.observation_space(first)[
            "observation"].shape, np.float32)
        self.action_space = spaces.Discrete(self.aec.action_space(first).n)
        self.learner = first
        self.opponent = HEURISTIC
        self._obs = None

    # --- gym API ---------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options=None):
        super().reset(seed=seed)
        while True:
            self.aec.reset(seed=int(self.np_random.integers(0, 2**62)))
            self._shaping = ScoreShaping(1, climax_beats(self.compiled))
            self._pending = 0.0
            self.learner = self.characters[int(self.np_random.integers(len(self.characters)))]
            self.opponent = self.owner.pool.sample(self.np_random)
            if not self._advance():
                return self._obs["observation"], {}

    def step(self, action):
        legal = bool(self._obs["action_mask"][int(action)])
        self._play(int(action))
        done = self._advance()
        reward = float(self.aec._cumulative_rewards.get(self.learner, 0.0))
        if self.objective == "score":
            share = self.audience_share
            reward = (1.0 - share) * reward / SELFISH_SCALE + share * self._pending
            reward -= 0.0 if legal else self._shaping.illegal
        self._pending = 0.0
        obs = self._obs["observation"] if not done else self._final_observation()
        # the story's end is the drama's end: terminated, so no value is bootstrapped past it
        return obs, reward, done, False, {}

    def action_masks(self) -> np.ndarray:
        return self._obs["action_mask"].astype(bool)

    # --- the others' turns -------------------------------------------------------------------
    def _learner_out(self) -> bool:
        k = self.characters.index(self.learner)
        return bool(self.aec.state.status[k] != 0)

    def _final_observation(self) -> np.ndarray:
        return self.aec.observe(self.learner)["observation"]

    def _advance(self) -> bool:
        """Play the others until the learner's turn; True when the learner's episode is over."""
        aec = self.aec
        while True:
            if not aec.agents or self.learner not in aec.agents:
                return True
            agent = aec.agent_selection
            if aec.terminations[agent] or aec.truncations[agent]:
                if agent == self.learner:
                    return True
                aec.step(None)
                continue
            if agent == self.learner:
                self._obs = aec.observe(agent)
                return False
            self._play(self._other_action(agent))

    def _play(self, action: int) -> None:
        """One AEC step; with ``objective="score"``, the change of the audience score made by
        the beat (if one was played) is added to the learner's pending reward."""
        state = self.aec.state
        before = state.step
        self.aec.step(action)
        if self.objective == "score" and state.step > before:
            r = self.reward_fn(self.compiled, state.floats, state.ints)
            self._pending += float(self._shaping.step(np.array([r]), np.array([True]),
                                                      np.array([False]))[0])

    def _other_action(self, agent: str) -> int:
        aec, rng = self.aec, self.np_random
        if agent == NARRATOR:
            mask = aec.mask_of(NARRATOR)
            events = np.flatnonzero(mask[1:])
            if events.size and rng.random() < NARRATOR_CHANCE:
                return 1 + int(events[int(rng.integers(events.size))])
            return 0
        k = self.characters.index(agent)
        if self.opponent == HEURISTIC:
            action = self.owner.heuristic.act(aec.state, k)
            first = int(self.compiled.actor_ranges[k])
            return 0 if action is None else action - first
        obs = aec.observe(agent)
        mask = obs["action_mask"].astype(bool)
        if not mask.any():
            return 0
        logits = self.owner.opponent_logits(self.opponent, obs["observation"])
        logits = np.where(mask, logits, -np.inf)
        p = np.exp(logits - logits.max())
        p /= p.sum()
        return int(min(np.searchsorted(np.cumsum(p), rng.random() * p.sum()), p.size - 1))

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["owner"] = None
        return state


class SelfPlayVecEnv(DummyVecEnv):
    """``num_envs`` :class:`SelfPlayEnv` sharing one :class:`OpponentPool`; ``attach`` the
    policy being trained before stepping."""

    def __init__(self, num_envs: int, compiled, reward_mode, seed: int | None,
                 pool_size: int, objective: str = "score") -> None:
        from agents.heuristic import HeuristicAgent

        self.pool = OpponentPool(pool_size)
        self.heuristic = HeuristicAgent()
        self.compiled = compiled
        self.live = None
        self._nets: dict[int, torch.nn.Module] = {}
        super().__init__([lambda: SelfPlayEnv(compiled, reward_mode, self, objective)
                          for _ in range(num_envs)])
        if seed is not None:
            self.seed(seed)

    def attach(self, policy) -> None:
        """Use ``policy`` (the one being trained) as the live opponent."""
        self.live = policy
        self._nets = {}

    def opponent_logits(self, index: int, obs: np.ndarray) -> np.ndarray:
        net = self.live if index == LIVE else self._snapshot_net(index)
        with torch.no_grad():
            x = torch.as_tensor(obs[None], dtype=torch.float32)
            features = net.extract_features(x, net.pi_features_extractor)
            return net.action_net(net.mlp_extractor.forward_actor(features))[0].numpy()

    def _snapshot_net(self, index: int):
        serial = self.pool.serials[index]
        if serial not in self._nets:
            net = copy.deepcopy(self.live)
            net.load_state_dict(self.pool.snapshots[index])
            self._nets = {k: v for k, v in self._nets.items() if k in self.pool.serials}
            self._nets[serial] = net
        return self._nets[serial]

    def action_masks(self) -> np.ndarray:
        return np.stack([env.action_masks() for env in self.envs])

    # --- resume --------------------------------------------------------------------------------
    def get_state(self) -> bytes:
        return pickle.dumps({"envs": [env.__getstate__() for env in self.envs],
                             "buf_obs": self.buf_obs, "seeds": self._seeds})

    def set_state(self, data: bytes) -> None:
        state = pickle.loads(data)
        for env, saved in zip(self.envs, state["envs"]):
            env.__dict__.update(saved)
            env.owner = self
        self.buf_obs = state["buf_obs"]
        self._seeds = state["seeds"]
