"""The lean categorical distributions give SB3's numbers, and sample from the right law."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sb3_contrib.common.maskable.distributions import MaskableCategoricalDistribution
from stable_baselines3.common.distributions import CategoricalDistribution

from agents.fast_policies import (
    FastCategoricalDistribution,
    FastMaskableCategoricalDistribution,
    FastMaskableMlpPolicy,
    FastMlpPolicy,
)


@pytest.fixture
def logits():
    return torch.randn(6, 9, generator=torch.Generator().manual_seed(0)) * 2


def test_log_prob_entropy_and_mode_match_sb3(logits):
    stock = CategoricalDistribution(9).proba_distribution(logits)
    fast = FastCategoricalDistribution(9).proba_distribution(logits)
    actions = torch.tensor([0, 3, 8, 1, 1, 5])
    assert torch.allclose(fast.log_prob(actions), stock.log_prob(actions), atol=1e-6)
    assert torch.allclose(fast.entropy(), stock.entropy(), atol=1e-6)
    assert torch.equal(fast.mode(), stock.mode())
    assert torch.allclose(fast.distribution.probs, stock.distribution.probs, atol=1e-6)


def test_masked_numbers_match_sb3_contrib(logits):
    masks = np.ones((6, 9), dtype=bool)
    masks[:, ::2] = False
    masks[0] = [i == 7 for i in range(9)]  # a single legal action
    stock = MaskableCategoricalDistribution(9).proba_distribution(logits)
    fast = FastMaskableCategoricalDistribution(9).proba_distribution(logits)
    stock.apply_masking(masks)
    fast.apply_masking(masks)
    actions = torch.tensor([7, 3, 1, 5, 7, 1])
    assert torch.allclose(fast.log_prob(actions), stock.log_prob(actions), atol=1e-5)
    assert torch.allclose(fast.entropy(), stock.entropy(), atol=1e-5)
    assert torch.equal(fast.mode(), stock.mode())
    draws = torch.stack([fast.sample() for _ in range(200)])
    assert bool(torch.as_tensor(masks)[torch.arange(6), draws].all()), "sampled a masked action"
    fast.apply_masking(None)
    stock.apply_masking(None)
    assert torch.allclose(fast.entropy(), stock.entropy(), atol=1e-5)


def test_samples_follow_the_probabilities():
    torch.manual_seed(0)
    probs = torch.tensor([0.5, 0.25, 0.15, 0.1])
    fast = FastCategoricalDistribution(4).proba_distribution(probs.log().expand(40_000, 4))
    counts = torch.bincount(fast.sample(), minlength=4).double() / 40_000
    assert torch.allclose(counts, probs.double(), atol=0.01), counts


def test_the_policies_train_with_sb3(tmp_path):
    from sb3_contrib import MaskablePPO
    from stable_baselines3 import PPO

    from agents.training.envs import ManagerVecEnv

    for cls, policy in ((PPO, FastMlpPolicy), (MaskablePPO, FastMaskableMlpPolicy)):
        env = ManagerVecEnv(2, "the-orchard-letter", seed=0)
        model = cls(policy, env, n_steps=32, batch_size=32, n_epochs=1, seed=0, device="cpu")
        assert type(model.policy.action_dist).__name__.startswith("Fast")
        assert model.policy.optimizer.param_groups[0]["fused"]  # Adam's fused CPU kernel
        model.learn(64)
        model.save(tmp_path / "m.zip")
        again = cls.load(tmp_path / "m.zip", device="cpu")
        obs = env.reset()
        kwargs = {"action_masks": env.action_masks()} if cls is MaskablePPO else {}
        a, _ = model.predict(obs, deterministic=True, **kwargs)
        b, _ = again.predict(obs, deterministic=True, **kwargs)
        assert np.array_equal(a, b)


def test_an_explicit_optimizer_choice_is_kept():
    from stable_baselines3 import PPO

    from agents.training.envs import ManagerVecEnv

    model = PPO(FastMlpPolicy, ManagerVecEnv(1, "the-orchard-letter", seed=0), n_steps=16, batch_size=16,
                policy_kwargs={"optimizer_kwargs": {"foreach": False}}, device="cpu")
    group = model.policy.optimizer.param_groups[0]
    assert not group["fused"] and group["foreach"] is False


def test_the_lean_forward_equals_sb3s():
    """Same actions, values and log-probabilities as SB3's forward, for the same random state."""
    from sb3_contrib import MaskablePPO
    from stable_baselines3 import PPO
    from sb3_contrib.common.maskable.policies import MaskableActorCriticPolicy
    from stable_baselines3.common.policies import ActorCriticPolicy

    from agents.training.envs import ManagerVecEnv

    env = ManagerVecEnv(4, "the-orchard-letter", seed=0)
    obs = torch.as_tensor(env.reset())
    masks = env.action_masks()
    for cls, policy, base in ((PPO, FastMlpPolicy, ActorCriticPolicy),
                              (MaskablePPO, FastMaskableMlpPolicy, MaskableActorCriticPolicy)):
        model = cls(policy, env, n_steps=16, batch_size=16, seed=0, device="cpu")
        extra = [{"action_masks": masks}, {}] if cls is MaskablePPO else [{}]
        for kwargs in extra:
            for deterministic in (False, True):
                torch.manual_seed(7)
                with torch.no_grad():
                    lean = model.policy(obs, deterministic, **kwargs)
                torch.manual_seed(7)
                with torch.no_grad():
                    stock = base.forward(model.policy, obs, deterministic, **kwargs)
                for a, b in zip(lean, stock):
                    assert torch.equal(a, b)
