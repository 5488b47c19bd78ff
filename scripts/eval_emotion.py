"""Evaluate the emotion model: GoEmotions test, XED (holdout), EmoBank test, VADER, speed.

    python scripts/eval_emotion.py                 # full table (about a minute on one thread)
    python scripts/eval_emotion.py --limit 50      # quick look on a spread-out slice
    python scripts/eval_emotion.py --json          # the figures as one JSON object
    python scripts/eval_emotion.py --student       # the fast distilled student, same protocols

Runs on one CPU thread (the speed figure is for one thread). Protocols:
narrative_models/emotion/evaluation.py and docs/emotion-model.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("OMP_NUM_THREADS", "1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N rows of each data set (spread out)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--model", type=Path, default=None, help="weights folder (default: the shipped one)")
    parser.add_argument("--data", type=Path, default=None, help="shared data folder (default: DRAMA_DATA or ../shared/data)")
    parser.add_argument("--float", dest="quantize", action="store_false", help="run the encoder in fp32, not int8")
    parser.add_argument("--student", action="store_true",
                        help="evaluate the fast distilled student (narrative_models/emotion/student) instead")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        print("eval_emotion: --limit must be at least 1", file=sys.stderr)
        return 2

    from stories.errors import DramaError

    try:
        import torch

        torch.set_num_threads(args.threads)
        from narrative_models.emotion import EmotionModel
        from narrative_models.emotion.data import data_root
        from narrative_models.emotion.evaluation import evaluate, format_table

        root = data_root(args.data)
        if args.student:
            from narrative_models.emotion.student import EmotionStudent

            model = EmotionStudent.load(args.model)
        else:
            model = EmotionModel.load(args.model, quantize=args.quantize)
        results = evaluate(model, root, limit=args.limit, batch_size=args.batch_size)
    except DramaError as error:
        print(f"eval_emotion: {error}", file=sys.stderr)
        return 2
    results["model"] = str(model.folder)
    print(json.dumps(results, indent=2) if args.json else format_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
