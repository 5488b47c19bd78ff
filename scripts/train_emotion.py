"""Retrain the emotion model from the base MiniLM (about 17 minutes on 2 CPU cores).

    python scripts/train_emotion.py --seed 13 --out narrative_models/emotion/weights

Reads GoEmotions (train, dev) and EmoBank (train, dev) from the shared data folder; never
reads ``holdout/``. Writes ``config.json`` + ``model.safetensors`` into ``--out`` (via a
temporary folder, so a failed run leaves the old weights in place). See docs/emotion-model.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    from narrative_models.emotion.training import TrainConfig

    defaults = TrainConfig(out=Path("."))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=defaults.seed, help="seed of torch and the batch order")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the weights to")
    parser.add_argument("--data", type=Path, default=None, help="shared data folder (default: DRAMA_DATA or ../shared/data)")
    parser.add_argument("--epochs", type=float, default=defaults.epochs)
    parser.add_argument("--lr", type=float, default=defaults.lr)
    parser.add_argument("--head-lr", type=float, default=defaults.head_lr)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--eval-at", type=float, nargs="+", default=list(defaults.eval_at),
                        help="epochs at which dev is scored for model selection")
    parser.add_argument("--threads", type=int, default=defaults.threads)
    parser.add_argument("--limit", type=int, default=None, help="first N rows of each split (smoke test)")
    args = parser.parse_args(argv)

    from stories.errors import DramaError

    cfg = TrainConfig(
        out=args.out, seed=args.seed, data=args.data, epochs=args.epochs, lr=args.lr, head_lr=args.head_lr,
        batch_size=args.batch_size, eval_at=tuple(args.eval_at), threads=args.threads, limit=args.limit,
    )
    try:
        from narrative_models.emotion.training import train

        summary = train(cfg, log=lambda message: print(message, flush=True))
    except DramaError as error:
        print(f"train_emotion: {error}", file=sys.stderr)
        return 2
    print(json.dumps({k: summary[k] for k in ("selected", "reloaded_dev_macro_f1", "train_seconds")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
