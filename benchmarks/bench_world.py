"""Raw speed of the simulated world, beside Gymnasium's CartPole-v1 measured in the same run.

For every shipped story: steps/s of ``legal_actions`` + ``apply`` (a random legal action per
step, resetting at the end of each drama) and the time of ``DramaState.clone()``.
Prints medians of ``--repeats`` runs and the ratio to CartPole's raw ``step`` rate.

    python benchmarks/bench_world.py [--steps 20000] [--repeats 5] [--story NAME]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from baselines import cartpole_steps_per_second  # noqa: E402
from drama_env import rules  # noqa: E402
from drama_env.compiled import CompiledStory  # noqa: E402
from drama_env.state import DramaState  # noqa: E402
from stories import shipped_story_names  # noqa: E402


def world_steps_per_second(compiled: CompiledStory, steps: int) -> float:
    state = DramaState.initial(compiled, seed=0)
    draws = np.random.default_rng(0).random(steps)
    start = time.perf_counter()
    for u in draws:
        mask = rules.legal_actions(state)
        legal = mask.nonzero()[0]
        if legal.size == 0:
            state = DramaState.initial(compiled, seed=0)
            continue
        rules.apply(state, int(legal[int(u * legal.size)]), record=False, check=False)
    return steps / (time.perf_counter() - start)


def clone_microseconds(compiled: CompiledStory, n: int = 100_000) -> float:
    state = DramaState.initial(compiled, seed=0)
    start = time.perf_counter()
    for _ in range(n):
        state.clone()
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--story", action="append", help="only these stories")
    args = parser.parse_args()
    names = args.story or shipped_story_names()
    compiled = {name: CompiledStory.from_story(name) for name in names}
    for c in compiled.values():  # compile / load the kernels before timing
        world_steps_per_second(c, 200)
    cart = [cartpole_steps_per_second(args.steps) for _ in range(args.repeats)]
    cart_median = statistics.median(cart)
    print(f"CartPole-v1 raw env.step: {cart_median:,.0f} steps/s (median of {args.repeats})")
    print(f"{'story':32} {'cast':>4} {'actions':>7} {'steps/s':>10} {'vs CartPole':>11} {'clone µs':>9}")
    for name, c in compiled.items():
        rates = [world_steps_per_second(c, args.steps) for _ in range(args.repeats)]
        clones = [clone_microseconds(c) for _ in range(args.repeats)]
        rate = statistics.median(rates)
        print(f"{name:32} {c.n_characters:>4} {c.n_actions:>7} {rate:>10,.0f} "
              f"{rate / cart_median:>10.2f}x {statistics.median(clones):>9.2f}")


if __name__ == "__main__":
    main()
