"""The audience score of one episode, in ``[0, 1]``: the one definition that ``drama
evaluate``, the training runs' ``eval.csv`` and the acceptance protocol all use.

Until the learned audience model (:mod:`narrative_models.audience`) is adopted, the score is
the **arc-reward fallback**: the per-beat :class:`drama_env.reward.AudienceArcReward` (the
training reward, default weights) mapped linearly from its least to its greatest possible
value onto ``[0, 1]``, averaged over the beats played — but over no fewer than the story's
climax beat ``n_c`` (where its target arc peaks), so that a drama ended before its climax counts
its missing beats as 0::

    score = Σ_t m(r_t) / max(n, n_c),   m(r) = (r − r_min) / (r_max − r_min)
    r_min = −(w_arc + w_repeat + w_stall),   r_max = w_arc + w_conflict + w_reversal + w_ending
    n_c   = max(1, round(climax · length))

Why not the plain mean over the beats played: a policy trained on it (MaskablePPO, 60 000
steps on the orchard letter) learned to end the drama at its first beat — one good beat and
an ending scored 0.49, above every full drama of the random policy (0.43), the heuristic
(0.43) and the explorer (0.48). Why not the sum: it pays for dragging a drama out to its last
beat and never ending it (the same run trained on the summed reward did exactly that).

The **arc fit**, ``mean_t (1 − |tension_t − target_t|)``, is reported beside it (not mixed in).

To adopt the audience model, change the one line in :func:`audience_score` (the episode's
``playthrough`` keeps every state, which the model scores exactly)::

    return float(score_simulated(episode.playthrough).value)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from drama_env.reward import AudienceArcReward

if TYPE_CHECKING:
    from agents.training.evaluation import Episode

SCORE_NAME = "audience score (arc-reward fallback)"


def audience_score(episode: "Episode") -> float:
    """The audience score of ``episode`` in ``[0, 1]`` (see the module docstring)."""
    return arc_reward_score(episode.rewards, climax_beats(episode.playthrough.compiled))


def climax_beats(compiled) -> int:
    """``n_c``: the beat at which the story's target arc peaks (at least 1)."""
    return max(1, int(round(compiled.climax * compiled.length)))


def reward_bounds(reward: AudienceArcReward | None = None) -> tuple[float, float]:
    """Least and greatest per-beat reward under ``reward``'s weights."""
    w = reward or AudienceArcReward()
    return -(w.arc + w.repeat + w.stall), w.arc + w.conflict + w.reversal + w.ending


def arc_reward_score(rewards, min_beats: int = 1,
                     reward: AudienceArcReward | None = None) -> float:
    """Per-beat rewards mapped to ``[0, 1]``, summed and divided by ``max(n, min_beats)``."""
    rewards = np.asarray(rewards, np.float64)
    if rewards.size == 0:
        return 0.0
    low, high = reward_bounds(reward)
    mapped = np.clip((rewards - low) / (high - low), 0.0, 1.0)
    return float(mapped.sum() / max(rewards.size, min_beats))


def arc_fit(fit) -> float:
    """Mean of ``1 − |tension − target|`` over the beats (0 for no beat)."""
    fit = np.asarray(fit, np.float64)
    return float(fit.mean()) if fit.size else 0.0


class ScoreShaping:
    """Per-step rewards whose sum over an episode is the episode's fallback audience score.

    With ``objective="score"`` the training envs pay the change of the score after each beat,
    ``S_t − S_{t−1}`` with ``S_t = Σ_{k≤t} m(r_k) / max(t, n_c)`` and ``S_0 = 0`` — a dense
    reward that telescopes to the final score — and ``−illegal`` for an illegal action (no
    beat is played). Before the climax beat each beat earns ``m(r_t) / n_c``; after it, a beat
    pays only if it raises the mean. Vectorised over ``n`` worlds; ``rewards`` are the env's
    per-beat rewards under the default :class:`AudienceArcReward` weights, ``min_beats`` each
    world's ``n_c`` (:func:`climax_beats`). (Adopting the audience model in
    :func:`audience_score` means scoring the branch here too, through its incremental
    ``start / extend / score`` protocol.)
    """

    def __init__(self, n: int, min_beats, illegal: float = 0.1) -> None:
        self.low, self.high = reward_bounds()
        self.illegal = illegal
        self.min_beats = np.broadcast_to(np.asarray(min_beats, np.int64), (n,)).copy()
        self.beats = np.zeros(n, np.int64)
        self.total = np.zeros(n, np.float64)

    def _score(self) -> np.ndarray:
        return self.total / np.maximum(self.beats, self.min_beats)

    def step(self, rewards: np.ndarray, legal: np.ndarray, dones: np.ndarray,
             next_min_beats=None) -> np.ndarray:
        """Shaped rewards for one step of every world (``legal``: whether a beat was played;
        ``next_min_beats``: ``n_c`` of the stories the worlds that ended reset to)."""
        before = self._score()
        mapped = np.clip((np.asarray(rewards, np.float64) - self.low) / (self.high - self.low),
                         0.0, 1.0)
        self.beats += legal
        self.total += np.where(legal, mapped, 0.0)
        out = np.where(legal, self._score() - before, -self.illegal)
        self.beats[dones] = 0
        self.total[dones] = 0.0
        if next_min_beats is not None:
            self.min_beats[:] = next_min_beats
        return out.astype(np.float32)
