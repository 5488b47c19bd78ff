"""The fast emotion reader distilled from the emotion model: shipped, accurate enough, fast,
and typed errors for bad folders."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

pytest.importorskip("torch")

from narrative_models.emotion import LABELS, EmotionModel  # noqa: E402
from narrative_models.emotion.student import DEFAULT_STUDENT, EmotionStudent  # noqa: E402
from stories.errors import ModelError  # noqa: E402

LINES = ["I am so happy for you, this is wonderful news!", "Get out of my house, you liar!",
         "I'm terrified of what he will do next.", "She died last night. I can't stop crying.",
         "Wait, what? You were there all along?", "The train leaves at nine.",
         "That is disgusting, how could anyone eat this?"]


@pytest.fixture(scope="module")
def student():
    return EmotionStudent.load()


def test_shipped_student_is_small_and_records_its_evaluation():
    sizes = sum(p.stat().st_size for p in DEFAULT_STUDENT.iterdir())
    assert sizes < 5_000_000
    config = json.loads((DEFAULT_STUDENT / "config.json").read_text())
    assert config["labels"] == list(LABELS)
    assert config["evaluation"]["goemotions_test_macro_f1"] >= 0.55
    assert config["evaluation"]["teacher_label_agreement"] >= 0.7


def test_same_interface_as_the_model(student):
    scores = student.predict(LINES)
    assert [s.label for s in scores][:5] == ["joy", "anger", "fear", "sadness", "surprise"]
    for s in scores:
        assert set(s.probs) == set(LABELS) and abs(sum(s.probs.values()) - 1) < 1e-5
        assert -1 <= s.valence <= 1 and -1 <= s.arousal <= 1
    probs, va = student.predict_arrays(LINES)
    assert probs.shape == (len(LINES), len(LABELS)) and va.shape == (len(LINES), 2)
    again, _ = student.predict_arrays(list(reversed(LINES)))
    assert np.allclose(again[::-1], probs, atol=1e-5)  # a line's score ignores its batch


def test_agrees_with_the_teacher_on_template_lines(student):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from distill_emotion import template_lines

    lines = template_lines(range(20000, 20008), episodes=1)[:150]
    teacher = EmotionModel.load().predict_arrays(lines)[0].argmax(1)
    mine = student.predict_arrays(lines)[0].argmax(1)
    assert (teacher == mine).mean() >= 0.7


def test_bad_folders_raise_model_errors(tmp_path):
    with pytest.raises(ModelError, match="no such student folder"):
        EmotionStudent.load(tmp_path / "nope")
    bad = tmp_path / "student"
    shutil.copytree(DEFAULT_STUDENT, bad)
    (bad / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ModelError, match="unreadable"):
        EmotionStudent.load(bad)
    shutil.copy(DEFAULT_STUDENT / "model.safetensors", bad / "model.safetensors")
    config = json.loads((bad / "config.json").read_text())
    config["format_version"] = 99
    (bad / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="format_version"):
        EmotionStudent.load(bad)
    (bad / "config.json").write_text("{")
    with pytest.raises(ModelError, match="config.json"):
        EmotionStudent.load(bad)


def test_readers_auto_prefers_the_student(monkeypatch):
    from narrative_models.audience.emotions import load_reader

    monkeypatch.delenv("DRAMA_EMOTION", raising=False)
    assert load_reader("auto", shared=False).name == "emotion-student"
    assert load_reader("fast", shared=False).name == "emotion-student"
    assert load_reader("model", shared=False).name == "emotion-model"
    monkeypatch.setenv("DRAMA_EMOTION", "model")
    assert load_reader("auto", shared=False).name == "emotion-model"
