"""Emotional arcs (narrative_models.arcs): smoothing, Reagan's six shapes, per-scene emotions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narrative_models.arcs import (SHAPES, arc_of, classify_arc, emotional_arc, narrative_time,
                                   scene_emotions, shape_template, smooth)
from narrative_models.emotion.labels import LABELS

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
MACBETH = DATA / "corpora" / "shakespeare_csv" / "macbeth.csv"
needs_data = pytest.mark.skipif(not MACBETH.is_file(), reason=f"shared data not found at {DATA}")


class KeywordReader:
    """A stand-in emotion reader: 'joy' lines are pleasant, 'grief' lines unpleasant."""

    name = "keywords"

    def predict_arrays(self, texts):
        probs = np.zeros((len(texts), len(LABELS)))
        va = np.zeros((len(texts), 2))
        for k, text in enumerate(texts):
            joy, grief = text.count("joy"), text.count("grief")
            va[k] = (np.tanh(joy - grief), 0.1 * (joy + grief))
            probs[k, LABELS.index("joy")] = joy
            probs[k, LABELS.index("sadness")] = grief
            probs[k, LABELS.index("neutral")] = 1.0
            probs[k] /= probs[k].sum()
        return probs, va


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", range(5))
def test_noisy_synthetic_arcs_are_classified(shape: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, 60)
    values = 0.4 * shape_template(shape, t) + 0.05 + rng.normal(0, 0.15, t.size)
    _, arc = smooth(t, values, points=50, bandwidth=0.08)
    best, correlations = classify_arc(arc)
    assert best == shape
    assert correlations[shape] == max(correlations.values()) > 0.8


@pytest.mark.parametrize("shape", SHAPES)
def test_scene_level_arcs_of_each_shape(shape: str) -> None:
    """Scenes whose lines carry a shape's course of fortune are read as that shape."""
    positions = (np.arange(24) + 0.5) / 24
    scenes = []
    for level in shape_template(shape, positions):
        words = int(round(3 * level))
        text = ("joy " * words if words > 0 else "grief " * -words) or "and so"
        scenes.append([text, text])
    arc = emotional_arc(scenes, KeywordReader())
    assert arc.shape == shape
    assert len(arc.scenes) == 24 and arc.reader == "keywords"
    data = arc.to_dict()
    assert data["shape"] == shape and len(data["arc"]["valence"]) == 50
    assert set(data["scenes"][0]["mix"]) == set(LABELS)


def test_templates_and_flat_arcs() -> None:
    t = np.linspace(0, 1, 7)
    assert shape_template("rags_to_riches", t)[-1] == 1 and shape_template("tragedy", t)[-1] == -1
    assert shape_template("man_in_a_hole", t)[3] == pytest.approx(-1)  # the bottom of the hole
    assert shape_template("icarus", t)[3] == pytest.approx(1)
    with pytest.raises(ValueError, match="unknown shape"):
        shape_template("comedy", 5)
    assert classify_arc([0.2] * 10) == (None, {shape: 0.0 for shape in SHAPES})


def test_smoothing_and_narrative_time() -> None:
    assert narrative_time([1, 1, 2]).tolist() == [0.125, 0.375, 0.75]
    assert narrative_time([0, 0]).tolist() == [0.0, 1.0]
    t, arc = smooth([0.2, 0.8], [1.0, 1.0], [1, 3])
    assert np.allclose(arc, 1.0) and t[0] == 0 and t[-1] == 1
    _, arc = smooth([0.1, 0.9], [-1.0, 1.0], points=11, bandwidth=0.05)
    assert arc[0] < -0.9 and arc[-1] > 0.9 and np.all(np.diff(arc) >= -1e-12)


def test_scene_emotions_weights_and_empty_scenes() -> None:
    scenes = scene_emotions([["joy joy"], [], ["grief", "grief", "joy"]], KeywordReader(),
                            ["one", "two", "three"])
    assert [s.lines for s in scenes] == [1, 0, 3]
    assert scenes[0].valence > 0 > scenes[2].valence
    assert scenes[1].mix["neutral"] == 1.0 and scenes[1].valence == 0.0
    assert scenes[0].label == "joy" and scenes[1].title == "two"
    arc = arc_of(list(reversed(scenes)))  # any order of already-read scenes
    assert len(arc.valence) == 50 and arc.mix["joy"] > 0


@needs_data
def test_macbeth_reads_as_a_tragedy_with_the_lexicon() -> None:
    from narrative_models.audience.emotions import load_reader
    from stories.plays import load_play

    arc = emotional_arc(load_play(MACBETH), load_reader("lexicon"))
    assert arc.shape == "tragedy" and arc.correlations["tragedy"] > 0.5
    assert len(arc.scenes) == 28 and arc.reader == "lexicon"
