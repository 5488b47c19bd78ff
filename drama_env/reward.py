"""The audience-arc reward of one beat: a replaceable component of the environments.

``AudienceArcReward`` scores the beat just played from the state after it::

    r = w_arc       · (1 − 2·|tension − target|)      follow the target tension arc
      + w_conflict  · conflict                         open conflict shown by the beat (0..1)
      + w_reversal  · reversal                         largest change of anyone's goal satisfaction
      − w_repeat    · [same action in the last 8 beats]
      − w_stall     · [the beat changed almost nothing (relations, knowledge, places, objects)]
      + w_ending    · [an ending was reached] · min(1, progress / climax)

``tension`` is the state's tension after the beat and ``target`` the story's target arc at that
step; ``climax`` is where the target arc peaks, so endings before the climax earn less. A learned
audience model plugs in as a ``gymnasium.RewardWrapper`` instead of replacing this class.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from drama_env import layout as lay
from drama_env._jit import njit

STALL_THRESHOLD = 0.02


@dataclass(frozen=True)
class AudienceArcReward:
    """Weights of the per-beat audience reward (see the module docstring)."""

    arc: float = 1.0
    conflict: float = 0.3
    reversal: float = 1.0
    repeat: float = 0.5
    stall: float = 0.3
    ending: float = 2.0

    @classmethod
    def from_options(cls, options: "AudienceArcReward | dict | None") -> "AudienceArcReward":
        if options is None:
            return cls()
        if isinstance(options, cls):
            return options
        if isinstance(options, dict):
            unknown = set(options) - set(asdict(cls()))
            if unknown:
                raise ValueError(f"unknown reward weight(s) {sorted(unknown)}; "
                                 f"use {sorted(asdict(cls()))}")
            return cls(**options)
        raise TypeError("reward must be an AudienceArcReward, a dict of weights or None")

    def terms(self, compiled, floats: np.ndarray, ints: np.ndarray) -> dict[str, float]:
        """The unweighted terms for the beat that led to this state."""
        out = np.zeros(len(TERMS))
        beat_terms(floats, ints, compiled.tables_f, compiled.layout, compiled.climax, out)
        return dict(zip(TERMS, out.tolist()))

    @property
    def weights(self) -> np.ndarray:
        """The weights as an array (arc, conflict, reversal, repeat, stall, ending)."""
        return np.array([self.arc, self.conflict, self.reversal, self.repeat, self.stall,
                         self.ending], dtype=np.float64)

    def __call__(self, compiled, floats: np.ndarray, ints: np.ndarray) -> float:
        out = np.zeros(len(TERMS))
        return float(beat_reward(floats, ints, compiled.tables_f, compiled.layout, self.weights,
                                 compiled.climax, out))


TERMS = ("arc", "conflict", "reversal", "repeat", "stall", "ending")


@njit
def beat_terms(f, i, tf, L, climax, out):
    """The unweighted terms of the last beat, in ``TERMS`` order, into ``out`` (6,)."""
    step = i[L[lay.I_SCAL] + lay.SI_STEP]
    length = L[lay.D_LEN]
    t = min(step, length)
    scal = L[lay.F_SCAL]
    last = i[L[lay.I_RECENT]]
    repeated = 0.0
    if last >= 0:
        for k in range(L[lay.I_RECENT] + 1, L[lay.I_RECENT + 1]):
            if i[k] == last:
                repeated = 1.0
    ending = 0.0
    if i[L[lay.I_SCAL] + lay.SI_ENDING] >= 0:
        ending = min(1.0, (step / length) / climax)
    out[0] = 1.0 - 2.0 * abs(f[L[lay.F_TENSION] + t] - tf[L[lay.TF_ARC] + t])
    out[1] = f[scal + lay.SF_BEAT_CONFLICT]
    out[2] = f[scal + lay.SF_REVERSAL]
    out[3] = repeated
    out[4] = 1.0 if f[scal + lay.SF_CHANGE] < STALL_THRESHOLD else 0.0
    out[5] = ending


@njit
def beat_reward(f, i, tf, L, w, climax, out):
    """The weighted sum of the terms (also left in ``out``)."""
    beat_terms(f, i, tf, L, climax, out)
    return (w[0] * out[0] + w[1] * out[1] + w[2] * out[2] - w[3] * out[3] - w[4] * out[4]
            + w[5] * out[5])
