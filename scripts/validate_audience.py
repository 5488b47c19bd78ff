"""Validate the audience model on real plays: does the true scene order beat random orders?

For each play, the audience model (:func:`narrative_models.audience.plays.shuffle_test`) scores
the scenes in the order written and in N random orders (numpy generator seeded with --seed);
the play passes when the true order beats at least 90 % of them. Plays:

- ``corpora/shakespeare_csv``: the five plays of the issue's target (what the text terms were
  designed and checked on);
- ``holdout/shakedracor_nc`` with ``--holdout``: four Folger-edition plays, EVALUATION ONLY —
  nothing is tuned on them; run it once and report.

    python scripts/validate_audience.py [--n 200] [--seed 0] [--emotion auto|model|lexicon]
                                        [--holdout] [--json OUT.json] [--markdown]

Prints a table (``--markdown``: GitHub markdown, as pasted into docs/audience.md); exit status 1
when a corpus play is below 90 %.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("DRAMA_DATA", ROOT.parent / "shared" / "data"))
CORPUS = DATA / "corpora" / "shakespeare_csv"
HOLDOUT = DATA / "holdout" / "shakedracor_nc" / "tei"
TARGET = 0.9


def validate(paths: list[Path], n: int, seed: int, reader) -> list[dict]:
    from narrative_models.audience.plays import play_features, play_terms, shuffle_test
    from narrative_models.arcs import arc_of, play_scene_texts, scene_emotions
    from stories.plays import load_play

    rows = []
    for path in paths:
        start = time.perf_counter()
        play = load_play(path)
        features = play_features(play, reader)
        result = shuffle_test(play, n, seed, features=features)
        terms = play_terms(features)
        arc = arc_of(scene_emotions(play_scene_texts(play), reader), features.reader)
        rows.append({"play": path.name, "title": play.title, "scenes": features.n_scenes,
                     "speeches": int(features.lengths.sum()), **result,
                     "terms": {k: round(v, 4) for k, v in terms.items()}, "shape": arc.shape,
                     "seconds": round(time.perf_counter() - start, 1)})
    return rows


def table(rows: list[dict], markdown: bool) -> str:
    head = ["play", "scenes", "beaten", "true", "shuffled mean ± sd", "coherence", "arc fit",
            "reversal", "arc shape"]
    lines = []
    for r in rows:
        t = r["terms"]
        lines.append([r["play"], str(r["scenes"]), f"{100 * r['shuffle_share_beaten']:.1f} %",
                      f"{r['true_score']:.3f}",
                      f"{r['shuffled_mean']:.3f} ± {r['shuffled_std']:.3f}",
                      f"{t['coherence']:.3f}", f"{t['arc_fit']:.3f}", f"{t['reversal']:.3f}",
                      str(r["shape"])])
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(row) + " |" for row in lines]
        return "\n".join(out)
    widths = [max(len(x) for x in col) for col in zip(head, *lines)]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    return "\n".join([fmt.format(*head)] + [fmt.format(*row) for row in lines])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="random orders per play (200)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--emotion", default="auto", choices=("auto", "fast", "model", "lexicon"))
    parser.add_argument("--holdout", action="store_true",
                        help="also evaluate on holdout/shakedracor_nc (evaluation only)")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    parser.add_argument("--markdown", action="store_true", help="print markdown tables")
    args = parser.parse_args(argv)

    from narrative_models.audience.emotions import load_reader

    reader = load_reader(args.emotion)
    print(f"emotion reader: {reader.name}" + (f" (fallback: {reader.fallback})"
                                              if reader.fallback else ""))
    corpus = sorted(p for p in CORPUS.glob("*.csv") if p.name != "metadata.csv")
    results = {"reader": reader.name, "n": args.n, "seed": args.seed,
               "corpus": validate(corpus, args.n, args.seed, reader)}
    print(f"\ncorpora/shakespeare_csv (target: the true order beats ≥ {TARGET:.0%} of "
          f"{args.n} random orders)\n")
    print(table(results["corpus"], args.markdown))
    if args.holdout:
        holdout = sorted(HOLDOUT.glob("*.xml"))
        results["holdout"] = validate(holdout, args.n, args.seed, reader)
        print("\nholdout/shakedracor_nc (evaluation only)\n")
        print(table(results["holdout"], args.markdown))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    failed = [r["play"] for r in results["corpus"] if r["shuffle_share_beaten"] < TARGET]
    if failed:
        print(f"\nbelow {TARGET:.0%}: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
