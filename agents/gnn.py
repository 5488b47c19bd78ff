"""A graph policy: message passing over the character graph, as an SB3 features extractor.

:class:`DramaGraphExtractor` reads the drama manager's flat observation
(:func:`agents.training.envs.flat_manager_space`) as a graph, in plain torch:

- **nodes** — the characters (``C``, padded slots masked out). Node features: OCC emotions
  (12), PAD mood (3), secrets known and lies believed (2·S), place (P, one-hot), departed /
  dead (2), objects held (O) and — when the story's goal owners are given — the mean
  satisfaction of the character's own goals and whether it has any (2); plus a learned
  embedding of the node's slot (the cast position, which the action enumeration is keyed on).
- **edges** — every ordered pair of characters in the story (departed and dead included):
  affection, trust and respect of the receiver toward the sender and back (3 + 3) and their
  typed bonds (11), 17 features.
- **messages** — ``rounds`` rounds of ``m_ij = φ([h_i, h_j, e_ij])``, mean over the senders
  ``j``, ``h_i ← h_i + ψ([h_i, mean_j m_ij])``.
- **readout** — the node states in slot order (so the action head can address a character),
  their masked mean and max, and an MLP of the drama-level entries (tension so far, target
  arc, progress, every goal's satisfaction), through a linear layer to ``features_dim``.

Shapes in comments: ``B`` batch, ``C`` characters, ``H`` hidden size.

Use it with ``--policy gnn`` or::

    MaskablePPO("MlpPolicy", env, policy_kwargs={
        "features_extractor_class": DramaGraphExtractor,
        "features_extractor_kwargs": graph_extractor_kwargs(compiled_or_None, padding)})
"""

from __future__ import annotations

from dataclasses import asdict

import torch
from gymnasium import spaces
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
from torch import nn

from drama_env.observation import Padding

N_EMOTIONS = 12
N_BONDS = 11
EDGE_FEATURES = 3 + 3 + N_BONDS


def graph_extractor_kwargs(compiled, padding: Padding, hidden: int = 64, rounds: int = 2,
                           features_dim: int = 256) -> dict:
    """``features_extractor_kwargs`` for a story (``compiled``: goal owners become node
    features) or for padded generated stories (``compiled=None``: goals stay drama-level)."""
    goal_owner = None
    if compiled is not None:
        goal_owner = [int(owner) for owner, _ in compiled.goals]
    return {"padding": asdict(padding), "goal_owner": goal_owner, "hidden": hidden,
            "rounds": rounds, "features_dim": features_dim}


def _mlp(n_in: int, n_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, n_out), nn.ReLU(), nn.Linear(n_out, n_out), nn.ReLU())


class DramaGraphExtractor(BaseFeaturesExtractor):
    """Message passing over the characters (see the module docstring)."""

    def __init__(self, observation_space: spaces.Box, padding: dict,
                 goal_owner: list[int] | None = None, hidden: int = 64, rounds: int = 2,
                 features_dim: int = 256) -> None:
        super().__init__(observation_space, features_dim)
        p = Padding(**padding)
        self.padding = p
        C, S, P, O, G, T = (p.characters, p.secrets, p.places, p.objects, p.goals,
                            p.length + 1)
        from drama_env.observation import ManagerObservation

        obs = ManagerObservation(p)
        if obs.size != observation_space.shape[0]:
            raise ValueError(f"observation of size {observation_space.shape[0]} does not match "
                             f"the padding {p} (size {obs.size})")
        self._slices = {key: (int(obs.offsets[k]), int(obs.offsets[k + 1]), tuple(shape))
                        for k, (key, shape, _, _) in enumerate(obs.keys)}
        own = torch.zeros(C, G)
        if goal_owner:
            for g, owner in enumerate(goal_owner):
                own[owner, g] = 1.0
        self.register_buffer("goal_owner", own)                       # (C, G)
        self.has_owners = bool(goal_owner)
        node_in = N_EMOTIONS + 3 + 2 * S + P + 2 + O + 2
        self.node_in = nn.Linear(node_in, hidden)
        self.slot = nn.Parameter(torch.randn(C, hidden) * 0.1)         # (C, H)
        self.message = nn.ModuleList(_mlp(2 * hidden + EDGE_FEATURES, hidden)
                                     for _ in range(rounds))
        self.update = nn.ModuleList(_mlp(2 * hidden, hidden) for _ in range(rounds))
        self.drama = _mlp(2 * T + 1 + G, hidden)
        self.out = nn.Sequential(nn.Linear(C * hidden + 3 * hidden, features_dim), nn.ReLU())
        self.C = C

    def _entry(self, flat: torch.Tensor, key: str) -> torch.Tensor:
        start, stop, shape = self._slices[key]
        return flat[:, start:stop].reshape((flat.shape[0],) + shape)

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        x = observations.float()
        B, C = x.shape[0], self.C
        rel = self._entry(x, "relations")                               # (B, C, C, 3)
        bonds = self._entry(x, "bonds")                                 # (B, C, C, 11)
        locations = self._entry(x, "locations")                         # (B, C, P)
        status = self._entry(x, "status")                               # (B, C, 2)
        goals = self._entry(x, "goals")                                 # (B, G)
        exists = (locations.sum(-1) + status.sum(-1)) > 0               # (B, C) not padding
        if self.has_owners:
            count = self.goal_owner.sum(-1)                             # (C,)
            own = (goals[:, None, :] * self.goal_owner).sum(-1) / count.clamp(min=1.0)
            goal_features = torch.stack([own, (count > 0).float().expand(B, C)], -1)
        else:
            goal_features = x.new_zeros(B, C, 2)
        nodes = torch.cat([self._entry(x, "emotions"), self._entry(x, "mood"),
                           self._entry(x, "knows"), self._entry(x, "believes_lie"),
                           locations, status, self._entry(x, "owners").transpose(1, 2),
                           goal_features], -1)                          # (B, C, F)
        node_mask = exists.float()[..., None]                           # (B, C, 1)
        h = (torch.relu(self.node_in(nodes)) + self.slot) * node_mask   # (B, C, H)
        edges = torch.cat([rel, bonds, rel.transpose(1, 2)], -1)        # (B, C, C, 17): i←j
        eye = torch.eye(C, dtype=torch.bool, device=x.device)
        edge_mask = (exists[:, :, None] & exists[:, None, :] & ~eye).float()[..., None]
        senders = edge_mask.sum(2).clamp(min=1.0)                       # (B, C, 1)
        for message, update in zip(self.message, self.update):
            hi = h[:, :, None, :].expand(B, C, C, h.shape[-1])          # receiver
            hj = h[:, None, :, :].expand(B, C, C, h.shape[-1])          # sender
            m = message(torch.cat([hi, hj, edges], -1)) * edge_mask     # (B, C, C, H)
            h = (h + update(torch.cat([h, m.sum(2) / senders], -1))) * node_mask
        mean = h.sum(1) / node_mask.sum(1).clamp(min=1.0)               # (B, H)
        peak = h.masked_fill(node_mask == 0, -1e4).max(1).values        # (B, H)
        drama = self.drama(torch.cat([self._entry(x, "tension"), self._entry(x, "target_arc"),
                                      self._entry(x, "progress"), goals], -1))  # (B, H)
        return self.out(torch.cat([h.reshape(B, -1), mean, peak, drama], -1))
