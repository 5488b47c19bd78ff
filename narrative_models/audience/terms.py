"""The audience score's terms, their weights, and the score object every front door returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

import numpy as np

__all__ = ["AudienceScore", "AudienceWeights", "PLAY_TERMS", "TERMS"]

#: The terms of the breakdown, in the order of every weight and feature vector.
TERMS: tuple[str, ...] = ("arc_fit", "suspense", "surprise", "conflict", "reversal",
                          "emotion_intensity", "emotion_variety", "coherence", "closure")

#: The terms that a play's text supports (suspense, surprise and closure need the simulator).
PLAY_TERMS: tuple[str, ...] = ("arc_fit", "conflict", "reversal", "emotion_intensity",
                               "emotion_variety", "coherence")


@dataclass(frozen=True)
class AudienceWeights:
    """Weight of each term in the analytic score (``docs/audience.md`` explains the choice).

    The score is ``Σ w_k · term_k / Σ w_k`` over the terms that apply, so the weights need not
    sum to 1 and a drama whose text supports fewer terms is still scored on [0, 1].
    """

    arc_fit: float = 0.15
    suspense: float = 0.15
    surprise: float = 0.10
    conflict: float = 0.10
    reversal: float = 0.10
    emotion_intensity: float = 0.05
    emotion_variety: float = 0.05
    coherence: float = 0.20
    closure: float = 0.10

    def __post_init__(self) -> None:
        values = self.vector()
        if not np.all(np.isfinite(values)) or values.min() < 0 or values.sum() <= 0:
            raise ValueError(f"audience weights must be finite, non-negative and not all zero: "
                             f"{asdict(self)}")

    @classmethod
    def from_options(cls, options: AudienceWeights | dict | None) -> AudienceWeights:
        if options is None:
            return cls()
        if isinstance(options, cls):
            return options
        if isinstance(options, dict):
            unknown = set(options) - set(TERMS)
            if unknown:
                raise ValueError(f"unknown audience term(s) {sorted(unknown)}; use {list(TERMS)}")
            return cls(**{k: float(v) for k, v in options.items()})
        raise TypeError("weights must be AudienceWeights, a dict of term weights or None")

    @classmethod
    def from_vector(cls, values) -> AudienceWeights:
        return cls(**{name: float(v) for name, v in zip(TERMS, values)})

    def vector(self) -> np.ndarray:
        """The weights in :data:`TERMS` order."""
        return np.array([getattr(self, name) for name in TERMS], dtype=np.float64)

    def to_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class AudienceScore:
    """A branch's (or a play's) audience score: ``value`` in [0, 1] and the ``breakdown``.

    ``breakdown`` holds the terms that apply, each in [0, 1]; ``weights`` those used (learned
    ones when a preference model was given); ``notes`` says where the emotions came from, how a
    script was replayed, and so on. Unpacks as ``value, breakdown = score``.
    """

    value: float
    breakdown: dict[str, float]
    weights: dict[str, float]
    kind: str = "simulated"
    notes: dict = field(default_factory=dict)

    def __iter__(self):
        yield self.value
        yield self.breakdown

    def features(self, fill: float = 0.5) -> np.ndarray:
        """The breakdown as a vector in :data:`TERMS` order (``fill`` where a term is absent)."""
        return np.array([self.breakdown.get(name, fill) for name in TERMS], dtype=np.float64)

    def to_dict(self) -> dict:
        return {"score": round(self.value, 6), "kind": self.kind,
                "breakdown": {k: round(v, 6) for k, v in self.breakdown.items()},
                "weights": {k: round(v, 6) for k, v in self.weights.items()},
                "notes": self.notes}


def weighted_score(terms: dict[str, float], weights: np.ndarray) -> float:
    """``Σ w_k t_k / Σ w_k`` over the terms present, clipped to [0, 1] (0 with none)."""
    total = 0.0
    norm = 0.0
    for k, name in enumerate(TERMS):
        value = terms.get(name)
        if value is not None:
            total += weights[k] * value
            norm += weights[k]
    if norm <= 0:
        return 0.0
    return min(1.0, max(0.0, total / norm))
