"""``train(config)``: a reproducible, resumable training run (``drama train``).

The run's folder (``config.out``) receives:

- ``config.json`` — the :class:`~agents.training.config.TrainConfig`, the story's fingerprint
  and the library versions;
- ``tb/`` — TensorBoard logs (SB3's ``rollout/``, ``train/`` and ``eval/`` scalars);
- ``eval.csv`` — every ``eval_interval`` steps: the audience score (mean and 95 % CI),
  arc fit, episode length, ending rate and reward per beat over ``eval_episodes`` fixed worlds;
- ``checkpoints/ckpt-<steps>.zip`` — every ``checkpoint_interval`` steps (whole rollouts), the
  last :data:`~agents.training.config.CHECKPOINTS_KEPT` kept, each written atomically;
- ``policy.zip`` — the final policy (see :mod:`agents.policies`).

**Resume.** Checkpoints are taken between two rollouts, after the update, with the worlds of
every environment and every random generator (Python, numpy, torch, the action space, DQN's
replay buffer), so ``--resume`` continues exactly: a run killed (even with SIGKILL) and resumed
ends with the same policy as one never interrupted, and loses at most the steps since the last
checkpoint. The progress bar, wall-clock figures and TensorBoard's timing are the only things
that differ.

**Determinism.** One config (seed included) gives the same policy, byte for byte, on one
machine: torch runs single-threaded by default and every world is seeded from ``seed``.

**Speed.** ``torch.distributions``' argument checks are turned off while training (SB3's
logits are valid by construction; the checks cost about a tenth of MaskablePPO's time).
"""

from __future__ import annotations

import csv
import io
import json
import pickle
import random
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch
from stable_baselines3.common.callbacks import BaseCallback

from agents.training import files
from agents.training.config import CHECKPOINTS_KEPT, TrainConfig
from agents.training.evaluation import Contender, Result, episode_seeds, run_episode
from stories.errors import ModelError, UsageError

EVAL_COLUMNS = ("steps", "audience_score", "ci_low", "ci_high", "arc_fit", "episode_length",
                "ending_rate", "reward_per_beat", "time")
VALIDATION_STORIES = 10**6  # generated runs evaluate on held-out seeds from here on


@dataclass
class TrainResult:
    """What a run did: where the policy is, its steps and the last evaluation row."""

    out: Path
    policy: Path
    steps: int
    seconds: float
    resumed_from: int | None
    last_eval: dict | None


# --- building ----------------------------------------------------------------------------------
def compile_config_story(config: TrainConfig):
    """The compiled story of a run (``None`` for generated stories)."""
    if config.generated:
        return None
    from drama_env.envs.common import compile_story

    return compile_story(config.story)


def build_env(config: TrainConfig, compiled):
    """The SB3 vector env of a run."""
    from agents.training.envs import GeneratedVecEnv, ManagerVecEnv

    if config.multi_agent:
        from agents.training.multiagent import SelfPlayVecEnv

        return SelfPlayVecEnv(config.n_envs, compiled, config.env_reward_mode, config.seed,
                              config.pool_size, config.objective)
    if config.generated:
        return GeneratedVecEnv(config.n_envs, seed=config.seed, objective=config.objective)
    return ManagerVecEnv(config.n_envs, compiled, seed=config.seed, objective=config.objective)


def algo_class(algo: str):
    from agents.policies import _algo_class

    return _algo_class(algo)


def policy_kwargs(config: TrainConfig, env, compiled) -> dict:
    arch = list(config.net_arch)
    kwargs: dict = {"net_arch": arch if config.algo == "dqn" else {"pi": arch, "vf": arch}}
    if config.policy == "gnn":
        from agents.gnn import DramaGraphExtractor, graph_extractor_kwargs

        kwargs["features_extractor_class"] = DramaGraphExtractor
        kwargs["features_extractor_kwargs"] = graph_extractor_kwargs(compiled, env.padding)
    return kwargs


def policy_class(algo: str):
    """The SB3 policy for ``algo``: the MLP (or GNN-fed MLP) with a lean categorical action
    distribution for PPO / MaskablePPO (:mod:`agents.fast_policies`), SB3's for DQN."""
    if algo == "dqn":
        return "MlpPolicy"
    from agents.fast_policies import FastMaskableMlpPolicy, FastMlpPolicy

    return FastMaskableMlpPolicy if algo == "maskable-ppo" else FastMlpPolicy


def build_model(config: TrainConfig, env, compiled, tb_dir: str | None):
    cls = algo_class(config.algo)
    common = dict(policy=policy_class(config.algo), env=env, learning_rate=config.learning_rate,
                  batch_size=config.batch_size, gamma=config.gamma, seed=config.seed,
                  policy_kwargs=policy_kwargs(config, env, compiled), tensorboard_log=tb_dir,
                  device="cpu", verbose=0)
    if config.algo == "dqn":
        return cls(buffer_size=config.buffer_size,
                   learning_starts=min(1000, max(config.batch_size, config.steps // 20)),
                   train_freq=4, gradient_steps=1, target_update_interval=1000,
                   exploration_fraction=0.3, exploration_final_eps=0.05, **common)
    return cls(n_steps=config.n_steps, n_epochs=config.n_epochs, ent_coef=config.ent_coef,
               **common)


def story_record(compiled) -> dict | None:
    if compiled is None:
        return None
    return {"id": compiled.story.id, "title": compiled.story.title,
            "fingerprint": compiled.fingerprint, "n_characters": compiled.n_characters,
            "n_actions": compiled.n_actions, "cast": list(compiled.character_ids)}


def policy_meta(config: TrainConfig, compiled, env, steps: int) -> dict:
    """The ``drama-policy.json`` record of this run's policy."""
    from dataclasses import asdict

    padding = getattr(env, "padding", None)
    return {"format": files.POLICY_FORMAT, "version": files.POLICY_VERSION,
            "kind": "characters" if config.multi_agent else "manager",
            "algo": config.algo, "policy": config.policy, "generated": config.generated,
            "observation": "character-view" if config.multi_agent else "manager-flat",
            "story": story_record(compiled),
            "padding": asdict(padding) if padding is not None else None,
            "steps": int(steps), "seed": config.seed, "config": config.to_dict(),
            "versions": files.library_versions()}


# --- the run -------------------------------------------------------------------------------------
class Run:
    """The bookkeeping of one run: folders, checkpoints, evaluation rows."""

    def __init__(self, config: TrainConfig) -> None:
        self.config = config
        self.out = Path(config.out)
        self.checkpoints = self.out / "checkpoints"
        self.eval_csv = self.out / "eval.csv"
        self.policy = self.out / "policy.zip"

    def has_run(self) -> bool:
        return self.policy.exists() or bool(self.checkpoint_paths()) or \
            (self.out / "config.json").exists()

    def checkpoint_paths(self) -> list[Path]:
        if not self.checkpoints.is_dir():
            return []
        return sorted(p for p in self.checkpoints.glob("ckpt-*.zip"))

    def latest_checkpoint(self):
        """``(path, meta, model, state, extras)`` of the newest readable checkpoint."""
        for path in reversed(self.checkpoint_paths()):
            try:
                return (path, *files.read_checkpoint(path))
            except ModelError as error:
                print(f"drama train: skipping {error}", file=sys.stderr)
        return None

    def eval_rows(self) -> list[dict]:
        if not self.eval_csv.is_file():
            return []
        with self.eval_csv.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    def write_eval_rows(self, rows: list[dict]) -> None:
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=EVAL_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        files.write_bytes_atomic(self.eval_csv, text.getvalue().encode())


def _rng_state(model) -> dict:
    return {"python": random.getstate(), "numpy": np.random.get_state(),
            "torch": torch.get_rng_state(),
            "action_space": model.action_space.np_random.bit_generator.state}


def _set_rng_state(model, state: dict) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    model.action_space.np_random.bit_generator.state = state["action_space"]


_BUFFER_FIELDS = ("observations", "next_observations", "actions", "rewards", "dones", "timeouts")


def _replay_bytes(model) -> bytes:
    rb = model.replay_buffer
    n = rb.buffer_size if rb.full else rb.pos
    arrays = {name: getattr(rb, name)[:n] for name in _BUFFER_FIELDS
              if getattr(rb, name, None) is not None}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, pos=rb.pos, full=rb.full, **arrays)
    return buffer.getvalue()


def _restore_replay(model, data: bytes) -> None:
    rb = model.replay_buffer
    with np.load(io.BytesIO(data)) as saved:
        for name in _BUFFER_FIELDS:
            if name in saved:
                part = saved[name]
                getattr(rb, name)[: len(part)] = part
        rb.pos, rb.full = int(saved["pos"]), bool(saved["full"])


class RunCallback(BaseCallback):
    """Between rollouts: evaluation rows, checkpoints and (self-play) opponent snapshots; at
    every step: the progress bar. ``bookkeeping()`` decides what is due; the hooks call it."""

    def __init__(self, run: Run, compiled, env, progress=None, next_due: dict | None = None,
                 eval_rows: list[dict] | None = None) -> None:
        super().__init__()
        self.run = run
        self.config = run.config
        self.compiled = compiled
        self.env = env
        self.progress = progress
        c = self.config
        self.next_due = next_due or {"eval": c.eval_interval, "checkpoint": c.checkpoint_interval,
                                     "pool": c.pool_interval}
        self.rows = eval_rows or []
        self.last_eval: dict | None = self.rows[-1] if self.rows else None

    # the hooks
    def _on_rollout_start(self) -> None:
        self.bookkeeping(self.num_timesteps)

    def _on_step(self) -> bool:
        if self.progress is not None:
            self.progress(self.num_timesteps, self.last_eval)
        return True

    # the work
    def bookkeeping(self, steps: int, final: bool = False) -> None:
        c = self.config
        if c.multi_agent and steps >= self.next_due["pool"]:
            self.env.pool.add(self.model.policy)
            self.next_due["pool"] = _next(steps, c.pool_interval)
        evaluated = bool(self.rows) and int(float(self.rows[-1]["steps"])) >= steps
        if steps >= self.next_due["eval"] or (final and not evaluated):
            self.evaluate(steps)
            self.next_due["eval"] = _next(steps, c.eval_interval)
        if steps >= self.next_due["checkpoint"] or final:
            self.next_due["checkpoint"] = _next(steps, c.checkpoint_interval)
            self.save_checkpoint(steps)

    def evaluate(self, steps: int) -> dict:
        summary = evaluate_model(self.model, self.config, self.compiled, self.env)
        row = {"steps": steps, "audience_score": summary["audience_score"]["mean"],
               "ci_low": summary["audience_score"]["ci95"][0],
               "ci_high": summary["audience_score"]["ci95"][1],
               "arc_fit": summary["arc_fit"]["mean"],
               "episode_length": summary["episode_length"]["mean"],
               "ending_rate": summary["ending_rate"],
               "reward_per_beat": summary["reward_per_beat"],
               "time": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        self.rows.append(row)
        self.run.write_eval_rows(self.rows)
        self.last_eval = row
        for key in ("audience_score", "arc_fit", "episode_length", "ending_rate"):
            self.logger.record(f"eval/{key}", float(row[key]))
        return row

    def save_checkpoint(self, steps: int) -> Path:
        model, c = self.model, self.config
        state = {"env": self.env.get_state(), "rng": _rng_state(model),
                 "next_due": dict(self.next_due)}
        meta = {"format": files.CHECKPOINT_FORMAT, "version": files.CHECKPOINT_VERSION,
                "steps": int(steps), "config": c.to_dict(),
                "story": story_record(self.compiled), "versions": files.library_versions(),
                "time": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        entries = {"meta.json": json.dumps(meta, indent=1).encode(),
                   "model.zip": files.sb3_bytes(model), "state.pkl": pickle.dumps(state)}
        if c.algo == "dqn":
            entries["replay.npz"] = _replay_bytes(model)
        if c.multi_agent:
            entries["pool.pt"] = self.env.pool.to_bytes()
        path = self.run.checkpoints / f"ckpt-{steps:012d}.zip"
        files.write_bytes_atomic(path, files.zip_bytes(entries))
        for old in self.run.checkpoint_paths()[:-CHECKPOINTS_KEPT]:
            old.unlink(missing_ok=True)
        return path


def _next(steps: int, interval: int) -> int:
    return (steps // interval + 1) * interval


def evaluate_model(model, config: TrainConfig, compiled, env) -> dict:
    """Evaluate the model being trained (fixed worlds, the manager protocol — turns for a
    character policy; held-out validation stories for generated runs)."""
    from agents.policies import LoadedPolicy

    meta = policy_meta(config, compiled, env, model.num_timesteps)
    loaded = LoadedPolicy(Path(config.out) / "policy.zip", meta, model)
    seeds = episode_seeds(config.seed + 1, config.eval_episodes)
    protocol = "turns" if config.multi_agent else "manager"
    result = Result(Contender("policy", None, protocol))
    for k, seed in enumerate(seeds):
        story = compiled if compiled is not None else _validation_story(k)
        agent = loaded.bind(story)
        result.episodes.append(run_episode(story, agent, seed, protocol))
    return result.summary()


_VALIDATION: dict[int, object] = {}


def _validation_story(k: int):
    from agents.training.envs import HELD_OUT_START, generated_story

    if k not in _VALIDATION:
        _VALIDATION[k] = generated_story(HELD_OUT_START + VALIDATION_STORIES + k)
    return _VALIDATION[k]


# --- entry point ---------------------------------------------------------------------------------
def train(config: TrainConfig, resume: bool = False, progress: bool | None = None) -> TrainResult:
    """Train (or resume) the run described by ``config``; see the module docstring."""
    from agents.training import require_rl

    require_rl()
    torch.set_num_threads(config.threads)
    validate = torch.distributions.Distribution._validate_args
    torch.distributions.Distribution.set_default_validate_args(False)  # SB3's logits are valid
    try:
        return _train(config, resume, progress)
    finally:
        torch.distributions.Distribution.set_default_validate_args(validate)


def _train(config: TrainConfig, resume: bool, progress: bool | None) -> TrainResult:
    run = Run(config)
    compiled = compile_config_story(config)
    files.remove_stale_temporaries(run.out)
    files.remove_stale_temporaries(run.checkpoints)
    latest = None
    if resume:
        latest = run.latest_checkpoint()
        if latest is None and run.policy.exists():
            raise UsageError(f"{run.out} holds a finished run (policy.zip) and no checkpoint "
                             "to resume — choose another --out")
    elif run.has_run():
        raise UsageError(f"{run.out} already holds a training run — pass --resume to continue "
                         "it, or choose another --out (nothing was overwritten)")
    tb_dir = str(run.out / "tb") if config.tensorboard and _has_tensorboard() else None
    if config.tensorboard and tb_dir is None:
        print("drama train: tensorboard is not installed — no TensorBoard logs "
              "(pip install -e '.[rl]')", file=sys.stderr)
    env = build_env(config, compiled)
    resumed_from = None
    rows: list[dict] = []
    next_due = None
    if latest is not None:
        path, meta, model_bytes, state_bytes, extras = latest
        _check_resume(config, meta, compiled, path)
        model = algo_class(config.algo).load(io.BytesIO(model_bytes), env=env, device="cpu",
                                             force_reset=False, tensorboard_log=tb_dir)
        state = pickle.loads(state_bytes)
        env.set_state(state["env"])
        if config.multi_agent:
            env.pool.load_bytes(extras["pool.pt"])
            env.attach(model.policy)
        if config.algo == "dqn" and "replay.npz" in extras:
            _restore_replay(model, extras["replay.npz"])
        _set_rng_state(model, state["rng"])
        resumed_from = int(meta["steps"])
        next_due = state["next_due"]
        rows = [r for r in run.eval_rows() if int(float(r["steps"])) <= resumed_from]
        run.write_eval_rows(rows)
    else:
        run.out.mkdir(parents=True, exist_ok=True)
        record = {"config": config.to_dict(), "story": story_record(compiled),
                  "versions": files.library_versions()}
        files.write_bytes_atomic(run.out / "config.json",
                                 json.dumps(record, indent=1).encode())
        model = build_model(config, env, compiled, tb_dir)
        if config.multi_agent:
            env.attach(model.policy)
    start_steps = model.num_timesteps
    bar = _ProgressBar(config.steps, start_steps) if (
        config.progress if progress is None else progress) else None
    callback = RunCallback(run, compiled, env, bar.update if bar else None, next_due, rows)
    start = time.perf_counter()
    try:
        if bar:
            bar.start()
        remaining = config.steps - model.num_timesteps
        if remaining > 0:  # (a finished run resumed to its own length only rewrites policy.zip)
            model.learn(remaining, callback=callback, reset_num_timesteps=False,
                        tb_log_name="run", progress_bar=False)
            callback.bookkeeping(model.num_timesteps, final=True)
            model.logger.dump(model.num_timesteps)
    finally:
        if bar:
            bar.update(model.num_timesteps, callback.last_eval, force=True)
            bar.stop()
    meta = policy_meta(config, compiled, env, model.num_timesteps)
    files.write_bytes_atomic(run.policy, files.policy_bytes(model, meta))
    return TrainResult(run.out, run.policy, model.num_timesteps, time.perf_counter() - start,
                       resumed_from, callback.last_eval)


def _check_resume(config: TrainConfig, meta: dict, compiled, path: Path) -> None:
    old = TrainConfig.from_dict(meta["config"])
    diffs = config.differences(old)
    if diffs:
        described = ", ".join(f"{k} {getattr(old, k)!r} (now {getattr(config, k)!r})"
                              for k in diffs)
        raise UsageError(f"{path} was trained with {described} — resume with the same "
                         "settings, or choose another --out")
    trained = (meta.get("story") or {}).get("fingerprint")
    now = compiled.fingerprint if compiled is not None else None
    if trained != now:
        raise ModelError(f"{path} was trained on another story or another version of it "
                         f"(fingerprint {trained}, now {now}) — choose another --out")


def _has_tensorboard() -> bool:
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        return False
    return True


class _ProgressBar:
    """A rich progress bar on stderr: steps, speed, time left, the last evaluation."""

    def __init__(self, total: int, start: int) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        self.progress = Progress(TextColumn("[bold]train"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[speed]}"), TimeElapsedColumn(),
                                 TimeRemainingColumn(), TextColumn("{task.fields[score]}"),
                                 console=Console(stderr=True), transient=False)
        self.task = self.progress.add_task("train", total=total, completed=start,
                                           speed="", score="")
        self.start_steps = start
        self.started = time.perf_counter()
        self.shown = 0.0

    def start(self) -> None:
        self.progress.start()

    def stop(self) -> None:
        self.progress.stop()

    def update(self, steps: int, last_eval: dict | None, force: bool = False) -> None:
        now = time.perf_counter()
        if now - self.shown < 0.2 and not force:
            return
        self.shown = now
        elapsed = max(1e-9, now - self.started)
        speed = f"{(steps - self.start_steps) / elapsed:,.0f} steps/s"
        score = (f"score {float(last_eval['audience_score']):.3f}" if last_eval else "")
        self.progress.update(self.task, completed=steps, speed=speed, score=score)
