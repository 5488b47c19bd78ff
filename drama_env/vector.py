"""A natively batched vector env: N worlds of one story in stacked arrays, stepped together.

``DramaVectorEnv`` implements ``gymnasium.vector.VectorEnv`` for the drama manager. The states
of all worlds are two arrays with the worlds as the innermost axis, (float fields, N) and
(int fields, N), and the rules run on all worlds at once (:mod:`drama_env.batched`): one loop
over the worlds per field, which the compiler turns into vector instructions. Legal masks and
observations are kept the same way, (A, N) and (D, N), and handed out as (N, A) and (N, D)
transposed views, so nothing is copied to hand them out. Worlds reset automatically
(``autoreset_mode`` ``"next_step"``, Gymnasium's default, or ``"same_step"`` with the final
observation in ``infos["final_obs"]``). With the same seeds it produces exactly the
trajectories of N separate ``DramaManagerEnv`` (``reset(seed=s)`` seeds world ``k`` with
``s + k``, as ``SyncVectorEnv`` does): the batched rules give the per-world rules' numbers bit
for bit.
"""

from __future__ import annotations

import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from drama_env import batched
from drama_env._jit import num_threads
from drama_env.batched import (pick_legal, pick_legal_by_world, pick_legal_threads, refresh,
                               refresh_worlds, reset_states, step_all, step_all_threads)
from drama_env.envs.common import ILLEGAL_PENALTY, compile_story
from drama_env.observation import ManagerObservation, Padding
from drama_env.reward import AudienceArcReward
from drama_env.state import DramaState
from stories.errors import StoryError


SEED_BLOCK = 16  # reset seeds drawn at a time per world
MIN_CHUNK = 128  # fewest worlds per call of the batched rules when spread over threads


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
        if max(c.n_characters, len(c.story.places)) > batched.FACT_LIMIT:
            raise StoryError(None, None, None, "the story has too many characters or places "
                             f"for the vector env (at most {batched.FACT_LIMIT})",
                             "step it with DramaManagerEnv, or split it into smaller stories")
        self.num_envs = num_envs
        self.reward_fn = AudienceArcReward.from_options(reward)
        names = {"next_step": AutoresetMode.NEXT_STEP, "same_step": AutoresetMode.SAME_STEP}
        self.autoreset_mode = names.get(autoreset_mode, None) or AutoresetMode(autoreset_mode)
        self.metadata = {"autoreset_mode": self.autoreset_mode}
        self.max_steps = max_steps or 2 * c.length
        self._step_fn = step_all_threads if threads else step_all
        self._threads = threads
        # worlds per call of the batched rules: all of them on one thread; with threads, a
        # share per thread, but not fewer than MIN_CHUNK (a call has a fixed cost per field)
        parts = num_threads() if threads else 1
        self._chunk = max(min(MIN_CHUNK, num_envs), -(-num_envs // parts))
        self._obs = ManagerObservation(Padding.of(c))
        self.single_observation_space = self._obs.space
        self.single_action_space = spaces.Discrete(c.n_actions)
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        template = DramaState.initial(c, 0)
        self._f0, self._i0 = template.floats, template.ints
        # worlds innermost (see the module docstring); fewer worlds than SMALL_BATCH step one
        # by one with the per-world rules, so their arrays keep each world's fields together
        order = "F" if num_envs < batched.SMALL_BATCH else "C"
        self._floats = np.zeros((self._f0.size, num_envs), np.float32, order=order)
        self._ints = np.zeros((self._i0.size, num_envs), np.int64, order=order)
        self._masks = np.zeros((c.n_actions, num_envs), np.bool_, order=order)
        self._obs_buffer = np.zeros((self._obs.size, num_envs), np.float32, order=order)
        self._steps = np.zeros(num_envs, np.int64)
        self._pending = np.zeros(num_envs, np.bool_)
        self._generators = [np.random.default_rng() for _ in range(num_envs)]
        # each world's next reset seeds, drawn from its generator a block at a time (the
        # same numbers one draw at a time would give)
        self._seed_blocks = np.zeros((num_envs, SEED_BLOCK), np.int64)
        self._seeds_used = np.full(num_envs, SEED_BLOCK)

    @property
    def floats(self) -> np.ndarray:
        """(N, float fields): each world's float state (a view)."""
        return self._floats.T

    @property
    def ints(self) -> np.ndarray:
        """(N, int fields): each world's int state (a view)."""
        return self._ints.T

    @property
    def masks(self) -> np.ndarray:
        """(N, A): the legal actions of every world now (a view; see :meth:`action_masks`)."""
        return self._masks.T

    def _next_seeds(self, worlds: np.ndarray) -> np.ndarray:
        used = self._seeds_used
        for n in worlds[used[worlds] == SEED_BLOCK].tolist():  # blocks used up: draw anew
            self._seed_blocks[n] = self._generators[n].integers(0, 2**63, size=SEED_BLOCK)
            used[n] = 0
        seeds = self._seed_blocks[worlds, used[worlds]]
        used[worlds] += 1
        return seeds

    def _reset_states(self, worlds: np.ndarray) -> None:
        """Start ``worlds`` afresh, each from its next seed (their masks and observations
        are left to the caller)."""
        worlds = np.asarray(worlds, np.int64)
        reset_states(self._floats, self._ints, worlds, self._next_seeds(worlds), self._f0,
                     self._i0, self.compiled.layout)
        self._steps[worlds] = 0

    def reset(self, *, seed: int | list[int] | None = None, options=None):
        if seed is not None:
            seeds = ([seed + k for k in range(self.num_envs)] if isinstance(seed, int)
                     else list(seed))
            self._generators = [np.random.default_rng(s) for s in seeds]
            self._seeds_used[:] = SEED_BLOCK
        self._obs_buffer = np.empty_like(self._obs_buffer)
        self._masks = np.empty_like(self._masks)
        self._reset_states(np.arange(self.num_envs))
        c = self.compiled
        refresh(self._floats, self._ints, c.tables_f, c.tables_i, c.layout, self._obs.pad,
                self._masks, self._obs_buffer, self._chunk)
        self._pending[:] = False
        return self._observation(), {"action_mask": self._masks.T}

    def step(self, actions):
        rewards, terminated, truncated, infos = self._step(actions)
        return self._observation(), rewards, terminated, truncated, infos

    def step_flat(self, actions):
        """:meth:`step` with the observations as one C-contiguous ``(N, size)`` float32 array
        (the Dict observation's entries concatenated in key order), for adapters that want
        them flat."""
        rewards, terminated, truncated, infos = self._step(actions)
        return np.ascontiguousarray(self._obs_buffer.T), rewards, terminated, truncated, infos

    def _step(self, actions):
        actions = np.asarray(actions, dtype=np.int64).reshape(self.num_envs)
        c = self.compiled
        rewards = np.zeros(self.num_envs, np.float64)
        terminated = np.zeros(self.num_envs, np.bool_)
        truncated = np.zeros(self.num_envs, np.bool_)
        played = ~self._pending
        # every column of new observation and mask arrays is written below (by a step or a
        # reset), so observations and masks handed out earlier are never overwritten
        self._obs_buffer = np.empty_like(self._obs_buffer)
        legal, self._masks = self._masks, np.empty_like(self._masks)
        seeds = np.zeros(self.num_envs, np.int64)
        if self._pending.any():  # NEXT_STEP: worlds that ended last step start afresh below
            seeds[self._pending] = self._next_seeds(np.flatnonzero(self._pending))
        self._step_fn(self._floats, self._ints, c.tables_f, c.tables_i, c.layout, self._obs.pad,
                      actions, legal, self._masks, self._steps, self.max_steps,
                      self.reward_fn.weights, c.climax, rewards, terminated, truncated,
                      self._obs_buffer, played, seeds, self._f0, self._i0, self._chunk)
        done = terminated | truncated
        infos: dict = {}
        if self.autoreset_mode == AutoresetMode.SAME_STEP and done.any():
            ended = np.flatnonzero(done)
            final = self._obs.views(np.ascontiguousarray(self._obs_buffer[:, ended].T))
            infos["final_obs"] = np.array([None] * self.num_envs, dtype=object)
            for k, n in enumerate(ended.tolist()):
                infos["final_obs"][n] = {key: v[k] for key, v in final.items()}
            self._reset_states(ended)
            refresh_worlds(self._floats, self._ints, c.tables_f, c.tables_i, c.layout,
                           self._obs.pad, self._masks, self._obs_buffer, ended)
            infos["_final_obs"] = done.copy()
            self._pending[:] = False
        else:
            self._pending = done
        infos["action_mask"] = self._masks.T
        return rewards, terminated, truncated, infos

    def random_legal_actions(self, rng: np.random.Generator) -> np.ndarray:
        """(N,) one legal action per world, uniformly at random from ``rng`` (0 for a world
        with none): a random agent, or exploration, without a Python loop over the masks."""
        actions = np.zeros(self.num_envs, np.int64)
        masks, uniforms = self._masks.view(np.uint8), rng.random(self.num_envs)
        if self.num_envs < batched.SMALL_BATCH:
            pick_legal_by_world(masks, uniforms, actions)
        elif self._threads:
            pick_legal_threads(masks, uniforms, actions, self._chunk)
        else:
            pick_legal(masks, uniforms, actions)
        return actions

    def action_masks(self) -> np.ndarray:
        """(N, A) legal actions of every world (for MaskablePPO through the SB3 adapter): the
        transposed view of an (A, N) array that no later step writes to."""
        return self._masks.T

    def _observation(self) -> dict[str, np.ndarray]:
        return self._obs.views(self._obs_buffer.T)

    def close_extras(self, **kwargs):
        pass


__all__ = ["DramaVectorEnv", "ILLEGAL_PENALTY"]
