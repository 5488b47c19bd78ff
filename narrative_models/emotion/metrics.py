"""Scores used in training (model selection on dev) and evaluation. numpy only."""

from __future__ import annotations

import numpy as np


def f1_per_class(gold: np.ndarray, pred: np.ndarray, n_classes: int) -> np.ndarray:
    """F1 of each class (0 where a class is neither predicted nor present)."""
    gold = np.asarray(gold)
    pred = np.asarray(pred)
    scores = np.zeros(n_classes)
    for c in range(n_classes):
        tp = np.sum((pred == c) & (gold == c))
        fp = np.sum((pred == c) & (gold != c))
        fn = np.sum((pred != c) & (gold == c))
        denominator = 2 * tp + fp + fn
        scores[c] = 2 * tp / denominator if denominator else 0.0
    return scores


def macro_f1(gold: np.ndarray, pred: np.ndarray, n_classes: int) -> float:
    return float(f1_per_class(gold, pred, n_classes).mean())


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if len(x) < 2 or x.std() == 0 or y.std() == 0:
        return 0.0
    return float(np.corrcoef(x, y)[0, 1])
