"""Reference workloads measured beside ours in the same run, and a median timer."""

from __future__ import annotations

import statistics
import time

import gymnasium as gym
import numpy as np


def timed(fn, repeats: int) -> float:
    """Median of ``repeats`` calls of ``fn`` (after one warm-up call, which also JIT-compiles)."""
    fn()
    return statistics.median(fn() for _ in range(repeats))


def cartpole_steps_per_second(steps: int = 20_000) -> float:
    """Gymnasium CartPole-v1's raw ``env.step`` rate (unwrapped, random actions)."""
    env = gym.make("CartPole-v1").unwrapped
    env.reset(seed=0)
    actions = np.random.default_rng(0).integers(0, 2, steps)
    start = time.perf_counter()
    for a in actions:
        _, _, terminated, truncated, _ = env.step(int(a))
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - start)
