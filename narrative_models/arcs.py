"""Emotional arcs: per scene, what the emotion model reads in the lines; the smoothed arc; its shape.

Description
-----------
For every scene (a DraCor segment of a play, or a run of beats at one place in a simulated
drama) the emotion model scores each line; the scene gets the **mean valence, mean arousal and
emotion mix** (mean probability of each of the seven labels) of its lines. Scenes are placed on
*narrative time*: the share of the drama's lines spoken before the scene's middle, so a long
scene takes more of the arc than a short one.

The **smoothed arc** is a Gaussian kernel average (Nadaraya–Watson) of the scenes' mean valence
over narrative time, each scene weighted by its number of lines, sampled at ``points`` evenly
spaced times (default 50; ``bandwidth`` 0.1 of the drama).

The arc's **shape** is the one of Reagan et al.'s six (2016, "The emotional arcs of stories are
dominated by six basic shapes") whose template correlates best (Pearson) with the smoothed
valence arc. The templates, on ``t`` in [0, 1]:

=================  ======================  =======================
shape              course of fortune       template
=================  ======================  =======================
``rags_to_riches`` rise                    ``t``
``tragedy``        fall                    ``-t``
``man_in_a_hole``  fall, then rise         ``cos(2πt)``
``icarus``         rise, then fall         ``-cos(2πt)``
``cinderella``     rise, fall, rise        ``-cos(3πt)``
``oedipus``        fall, rise, fall        ``cos(3πt)``
=================  ======================  =======================

A flat arc (no variance) has no shape (``None``).

The emotion reader is anything with ``predict(texts) -> list[EmotionScore]``: the emotion model
(:class:`narrative_models.emotion.EmotionModel`), the word-level fallback
(:class:`narrative_models.audience.lexicon.LexiconEmotion`), or a cached wrapper of either
(:func:`narrative_models.audience.emotions.load_reader`, the default).

Example::

    from stories.plays import load_play
    from narrative_models.arcs import emotional_arc

    arc = emotional_arc(load_play("macbeth.csv"))
    arc.shape, arc.correlations["tragedy"]
    [round(s.valence, 2) for s in arc.scenes]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from narrative_models.emotion.labels import LABELS

__all__ = ["SHAPES", "SHAPE_TITLES", "EmotionalArc", "SceneEmotion", "classify_arc",
           "emotional_arc", "narrative_time", "read_emotions", "scene_emotions",
           "shape_template", "smooth", "play_scene_texts"]

#: Reagan et al.'s six shapes, in the order of their paper's figure.
SHAPES: tuple[str, ...] = ("rags_to_riches", "tragedy", "man_in_a_hole", "icarus",
                           "cinderella", "oedipus")
SHAPE_TITLES = {"rags_to_riches": "Rags to riches", "tragedy": "Tragedy (riches to rags)",
                "man_in_a_hole": "Man in a hole", "icarus": "Icarus",
                "cinderella": "Cinderella", "oedipus": "Oedipus"}

DEFAULT_POINTS = 50
DEFAULT_BANDWIDTH = 0.1


def shape_template(shape: str, t: np.ndarray | int = DEFAULT_POINTS) -> np.ndarray:
    """The template of ``shape`` at times ``t`` (an array in [0, 1], or a number of points)."""
    t = np.linspace(0.0, 1.0, t) if isinstance(t, (int, np.integer)) else np.asarray(t, float)
    if shape == "rags_to_riches":
        return t.copy()
    if shape == "tragedy":
        return -t
    if shape == "man_in_a_hole":
        return np.cos(2 * np.pi * t)
    if shape == "icarus":
        return -np.cos(2 * np.pi * t)
    if shape == "cinderella":
        return -np.cos(3 * np.pi * t)
    if shape == "oedipus":
        return np.cos(3 * np.pi * t)
    raise ValueError(f"unknown shape {shape!r}; use one of {', '.join(SHAPES)}")


def classify_arc(values: Sequence[float], t: Sequence[float] | None = None
                 ) -> tuple[str | None, dict[str, float]]:
    """The best-correlated shape of an arc and the correlation with every template.

    ``values`` are the arc at times ``t`` (default: evenly spaced on [0, 1]). A flat arc gives
    ``(None, {shape: 0.0, ...})``.
    """
    y = np.asarray(values, dtype=float)
    t = np.linspace(0.0, 1.0, len(y)) if t is None else np.asarray(t, dtype=float)
    if len(y) < 3 or float(np.std(y)) < 1e-9:
        return None, {shape: 0.0 for shape in SHAPES}
    correlations = {shape: float(np.corrcoef(y, shape_template(shape, t))[0, 1])
                    for shape in SHAPES}
    best = max(SHAPES, key=lambda shape: correlations[shape])
    return best, correlations


def narrative_time(lengths: Sequence[float]) -> np.ndarray:
    """The midpoint of each scene on [0, 1], scenes taking time in proportion to ``lengths``."""
    n = np.maximum(np.asarray(lengths, dtype=float), 0.0)
    total = n.sum()
    if total <= 0:
        return np.linspace(0.0, 1.0, len(n)) if len(n) > 1 else np.full(len(n), 0.5)
    return (np.cumsum(n) - n / 2) / total


def smooth(positions: Sequence[float], values: Sequence[float], weights: Sequence[float] | None = None,
           points: int = DEFAULT_POINTS, bandwidth: float = DEFAULT_BANDWIDTH
           ) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian-kernel average of ``values`` placed at ``positions`` (weighted), sampled at
    ``points`` evenly spaced times on [0, 1]. Returns ``(times, arc)``."""
    x = np.asarray(positions, dtype=float)
    y = np.asarray(values, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    t = np.linspace(0.0, 1.0, points)
    if len(x) == 0:
        return t, np.zeros(points)
    kernel = np.exp(-0.5 * ((t[:, None] - x[None, :]) / max(bandwidth, 1e-6)) ** 2) * w[None, :]
    total = kernel.sum(axis=1)
    arc = np.where(total > 1e-12, (kernel @ y) / np.maximum(total, 1e-12), float(np.average(y, weights=w)
                                                                                  if w.sum() > 0 else 0.0))
    return t, arc


@dataclass(frozen=True)
class SceneEmotion:
    """What the emotion reader finds in one scene: means over its lines."""

    index: int
    title: str | None
    lines: int
    valence: float
    arousal: float
    mix: dict[str, float] = field(hash=False)
    position: float = 0.0

    @property
    def label(self) -> str:
        """The label with the largest mean probability."""
        return max(self.mix, key=self.mix.get) if self.mix else "neutral"

    def to_dict(self) -> dict:
        return {"index": self.index, "title": self.title, "lines": self.lines,
                "position": round(self.position, 4), "valence": round(self.valence, 4),
                "arousal": round(self.arousal, 4), "label": self.label,
                "mix": {k: round(v, 4) for k, v in self.mix.items()}}


@dataclass(frozen=True)
class EmotionalArc:
    """Per-scene emotions, the smoothed valence and arousal arcs, and the arc's shape."""

    scenes: tuple[SceneEmotion, ...]
    times: np.ndarray = field(repr=False, hash=False)
    valence: np.ndarray = field(repr=False, hash=False)
    arousal: np.ndarray = field(repr=False, hash=False)
    shape: str | None = None
    correlations: dict[str, float] = field(default_factory=dict, hash=False)
    reader: str = ""

    @property
    def mix(self) -> dict[str, float]:
        """The emotion mix of the whole drama (scene mixes weighted by their lines)."""
        total = sum(s.lines for s in self.scenes)
        if not total:
            return {label: 0.0 for label in LABELS}
        return {label: sum(s.mix.get(label, 0.0) * s.lines for s in self.scenes) / total
                for label in LABELS}

    def to_dict(self) -> dict:
        """JSON-ready: ``shape``, ``shape_title``, ``correlations``, ``reader``, ``mix``,
        ``scenes`` (per-scene means) and the smoothed ``arc`` (``t``, ``valence``, ``arousal``)."""
        return {
            "shape": self.shape,
            "shape_title": SHAPE_TITLES.get(self.shape) if self.shape else None,
            "correlations": {k: round(v, 4) for k, v in self.correlations.items()},
            "reader": self.reader,
            "mix": {k: round(v, 4) for k, v in self.mix.items()},
            "scenes": [s.to_dict() for s in self.scenes],
            "arc": {"t": [round(float(x), 4) for x in self.times],
                    "valence": [round(float(x), 4) for x in self.valence],
                    "arousal": [round(float(x), 4) for x in self.arousal]},
        }


def read_emotions(reader, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities (N, 7) in ``LABELS`` order and valence/arousal (N, 2) of ``texts``.

    Uses the reader's ``predict_arrays`` when it has one (the cached reader, the lexicon),
    else ``predict``.
    """
    texts = list(texts)
    if not texts:
        return np.zeros((0, len(LABELS))), np.zeros((0, 2))
    arrays = getattr(reader, "predict_arrays", None)
    if arrays is not None:
        probs, va = arrays(texts)
        return np.asarray(probs, dtype=float), np.asarray(va, dtype=float)
    scores = reader.predict(texts)
    probs = np.array([[s.probs.get(label, 0.0) for label in LABELS] for s in scores], dtype=float)
    va = np.array([[s.valence, s.arousal] for s in scores], dtype=float)
    return probs, va


def play_scene_texts(play) -> list[list[str]]:
    """The speech texts of each scene of a :class:`~stories.plays.Play`, in order."""
    return [[speech.text for speech in scene.speeches if speech.text.strip()]
            for scene in play.scenes]


def scene_emotions(scenes: Sequence[Sequence[str]], reader,
                   titles: Sequence[str | None] | None = None) -> list[SceneEmotion]:
    """Mean valence, arousal and emotion mix of each scene's lines (one batch for all lines)."""
    flat = [text for lines in scenes for text in lines]
    probs, va = read_emotions(reader, flat)
    positions = narrative_time([len(lines) for lines in scenes])
    out: list[SceneEmotion] = []
    start = 0
    for k, lines in enumerate(scenes):
        stop = start + len(lines)
        if stop > start:
            mix = dict(zip(LABELS, probs[start:stop].mean(axis=0).tolist()))
            valence, arousal = (float(x) for x in va[start:stop].mean(axis=0))
        else:
            mix = {label: (1.0 if label == "neutral" else 0.0) for label in LABELS}
            valence = arousal = 0.0
        out.append(SceneEmotion(k, titles[k] if titles else None, len(lines), valence, arousal,
                                mix, float(positions[k])))
        start = stop
    return out


def emotional_arc(source, reader=None, points: int = DEFAULT_POINTS,
                  bandwidth: float = DEFAULT_BANDWIDTH) -> EmotionalArc:
    """The emotional arc of a :class:`~stories.plays.Play` or of a list of scenes' lines.

    ``reader`` defaults to :func:`narrative_models.audience.emotions.load_reader` (the emotion
    model when its weights are installed, else the word-level fallback).
    """
    if reader is None:
        from narrative_models.audience.emotions import load_reader

        reader = load_reader()
    if hasattr(source, "scenes"):
        scenes = play_scene_texts(source)
        titles = [scene.title for scene in source.scenes]
    else:
        scenes = [list(lines) for lines in source]
        titles = None
    per_scene = scene_emotions(scenes, reader, titles)
    return arc_of(per_scene, reader_name(reader), points, bandwidth)


def arc_of(per_scene: Sequence[SceneEmotion], reader: str = "", points: int = DEFAULT_POINTS,
           bandwidth: float = DEFAULT_BANDWIDTH) -> EmotionalArc:
    """Smooth and classify already-scored scenes (e.g. in another order)."""
    positions = narrative_time([s.lines for s in per_scene])
    weights = [max(s.lines, 0) for s in per_scene]
    if sum(weights) == 0:
        weights = [1.0] * len(per_scene)
    t, valence = smooth(positions, [s.valence for s in per_scene], weights, points, bandwidth)
    _, arousal = smooth(positions, [s.arousal for s in per_scene], weights, points, bandwidth)
    shape, correlations = classify_arc(valence, t)
    return EmotionalArc(tuple(per_scene), t, valence, arousal, shape, correlations, reader)


def reader_name(reader) -> str:
    """A short name of an emotion reader, for reports."""
    name = getattr(reader, "name", None)
    if isinstance(name, str):
        return name
    return type(reader).__name__
