"""Every argument of a training run, in one documented dataclass (``drama train`` fills it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from stories.errors import UsageError

ALGOS = ("maskable-ppo", "ppo", "dqn")
OBJECTIVES = ("score", "reward")
POLICIES = ("mlp", "gnn")
CHECKPOINTS_KEPT = 3

# Keys that must not change when a run is resumed (the rest may: steps, eval, progress …).
FIXED_ON_RESUME = ("story", "generated", "algo", "policy", "objective", "n_envs", "seed",
                   "multi_agent",
                   "n_steps", "batch_size", "n_epochs", "learning_rate", "gamma", "ent_coef",
                   "net_arch", "reward_mode", "buffer_size")


@dataclass
class TrainConfig:
    """A training run. Sizes are in environment steps (summed over the ``n_envs`` worlds)."""

    out: str
    """Folder of the run: ``policy.zip``, ``eval.csv``, ``tb/``, ``checkpoints/``,
    ``config.json``."""
    story: str | None = None
    """A shipped story name or a story file; ``None`` with ``generated``."""
    generated: bool = False
    """Train on a new generated story at every episode (``DramaGenerated-v0``); the held-out
    stories of :func:`agents.training.envs.held_out_seeds` are never drawn."""
    algo: str = "maskable-ppo"
    """``maskable-ppo`` (sb3-contrib, illegal actions masked), ``ppo`` or ``dqn`` (SB3; an
    illegal action plays nothing and earns −1; the saved policy masks them when it acts)."""
    objective: str = "score"
    """What to maximise. ``score`` — the episode's audience score (the reward is its change
    after each beat, :class:`agents.training.metrics.ScoreShaping`; for ``multi_agent`` the
    audience's share of the characters' reward); ``reward`` — the env's per-beat audience-arc
    rewards summed (which favours dramas that never end)."""
    steps: int = 100_000
    """Total environment steps to train for (a resumed run continues up to this total)."""
    seed: int = 0
    """Seeds torch, numpy and every world: the same config gives the same policy."""
    n_envs: int = 8
    """Worlds stepped together (one batched ``DramaVectorEnv`` for a story)."""
    policy: str = "mlp"
    """Features extractor: ``mlp`` (the flat observation) or ``gnn`` (message passing over the
    character graph, :class:`agents.gnn.DramaGraphExtractor`)."""
    multi_agent: bool = False
    """Train one parameter-shared character policy on the PettingZoo env by self-play."""
    checkpoint_every: int | None = None
    """Steps between checkpoints (rounded up to whole rollouts); default: a tenth of ``steps``."""
    eval_every: int | None = None
    """Steps between evaluations written to ``eval.csv``; default: as ``checkpoint_every``."""
    eval_episodes: int = 8
    """Episodes per evaluation (fixed seeds, so rows are comparable)."""
    n_steps: int = 256
    """PPO: steps per world in a rollout (a rollout is ``n_steps · n_envs`` steps)."""
    batch_size: int = 512
    """Minibatch size of each gradient step."""
    n_epochs: int = 10
    """PPO: passes over each rollout."""
    learning_rate: float = 3e-4
    gamma: float = 0.995
    ent_coef: float = 0.001
    """PPO: entropy bonus."""
    net_arch: tuple[int, ...] = (128, 128)
    """Hidden layers of the policy and value heads."""
    buffer_size: int = 50_000
    """DQN: replay buffer size (transitions)."""
    reward_mode: str = "0.5"
    """Multi-agent: ``selfish``, ``audience`` or λ in [0, 1] mixing them (the env's
    ``reward_mode``)."""
    pool_every: int | None = None
    """Multi-agent: steps between snapshots added to the opponent pool (default: as
    ``checkpoint_every``)."""
    pool_size: int = 8
    """Multi-agent: earlier snapshots kept as opponents."""
    threads: int = 1
    """Torch threads (1 by default: more ran up to 18× slower beside another busy process)."""
    progress: bool = True
    """Show a progress bar on stderr."""
    tensorboard: bool = True
    """Write TensorBoard logs to ``out/tb`` (needs the ``tensorboard`` package)."""

    def __post_init__(self) -> None:
        self.net_arch = tuple(int(x) for x in self.net_arch)
        if self.algo not in ALGOS:
            raise UsageError(f"unknown --algo {self.algo!r} — use one of: {', '.join(ALGOS)}")
        if self.objective not in OBJECTIVES:
            raise UsageError(f"unknown --objective {self.objective!r} — use one of: "
                             f"{', '.join(OBJECTIVES)}")
        if self.policy not in POLICIES:
            raise UsageError(f"unknown --policy {self.policy!r} — use one of: "
                             f"{', '.join(POLICIES)}")
        if (self.story is None) == (not self.generated):
            raise UsageError("give a STORY or --generated (not both)")
        if self.multi_agent and self.generated:
            raise UsageError("--multi-agent trains on one story — give a STORY, not --generated")
        if self.multi_agent and self.algo == "dqn":
            raise UsageError("--multi-agent trains with maskable-ppo or ppo, not dqn")
        if self.multi_agent and self.policy == "gnn":
            raise UsageError("--multi-agent uses the character view (a flat vector) — "
                             "use --policy mlp")
        for name in ("steps", "n_envs", "n_steps", "batch_size", "n_epochs", "eval_episodes",
                     "threads", "buffer_size", "pool_size"):
            if int(getattr(self, name)) < 1:
                raise UsageError(f"--{name.replace('_', '-')} must be at least 1")
        for name in ("checkpoint_every", "eval_every", "pool_every"):
            value = getattr(self, name)
            if value is not None and int(value) < 1:
                raise UsageError(f"--{name.replace('_', '-')} must be at least 1")
        if self.multi_agent:
            mode = self.reward_mode
            if mode not in ("selfish", "audience"):
                try:
                    value = float(mode)
                except ValueError:
                    value = -1.0
                if not 0.0 <= value <= 1.0:
                    raise UsageError("--reward-mode must be selfish, audience or a number "
                                     "in [0, 1]")

    @property
    def rollout(self) -> int:
        """Environment steps between two updates (PPO) or two gradient phases (DQN)."""
        return self.n_steps * self.n_envs if self.algo != "dqn" else self.n_envs * 4

    @property
    def checkpoint_interval(self) -> int:
        """``checkpoint_every`` (default ``steps / 10``) rounded up to whole rollouts."""
        every = self.checkpoint_every or max(1, self.steps // 10)
        return max(1, -(-every // self.rollout)) * self.rollout

    @property
    def eval_interval(self) -> int:
        every = self.eval_every or self.checkpoint_interval
        return max(1, -(-every // self.rollout)) * self.rollout

    @property
    def pool_interval(self) -> int:
        every = self.pool_every or self.checkpoint_interval
        return max(1, -(-every // self.rollout)) * self.rollout

    @property
    def env_reward_mode(self):
        """``reward_mode`` as the PettingZoo env takes it (a float for λ)."""
        return self.reward_mode if self.reward_mode in ("selfish", "audience") else float(
            self.reward_mode)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["net_arch"] = list(self.net_arch)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def differences(self, other: "TrainConfig") -> list[str]:
        """Names of the settings in :data:`FIXED_ON_RESUME` that differ from ``other``."""
        a, b = self.to_dict(), other.to_dict()
        return [k for k in FIXED_ON_RESUME if a.get(k) != b.get(k)]
