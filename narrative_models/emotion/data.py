"""Readers for the emotion data sets in ``shared/data`` (GoEmotions, EmoBank, XED).

Light module (standard library only). The data root is, in order: the ``data_root`` argument,
the ``DRAMA_DATA`` environment variable, or ``../shared/data`` beside the project checkout.
``holdout/`` (XED) is for evaluation only: nothing in training reads it.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path

from narrative_models.emotion.labels import LABELS, XED_LABELS, va_to_unit
from stories.errors import UsageError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class LabelledText:
    """A text with its Ekman labels (a set: GoEmotions and XED are multi-label)."""

    text: str
    labels: frozenset[str]


@dataclass(frozen=True)
class RatedText:
    """A text with valence and arousal on the model's [-1, 1] scale."""

    text: str
    valence: float
    arousal: float


def data_root(path: str | Path | None = None) -> Path:
    """The folder holding ``emotion/`` and ``holdout/``; raises UsageError naming the fix."""
    if path is None:
        path = os.environ.get("DRAMA_DATA") or PROJECT_ROOT.parent / "shared" / "data"
    root = Path(path)
    if not (root / "emotion").is_dir():
        raise UsageError(
            f"{root}: no emotion/ folder here — pass --data DIR (or set DRAMA_DATA) to the "
            "shared data folder that holds emotion/goemotions and emotion/emobank"
        )
    return root


def _need(path: Path) -> Path:
    if not path.is_file():
        raise UsageError(f"{path}: data file missing — check the shared data folder (see its SOURCE.txt)")
    return path


def goemotions_ekman_map(root: Path) -> dict[str, str]:
    """GoEmotions' 28 label names -> our 7 labels, from the released ``ekman_mapping.json``."""
    folder = root / "emotion" / "goemotions"
    groups = json.loads(_need(folder / "ekman_mapping.json").read_text(encoding="utf-8"))
    mapping = {fine: ekman for ekman, fines in groups.items() for fine in fines}
    mapping["neutral"] = "neutral"
    unknown = set(mapping.values()) - set(LABELS)
    if unknown:
        raise UsageError(f"{folder / 'ekman_mapping.json'}: unexpected Ekman groups {sorted(unknown)}")
    return mapping


def load_goemotions(root: Path, split: str) -> list[LabelledText]:
    """GoEmotions ``original/{split}.tsv`` with its 27 emotions (+ neutral) mapped to Ekman."""
    folder = root / "emotion" / "goemotions"
    names = _need(folder / "original" / "labels.txt").read_text(encoding="utf-8").split()
    to_ekman = goemotions_ekman_map(root)
    rows: list[LabelledText] = []
    with _need(folder / "original" / f"{split}.tsv").open(encoding="utf-8") as stream:
        for line in stream:
            text, ids, _comment_id = line.rstrip("\n").split("\t")
            labels = frozenset(to_ekman[names[int(i)]] for i in ids.split(","))
            rows.append(LabelledText(text, labels))
    return rows


def load_emobank(root: Path, split: str) -> list[RatedText]:
    """EmoBank sentences of one split (its own ``split`` column), V and A scaled to [-1, 1]."""
    rows: list[RatedText] = []
    with _need(root / "emotion" / "emobank" / "emobank.csv").open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            if row["split"] == split:
                rows.append(RatedText(row["text"], va_to_unit(float(row["V"])), va_to_unit(float(row["A"]))))
    return rows


def load_xed(root: Path) -> list[LabelledText]:
    """XED English annotated lines (holdout: evaluation only), Plutchik mapped to the shared six.

    Lines left with no label once anticipation and trust are dropped are skipped.
    """
    rows: list[LabelledText] = []
    path = _need(root / "holdout" / "xed" / "en-annotated.tsv")
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 2:
                continue
            labels = frozenset(
                name for name in (XED_LABELS[int(x)] for x in parts[1].split(",")) if name is not None
            )
            if labels:
                rows.append(LabelledText(parts[0], labels))
    return rows
