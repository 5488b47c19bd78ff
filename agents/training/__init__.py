"""Training and evaluating plot policies: ``drama train`` and ``drama evaluate``.

- :mod:`.config` — :class:`TrainConfig`, every argument of a training run, documented;
- :mod:`.envs` — the stable-baselines3 vector envs with flat observations: the natively batched
  drama manager of one story, generated stories (training and held-out seeds kept apart), and
  the self-play character env;
- :mod:`.trainer` — :func:`train`: MaskablePPO / PPO / DQN on the drama manager with progress
  bar, TensorBoard, periodic evaluation (``eval.csv``), atomic checkpoints and exact resume;
- :mod:`.multiagent` — parameter-shared character policies trained by self-play against
  earlier snapshots of themselves;
- :mod:`.evaluation` — episodes under a policy, the audience score with its 95 % interval,
  endings, lengths, arc fit, comparison tables, JSON and plots;
- :mod:`.metrics` — :func:`~.metrics.audience_score`, the one place the score is defined;
- :mod:`.files` — atomic binary writes, checkpoint and policy archives.

Saved policies are loaded by :mod:`agents.policies` (``drama run --agent PATH``, the
explorer's prior, the terminal app). Heavy dependencies (torch, stable-baselines3,
sb3-contrib) are imported by the modules that need them, not by this package.
"""

from __future__ import annotations

RL_EXTRA_HINT = "install the RL extra: pip install -e '.[rl]'"


def require_rl() -> None:
    """Raise :class:`stories.errors.UsageError` naming the extra when the RL libraries are
    missing."""
    from stories.errors import UsageError

    try:
        import sb3_contrib  # noqa: F401
        import stable_baselines3  # noqa: F401
        import torch  # noqa: F401
    except ImportError as error:
        raise UsageError(f"training needs {error.name} — {RL_EXTRA_HINT}") from None
