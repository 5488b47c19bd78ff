"""The label scheme of the emotion model, and how each data set's labels map onto it.

Light module: no torch, no transformers. Everything that names a label lives here so that
the model, the training script, the evaluation script and the CLI agree on one order.
"""

from __future__ import annotations

#: Ekman's six basic emotions plus neutral, in the order of the classifier's outputs.
LABELS: tuple[str, ...] = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")

#: The six emotions shared by GoEmotions-Ekman and XED (Plutchik minus anticipation and trust).
EMOTIONS6: tuple[str, ...] = LABELS[:6]

#: XED's numeric Plutchik labels (README.upstream.md: "anger:1, anticipation:2, disgust:3,
#: fear:4, joy:5, sadness:6, surprise:7, trust:8"). Anticipation and trust have no Ekman
#: counterpart and are dropped; a line left with no label is skipped.
XED_LABELS: dict[int, str | None] = {
    1: "anger",
    2: None,  # anticipation
    3: "disgust",
    4: "fear",
    5: "joy",
    6: "sadness",
    7: "surprise",
    8: None,  # trust
}

#: EmoBank rates valence and arousal on a 1..5 scale; the model works on [-1, 1]:
#: ``scaled = (rating - VA_CENTER) / VA_HALF_RANGE`` (1 -> -1, 3 -> 0, 5 -> +1).
VA_CENTER = 3.0
VA_HALF_RANGE = 2.0


def va_to_unit(rating: float) -> float:
    """EmoBank's 1..5 rating -> the model's [-1, 1] scale."""
    return (rating - VA_CENTER) / VA_HALF_RANGE


def va_from_unit(value: float) -> float:
    """The model's [-1, 1] scale -> EmoBank's 1..5 rating."""
    return value * VA_HALF_RANGE + VA_CENTER
