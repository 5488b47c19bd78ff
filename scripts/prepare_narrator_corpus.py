"""Build the LM narrator's training corpus: play speeches + GoEmotions, each with control codes.

    .venv/bin/python scripts/prepare_narrator_corpus.py [--data ../shared/data] [--out DIR]

Writes ``DIR/units.jsonl`` (one speech per line: source, play, speaker, to, verb, emotion, text)
and ``DIR/thresholds.json``. Play speeches are labelled by the shipped emotion model with
per-class thresholds: class ``e`` is assigned when ``p_e`` reaches its threshold (the
``--quantile`` of ``p_e`` over the plays, at least ``--floor``), the label being the class with the
largest ``p_e / threshold``; otherwise ``neutral``. GoEmotions keeps its gold (Ekman) labels.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter
from pathlib import Path

DEFAULT_OUT = Path.home() / ".cache" / "drama-sim" / "narrator"


def label_plays(units: list[dict], quantile: float, floor: float, batch_size: int = 64) -> dict:
    import numpy as np

    from narrative_models.emotion import EmotionModel, LABELS

    model = EmotionModel.load()
    t0 = time.time()
    probs, _ = model.predict_arrays([u["text"] for u in units], batch_size=batch_size)
    print(f"labelled {len(units)} speeches in {time.time() - t0:.0f}s", flush=True)
    emotions = [e for e in LABELS if e != "neutral"]
    thresholds = {}
    for e in emotions:
        col = probs[:, LABELS.index(e)]
        thresholds[e] = float(max(floor, np.quantile(col, quantile)))
    for u, row in zip(units, probs):
        ratios = {e: row[LABELS.index(e)] / thresholds[e] for e in emotions}
        best = max(ratios, key=ratios.get)
        u["emotion"] = best if ratios[best] >= 1.0 else "neutral"
    return thresholds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--quantile", type=float, default=0.9, help="per-class threshold quantile")
    parser.add_argument("--floor", type=float, default=0.2, help="lowest per-class threshold")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N play speeches (tests)")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", 2)))
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    from narrative_models.narrator.corpus import goemotions, play_units

    data = args.data.resolve()
    units = play_units(data)
    if args.limit:
        units = units[: args.limit]
    thresholds = label_plays(units, args.quantile, args.floor)
    mapping = json.loads((data / "emotion" / "goemotions" / "ekman_mapping.json").read_text())
    modern = goemotions(data / "emotion" / "goemotions", mapping)
    if args.limit:
        modern = modern[: args.limit]
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = args.out / "units.jsonl.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        for u in units + modern:
            fh.write(json.dumps(u, ensure_ascii=False) + "\n")
    tmp.replace(args.out / "units.jsonl")
    (args.out / "thresholds.json").write_text(json.dumps(thresholds, indent=1))
    print("plays:", len(units), Counter(u["emotion"] for u in units))
    print("goemotions:", len(modern), Counter(u["emotion"] for u in modern))
    print("thresholds:", thresholds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
