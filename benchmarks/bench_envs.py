"""Speed of the environments, beside Gymnasium CartPole-v1 and PettingZoo tictactoe_v3
measured in the same run.

- single env: ``DramaManagerEnv.step`` with observation and mask (a random legal action),
  vs CartPole-v1's raw ``step``;
- AEC: ``characters_v0`` agent-steps/s, vs ``tictactoe_v3``;
- vector env: ``DramaVectorEnv`` env-steps/s at N=64 and N=1024, vs Gymnasium's native
  ``CartPoleVectorEnv`` at the same N; and bytes of state per world.

Every figure is the median of ``--repeats`` runs.

    python benchmarks/bench_envs.py [--story NAME] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402

from baselines import cartpole_steps_per_second, timed  # noqa: E402
from drama_env import characters_v0  # noqa: E402
from drama_env.envs.drama_manager import DramaManagerEnv  # noqa: E402
from drama_env.vector import DramaVectorEnv  # noqa: E402

DEFAULT_STORY = "the-seventieth"


def drama_single(story: str, steps: int = 10_000) -> float:
    env = DramaManagerEnv(story)
    _, info = env.reset(seed=0)
    draws = np.random.default_rng(0).random(steps)
    start = time.perf_counter()
    for u in draws:
        legal = info["action_mask"].nonzero()[0]
        _, _, terminated, truncated, info = env.step(int(legal[int(u * legal.size)]))
        if terminated or truncated:
            _, info = env.reset()
    return steps / (time.perf_counter() - start)


def aec_steps(env, steps: int) -> float:
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(steps):
        agent = env.agent_selection
        obs, _, terminated, truncated, _ = env.last()
        if terminated or truncated:
            action = None
        else:
            legal = obs["action_mask"].nonzero()[0]
            action = int(legal[int(rng.random() * legal.size)])
        env.step(action)
        if not env.agents:
            env.reset()
        del agent
    return steps / (time.perf_counter() - start)


def cartpole_vector(n: int, steps: int) -> float:
    env = gym.make_vec("CartPole-v1", num_envs=n, vectorization_mode="vector_entry_point")
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(steps):
        env.step(rng.integers(0, 2, n))
    return n * steps / (time.perf_counter() - start)


def drama_vector(story: str, n: int, steps: int, threads: bool = False) -> float:
    env = DramaVectorEnv(n, story, threads=threads)
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(steps):  # a random legal action per world, chosen inside the timed loop
        env.step(env.random_legal_actions(rng))
    return n * steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", default=DEFAULT_STORY)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from pettingzoo.classic import tictactoe_v3

    r = args.repeats
    rows = []
    cart = timed(cartpole_steps_per_second, r)
    single = timed(lambda: drama_single(args.story), r)
    rows.append(("single env step (obs + mask)", single, "CartPole-v1 raw", cart))
    ttt = timed(lambda: aec_steps(tictactoe_v3.env(), 20_000), r)
    aec = timed(lambda: aec_steps(characters_v0.env(story=args.story), 10_000), r)
    rows.append(("AEC agent-steps", aec, "tictactoe_v3", ttt))
    for n, steps in ((64, 300), (1024, 30)):
        cart_vec = timed(lambda: cartpole_vector(n, steps * 10), r)
        vec = timed(lambda: drama_vector(args.story, n, steps), r)
        rows.append((f"vector env N={n}", vec, f"CartPoleVectorEnv N={n}", cart_vec))
        vec = timed(lambda: drama_vector(args.story, n, steps, threads=True), r)
        rows.append((f"vector env N={n}, threads", vec, f"CartPoleVectorEnv N={n}", cart_vec))
    env = DramaVectorEnv(1, args.story)
    per_world = env.floats.nbytes + env.ints.nbytes + env.masks.nbytes + env._obs_buffer.nbytes
    print(f"story {args.story}: {env.compiled.n_characters} characters, "
          f"{env.compiled.n_actions} actions; medians of {r} runs")
    print(f"{'what':30} {'per s':>12}   {'baseline':26} {'per s':>12} {'ratio':>7}")
    for what, value, base, base_value in rows:
        print(f"{what:30} {value:>12,.0f}   {base:26} {base_value:>12,.0f} {value / base_value:>6.2f}x")
    print(f"memory per world in the vector env: {per_world:,} bytes "
          f"(state {env.floats.nbytes + env.ints.nbytes:,} + mask + observation)")


if __name__ == "__main__":
    main()
