"""SB3 actor-critic policies with a lean categorical action distribution for large action sets.

The drama manager chooses among hundreds of beats (379 in *The Orchard Letter*, 1,075 in *The
Seventieth*). SB3's :class:`~stable_baselines3.common.distributions.CategoricalDistribution`
wraps ``torch.distributions.Categorical``, which normalises the logits on construction, again
(via ``probs``) for the entropy, and samples through ``torch.multinomial`` — costs that grow with
the action count and, profiled on PPO's rollouts and updates, take about a sixth of the training
time on the drama env. The distributions here compute the same quantities once from a
log-softmax and sample by inverting the cumulative distribution with one uniform number per
row (an exact draw; ``torch.multinomial`` and the Gumbel-max trick both cost more here, as they
draw or scan more random numbers). The policies are SB3's ``MlpPolicy`` / MaskablePPO's
``MlpPolicy`` with that distribution swapped in and Adam run by its fused CPU kernel where torch
has one (``fused=True``: the same update, one pass instead of ~10 small ops per parameter
tensor): the same network, optimiser and loss. Their rollout ``forward`` calls the layers'
``forward`` directly — the same operations, without ``nn.Module.__call__``'s hook handling,
which cost a quarter of a rollout step's policy time (hooks registered on these modules are
not run there).

``drama train`` uses them for ``--algo ppo`` and ``maskable-ppo``; with
``policy=FastMlpPolicy`` they work with any SB3 ``PPO`` / ``A2C`` (or ``MaskablePPO`` with
:class:`FastMaskableMlpPolicy`).
"""

from __future__ import annotations

import functools

import torch
from sb3_contrib.common.maskable.distributions import MaskableCategoricalDistribution
from sb3_contrib.common.maskable.policies import MaskableActorCriticPolicy
from stable_baselines3.common.distributions import CategoricalDistribution
from stable_baselines3.common.policies import ActorCriticPolicy
from stable_baselines3.common.preprocessing import preprocess_obs
from torch import nn

__all__ = ["FastCategoricalDistribution", "FastMaskableCategoricalDistribution", "FastMaskableMlpPolicy",
           "FastMlpPolicy"]

_MASKED = -1e8  # the logit of a masked action, as in sb3-contrib


def _inverse_cdf(p: torch.Tensor) -> torch.Tensor:
    """One exact draw per row of probabilities: the first action whose cumulative probability
    exceeds a uniform (one random number per row; zero-probability actions are never drawn)."""
    cdf = p.cumsum(-1)
    u = torch.rand(cdf.shape[:-1] + (1,), dtype=cdf.dtype) * cdf[..., -1:]
    return torch.searchsorted(cdf, u, right=True).squeeze(-1).clamp_(max=cdf.shape[-1] - 1)


class _FromLogProbabilities:
    """What both distributions compute from ``log_p`` (the log-softmax of the logits) and ``p``
    (the probabilities), each computed on first use: sb3-contrib builds the distribution and
    then masks it, and only the masked one is ever read."""

    def _set(self, logits: torch.Tensor, masked: bool = False) -> None:
        self._logits_in, self._masked = logits, masked
        self._log_p = self._p = None

    @property
    def log_p(self) -> torch.Tensor:
        if self._log_p is None:
            self._log_p = torch.log_softmax(self._logits_in, -1)
        return self._log_p

    @property
    def p(self) -> torch.Tensor:
        if self._p is None:
            # exp(log_p) is 3x cheaper than a softmax, but 15x dearer where masked logits sit at -1e8
            self._p = torch.softmax(self._logits_in, -1) if self._masked else self.log_p.exp()
        return self._p

    @property
    def distribution(self) -> torch.distributions.Categorical:
        """A ``torch.distributions.Categorical`` view, for code that asks for one."""
        return torch.distributions.Categorical(logits=self.log_p)

    def log_prob(self, actions: torch.Tensor) -> torch.Tensor:
        return self.log_p.gather(-1, actions.long().unsqueeze(-1)).squeeze(-1)

    def sample(self) -> torch.Tensor:
        return _inverse_cdf(self.p)

    def mode(self) -> torch.Tensor:
        return self.log_p.argmax(-1)


class FastCategoricalDistribution(_FromLogProbabilities, CategoricalDistribution):
    """SB3's categorical distribution, computed from one log-softmax."""

    def proba_distribution(self, action_logits: torch.Tensor) -> FastCategoricalDistribution:
        self._set(action_logits)
        return self

    def entropy(self) -> torch.Tensor:
        return -(self.p * self.log_p).sum(-1)


class FastMaskableCategoricalDistribution(_FromLogProbabilities, MaskableCategoricalDistribution):
    """sb3-contrib's masked categorical distribution, computed from one log-softmax."""

    def proba_distribution(self, action_logits: torch.Tensor, masks=None) -> FastMaskableCategoricalDistribution:
        """The distribution of ``action_logits``, masked at once when ``masks`` is given."""
        self.logits = action_logits.view(-1, self.action_dim)
        self.apply_masking(masks)
        return self

    def apply_masking(self, masks) -> None:
        if masks is None:
            self.masks = None
            self._set(self.logits)
            return
        self.masks = torch.as_tensor(masks, dtype=torch.bool, device=self.logits.device).reshape(self.logits.shape)
        self._set(torch.where(self.masks, self.logits, _MASKED), masked=True)

    def entropy(self) -> torch.Tensor:
        p_log_p = self.p * self.log_p
        if self.masks is not None:  # masked actions carry no uncertainty
            p_log_p = torch.where(self.masks, p_log_p, 0.0)
        return -p_log_p.sum(-1)


@functools.cache
def _fused_adam_on_cpu() -> bool:
    try:  # torch >= 2.4 has a fused CPU kernel for Adam
        torch.optim.Adam([torch.zeros(1, requires_grad=True)], fused=True)
        return True
    except (RuntimeError, TypeError, ValueError):
        return False


def _lean_build(policy, distribution_type, lean_type) -> None:
    """Swap in the lean distribution and, unless the caller chose, the fused Adam kernel."""
    if type(policy.action_dist) is distribution_type:
        policy.action_dist = lean_type(policy.action_dist.action_dim)
    chosen = {"fused", "foreach"} & set(policy.optimizer_kwargs)
    if policy.optimizer_class is torch.optim.Adam and not chosen and _fused_adam_on_cpu():
        policy.optimizer_kwargs = {**policy.optimizer_kwargs, "fused": True}


def _direct(module: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``module(x)`` through ``forward`` (a ``Sequential`` layer by layer), skipping
    ``nn.Module.__call__``'s hook machinery: about 5 µs a module, and a rollout step calls ~16."""
    if isinstance(module, nn.Sequential):
        for layer in module:
            x = _direct(layer, x)
        return x
    return module.forward(x)


def _lean_heads(policy, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The action logits and the values of ``obs``: SB3's ``forward`` up to the distribution."""
    features = _direct(policy.features_extractor,
                       preprocess_obs(obs, policy.observation_space, normalize_images=policy.normalize_images))
    latent_pi = _direct(policy.mlp_extractor.policy_net, features)
    latent_vf = _direct(policy.mlp_extractor.value_net, features)
    return _direct(policy.action_net, latent_pi), _direct(policy.value_net, latent_vf)


def _lean_ready(policy, lean_type) -> bool:
    return policy.share_features_extractor and isinstance(policy.action_dist, lean_type)


def _lean_forward(policy, obs: torch.Tensor, deterministic: bool, *masks):
    """SB3's rollout ``forward`` (actions, values, log-probabilities) through :func:`_direct`;
    ``masks`` (the maskable policy's ``action_masks``) are applied as the distribution is built."""
    logits, values = _lean_heads(policy, obs)
    distribution = policy.action_dist.proba_distribution(logits, *masks)
    actions = distribution.get_actions(deterministic=deterministic)
    return actions.reshape((-1, *policy.action_space.shape)), values, distribution.log_prob(actions)


class FastMlpPolicy(ActorCriticPolicy):
    """SB3's ``MlpPolicy`` with :class:`FastCategoricalDistribution` for ``Discrete`` actions,
    Adam's fused kernel (the same update in one pass over all parameters) and a rollout
    ``forward`` that calls the layers directly (module hooks are not run)."""

    def _build(self, lr_schedule) -> None:
        _lean_build(self, CategoricalDistribution, FastCategoricalDistribution)
        super()._build(lr_schedule)

    def forward(self, obs: torch.Tensor, deterministic: bool = False):
        if not _lean_ready(self, FastCategoricalDistribution):
            return super().forward(obs, deterministic)
        return _lean_forward(self, obs, deterministic)


class FastMaskableMlpPolicy(MaskableActorCriticPolicy):
    """MaskablePPO's ``MlpPolicy`` with :class:`FastMaskableCategoricalDistribution`, Adam's
    fused kernel and the direct rollout ``forward``."""

    def _build(self, lr_schedule) -> None:
        _lean_build(self, MaskableCategoricalDistribution, FastMaskableCategoricalDistribution)
        super()._build(lr_schedule)

    def forward(self, obs: torch.Tensor, deterministic: bool = False, action_masks=None):
        if not _lean_ready(self, FastMaskableCategoricalDistribution):
            return super().forward(obs, deterministic, action_masks)
        return _lean_forward(self, obs, deterministic, action_masks)
