"""The environments pass their ecosystems' own checks and train with the usual libraries."""

from __future__ import annotations

import warnings

import gymnasium as gym
import numpy as np
import pytest
import torch
from gymnasium.utils.env_checker import check_env as gym_check_env
from pettingzoo.test import (api_test, max_cycles_test, parallel_api_test, parallel_seed_test,
                             seed_test)
from stable_baselines3.common.env_checker import check_env as sb3_check_env

import drama_env  # noqa: F401  (registers the envs)
from drama_env import characters_v0
from drama_env.envs.drama_manager import DramaManagerEnv
from drama_env.batched import SMALL_BATCH
from drama_env.vector import SEED_BLOCK, DramaVectorEnv
from stories import shipped_story_names

torch.set_num_threads(1)
STORIES = shipped_story_names()


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


@pytest.mark.parametrize("story", STORIES)
def test_gymnasium_and_sb3_checkers(story):
    env = gym.make("drama_env/DramaManager-v0", story=story)
    gym_check_env(env.unwrapped)
    sb3_check_env(DramaManagerEnv(story))


@pytest.mark.parametrize("story", STORIES)
def test_pettingzoo_suites(story):
    api_test(characters_v0.env(story=story), num_cycles=100)
    parallel_api_test(characters_v0.parallel_env(story=story), num_cycles=100)
    seed_test(lambda **kw: characters_v0.env(story=story, **kw), num_cycles=30)
    parallel_seed_test(lambda **kw: characters_v0.parallel_env(story=story, **kw), num_cycles=30)


class SeededCharacters:
    """``characters_v0`` with its worlds and action spaces seeded: PettingZoo's
    ``max_cycles_test`` samples unseeded random actions, and a random cast that departs
    early would fail its "most agents still alive" check by chance."""

    @staticmethod
    def _seeded(env):
        env.reset(seed=0)
        for k, agent in enumerate(env.possible_agents):
            env.action_space(agent).seed(k)
        return env

    @classmethod
    def env(cls, **kwargs):
        return cls._seeded(characters_v0.env(**kwargs))

    @classmethod
    def parallel_env(cls, **kwargs):
        return cls._seeded(characters_v0.parallel_env(**kwargs))


def test_max_cycles():
    max_cycles_test(SeededCharacters)


def rollout(env, seed: int, steps: int = 120) -> list:
    obs, info = env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    trace = []
    for _ in range(steps):
        action = int(rng.choice(np.flatnonzero(info["action_mask"])))
        obs, reward, terminated, truncated, info = env.step(action)
        trace.append((action, reward, terminated, truncated,
                      {k: v.copy() for k, v in obs.items()}))
        if terminated or truncated:
            obs, info = env.reset()
    return trace


def test_same_seed_same_rollout_step_by_step():
    a = rollout(gym.make("drama_env/DramaManager-v0"), seed=3)
    b = rollout(gym.make("drama_env/DramaManager-v0"), seed=3)
    for x, y in zip(a, b):
        assert x[:4] == y[:4]
        assert all(np.array_equal(x[4][k], y[4][k]) for k in x[4])
    c = rollout(gym.make("drama_env/DramaManager-v0"), seed=4)
    assert [x[:2] for x in a] != [x[:2] for x in c]


def test_masks_and_illegal_actions():
    env = DramaManagerEnv("the-orchard-letter")
    obs, info = env.reset(seed=0)
    assert np.array_equal(env.action_masks(), info["action_mask"])
    illegal = int(np.flatnonzero(~info["action_mask"])[0])
    _, reward, terminated, truncated, info = env.step(illegal)
    assert reward == -1.0 and info["illegal_action"] and not terminated
    assert env.state.step == 0


def test_reward_terms_are_documented_and_weighted():
    env = DramaManagerEnv("the-orchard-letter", reward={"arc": 0.0, "conflict": 0.0,
                                                        "reversal": 0.0, "repeat": 0.0,
                                                        "stall": 0.0, "ending": 1.0})
    obs, info = env.reset(seed=0)
    rng = np.random.default_rng(0)
    total = []
    while True:
        obs, reward, terminated, truncated, info = env.step(int(rng.choice(np.flatnonzero(info["action_mask"]))))
        total.append(reward)
        assert set(info["reward_terms"]) == {"arc", "conflict", "reversal", "repeat", "stall", "ending"}
        if terminated or truncated:
            break
    assert all(r == 0.0 for r in total[:-1])
    assert (total[-1] > 0) == terminated
    with pytest.raises(ValueError, match="unknown reward weight"):
        DramaManagerEnv(reward={"drama": 1.0})


def test_render_ansi_shows_script_text():
    env = DramaManagerEnv("the-orchard-letter", render_mode="ansi")
    obs, info = env.reset(seed=1)
    env.step(int(np.flatnonzero(info["action_mask"])[0]))
    text = env.render()
    assert text.startswith("[1] ") and "\n" in text


def assert_vector_env_equals_single_envs(story, n: int, steps: int, mode: str, seed: int):
    """N single envs and a vector env of N worlds, fed the same actions (a few of them
    illegal), give exactly the same observations, rewards, end flags and masks: the vector
    env runs the batched rules (drama_env.batched), the single env the per-world ones."""
    venv = DramaVectorEnv(n, story, autoreset_mode=mode, max_steps=40)
    singles = [DramaManagerEnv(story, max_steps=40) for _ in range(n)]
    vobs, vinfo = venv.reset(seed=seed)
    outs = [env.reset(seed=seed + k) for k, env in enumerate(singles)]
    rng = np.random.default_rng(seed)
    pending = [False] * n
    for step in range(steps):
        for k, (obs, info) in enumerate(outs):
            assert np.array_equal(info["action_mask"], vinfo["action_mask"][k]), (step, k)
            assert all(np.array_equal(obs[key], vobs[key][k]) for key in obs), (step, k)
        actions = venv.random_legal_actions(rng)
        actions[rng.random(n) < 0.05] = rng.integers(0, venv.single_action_space.n)
        vobs, vrew, vterm, vtrunc, vinfo = venv.step(actions)
        outs = []
        for k, env in enumerate(singles):
            if pending[k]:  # next_step: this step resets the world
                obs, info = env.reset()
                reward, terminated, truncated, pending[k] = 0.0, False, False, False
            else:
                obs, reward, terminated, truncated, info = env.step(int(actions[k]))
                pending[k] = (terminated or truncated) and mode == "next_step"
            assert (reward, terminated, truncated) == (vrew[k], vterm[k], vtrunc[k]), (step, k)
            if (terminated or truncated) and mode == "same_step":
                final = vinfo["final_obs"][k]
                assert all(np.array_equal(obs[key], final[key]) for key in obs), (step, k)
                obs, info = env.reset()
            outs.append((obs, info))


@pytest.mark.parametrize("story", STORIES)
@pytest.mark.parametrize("mode", ["next_step", "same_step"])
def test_vector_env_equals_single_envs(story, mode):
    # 16 worlds: the batched rules (fewer than SMALL_BATCH go world by world)
    assert SMALL_BATCH <= 16
    assert_vector_env_equals_single_envs(story, n=16, steps=120, mode=mode, seed=10)


@pytest.mark.parametrize("mode", ["next_step", "same_step"])
def test_small_vector_env_equals_single_envs(mode):
    # fewer worlds than SMALL_BATCH: world by world, on Fortran-ordered arrays
    assert_vector_env_equals_single_envs("the-seventieth", n=5, steps=120, mode=mode, seed=4)


def test_vector_env_refuses_a_story_too_large_for_its_compact_facts(monkeypatch):
    from drama_env import batched
    from stories.errors import StoryError

    monkeypatch.setattr(batched, "FACT_LIMIT", 3)  # the orchard letter has 4 characters
    with pytest.raises(StoryError, match="too many characters or places for the vector env"):
        DramaVectorEnv(2, "the-orchard-letter")


@pytest.mark.parametrize("seed", range(8))
def test_vector_env_equals_single_envs_on_generated_stories(seed):
    mode = ["next_step", "same_step"][seed % 2]
    assert_vector_env_equals_single_envs(generated_story(seed), n=13, steps=80, mode=mode,
                                         seed=seed)


def test_vector_env_reset_seeds_match_single_envs_over_many_episodes():
    # one-beat episodes: every world resets every other step, past a block of drawn seeds
    n = 3
    venv = DramaVectorEnv(n, "the-salt-senate", max_steps=1)
    singles = [DramaManagerEnv("the-salt-senate", max_steps=1) for _ in range(n)]
    vobs, vinfo = venv.reset(seed=3)
    starts = [env.reset(seed=3 + k)[0] for k, env in enumerate(singles)]
    rng = np.random.default_rng(1)
    for _ in range(2 * SEED_BLOCK + 5):
        assert all(np.array_equal(start[key], vobs[key][k])
                   for k, start in enumerate(starts) for key in start)
        actions = venv.random_legal_actions(rng)
        vobs, _, _, vtrunc, vinfo = venv.step(actions)  # every world ends
        for k, env in enumerate(singles):
            _, _, _, truncated, _ = env.step(int(actions[k]))
            assert truncated and vtrunc[k]
        vobs, _, _, _, vinfo = venv.step(np.zeros(n, np.int64))  # the autoreset step
        starts = [env.reset()[0] for env in singles]


@pytest.mark.parametrize("mode", ["next_step", "same_step"])
def test_vector_env_threads_give_the_same_trajectories(mode):
    envs = [DramaVectorEnv(32, "the-seventieth", max_steps=12, autoreset_mode=mode, threads=t)
            for t in (False, True)]
    outs = [env.reset(seed=4) for env in envs]
    rngs = [np.random.default_rng(9), np.random.default_rng(9)]
    for _ in range(40):
        actions = [env.random_legal_actions(rng) for env, rng in zip(envs, rngs)]
        assert np.array_equal(actions[0], actions[1])
        outs = [env.step(a) for env, a in zip(envs, actions)]
        (obs, rew, term, trunc, info), (obs2, rew2, term2, trunc2, info2) = outs
        assert np.array_equal(rew, rew2) and np.array_equal(term, term2)
        assert np.array_equal(trunc, trunc2)
        assert np.array_equal(info["action_mask"], info2["action_mask"])
        assert all(np.array_equal(obs[key], obs2[key]) for key in obs)


@pytest.mark.parametrize("mode", ["next_step", "same_step"])
def test_vector_env_never_overwrites_returned_observations(mode):
    venv = DramaVectorEnv(8, "the-orchard-letter", max_steps=3, autoreset_mode=mode)
    obs, info = venv.reset(seed=0)
    rng = np.random.default_rng(0)
    kept = [(obs, {key: value.copy() for key, value in obs.items()})]
    for _ in range(10):
        obs, _, _, _, info = venv.step(venv.random_legal_actions(rng))
        kept.append((obs, {key: value.copy() for key, value in obs.items()}))
    for returned, copy in kept:
        assert all(np.array_equal(returned[key], copy[key]) for key in copy)


def test_random_legal_actions_are_legal_uniform_and_seeded():
    venv = DramaVectorEnv(16, "the-seventieth")
    _, info = venv.reset(seed=0)
    first = venv.random_legal_actions(np.random.default_rng(5))
    assert np.array_equal(first, venv.random_legal_actions(np.random.default_rng(5)))
    assert info["action_mask"][np.arange(16), first].all()
    legal = np.flatnonzero(info["action_mask"][0])
    draws = [venv.random_legal_actions(np.random.default_rng(s))[0] for s in range(4000)]
    counts = np.bincount(draws, minlength=venv.single_action_space.n)[legal]
    assert counts.min() > 0 and set(draws) <= set(legal.tolist())
    expected = 4000 / legal.size  # a chi-square test of uniformity at the 0.1 % level
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < legal.size - 1 + 3.1 * np.sqrt(2 * (legal.size - 1))


@pytest.mark.parametrize("story", STORIES)
def test_maskable_ppo_learns_2000_steps(story):
    from sb3_contrib import MaskablePPO

    env = gym.make("drama_env/DramaManager-v0", story=story)
    model = MaskablePPO("MultiInputPolicy", env, n_steps=500, batch_size=100, n_epochs=2,
                        seed=0, verbose=0)
    model.learn(2000)


def test_maskable_ppo_on_the_sb3_vector_adapter():
    from sb3_contrib import MaskablePPO

    from agents.sb3_vec import SB3DramaVecEnv

    env = SB3DramaVecEnv(8, "the-orchard-letter", seed=0)
    model = MaskablePPO("MultiInputPolicy", env, n_steps=64, batch_size=128, n_epochs=1, seed=0)
    model.learn(1024)


GENERATED_SEEDS = range(20)


def generated_story(seed: int):
    from stories.generator import generate_story
    from stories.schema import Story

    return Story.model_validate(generate_story(seed, cast=2 + seed % 5))


def test_checkers_on_20_generated_stories():
    for seed in GENERATED_SEEDS:
        story = generated_story(seed)
        gym_check_env(DramaManagerEnv(story))
        sb3_check_env(DramaManagerEnv(story))


def test_pettingzoo_on_20_generated_stories():
    for seed in GENERATED_SEEDS:
        story = generated_story(seed)
        api_test(characters_v0.env(story=story), num_cycles=40)
        parallel_api_test(characters_v0.parallel_env(story=story), num_cycles=40)
        seed_test(lambda **kw: characters_v0.env(story=story, **kw), num_cycles=10)
        parallel_seed_test(lambda **kw: characters_v0.parallel_env(story=story, **kw), num_cycles=10)


def test_generated_env_changes_story_each_reset_with_fixed_spaces():
    env = gym.make("drama_env/DramaGenerated-v0")
    gym_check_env(env.unwrapped)
    titles = set()
    for seed in range(6):
        obs, info = env.reset(seed=seed)
        assert env.observation_space.contains(obs)
        assert info["action_mask"].shape == (env.action_space.n,) and info["action_mask"].any()
        titles.add(env.unwrapped.compiled.story.id)
    assert len(titles) == 6
    first = env.reset(seed=3)[0]
    again = env.reset(seed=3)[0]
    assert all(np.array_equal(first[k], again[k]) for k in first)


def test_maskable_ppo_on_generated_stories():
    """2,000 steps over ~50 generated dramas (a new one each episode)."""
    from sb3_contrib import MaskablePPO

    env = gym.make("drama_env/DramaGenerated-v0")
    model = MaskablePPO("MultiInputPolicy", env, n_steps=500, batch_size=100, n_epochs=2, seed=0)
    model.learn(2000)


def test_aec_wrappers_keep_pettingzoo_checks():
    """The AEC env's fast wrappers keep PettingZoo's order and bounds checks, and read the
    same values as the raw env."""
    env = characters_v0.env(story="the-orchard-letter")
    with pytest.raises(AttributeError):
        env.agents  # noqa: B018  (before reset)
    env.reset(seed=3)
    raw = env.unwrapped
    assert env.agents == raw.agents and env.agent_selection == raw.agent_selection
    wrapped, plain = env.last(), raw.last()
    assert wrapped[1:] == plain[1:]
    assert all(np.array_equal(wrapped[0][k], plain[0][k]) for k in plain[0])
    agent = env.agent_selection
    with pytest.raises(AssertionError, match="not in action space"):
        env.step(env.action_space(agent).n)
    with pytest.raises(AssertionError, match="not in action space"):
        env.step(None)  # a live agent must act
    mask = env.last()[0]["action_mask"]
    env.step(np.int64(mask.nonzero()[0][0]))
    assert env.agent_selection != agent or not env.agents
