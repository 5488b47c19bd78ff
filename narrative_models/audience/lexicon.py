"""A word-level emotion reader: the fallback when the emotion model's weights are not installed.

:class:`LexiconEmotion` has the same ``predict(texts) -> list[EmotionScore]`` as
:class:`narrative_models.emotion.EmotionModel` but is a bag of words: a ridge regression of
valence and arousal (EmoBank, train split) and a multinomial logistic regression over the seven
labels (GoEmotions mapped to Ekman, train split), both on length-normalised word counts. It is
roughly as good as a sentiment lexicon (EmoBank test r ≈ 0.5 for valence), far below the
MiniLM model, but needs no torch and reads thousands of lines a second — enough to draw the arc
of a play when the real model is missing. ``drama analyze`` says which reader it used.

The fitted weights ship in ``data/lexicon.npz``; rebuild them with::

    python -m narrative_models.audience.lexicon [--data ../shared/data]

(holdout data is never read).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from narrative_models.emotion.labels import LABELS

__all__ = ["LEXICON_PATH", "LexiconEmotion", "build_lexicon", "tokens"]

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "lexicon.npz"
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
MIN_COUNT = 4          # a word must occur this often in the training texts to get a weight
MAX_VOCAB = 8000       # the most frequent words kept
RIDGE = 0.15           # L2 of the valence/arousal regression (chosen on EmoBank's dev split)
LOGISTIC_L2 = 1e-4     # L2 of the label regression, per text


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens (letters, with an inner apostrophe: ``don't``, ``o'er``)."""
    return _TOKEN.findall(text.lower())


class LexiconEmotion:
    """Bag-of-words emotion reader; see the module docstring. Build it with :meth:`load`."""

    name = "lexicon"

    def __init__(self, vocab: list[str], va: np.ndarray, va_bias: np.ndarray,
                 logits: np.ndarray, logit_bias: np.ndarray) -> None:
        self.index = {word: k for k, word in enumerate(vocab)}
        self.va = va.astype(np.float64)              # (V, 2)
        self.va_bias = va_bias.astype(np.float64)    # (2,)
        self.logits = logits.astype(np.float64)      # (V, 7)
        self.logit_bias = logit_bias.astype(np.float64)

    @classmethod
    def load(cls, path: str | Path | None = None) -> LexiconEmotion:
        """Load the fitted weights (default: the shipped ``data/lexicon.npz``)."""
        from stories.errors import ModelError

        path = Path(path) if path is not None else LEXICON_PATH
        try:
            data = np.load(path, allow_pickle=False)
            vocab = str(data["vocab"]).split("\n")
            return cls(vocab, data["va"], data["va_bias"], data["logits"], data["logit_bias"])
        except FileNotFoundError:
            raise ModelError(f"{path}: the emotion lexicon is missing — rebuild it with "
                             "`python -m narrative_models.audience.lexicon`") from None
        except (KeyError, ValueError, OSError) as error:
            raise ModelError(f"{path}: the emotion lexicon is damaged ({error}) — rebuild it "
                             "with `python -m narrative_models.audience.lexicon`") from None

    def predict_arrays(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities (N, 7) in ``LABELS`` order and valence/arousal (N, 2)."""
        n = len(texts)
        counts = np.zeros((n, len(self.index)), dtype=np.float64) if n * len(self.index) < 4e7 \
            else None
        va = np.zeros((n, 2))
        logits = np.zeros((n, len(LABELS)))
        for row, text in enumerate(texts):
            ids = [self.index[w] for w in tokens(text) if w in self.index]
            length = max(1, len(tokens(text)))
            if ids:
                weights = np.bincount(ids, minlength=0)
                used = np.flatnonzero(weights)
                scale = weights[used] / length
                va[row] = scale @ self.va[used]
                logits[row] = scale @ self.logits[used]
        del counts
        va = np.clip(va + self.va_bias, -1.0, 1.0)
        logits = logits + self.logit_bias
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        return probs, va

    def predict(self, texts: list[str], batch_size: int = 64):
        """Score each text (same result type as ``EmotionModel.predict``)."""
        from narrative_models.emotion import EmotionScore

        if isinstance(texts, str):
            raise TypeError("predict takes a list of strings")
        probs, va = self.predict_arrays(list(texts))
        out = []
        for row, (valence, arousal) in zip(probs.tolist(), va.tolist()):
            best = max(range(len(LABELS)), key=row.__getitem__)
            out.append(EmotionScore(LABELS[best], dict(zip(LABELS, row)), valence, arousal))
        return out

    def __repr__(self) -> str:
        return f"LexiconEmotion(words={len(self.index)})"


@lru_cache(maxsize=1)
def shipped_lexicon() -> LexiconEmotion:
    """The shipped lexicon, loaded once per process."""
    return LexiconEmotion.load()


# --- fitting -------------------------------------------------------------------------------
def _features(texts: list[str], index: dict[str, int]):
    from scipy import sparse

    rows, cols, vals = [], [], []
    for r, text in enumerate(texts):
        words = tokens(text)
        length = max(1, len(words))
        for w in words:
            k = index.get(w)
            if k is not None:
                rows.append(r)
                cols.append(k)
                vals.append(1.0 / length)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(index)))


def _ridge(X, y: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    from scipy.sparse.linalg import lsqr

    mean = y.mean(axis=0)
    coef = np.stack([lsqr(X, y[:, k] - mean[k], damp=np.sqrt(alpha), atol=1e-8, btol=1e-8)[0]
                     for k in range(y.shape[1])], axis=1)
    col_mean = np.asarray(X.mean(axis=0)).ravel()
    return coef, mean - col_mean @ coef


def _logistic(X, y: np.ndarray, classes: int, l2: float) -> tuple[np.ndarray, np.ndarray]:
    from scipy.optimize import minimize

    n, v = X.shape
    onehot = np.zeros((n, classes))
    onehot[np.arange(n), y] = 1.0

    def loss(theta):
        W = theta[: v * classes].reshape(v, classes)
        b = theta[v * classes:]
        z = X @ W + b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        value = -(onehot * logp).sum() / n + 0.5 * l2 * (W ** 2).sum()
        grad_z = (np.exp(logp) - onehot) / n
        grad_W = X.T @ grad_z + l2 * W
        return value, np.concatenate([np.asarray(grad_W).ravel(), grad_z.sum(axis=0)])

    theta0 = np.zeros(v * classes + classes)
    result = minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": 300})
    return result.x[: v * classes].reshape(v, classes), result.x[v * classes:]


def build_lexicon(data: str | Path | None = None, out: str | Path | None = None) -> dict:
    """Fit the lexicon on GoEmotions and EmoBank (train splits) and save it atomically.

    Returns dev-split figures: Pearson r of valence and arousal (EmoBank dev) and the label
    accuracy on single-label GoEmotions dev comments.
    """
    import io
    from collections import Counter

    from narrative_models.emotion.data import data_root, load_emobank, load_goemotions

    root = data_root(data)
    go_train = load_goemotions(root, "train")
    eb_train = load_emobank(root, "train")
    counts = Counter(w for row in go_train for w in tokens(row.text))
    counts.update(w for row in eb_train for w in tokens(row.text))
    vocab = [w for w, n in counts.most_common(MAX_VOCAB) if n >= MIN_COUNT]
    index = {w: k for k, w in enumerate(vocab)}

    X = _features([r.text for r in eb_train], index)
    va, va_bias = _ridge(X, np.array([[r.valence, r.arousal] for r in eb_train]), RIDGE)
    texts, labels = [], []
    for row in go_train:  # a multi-label comment counts once per label
        for label in sorted(row.labels):
            texts.append(row.text)
            labels.append(LABELS.index(label))
    W, b = _logistic(_features(texts, index), np.array(labels), len(LABELS), LOGISTIC_L2)

    lexicon = LexiconEmotion(vocab, va, va_bias, W, b)
    eb_dev = load_emobank(root, "dev")
    _, pred = lexicon.predict_arrays([r.text for r in eb_dev])
    gold = np.array([[r.valence, r.arousal] for r in eb_dev])
    go_dev = [r for r in load_goemotions(root, "dev") if len(r.labels) == 1]
    probs, _ = lexicon.predict_arrays([r.text for r in go_dev])
    accuracy = float(np.mean([LABELS[k] in r.labels for k, r in zip(probs.argmax(1), go_dev)]))
    report = {"words": len(vocab),
              "emobank_dev_r_valence": float(np.corrcoef(pred[:, 0], gold[:, 0])[0, 1]),
              "emobank_dev_r_arousal": float(np.corrcoef(pred[:, 1], gold[:, 1])[0, 1]),
              "goemotions_dev_accuracy": accuracy}

    path = Path(out) if out is not None else LEXICON_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, vocab=np.array("\n".join(vocab)), va=va.astype(np.float16),
                        va_bias=va_bias.astype(np.float32), logits=W.astype(np.float16),
                        logit_bias=b.astype(np.float32))
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(path)
    return report


if __name__ == "__main__":  # pragma: no cover - an offline build step
    import argparse
    import json

    parser = argparse.ArgumentParser(description="Fit the fallback emotion lexicon.")
    parser.add_argument("--data", default=None, help="the shared data folder")
    parser.add_argument("-o", "--out", default=None, help=f"output (default {LEXICON_PATH})")
    args = parser.parse_args()
    print(json.dumps(build_lexicon(args.data, args.out), indent=1))
