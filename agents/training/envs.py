"""Vector envs for stable-baselines3 with flat observations, and the generated-story split.

The drama manager's observation is a one-level ``Dict`` whose entries are views of one flat
float32 vector (:class:`drama_env.observation.ManagerObservation`). Training on that flat
vector (a ``Box``) instead of the ``Dict`` spares SB3 its per-key flattening, dict rollout
buffer and dict tensors at every step — the same information, in the same order, at a good
part of the cost (``benchmarks/bench_training.py``). :func:`flat_manager_space` gives the
space; :func:`split_manager_observation` (and the GNN extractor) cut it back into entries.

- :class:`ManagerVecEnv` — the natively batched ``DramaVectorEnv`` of one story;
- :class:`GeneratedVecEnv` — ``K`` generated-story worlds (``DramaGenerated-v0``), whose story
  seeds are drawn below :data:`HELD_OUT_START`; :func:`held_out_seeds` are at or above it, so
  evaluation stories are never trained on.

With ``objective="score"`` their reward is the change of the episode's audience score after
each beat (:class:`agents.training.metrics.ScoreShaping`), else the env's per-beat reward.
The end of a story's length counts as a true end for SB3 (no ``TimeLimit.truncated``, so no
value bootstrapped past it): the observation shows the progress, and nothing follows the last
beat — bootstrapping there paid policies for dragging dramas out to their last beat.
Both autoreset in the same step (the final observation in ``info["terminal_observation"]``),
report finished episodes as ``info["episode"] = {"r", "l"}`` (for SB3's logger), give legal
actions through ``env_method("action_masks")`` (MaskablePPO) and save / restore their whole
state (worlds and random generators) with :meth:`get_state` / :meth:`set_state` for exact
resumes.
"""

from __future__ import annotations

import pickle

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from agents.sb3_vec import BatchedVecEnv, DramaVecEnvBase
from agents.training.metrics import ScoreShaping, climax_beats
from drama_env.envs.drama_manager import DramaManagerEnv
from drama_env.envs.generated import GENERATED_PADDING, DramaGeneratedEnv
from drama_env.observation import ManagerObservation, Padding
from drama_env.vector import DramaVectorEnv

HELD_OUT_START = 2**30  # generated-story seeds at or above this are kept for evaluation


def flat_manager_space(padding: Padding) -> spaces.Box:
    """The manager observation as one flat ``Box`` (entries in ``manager_keys`` order)."""
    obs = ManagerObservation(padding)
    lows, highs = [], []
    for key, shape, low, high in obs.keys:
        size = int(np.prod(shape))
        lows.append(np.full(size, low, np.float32))
        highs.append(np.full(size, high, np.float32))
    return spaces.Box(np.concatenate(lows), np.concatenate(highs), (obs.size,), np.float32)


def flatten_manager_observation(obs: dict, keys) -> np.ndarray:
    """The flat vector(s) of a manager observation dict (entries in ``keys`` order)."""
    first = obs[keys[0][0]]
    lead = first.shape[: first.ndim - len(keys[0][1])]
    return np.concatenate([np.asarray(obs[key], np.float32).reshape(lead + (-1,))
                           for key, *_ in keys], axis=-1)


def split_manager_observation(flat, padding: Padding) -> dict:
    """``{key: (…, *shape)}`` views of flat manager observations (numpy or torch)."""
    obs = ManagerObservation(padding)
    out, start = {}, 0
    lead = tuple(flat.shape[:-1])
    for key, shape, _, _ in obs.keys:
        size = int(np.prod(shape))
        out[key] = flat[..., start:start + size].reshape(lead + tuple(shape))
        start += size
    return out


def held_out_seeds(n: int) -> list[int]:
    """The seeds of the first ``n`` held-out generated stories."""
    return [HELD_OUT_START + k for k in range(n)]


def generated_story(seed: int):
    """The generated story of ``seed``, compiled, as ``DramaGenerated-v0`` builds it."""
    return _story_maker()._story(seed)


_MAKER: list = []


def _story_maker() -> DramaGeneratedEnv:
    if not _MAKER:
        _MAKER.append(DramaGeneratedEnv())
    return _MAKER[0]


class _EpisodeStats:
    """Running return and length of each world, for ``info["episode"]``."""

    def __init__(self, n: int) -> None:
        self.returns = np.zeros(n, np.float64)
        self.lengths = np.zeros(n, np.int64)

    def update(self, rewards, dones, infos) -> None:
        self.returns += rewards
        self.lengths += 1
        for n in np.flatnonzero(dones):
            infos[n]["episode"] = {"r": float(self.returns[n]), "l": int(self.lengths[n]),
                                   "t": 0.0}
            self.returns[n] = 0.0
            self.lengths[n] = 0


class ManagerVecEnv(BatchedVecEnv):
    """SB3 ``VecEnv`` over ``DramaVectorEnv(num_envs, story)`` with flat observations.

    ``seed`` seeds world ``k`` with ``seed + k`` at the first reset (as ``SyncVectorEnv``)."""

    render_mode = None

    def __init__(self, num_envs: int, story, seed: int | None = None,
                 objective: str = "reward", max_steps: int | None = None) -> None:
        self.venv = DramaVectorEnv(num_envs, story, max_steps=max_steps,
                                   autoreset_mode="same_step")
        self.compiled = self.venv.compiled
        self.padding = Padding.of(self.compiled)
        self._keys = ManagerObservation(self.padding).keys
        super().__init__(num_envs, flat_manager_space(self.padding),
                         spaces.Discrete(self.compiled.n_actions))
        self._seed = seed
        self._actions = np.zeros(num_envs, np.int64)
        self._stats = _EpisodeStats(num_envs)
        self.objective = objective
        self._shaping = self._new_shaping()

    def _new_shaping(self) -> ScoreShaping | None:
        if self.objective != "score":
            return None
        return ScoreShaping(self.num_envs, climax_beats(self.compiled))

    def reset(self):
        obs, _ = self.venv.reset(seed=self._seed)
        self._seed = None
        self._stats = _EpisodeStats(self.num_envs)
        self._shaping = self._new_shaping()
        return flatten_manager_observation(obs, self._keys)

    def step_wait(self):
        legal = self.venv.masks[np.arange(self.num_envs), self._actions]
        obs, rewards, terminated, truncated, infos = self.venv.step_flat(self._actions)
        dones = terminated | truncated
        if self._shaping is not None:
            rewards = self._shaping.step(rewards, legal, dones)
        out = [{} for _ in range(self.num_envs)]
        for n in np.flatnonzero(dones):
            out[n]["terminal_observation"] = flatten_manager_observation(
                infos["final_obs"][n], self._keys)
            out[n]["terminated"] = bool(terminated[n])
        self._stats.update(rewards, dones, out)
        return obs, rewards.astype(np.float32), dones, out

    def action_masks(self) -> np.ndarray:
        return self.venv.action_masks()

    # --- resume -----------------------------------------------------------------------------
    def get_state(self) -> bytes:
        # the worlds' arrays and generators only: the env also holds compiled functions, which
        # pickle as code and would be compiled again (slowly, and not bit-identical) elsewhere
        worlds = {k: v for k, v in vars(self.venv).items() if isinstance(v, (np.ndarray, list))}
        return pickle.dumps({"worlds": worlds, "seed": self._seed, "stats": self._stats,
                             "shaping": self._shaping})

    def set_state(self, data: bytes) -> None:
        state = pickle.loads(data)
        vars(self.venv).update(state["worlds"])
        self._seed, self._stats = state["seed"], state["stats"]
        self._shaping = state["shaping"]

    # --- the rest of SB3's VecEnv API ---------------------------------------------------------
    def get_attr(self, attr_name, indices=None):
        return [getattr(self, attr_name) for _ in self._indices(indices)]

    def set_attr(self, attr_name, value, indices=None) -> None:
        setattr(self, attr_name, value)


class TrainingGeneratedEnv(DramaGeneratedEnv):
    """``DramaGeneratedEnv`` whose story seeds stay below :data:`HELD_OUT_START`."""

    def reset(self, *, seed: int | None = None, options=None):
        if seed is not None:
            gym.Env.reset(self, seed=seed)  # seeds np_random only
        story_seed = int(self.np_random.integers(0, HELD_OUT_START))
        self._set_story(self._story(story_seed), GENERATED_PADDING)
        return DramaManagerEnv.reset(self, seed=None, options=options)

    def __setstate__(self, state: dict) -> None:
        # pickling copies views: re-attach the env's batch-of-one views to its state
        self.__dict__.update(state)
        if self.state is not None:
            self._batch_f = self.state.floats[None, :]
            self._batch_i = self.state.ints[None, :]
            self._mask = self._masks[0]


class GeneratedVecEnv(DramaVecEnvBase):
    """SB3 ``VecEnv`` of ``num_envs`` generated-story worlds (flat observations, padded to
    ``GENERATED_PADDING``); world ``k`` is seeded with ``seed + k`` at the first reset."""

    def __init__(self, num_envs: int, seed: int | None = None, objective: str = "reward") -> None:
        self.envs = [TrainingGeneratedEnv() for _ in range(num_envs)]
        self.padding = GENERATED_PADDING
        self._keys = ManagerObservation(self.padding).keys
        super().__init__(num_envs, flat_manager_space(self.padding), self.envs[0].action_space)
        self._seed = seed
        self._actions = np.zeros(num_envs, np.int64)
        self._stats = _EpisodeStats(num_envs)
        self.objective = objective
        self._shaping = self._new_shaping()

    def _new_shaping(self) -> ScoreShaping | None:
        if self.objective != "score":
            return None
        return ScoreShaping(self.num_envs, self._climax_beats())

    def _climax_beats(self) -> np.ndarray:
        return np.array([climax_beats(env.compiled) for env in self.envs])

    def _flat(self, obs: dict) -> np.ndarray:
        return flatten_manager_observation(obs, self._keys)

    def reset(self):
        rows = []
        for k, env in enumerate(self.envs):
            obs, _ = env.reset(seed=None if self._seed is None else self._seed + k)
            rows.append(self._flat(obs))
        self._seed = None
        self._stats = _EpisodeStats(self.num_envs)
        self._shaping = self._new_shaping()
        return np.stack(rows)

    def step_async(self, actions) -> None:
        self._actions = np.asarray(actions, dtype=np.int64).reshape(self.num_envs)

    def step_wait(self):
        rows = []
        rewards = np.zeros(self.num_envs, np.float32)
        dones = np.zeros(self.num_envs, bool)
        legal = np.zeros(self.num_envs, bool)
        infos = [{} for _ in range(self.num_envs)]
        for k, env in enumerate(self.envs):
            obs, reward, terminated, truncated, info = env.step(int(self._actions[k]))
            rewards[k] = reward
            legal[k] = "illegal_action" not in info
            if terminated or truncated:
                dones[k] = True
                infos[k]["terminal_observation"] = self._flat(obs)
                infos[k]["terminated"] = bool(terminated)
                obs, _ = env.reset()
            rows.append(self._flat(obs))
        if self._shaping is not None:
            rewards = self._shaping.step(rewards, legal, dones, self._climax_beats())
        self._stats.update(rewards, dones, infos)
        return np.stack(rows), rewards, dones, infos

    def action_masks(self) -> np.ndarray:
        return np.stack([env.action_masks() for env in self.envs])

    def get_state(self) -> bytes:
        return pickle.dumps({"envs": self.envs, "seed": self._seed, "stats": self._stats,
                             "shaping": self._shaping})

    def set_state(self, data: bytes) -> None:
        state = pickle.loads(data)
        self.envs, self._seed, self._stats = state["envs"], state["seed"], state["stats"]
        self._shaping = state["shaping"]

    def get_attr(self, attr_name, indices=None):
        return [getattr(self.envs[n], attr_name) for n in self._indices(indices)]

    def set_attr(self, attr_name, value, indices=None) -> None:
        for n in self._indices(indices):
            setattr(self.envs[n], attr_name, value)

    def env_method(self, method_name, *args, indices=None, **kwargs):
        return [getattr(self.envs[n], method_name)(*args, **kwargs)
                for n in self._indices(indices)]
