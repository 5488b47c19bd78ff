"""A natively batched vector env: N worlds of one story in stacked arrays, stepped together.

``DramaVectorEnv`` implements ``gymnasium.vector.VectorEnv`` for the drama manager: the states
of all worlds are two arrays (N, floats) and (N, ints), and one compiled loop plays every
world's beat, computes its reward, legal mask and observation. Worlds reset automatically
(``autoreset_mode`` ``"next_step"``, Gymnasium's default, or ``"same_step"`` with the final
observation in ``infos["final_obs"]``). With the same seeds it produces exactly the
trajectories of N separate ``DramaManagerEnv`` (``reset(seed=s)`` seeds world ``k`` with
``s + k``, as ``SyncVectorEnv`` does).
"""

from __future__ import annotations

import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from drama_env._jit import leaf, njit, prange
from drama_env.envs.common import ILLEGAL_PENALTY, compile_story
from drama_env.manager_step import (batch_step, batch_step_threads, reset_worlds,
                                    reset_worlds_threads)
from drama_env.observation import ManagerObservation, Padding
from drama_env.reward import TERMS, AudienceArcReward
from drama_env.state import DramaState


SEED_BLOCK = 16  # reset seeds drawn at a time per world


@leaf
def pick_legal_one(masks, uniforms, out, n):
    """``out[n]``: the legal action of world ``n`` at quantile ``uniforms[n]`` of its legal
    actions (left as it is where none is legal)."""
    count = 0
    for a in range(masks.shape[1]):
        count += masks[n, a]
    if count == 0:
        return
    left = int(uniforms[n] * count)
    for a in range(masks.shape[1]):
        if masks[n, a]:
            if left == 0:
                out[n] = a
                return
            left -= 1


@njit
def pick_legal(masks, uniforms, out):
    for n in range(masks.shape[0]):
        pick_legal_one(masks, uniforms, out, n)


@njit(parallel=True)
def pick_legal_threads(masks, uniforms, out):
    for n in prange(masks.shape[0]):
        pick_legal_one(masks, uniforms, out, n)


class DramaVectorEnv(VectorEnv):
    """N drama-manager worlds of one story stepping together (see the module docstring).

    ``threads=True`` spreads the worlds over numba's threads (``NUMBA_NUM_THREADS``, default
    one per core); results are identical, since each world has its own random stream."""

    metadata = {"autoreset_mode": AutoresetMode.NEXT_STEP}

    def __init__(self, num_envs: int, story="the-orchard-letter", max_steps: int | None = None,
                 reward=None, autoreset_mode: str | AutoresetMode = AutoresetMode.NEXT_STEP,
                 threads: bool = False):
        self.compiled = compile_story(story)
        c = self.compiled
        self.num_envs = num_envs
        self.reward_fn = AudienceArcReward.from_options(reward)
        names = {"next_step": AutoresetMode.NEXT_STEP, "same_step": AutoresetMode.SAME_STEP}
        self.autoreset_mode = names.get(autoreset_mode, None) or AutoresetMode(autoreset_mode)
        self.metadata = {"autoreset_mode": self.autoreset_mode}
        self.max_steps = max_steps or 2 * c.length
        self._step_fn = batch_step_threads if threads else batch_step
        self._reset_fn = reset_worlds_threads if threads else reset_worlds
        self._pick_fn = pick_legal_threads if threads else pick_legal
        self._obs = ManagerObservation(Padding.of(c))
        self.single_observation_space = self._obs.space
        self.single_action_space = spaces.Discrete(c.n_actions)
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        template = DramaState.initial(c, 0)
        self._f0, self._i0 = template.floats, template.ints
        self.floats = np.zeros((num_envs, self._f0.size), np.float32)
        self.ints = np.zeros((num_envs, self._i0.size), np.int64)
        self.masks = np.zeros((num_envs, c.n_actions), np.bool_)
        self._steps = np.zeros(num_envs, np.int64)
        self._pending = np.zeros(num_envs, np.bool_)
        self._generators = [np.random.default_rng() for _ in range(num_envs)]
        # each world's next reset seeds, drawn from its generator a block at a time (the
        # same numbers one draw at a time would give)
        self._seed_blocks = np.zeros((num_envs, SEED_BLOCK), np.int64)
        self._seeds_used = np.full(num_envs, SEED_BLOCK)
        self._obs_buffer = np.zeros((num_envs, self._obs.size), np.float32)
        self._terms = np.zeros((num_envs, len(TERMS)))  # the reward terms (scratch)

    def _next_seeds(self, worlds: np.ndarray) -> np.ndarray:
        seeds = np.empty(worlds.size, np.int64)
        for k, n in enumerate(worlds.tolist()):
            if self._seeds_used[n] == SEED_BLOCK:
                self._seed_blocks[n] = self._generators[n].integers(0, 2**63, size=SEED_BLOCK)
                self._seeds_used[n] = 0
            seeds[k] = self._seed_blocks[n, self._seeds_used[n]]
            self._seeds_used[n] += 1
        return seeds

    def _reset_worlds(self, worlds: np.ndarray) -> None:
        """Start ``worlds`` afresh (state, mask and observation rows), each from its next seed."""
        c = self.compiled
        worlds = np.asarray(worlds, np.int64)
        self._reset_fn(self.floats, self.ints, worlds, self._next_seeds(worlds), self._f0,
                       self._i0, c.layout, c.tables_f, c.tables_i, self._obs.pad, self.masks,
                       self._obs_buffer)
        self._steps[worlds] = 0

    def reset(self, *, seed: int | list[int] | None = None, options=None):
        if seed is not None:
            seeds = [seed + k for k in range(self.num_envs)] if isinstance(seed, int) else list(seed)
            self._generators = [np.random.default_rng(s) for s in seeds]
            self._seeds_used[:] = SEED_BLOCK
        self._obs_buffer = np.empty_like(self._obs_buffer)
        self._reset_worlds(np.arange(self.num_envs))
        self._pending[:] = False
        return self._observation(), {"action_mask": self.masks.copy()}

    def step(self, actions):
        flat, rewards, terminated, truncated, infos = self.step_flat(actions)
        return self._obs.views(flat), rewards, terminated, truncated, infos

    def step_flat(self, actions):
        """:meth:`step` with the observations as one ``(N, size)`` float32 array (the Dict
        observation's entries concatenated in key order), for adapters that want them flat."""
        actions = np.asarray(actions, dtype=np.int64).reshape(self.num_envs)
        c = self.compiled
        rewards = np.zeros(self.num_envs, np.float64)
        terminated = np.zeros(self.num_envs, np.bool_)
        truncated = np.zeros(self.num_envs, np.bool_)
        played = ~self._pending
        # every row of a new observation array is written below (by a step or a reset), so
        # observations handed out earlier are never overwritten
        self._obs_buffer = np.empty_like(self._obs_buffer)
        if self._pending.any():  # NEXT_STEP: worlds that ended last step
            self._reset_worlds(np.flatnonzero(self._pending))
        self._step_fn(self.floats, self.ints, c.tables_f, c.tables_i, c.layout, self._obs.pad,
                   actions, self.masks, self._steps, self.max_steps, self.reward_fn.weights,
                   c.climax, rewards, terminated, truncated, self._obs_buffer, played,
                   self._terms)
        done = terminated | truncated
        infos: dict = {}
        if self.autoreset_mode == AutoresetMode.SAME_STEP and done.any():
            ended = np.flatnonzero(done)
            final = self._obs.views(self._obs_buffer[ended])
            infos["final_obs"] = np.array([None] * self.num_envs, dtype=object)
            for k, n in enumerate(ended.tolist()):
                infos["final_obs"][n] = {key: v[k] for key, v in final.items()}
            self._reset_worlds(ended)
            infos["_final_obs"] = done.copy()
            self._pending[:] = False
        else:
            self._pending = done.copy()
        infos["action_mask"] = self.masks.copy()
        return self._obs_buffer, rewards, terminated, truncated, infos

    def random_legal_actions(self, rng: np.random.Generator) -> np.ndarray:
        """(N,) one legal action per world, uniformly at random from ``rng`` (0 for a world
        with none): a random agent, or exploration, without a Python loop over the masks."""
        actions = np.zeros(self.num_envs, np.int64)
        self._pick_fn(self.masks, rng.random(self.num_envs), actions)
        return actions

    def action_masks(self) -> np.ndarray:
        """(N, A) legal actions of every world (for MaskablePPO through the SB3 adapter)."""
        return self.masks.copy()

    def _observation(self) -> dict[str, np.ndarray]:
        return self._obs.views(self._obs_buffer)

    def close_extras(self, **kwargs):
        pass


__all__ = ["DramaVectorEnv", "ILLEGAL_PENALTY"]
