"""Branch scorers: how good a branch of the drama is for an audience, in ``[0, 1]``.

The explorer scores every node it creates with a :class:`BranchScorer`. Scoring is
incremental — a branch is scored beat by beat from a small *summary* — so that one beat costs
about a microsecond and a search can score thousands of nodes a second:

- ``start(state)`` gives the summary of the empty branch at ``state`` (the opening);
- ``extend(summary, event, state)`` the summary after one more beat (``state`` is the state
  just after ``event``); summaries are values — ``extend`` never changes its argument, because
  a summary is shared by every child of a node;
- ``score(summary)`` the branch's score in ``[0, 1]``, higher is better.

:class:`AudienceArcScorer` is the analytic scorer, built on the per-beat
:class:`drama_env.reward.AudienceArcReward` terms. A learned audience model replaces it by
implementing the same three methods (its summary may hold, say, a recurrent state).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, NamedTuple, Protocol, runtime_checkable

import numpy as np

from drama_env.event import Event
from drama_env.reward import TERMS, AudienceArcReward, beat_terms
from drama_env.state import DramaState

ARC, CONFLICT, REVERSAL, REPEAT, STALL, ENDING = range(len(TERMS))


@runtime_checkable
class BranchScorer(Protocol):
    """Scores a branch incrementally; see the module docstring."""

    name: str

    def start(self, state: DramaState) -> Any:
        ...

    def extend(self, summary: Any, event: Event, state: DramaState) -> Any:
        ...

    def score(self, summary: Any) -> float:
        ...


class ArcSummary(NamedTuple):
    """What :class:`AudienceArcScorer` keeps of a branch: sums over its beats."""

    beats: int = 0
    reward: float = 0.0     # sum of the per-beat rewards mapped to [0, 1]
    fit: float = 0.0        # sum of 1 − |tension − target| after each beat
    conflict: float = 0.0   # sum of the beats' open conflict
    closure: float = 0.0    # the ending term of the last beat (0 without an ending)


@dataclass(frozen=True)
class AudienceArcScorer:
    """The audience-arc score of a branch of ``n`` beats::

        score = w_reward   · mean_t (r_t − r_min) / (r_max − r_min)   per-beat reward in [0, 1]
              + w_fit      · mean_t (1 − |tension_t − target_t|)      fit to the target arc
              + w_conflict · mean_t conflict_t                        open conflict shown
              + w_closure  · closure                                  an ending was reached

    ``r_t`` is :class:`AudienceArcReward`'s weighted reward of beat ``t`` and ``r_min``,
    ``r_max`` its least and greatest possible values under those weights; ``closure`` is the
    reward's ending term of the last beat (``min(1, progress / climax)`` when it reached an
    ending, else 0). The four weights sum to 1, so the score lies in ``[0, 1]``; the empty
    branch scores 0.
    """

    reward: AudienceArcReward = field(default_factory=AudienceArcReward)
    w_reward: float = 0.4
    w_fit: float = 0.3
    w_conflict: float = 0.15
    w_closure: float = 0.15
    name: str = "audience-arc"

    def __post_init__(self) -> None:
        weights = (self.w_reward, self.w_fit, self.w_conflict, self.w_closure)
        if min(weights) < 0 or abs(sum(weights) - 1.0) > 1e-9:
            raise ValueError(f"scorer weights must be non-negative and sum to 1, not {weights}")
        w = self.reward
        if min(w.arc, w.conflict, w.reversal, w.repeat, w.stall, w.ending) < 0:
            raise ValueError("the audience reward weights must be non-negative")
        low = -w.arc - w.repeat - w.stall
        high = w.arc + w.conflict + w.reversal + w.ending
        object.__setattr__(self, "_weights", tuple(float(x) for x in w.weights))
        object.__setattr__(self, "_low", low)
        object.__setattr__(self, "_span", max(high - low, 1e-12))
        object.__setattr__(self, "_terms", np.zeros(len(TERMS)))

    def start(self, state: DramaState) -> ArcSummary:
        return ArcSummary()

    def extend(self, summary: ArcSummary, event: Event, state: DramaState) -> ArcSummary:
        c = state.compiled
        t = self._terms
        beat_terms(state.floats, state.ints, c.tables_f, c.layout, c.climax, t)
        arc, conflict, reversal, repeat, stall, ending = t.tolist()
        w = self._weights
        r = (w[0] * arc + w[1] * conflict + w[2] * reversal - w[3] * repeat - w[4] * stall
             + w[5] * ending)
        return ArcSummary(summary.beats + 1,
                          summary.reward + (r - self._low) / self._span,
                          summary.fit + 0.5 * (arc + 1.0),
                          summary.conflict + conflict,
                          ending)

    def score(self, summary: ArcSummary) -> float:
        n = summary.beats
        if n == 0:
            return 0.0
        value = (self.w_reward * summary.reward + self.w_fit * summary.fit
                 + self.w_conflict * summary.conflict) / n + self.w_closure * summary.closure
        return min(1.0, max(0.0, value))


def score_branch(scorer: BranchScorer, start: DramaState, events: Iterable[Event],
                 states: Iterable[DramaState]) -> float:
    """Score a played branch: ``events`` from ``start``, each with the state just after it
    (e.g. ``agents.play.play(..., keep_states=True)``'s ``events`` and ``states``)."""
    summary = scorer.start(start)
    for event, state in zip(events, states, strict=True):
        summary = scorer.extend(summary, event, state)
    return scorer.score(summary)


__all__ = ["ArcSummary", "AudienceArcScorer", "BranchScorer", "score_branch"]
