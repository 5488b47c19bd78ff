"""Evaluation of the emotion model (used by ``scripts/eval_emotion.py``).

Protocols (docs/emotion-model.md explains them):

* **GoEmotions test** (Ekman-mapped): the headline macro-F1 is over the 7 classes on the test
  comments whose labels map to exactly one Ekman class (4,968 of 5,427), prediction = argmax.
  Also given: "all rows, lenient", where a multi-label comment counts as right when the argmax
  is any of its labels.
* **XED (holdout, en-annotated.tsv)**: Plutchik labels mapped to the shared six (anticipation
  and trust dropped); lines with exactly one of the six; prediction = argmax over the six
  emotions (every annotated line carries an emotion, so neutral is masked); macro-F1 over six.
  Also given: the 7-way argmax, where a neutral prediction counts as a miss.
* **EmoBank test split**: Pearson r of predicted valence and arousal against the ratings.
* **VADER baseline** (lexicon, no training): (a) 3-way sentiment macro-F1 on the GoEmotions
  test rows above minus surprise (gold: joy -> positive; anger, disgust, fear, sadness ->
  negative; neutral -> neutral), VADER's usual rule compound >= 0.05 positive, <= -0.05
  negative, else neutral; our model on the same rows: argmax of P(joy), P(anger + disgust +
  fear + sadness), P(neutral); (b) Pearson r of VADER's compound against EmoBank valence.
* **Speed**: lines per second of ``EmotionModel.predict`` on GoEmotions test lines, one thread.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from narrative_models.emotion.data import load_emobank, load_goemotions, load_xed
from narrative_models.emotion.labels import EMOTIONS6, LABELS
from narrative_models.emotion.metrics import f1_per_class, pearson

NEGATIVE = ("anger", "disgust", "fear", "sadness")
SENTIMENTS = ("positive", "negative", "neutral")


def sample(rows: list, limit: int | None) -> list:
    """Every k-th row so that at most ``limit`` remain (deterministic, spread over the file)."""
    if not limit or limit >= len(rows):
        return rows
    step = len(rows) / limit
    return [rows[int(i * step)] for i in range(limit)]


def _single(rows, classes) -> tuple[np.ndarray, np.ndarray]:
    index, gold = [], []
    for i, row in enumerate(rows):
        if len(row.labels) == 1:
            label = next(iter(row.labels))
            if label in classes:
                index.append(i)
                gold.append(classes.index(label))
    return np.array(index, dtype=int), np.array(gold, dtype=int)


def sentiment_of(label: str) -> str | None:
    if label == "joy":
        return "positive"
    if label in NEGATIVE:
        return "negative"
    if label == "neutral":
        return "neutral"
    return None  # surprise: neither


def vader_sentiment(compound: float) -> str:
    if compound >= 0.05:
        return "positive"
    if compound <= -0.05:
        return "negative"
    return "neutral"


def vader_compounds(texts: list[str]) -> np.ndarray | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    analyzer = SentimentIntensityAnalyzer()
    return np.array([analyzer.polarity_scores(text)["compound"] for text in texts])


def measure_speed(model, texts: list[str], batch_size: int = 64, repeats: int = 3) -> float:
    """Lines per second of ``model.predict`` with the current threads: the best of ``repeats``
    timed runs after a short warm-up (the best run is the one least disturbed by other work)."""
    model.predict(texts[: min(len(texts), 64)], batch_size)
    best = 0.0
    for _ in range(repeats):
        started = time.perf_counter()
        model.predict(texts, batch_size)
        best = max(best, len(texts) / max(time.perf_counter() - started, 1e-9))
    return best


def evaluate(model, root: Path, limit: int | None = None, batch_size: int = 64, speed_lines: int = 2000) -> dict:
    """All figures of the evaluation table, as a dict."""
    import torch

    results: dict = {"limit": limit, "quantized": model.quantized, "threads": torch.get_num_threads()}

    # GoEmotions test ------------------------------------------------------------------------
    go = sample(load_goemotions(root, "test"), limit)
    go_texts = [r.text for r in go]
    probs, _ = model.predict_arrays(go_texts, batch_size)
    pred = probs.argmax(1)
    index, gold = _single(go, LABELS)
    per_class = f1_per_class(gold, pred[index], len(LABELS))
    lenient_gold = np.array([
        int(pred[i]) if LABELS[pred[i]] in row.labels else min(LABELS.index(x) for x in row.labels)
        for i, row in enumerate(go)
    ])
    results["goemotions"] = {
        "rows": len(index),
        "macro_f1": float(per_class.mean()),
        "per_class_f1": dict(zip(LABELS, map(float, per_class))),
        "accuracy": float(np.mean(pred[index] == gold)) if len(index) else 0.0,
        "all_rows": len(go),
        "macro_f1_all_rows_lenient": float(f1_per_class(lenient_gold, pred, len(LABELS)).mean()),
    }

    # XED (holdout) ---------------------------------------------------------------------------
    xed = sample(load_xed(root), limit)
    x_probs, _ = model.predict_arrays([r.text for r in xed], batch_size)
    x_index, x_gold = _single(xed, EMOTIONS6)
    x_pred6 = x_probs[x_index, :6].argmax(1)
    x_per = f1_per_class(x_gold, x_pred6, 6)
    x_pred7 = x_probs[x_index].argmax(1)
    results["xed"] = {
        "rows": len(x_index),
        "macro_f1": float(x_per.mean()),
        "per_class_f1": dict(zip(EMOTIONS6, map(float, x_per))),
        "macro_f1_7way": float(f1_per_class(x_gold, x_pred7, len(LABELS))[:6].mean()),
        "predicted_neutral_share_7way": float(np.mean(x_pred7 == LABELS.index("neutral"))) if len(x_index) else 0.0,
    }

    # EmoBank test ----------------------------------------------------------------------------
    eb = sample(load_emobank(root, "test"), limit)
    eb_texts = [r.text for r in eb]
    _, va = model.predict_arrays(eb_texts, batch_size)
    gold_v = np.array([r.valence for r in eb])
    gold_a = np.array([r.arousal for r in eb])
    results["emobank"] = {
        "rows": len(eb),
        "valence_r": pearson(va[:, 0], gold_v),
        "arousal_r": pearson(va[:, 1], gold_a),
    }

    # VADER baseline beside the model ---------------------------------------------------------
    s_index = [i for i in index if sentiment_of(next(iter(go[i].labels))) is not None]
    s_gold = np.array([SENTIMENTS.index(sentiment_of(next(iter(go[i].labels)))) for i in s_index], dtype=int)
    groups = np.stack(
        [probs[:, LABELS.index("joy")],
         probs[:, [LABELS.index(x) for x in NEGATIVE]].sum(1),
         probs[:, LABELS.index("neutral")]],
        axis=1,
    )
    model_sent = groups[s_index].argmax(1) if s_index else np.zeros(0, dtype=int)
    baseline: dict = {
        "sentiment_rows": len(s_index),
        "model_sentiment_macro_f1": float(f1_per_class(s_gold, model_sent, 3).mean()),
        "model_valence_r": results["emobank"]["valence_r"],
    }
    go_compound = vader_compounds([go_texts[i] for i in s_index])
    eb_compound = vader_compounds(eb_texts)
    if go_compound is None or eb_compound is None:
        baseline["vader"] = "not installed (pip install vaderSentiment)"
    else:
        vader_pred = np.array([SENTIMENTS.index(vader_sentiment(c)) for c in go_compound], dtype=int)
        baseline["vader_sentiment_macro_f1"] = float(f1_per_class(s_gold, vader_pred, 3).mean())
        baseline["vader_valence_r"] = pearson(eb_compound, gold_v)
    results["baseline"] = baseline

    # Speed -----------------------------------------------------------------------------------
    speed_texts = sample(go_texts, speed_lines)
    results["speed"] = {"lines": len(speed_texts), "lines_per_s": measure_speed(model, speed_texts, batch_size)}
    return results


def format_table(results: dict) -> str:
    """The evaluation as a plain-text table."""
    go, xed, eb, base = results["goemotions"], results["xed"], results["emobank"], results["baseline"]
    lines = [f"{'measure':<62} {'model':>8} {'VADER':>8}", "-" * 80]

    def row(name: str, value, vader=None) -> None:
        fmt = (lambda v: "" if v is None else (f"{v:8.3f}" if isinstance(v, float) else f"{v!s:>8}"))
        lines.append(f"{name:<62} {fmt(value):>8} {fmt(vader):>8}")

    row(f"GoEmotions test macro-F1, 7 classes ({go['rows']} single-label rows)", go["macro_f1"])
    for label, value in go["per_class_f1"].items():
        row(f"  F1 {label}", value)
    row("GoEmotions test accuracy (same rows)", go["accuracy"])
    row(f"GoEmotions test macro-F1, all {go['all_rows']} rows, lenient", go["macro_f1_all_rows_lenient"])
    row(f"XED (holdout) macro-F1, 6 emotions ({xed['rows']} single-label rows)", xed["macro_f1"])
    for label, value in xed["per_class_f1"].items():
        row(f"  F1 {label}", value)
    row("XED macro-F1, 7-way argmax (neutral = miss)", xed["macro_f1_7way"])
    row(f"EmoBank test valence Pearson r ({eb['rows']} rows)", eb["valence_r"], base.get("vader_valence_r"))
    row("EmoBank test arousal Pearson r", eb["arousal_r"], None)
    row(f"Sentiment macro-F1, pos/neg/neu ({base['sentiment_rows']} GoEmotions test rows)",
        base["model_sentiment_macro_f1"], base.get("vader_sentiment_macro_f1"))
    speed = results["speed"]
    lines.append(f"{'Lines/s, predict(), ' + str(results['threads']) + ' thread(s), ' + ('int8' if results['quantized'] else 'fp32'):<62} "
                 f"{speed['lines_per_s']:8.1f}")
    if isinstance(base.get("vader"), str):
        lines.append(f"VADER: {base['vader']}")
    return "\n".join(lines)
