"""Adapters so stable-baselines3 (and sb3-contrib's MaskablePPO) train on the drama envs.

:class:`DramaVecEnvBase` is the SB3 ``VecEnv`` plumbing every adapter shares (seeding at the
next reset, no wrappers, ``indices``); :class:`BatchedVecEnv` adds what the adapters over one
natively batched :class:`~drama_env.vector.DramaVectorEnv` share (actions, masks through
``env_method``). :class:`SB3DramaVecEnv` keeps the ``Dict`` observations; the training
adapters with flat observations live in :mod:`agents.training.envs`.
"""

from __future__ import annotations

import numpy as np
from stable_baselines3.common.vec_env.base_vec_env import VecEnv

from drama_env.vector import DramaVectorEnv


class DramaVecEnvBase(VecEnv):
    """What every drama adapter answers alike: ``seed`` takes effect at the next reset (world
    ``k`` gets ``seed + k``), nothing is wrapped, there is nothing to close."""

    _seed: int | None = None

    def seed(self, seed: int | None = None):
        self._seed = seed
        return [None if seed is None else seed + k for k in range(self.num_envs)]

    def close(self) -> None:
        pass

    def env_is_wrapped(self, wrapper_class, indices=None):
        return [False for _ in self._indices(indices)]

    def _indices(self, indices):
        if indices is None:
            return range(self.num_envs)
        if isinstance(indices, int):
            return [indices]
        return indices


class BatchedVecEnv(DramaVecEnvBase):
    """An adapter over one ``DramaVectorEnv`` in ``self.venv``: legal actions through
    ``env_method("action_masks")`` (MaskablePPO), other methods called on the vector env."""

    venv: DramaVectorEnv

    def step_async(self, actions) -> None:
        self._actions = np.asarray(actions, dtype=np.int64).reshape(self.num_envs)

    def env_method(self, method_name, *args, indices=None, **kwargs):
        if method_name == "action_masks":
            masks = self.venv.action_masks()
            return [masks[n] for n in self._indices(indices)]
        result = getattr(self.venv, method_name)(*args, **kwargs)
        return [result for _ in self._indices(indices)]


class SB3DramaVecEnv(BatchedVecEnv):
    """SB3 ``VecEnv`` over the natively batched drama env (same-step autoreset, the final
    observation in ``info["terminal_observation"]``, masks through ``env_method``)."""

    def __init__(self, num_envs: int, story="the-orchard-letter", seed: int | None = None, **kwargs):
        self.venv = DramaVectorEnv(num_envs, story, autoreset_mode="same_step", **kwargs)
        super().__init__(num_envs, self.venv.single_observation_space, self.venv.single_action_space)
        self._seed = seed
        self._actions = np.zeros(num_envs, np.int64)

    def reset(self):
        obs, _ = self.venv.reset(seed=self._seed)
        self._seed = None
        return {k: v.copy() for k, v in obs.items()}

    def step_wait(self):
        obs, rewards, terminated, truncated, infos = self.venv.step(self._actions)
        dones = terminated | truncated
        out_infos = [{} for _ in range(self.num_envs)]
        for n in np.flatnonzero(dones):
            out_infos[n]["terminal_observation"] = infos["final_obs"][n]
            out_infos[n]["TimeLimit.truncated"] = bool(truncated[n] and not terminated[n])
        return obs, rewards.astype(np.float32), dones, out_infos

    def get_attr(self, attr_name, indices=None):
        return [getattr(self.venv, attr_name) for _ in self._indices(indices)]

    def set_attr(self, attr_name, value, indices=None) -> None:
        setattr(self.venv, attr_name, value)
