"""``drama train STORY|--generated --algo maskable-ppo|ppo|dqn --steps N --seed S --out DIR``:
train a plot policy (or, with ``--multi-agent``, a shared character policy by self-play).

Writes ``DIR/policy.zip`` (use it with ``drama run --agent`` and ``drama evaluate --policy``),
``DIR/eval.csv``, ``DIR/tb/`` (TensorBoard) and ``DIR/checkpoints/``; ``--resume`` continues
the run in DIR from its last checkpoint. See ``docs/training.md``.
"""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train", help="train a plot policy with reinforcement learning",
        description="Train a drama-manager policy (MaskablePPO, PPO or DQN) on a story or on "
                    "generated stories, or a shared character policy by self-play "
                    "(--multi-agent). Progress bar on stderr; TensorBoard logs in DIR/tb; "
                    "evaluations in DIR/eval.csv; atomic checkpoints in DIR/checkpoints; the "
                    "final policy in DIR/policy.zip.")
    parser.add_argument("story", nargs="?", default=None,
                        help="a shipped story name or a story file")
    parser.add_argument("--generated", action="store_true",
                        help="train on a new generated story every episode (held-out stories "
                             "are never drawn)")
    parser.add_argument("--algo", choices=("maskable-ppo", "ppo", "dqn"), default="maskable-ppo")
    parser.add_argument("--steps", type=_whole, default=100_000, metavar="N",
                        help="total environment steps (default 100000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--n-envs", type=_whole, default=8, metavar="K",
                        help="worlds stepped together (default 8)")
    parser.add_argument("--policy", choices=("mlp", "gnn"), default="mlp",
                        help="features: the flat observation (mlp, default) or message passing "
                             "over the character graph (gnn)")
    parser.add_argument("--objective", choices=("score", "reward"), default="score",
                        help="score: maximise the episode's audience score (default); reward: "
                             "the sum of the per-beat rewards")
    parser.add_argument("--multi-agent", action="store_true",
                        help="train one shared character policy by self-play against earlier "
                             "snapshots (PettingZoo characters_v0)")
    parser.add_argument("--reward-mode", default="0.5", metavar="selfish|audience|λ",
                        help="--multi-agent: characters' reward (default 0.5: half their own "
                             "goals, half the audience's)")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder of the run")
    parser.add_argument("--resume", action="store_true",
                        help="continue the run in DIR from its last checkpoint")
    parser.add_argument("--checkpoint-every", type=_whole, default=None, metavar="M",
                        help="steps between checkpoints, rounded up to whole rollouts "
                             "(default: a tenth of --steps)")
    parser.add_argument("--eval-every", type=_whole, default=None, metavar="E",
                        help="steps between evaluations (default: as --checkpoint-every)")
    parser.add_argument("--eval-episodes", type=_whole, default=8, metavar="N",
                        help="episodes per evaluation (default 8)")
    parser.add_argument("--n-steps", type=_whole, default=256,
                        help="PPO: steps per world in a rollout (default 256)")
    parser.add_argument("--threads", type=_whole, default=1,
                        help="torch threads (default 1)")
    parser.add_argument("--no-tensorboard", action="store_true", help="no TensorBoard logs")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)


def _whole(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run(args) -> int:
    from agents.training import require_rl

    require_rl()
    from agents.training.config import TrainConfig
    from agents.training.trainer import train

    config = TrainConfig(out=args.out, story=args.story, generated=args.generated,
                         algo=args.algo, objective=args.objective, steps=args.steps,
                         seed=args.seed, n_envs=args.n_envs,
                         policy=args.policy, multi_agent=args.multi_agent,
                         reward_mode=args.reward_mode, checkpoint_every=args.checkpoint_every,
                         eval_every=args.eval_every, eval_episodes=args.eval_episodes,
                         n_steps=args.n_steps, threads=args.threads,
                         tensorboard=not args.no_tensorboard, progress=not args.quiet)
    result = train(config, resume=args.resume)
    what = f"resumed at {result.resumed_from:,} → " if result.resumed_from is not None else ""
    line = (f"trained {what}{result.steps:,} steps in {result.seconds:.0f} s; "
            f"policy: {result.policy}")
    if result.last_eval:
        e = result.last_eval
        line += (f"; last evaluation: audience score {float(e['audience_score']):.3f} "
                 f"[{float(e['ci_low']):.3f}, {float(e['ci_high']):.3f}]")
    print(line)
    return 0
