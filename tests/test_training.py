"""Training runs, saved policies and evaluation (issue 7), at tiny step counts."""

from __future__ import annotations

from stories.files import TEMP_SUFFIX

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sb3_contrib")

from agents.training.config import TrainConfig  # noqa: E402
from agents.training.trainer import train  # noqa: E402
from drama_env.compiled import CompiledStory  # noqa: E402
from stories import load_story  # noqa: E402
from stories.errors import ModelError, UsageError  # noqa: E402
from theater.cli import main  # noqa: E402

STORY = "the-orchard-letter"
ROOT = Path(__file__).resolve().parents[1]
TINY = dict(n_envs=4, n_steps=32, batch_size=64, n_epochs=1, eval_episodes=2,
            net_arch=(32, 32), progress=False)


MY_COMMANDS = ("theater.commands.train", "theater.commands.evaluate")
# the CLI as a child process, with this commands registered however cli.py lists them
CHILD_CLI = ("import sys; from theater import cli; cli.COMMAND_MODULES = tuple(dict.fromkeys("
             "cli.COMMAND_MODULES + {!r})); sys.exit(cli.main())").format(MY_COMMANDS)


@pytest.fixture(autouse=True)
def commands_registered(monkeypatch):
    from theater import cli

    monkeypatch.setattr(cli, "COMMAND_MODULES",
                        tuple(dict.fromkeys(cli.COMMAND_MODULES + MY_COMMANDS)))


def tiny(out: Path, **changes) -> TrainConfig:
    settings = dict(TINY, story=STORY, steps=256, checkpoint_every=128, out=str(out))
    settings.update(changes)
    return TrainConfig(**settings)


def params(path: Path) -> dict:
    import torch

    with zipfile.ZipFile(path) as archive:
        with archive.open("policy.pth") as handle:
            return torch.load(handle, weights_only=True)


def same_params(a: Path, b: Path) -> bool:
    pa, pb = params(a), params(b)
    return pa.keys() == pb.keys() and all(bool((pa[k] == pb[k]).all()) for k in pa)


@pytest.fixture(scope="module")
def compiled():
    return CompiledStory(load_story(STORY))


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """A tiny MaskablePPO run on the orchard letter."""
    out = tmp_path_factory.mktemp("runs") / "orchard"
    train(tiny(out))
    return out


def test_a_run_writes_policy_logs_evaluations_and_checkpoints(trained, compiled):
    assert (trained / "policy.zip").is_file()
    assert any((trained / "tb").rglob("events.out.tfevents.*"))
    rows = (trained / "eval.csv").read_text().splitlines()
    assert rows[0].startswith("steps,audience_score,ci_low,ci_high")
    assert [int(r.split(",")[0]) for r in rows[1:]] == [128, 256]
    checkpoints = sorted((trained / "checkpoints").glob("ckpt-*.zip"))
    assert [p.name for p in checkpoints] == ["ckpt-000000000128.zip", "ckpt-000000000256.zip"]
    with zipfile.ZipFile(checkpoints[-1]) as archive:
        meta = json.loads(archive.read("meta.json"))
    assert meta["steps"] == 256 and meta["story"]["fingerprint"] == compiled.fingerprint
    assert meta["config"]["algo"] == "maskable-ppo" and "torch" in meta["versions"]
    record = json.loads((trained / "config.json").read_text())
    assert record["story"]["fingerprint"] == compiled.fingerprint
    from sb3_contrib import MaskablePPO

    assert MaskablePPO.load(trained / "policy.zip").num_timesteps == 256  # a plain SB3 archive


def test_the_same_seed_gives_the_same_policy_and_resuming_is_exact(tmp_path, trained):
    again = tmp_path / "again"
    train(tiny(again))
    assert same_params(trained / "policy.zip", again / "policy.zip")
    # stopping at 128 steps and resuming to 256 gives the uninterrupted run's policy
    half = tmp_path / "half"
    train(tiny(half, steps=128))
    result = train(tiny(half), resume=True)
    assert result.resumed_from == 128 and result.steps == 256
    assert same_params(trained / "policy.zip", half / "policy.zip")
    assert (half / "eval.csv").read_text().count("\n") == 3  # header, 128, 256
    assert train(tiny(half), resume=True).steps == 256  # a finished run: nothing more to do
    assert same_params(trained / "policy.zip", half / "policy.zip")


@pytest.mark.parametrize("algo", ["ppo", "dqn"])
def test_ppo_and_dqn_resume_exactly(tmp_path, algo):
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    changes = dict(algo=algo, steps=256, checkpoint_every=128, buffer_size=2000)
    train(tiny(whole, **changes))
    train(tiny(parts, **dict(changes, steps=128)))
    train(tiny(parts, **changes), resume=True)
    assert same_params(whole / "policy.zip", parts / "policy.zip")


def _train_command(out: Path, steps: int) -> list[str]:
    return ["train", STORY, "--steps", str(steps), "--n-envs", "4", "--n-steps", "64",
            "--checkpoint-every", "256", "--eval-episodes", "1", "--out", str(out), "--quiet",
            "--no-tensorboard"]


def test_sigkill_loses_at_most_one_checkpoint_interval_and_resumes_exactly(tmp_path, capsys):
    out = tmp_path / "killed"
    command = [sys.executable, "-c", CHILD_CLI, *_train_command(out, 10**6)]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if len(list((out / "checkpoints").glob("ckpt-*.zip"))) >= 2:
                break
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    checkpoints = sorted((out / "checkpoints").glob("ckpt-*.zip"))
    assert len(checkpoints) >= 2, process.stderr.read().decode()[-2000:]
    steps = [int(p.stem.split("-")[1]) for p in checkpoints]
    assert steps[0] >= 256 and all(b - a == 256 for a, b in zip(steps, steps[1:]))
    last = steps[-1]
    assert main(_train_command(out, last + 256) + ["--resume"]) == 0
    assert f"resumed at {last:,}" in capsys.readouterr().out
    assert not list(out.rglob(f".*{TEMP_SUFFIX}"))  # the killed process's temporaries are gone
    whole = tmp_path / "whole"
    assert main(_train_command(whole, last + 256)) == 0
    assert same_params(out / "policy.zip", whole / "policy.zip")


# --- other kinds of runs -------------------------------------------------------------------------
def test_generated_runs_never_draw_held_out_stories_and_play_stories_that_fit(tmp_path):
    from agents.policies import load_policy
    from agents.training.envs import (HELD_OUT_START, GeneratedVecEnv, generated_story,
                                      held_out_seeds)

    env = GeneratedVecEnv(2, seed=0)
    drawn = []
    for world in env.envs:
        original = world._story
        world._story = lambda seed, f=original: (drawn.append(seed), f(seed))[1]
    env.reset()
    rng = np.random.default_rng(0)
    for _ in range(60):
        masks = env.action_masks()
        env.step(np.array([rng.choice(np.flatnonzero(m)) for m in masks]))
    assert len(drawn) > 2 and max(drawn) < HELD_OUT_START <= min(held_out_seeds(3))

    out = tmp_path / "generated"
    train(TrainConfig(**dict(TINY, story=None, generated=True, steps=128,
                             checkpoint_every=128, out=str(out))))
    loaded = load_policy(out / "policy.zip")
    assert loaded.meta["generated"] and loaded.meta["story"] is None
    held_out = generated_story(held_out_seeds(1)[0])
    from agents.training.evaluation import run_episode

    assert run_episode(held_out, loaded.bind(held_out), seed=1).length > 0
    assert run_episode(CompiledStory(load_story(STORY)),
                       loaded.bind(CompiledStory(load_story(STORY))), seed=1).length > 0
    with pytest.raises(ModelError, match="at most 6 characters"):
        loaded.bind(CompiledStory(load_story("the-salt-senate")))


def test_the_graph_extractor_reads_the_character_graph(tmp_path, compiled):
    import torch

    from agents.gnn import DramaGraphExtractor, graph_extractor_kwargs
    from agents.training.envs import ManagerVecEnv

    env = ManagerVecEnv(3, compiled, seed=0)
    obs = torch.as_tensor(env.reset())
    extractor = DramaGraphExtractor(env.observation_space,
                                    **graph_extractor_kwargs(compiled, env.padding))
    features = extractor(obs)
    assert features.shape == (3, 256) and torch.isfinite(features).all()
    features.sum().backward()
    assert extractor.message[0][0].weight.grad.abs().sum() > 0  # messages were passed
    # a relation between two characters changes the features (edges matter)
    from agents.training.envs import split_manager_observation

    changed = obs.clone()
    split_manager_observation(changed, env.padding)["relations"][:, 0, 1, 0] = -1.0
    assert not torch.allclose(extractor(changed), extractor(obs))
    out = tmp_path / "gnn"
    train(tiny(out, policy="gnn", steps=128))
    assert json.loads(zipfile.ZipFile(out / "policy.zip").read("drama-policy.json"))[
        "policy"] == "gnn"
    assert main(["run", STORY, "--agent", str(out / "policy.zip"), "--steps", "3",
                 "--format", "json"]) == 0


def test_multi_agent_self_play_trains_a_shared_character_policy(tmp_path, capsys):
    from agents.policies import make_agent
    from agents.training.multiagent import HEURISTIC, LIVE, OpponentPool, SelfPlayVecEnv

    out = tmp_path / "characters"
    config = tiny(out, multi_agent=True, steps=256, checkpoint_every=128)
    assert config.pool_interval == 128
    train(config)
    meta = json.loads(zipfile.ZipFile(out / "policy.zip").read("drama-policy.json"))
    assert meta["kind"] == "characters"
    with zipfile.ZipFile(sorted((out / "checkpoints").glob("*.zip"))[-1]) as archive:
        pool = OpponentPool(8)
        pool.load_bytes(archive.read("pool.pt"))
    assert len(pool.snapshots) == 2  # a snapshot every 128 steps: earlier selves as opponents
    rng = np.random.default_rng(0)
    assert {OpponentPool(8).sample(rng) for _ in range(50)} == {LIVE, HEURISTIC}
    assert set(pool.sample(rng) for _ in range(200)) == {LIVE, 0, 1}
    env = SelfPlayVecEnv(1, CompiledStory(load_story(STORY)), 0.5, 0, 8)
    assert env.observation_space.shape == env.envs[0].observation_space.shape
    agent = make_agent(str(out / "policy.zip"))
    assert main(["run", STORY, "--agent", str(out / "policy.zip"), "--format", "json"]) == 0
    script = json.loads(capsys.readouterr().out)
    assert script["events"] and agent.loaded.kind == "characters"
    assert main(["evaluate", STORY, "--policy", "heuristic", "--policy", str(out / "policy.zip"),
                 "--episodes", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)  # characters are compared in turns
    assert [p["protocol"] for p in report["policies"]] == ["turns", "turns"]


# --- policies everywhere, and their errors -------------------------------------------------------
def test_drama_run_plays_a_policy_file_reproducibly(trained, capsys):
    policy = str(trained / "policy.zip")
    assert main(["run", STORY, "--agent", policy, "--seed", "4", "--format", "json"]) == 0
    first = capsys.readouterr().out
    assert main(["run", STORY, "--agent", policy, "--seed", "4", "--format", "json"]) == 0
    assert capsys.readouterr().out == first and json.loads(first)["events"]


def test_a_policy_is_the_explorers_prior(trained, compiled):
    from agents.policies import make_agent
    from narrative_models.explore import explore

    from drama_env import DramaState

    prior = make_agent(str(trained), compiled)  # a run folder stands for its policy.zip
    scores = prior.scores(DramaState.initial(compiled, 3), 0)
    assert scores.shape == (int(compiled.actor_ranges[1] - compiled.actor_ranges[0]),)
    assert np.isfinite(scores).any() and np.isneginf(scores).any()  # illegal actions: -inf
    tree = explore(compiled, seed=3, depth=3, width=2, prior=prior)
    assert len(tree.best()) > 1


def test_drama_explore_takes_a_policy_as_prior(trained, tmp_path, capsys):
    out = tmp_path / "tree.json"
    assert main(["explore", STORY, "--prior", str(trained / "policy.zip"), "--depth", "3",
                 "--width", "2", "--quiet", "-o", str(out)]) == 0
    tree = json.loads(out.read_text())
    heuristic = tmp_path / "heuristic.json"
    assert main(["explore", STORY, "--depth", "3", "--width", "2", "--quiet",
                 "-o", str(heuristic)]) == 0
    assert tree["nodes"] != json.loads(heuristic.read_text())["nodes"]  # the prior matters
    capsys.readouterr()
    assert main(["explore", "the-prize-marrow", "--prior", str(trained), "--quiet"]) == 2
    assert "trained for story 'the-orchard-letter'" in capsys.readouterr().err
    assert main(["explore", STORY, "--prior", "random", "--quiet"]) == 2
    assert "does not score actions" in capsys.readouterr().err


def test_a_policy_plays_the_characters_of_the_terminal_app(trained):
    from agents.policies import PolicyAgent
    from theater.tui.session import AUDIENCE, Session

    session = Session.open(STORY, role=AUDIENCE, agent=str(trained), seed=2)
    assert isinstance(session.agent, PolicyAgent) and not session.notices
    for _ in range(6):
        session.advance()
    assert session.beat.depth >= 3
    other = Session.open("the-prize-marrow", role=AUDIENCE, agent=str(trained))
    assert other.agent_name == "heuristic"
    assert "trained for story 'the-orchard-letter'" in other.notices[0]


def test_wrong_story_and_corrupt_files_are_clear_errors_that_overwrite_nothing(trained, tmp_path,
                                                                                 capsys):
    from agents.policies import make_agent

    policy = trained / "policy.zip"
    before = policy.read_bytes()
    with pytest.raises(ModelError, match="not 'the-salt-senate' .9 characters"):
        make_agent(str(policy), CompiledStory(load_story("the-salt-senate")))
    assert main(["run", "the-prize-marrow", "--agent", str(policy)]) == 2
    assert "trained for story 'the-orchard-letter'" in capsys.readouterr().err
    broken = tmp_path / "broken.zip"
    for damage in (b"not a zip", before[: len(before) // 2]):
        broken.write_bytes(damage)
        with pytest.raises(ModelError, match="corrupt policy file"):
            make_agent(str(broken))
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("data", "{}")
    with pytest.raises(ModelError, match="not a drama policy"):
        make_agent(str(plain))
    with pytest.raises(ModelError, match="no such policy file"):
        make_agent(str(tmp_path / "missing.zip"))
    with pytest.raises(UsageError, match="unknown agent"):
        make_agent("genius")
    assert policy.read_bytes() == before
    # a run folder is never trained over, nor resumed with other settings
    stamp = {p: p.stat().st_mtime_ns for p in trained.rglob("*") if p.is_file()}
    with pytest.raises(UsageError, match="already holds a training run"):
        train(tiny(trained))
    with pytest.raises(UsageError, match="algo 'maskable-ppo' .now 'ppo'"):
        train(tiny(trained, algo="ppo"), resume=True)
    assert main(["train", "the-prize-marrow", "--out", str(trained), "--resume", "--quiet",
                 "--n-envs", "4", "--n-steps", "32"]) == 2
    assert {p: p.stat().st_mtime_ns for p in trained.rglob("*") if p.is_file()} == stamp


# --- evaluation ----------------------------------------------------------------------------------
def test_evaluate_compares_policies_in_a_table_json_and_plot(trained, tmp_path, capsys):
    png = tmp_path / "eval.png"
    policy = str(trained / "policy.zip")
    args = ["evaluate", STORY, "--policy", "random", "--policy", "heuristic", "--policy",
            "explorer", "--policy", policy, "--episodes", "3", "--seed", "2"]
    assert main(args + ["--json", "--plot", str(png)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"audience_score", "endings", "episode_length", "policies"}
    low, high = report["audience_score"]["ci95"]
    assert low <= report["audience_score"]["mean"] <= high
    names = [p["policy"] for p in report["policies"]]
    assert names == ["random", "heuristic", "explorer", policy]
    explorer = report["policies"][2]
    assert explorer["available"] is False or explorer["protocol"] == "turns"
    for p in report["policies"]:
        if p["available"]:
            assert sum(p["endings"].values()) == 3 and 0 <= p["audience_score"]["mean"] <= 1
            assert {"arc_fit", "episode_length"} <= set(p)
    assert png.read_bytes().startswith(b"\x89PNG")
    baselines = args[:6] + ["--episodes", "3", "--seed", "2"]
    assert main(baselines + ["--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["policies"] == report["policies"][:2]  # same seed, same worlds
    assert main(baselines + ["--plot", str(png)]) == 2  # never over an existing file
    assert "already exists" in capsys.readouterr().err
    assert main(baselines) == 0
    assert "audience score" in capsys.readouterr().out


def test_score_shaping_pays_the_episode_score_and_the_interval_is_a_t_interval(compiled):
    from agents.heuristic import HeuristicAgent
    from agents.training.evaluation import mean_ci95, run_episode
    from agents.training.metrics import ScoreShaping, audience_score, climax_beats

    episode = run_episode(compiled, HeuristicAgent(), seed=5)
    shaping = ScoreShaping(1, climax_beats(compiled))
    paid = 0.0
    for k, r in enumerate(episode.rewards):
        done = np.array([k == len(episode.rewards) - 1])
        paid += float(shaping.step(np.array([r]), np.array([True]), done)[0])
    assert paid == pytest.approx(audience_score(episode), abs=1e-5)
    assert float(shaping.step(np.array([0.5]), np.array([False]), np.array([False]))[0]) < 0
    mean, low, high = mean_ci95([1.0, 2.0, 3.0])
    assert mean == 2.0 and high - mean == pytest.approx(4.303 * 1.0 / 3**0.5, rel=1e-3)
