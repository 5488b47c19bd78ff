"""Training throughput: stable-baselines3 PPO on the drama manager beside PPO on CartPole-v1,
with the same settings, measured side by side in one run.

Same settings for every row: ``n_envs`` worlds, ``n_steps`` steps per world per rollout,
minibatch ``batch_size``, ``n_epochs`` epochs, SB3's default MLP (64, 64), one torch thread,
seed 0, CPU, torch.distributions' argument checks off (as ``drama train`` runs; pass
``--validate-args`` to keep them). A row's figure is environment steps per second of
``model.learn`` (rollouts *and* updates), the median of ``--repeats`` runs of ``--steps``
steps after one warm-up run (which also compiles the env); runs of the rows are interleaved
and the ratio is the median of each run's ratio to the CartPole run just before it.

- ``drama PPO``: ``PPO(FastMlpPolicy)`` on :class:`agents.training.envs.ManagerVecEnv` (the
  natively batched env, flat observations — what ``drama train --algo ppo`` runs): SB3's MLP
  policy with the lean categorical distribution of :mod:`agents.fast_policies`;
- ``CartPole PPO``: ``PPO("MlpPolicy")`` on ``make_vec_env("CartPole-v1", n_envs)``;
- ``env steps alone``: the two vec envs stepped with random (legal) actions, no policy;
- for information (``--all``): ``drama PPO, SB3 MlpPolicy`` (the stock distribution),
  ``CartPole PPO, FastMlpPolicy`` (the lean distribution on CartPole too), ``drama
  MaskablePPO`` (``drama train``'s default, which also masks; ``FastMaskableMlpPolicy``) and
  ``drama PPO, Dict obs`` (``PPO("MultiInputPolicy")`` on the Dict-observation adapter
  :class:`agents.sb3_vec.SB3DramaVecEnv`).

    python benchmarks/bench_training.py [--story NAME] [--steps 8192] [--repeats 5] [--all]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch  # noqa: E402

DEFAULT_STORY = "the-orchard-letter"
SETTINGS = dict(n_steps=128, batch_size=256, n_epochs=4, seed=0, device="cpu", verbose=0)


def make(kind: str, story: str, n_envs: int):
    from sb3_contrib import MaskablePPO
    from stable_baselines3 import PPO
    from stable_baselines3.common.env_util import make_vec_env

    from agents.training.trainer import policy_class

    if kind.startswith("cartpole"):
        policy = policy_class("ppo") if kind == "cartpole-fast" else "MlpPolicy"
        return PPO(policy, make_vec_env("CartPole-v1", n_envs=n_envs, seed=0), **SETTINGS)
    if kind == "dict":
        from agents.sb3_vec import SB3DramaVecEnv

        return PPO("MultiInputPolicy", SB3DramaVecEnv(n_envs, story, seed=0), **SETTINGS)
    from agents.training.envs import ManagerVecEnv

    env = ManagerVecEnv(n_envs, story, seed=0)
    if kind == "maskable":
        return MaskablePPO(policy_class("maskable-ppo"), env, **SETTINGS)
    return PPO("MlpPolicy" if kind == "stock" else policy_class("ppo"), env, **SETTINGS)


def env_rate(kind: str, story: str, n_envs: int, steps: int) -> float:
    """Environment steps per second of the vec env alone (random legal actions)."""
    import numpy as np
    from stable_baselines3.common.env_util import make_vec_env

    if kind == "cartpole":
        env = make_vec_env("CartPole-v1", n_envs=n_envs, seed=0)
    else:
        from agents.training.envs import ManagerVecEnv

        env = ManagerVecEnv(n_envs, story, seed=0)
    env.reset()
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(steps // n_envs):
        if kind == "cartpole":
            actions = rng.integers(0, 2, n_envs)
        else:
            masks = env.action_masks()
            actions = (rng.random(masks.shape) * masks).argmax(axis=1)
        env.step(actions)
    return steps / (time.perf_counter() - start)


def rate(model, steps: int) -> float:
    start = time.perf_counter()
    model.learn(steps, reset_num_timesteps=False)
    return steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", default=DEFAULT_STORY)
    parser.add_argument("--n-envs", type=int, default=8)
    parser.add_argument("--steps", type=int, default=8192)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--all", action="store_true",
                        help="also the stock MlpPolicy, the lean policy on CartPole, MaskablePPO "
                             "and the Dict-observation adapter")
    parser.add_argument("--validate-args", action="store_true",
                        help="keep torch.distributions' argument checks (drama train turns "
                             "them off, for every row alike here)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.distributions.Distribution.set_default_validate_args(args.validate_args)
    n, s, r = args.n_envs, args.steps, args.repeats
    kinds = {"drama PPO": "flat"}
    if args.all:
        kinds.update({"drama PPO, SB3 MlpPolicy": "stock", "CartPole PPO, FastMlpPolicy": "cartpole-fast",
                      "drama MaskablePPO": "maskable", "drama PPO, Dict obs": "dict"})
    models = {"cartpole": make("cartpole", args.story, n)}
    models.update({what: make(kind, args.story, n) for what, kind in kinds.items()})
    for model in models.values():  # warm-up: JIT, allocations
        model.learn(SETTINGS["n_steps"] * n)
    # interleaved, so that a change of the machine's load hits every row alike
    rates: dict[str, list[float]] = {name: [] for name in models}
    ratios: dict[str, list[float]] = {what: [] for what in kinds}
    for _ in range(r):
        cart = rate(models["cartpole"], s)
        rates["cartpole"].append(cart)
        for what in kinds:
            rates[what].append(rate(models[what], s))
            ratios[what].append(rates[what][-1] / cart)
    from drama_env.envs.common import compile_story

    c = compile_story(args.story)
    print(f"story {args.story}: {c.n_characters} characters, {c.n_actions} actions; "
          f"n_envs={n}, n_steps={SETTINGS['n_steps']}, batch={SETTINGS['batch_size']}, "
          f"epochs={SETTINGS['n_epochs']}, 1 torch thread; medians of {r} interleaved runs "
          f"of {s} steps")
    base = statistics.median(rates["cartpole"])
    print(f"{'what':28} {'steps/s':>9}   {'CartPole-v1 PPO':>15} {'ratio':>7}")
    for what in kinds:
        print(f"{what:28} {statistics.median(rates[what]):>9,.0f}   {base:>15,.0f} "
              f"{statistics.median(ratios[what]):>6.0%}")
    env_cart = statistics.median(env_rate("cartpole", args.story, n, s) for _ in range(r))
    env_drama = statistics.median(env_rate("drama", args.story, n, s) for _ in range(r))
    print(f"{'env steps alone':28} {env_drama:>9,.0f}   {env_cart:>15,.0f} "
          f"{env_drama / env_cart:>6.0%}   (vec env, random legal actions, no learning)")


if __name__ == "__main__":
    main()
