"""``drama audience``: train the learned audience model, and score a drama with it.

    drama audience train RATINGS [RATINGS ...] [-o MODEL] [--force] [--stories DIR]
    drama audience score FILE [--model MODEL] [--emotion none|auto|model|lexicon] [--json]

``train`` reads ratings (JSON Lines: the terminal app's ``drama-rating`` lines, and/or pair
lines ``{"story", "seed", "better": [...], "worse": [...]}`` — see docs/audience.md), replays
every rated branch, scores it with the analytic model, and fits a Bradley–Terry model over the
breakdowns, starting from the analytic weights. When there are at least 20 pairs, every fifth is
held out and both models' accuracy on them is printed. The model is written atomically to
``MODEL`` (default ``audience-preference.json``); an existing file is kept unless ``--force``.

``score`` prints the audience score and breakdown of a simulated drama's script
(``drama run --format json``) or of a play (TEI, Fountain, CSV).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from theater.args import positive_int

DEFAULT_MODEL = "audience-preference.json"
HOLD_OUT_EVERY = 5
MIN_PAIRS_FOR_HOLD_OUT = 20


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "audience", help="train the learned audience model; score a drama",
        description="The audience-reward model: train its learned layer from ratings, or score "
                    "a script or a play.")
    sub = parser.add_subparsers(dest="audience_command", metavar="ACTION")
    train = sub.add_parser("train", help="fit the preference model to ratings",
                           description=__doc__.split("\n\n")[2])
    train.add_argument("ratings", nargs="+", metavar="RATINGS",
                       help="JSON Lines files of ratings and/or pairs")
    train.add_argument("-o", "--output", default=DEFAULT_MODEL, metavar="MODEL",
                       help=f"where to write the model (default {DEFAULT_MODEL})")
    train.add_argument("--force", action="store_true", help="overwrite MODEL if it exists")
    train.add_argument("--stories", metavar="DIR",
                       help="a folder of story files for rated stories that are not shipped")
    train.add_argument("--steps", type=positive_int, default=400, help="optimiser steps (400)")
    train.add_argument("--l2", type=_non_negative_float, default=0.01,
                       help="pull towards the analytic weights (0.01)")
    train.add_argument("--seed", type=int, default=0, help="torch seed (0)")
    train.add_argument("--json", action="store_true", help="print the report as JSON")
    train.set_defaults(handler=run_train)
    score = sub.add_parser("score", help="score a script or a play",
                           description="Print the audience score and breakdown of a simulated "
                                       "drama's script (drama run --format json) or of a play.")
    score.add_argument("file", metavar="FILE")
    score.add_argument("--model", metavar="MODEL", help="a trained preference model")
    score.add_argument("--emotion", default="none",
                       choices=("none", "auto", "fast", "model", "lexicon"),
                       help="read emotions from the lines (default none: the simulator's own; "
                            "a play always needs a reader and uses auto)")
    score.add_argument("--story", metavar="STORY", help="story file of a non-shipped script")
    score.add_argument("--json", action="store_true")
    score.set_defaults(handler=run_score)
    parser.set_defaults(handler=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_train(args: argparse.Namespace) -> int:
    import numpy as np

    from narrative_models.audience.preference import (PreferenceError, PreferenceModel,
                                                      pair_features, read_pairs,
                                                      train_preference)
    from stories.files import refuse_overwrite

    output = Path(args.output)
    refuse_overwrite(output, args.force)
    if output.is_dir():
        from stories.errors import UsageError

        raise UsageError(f"-o {output}: is a directory — give a file name for the model")
    pairs, counts = read_pairs(args.ratings)
    if not pairs:
        raise PreferenceError(f"no pairs in {', '.join(args.ratings)} ({counts['ratings']} "
                              "ratings) — a story needs at least one liked and one disliked "
                              "branch, or give pair lines")
    better, worse, skipped = pair_features(pairs, args.stories)
    if len(better) == 0:
        reasons = ", ".join(f"{n} {why}" for why, n in skipped.items())
        raise PreferenceError(f"none of the {len(pairs)} pairs could be replayed ({reasons}) — "
                              "pass --stories DIR for stories that are not shipped")
    index = np.arange(len(better))
    held = index % HOLD_OUT_EVERY == HOLD_OUT_EVERY - 1 if len(better) >= MIN_PAIRS_FOR_HOLD_OUT \
        else np.zeros(len(better), bool)
    model = train_preference(better[~held], worse[~held], steps=args.steps, l2=args.l2,
                             seed=args.seed)
    report = {"pairs_read": len(pairs), "pairs_used": int(len(better)), "skipped": skipped,
              "read": counts, **model.meta}
    if held.any():
        initial = PreferenceModel.initial()
        report["held_out"] = int(held.sum())
        report["held_out_accuracy"] = float(np.mean(model.utility(better[held])
                                                    > model.utility(worse[held])))
        report["held_out_analytic_accuracy"] = float(np.mean(initial.utility(better[held])
                                                             > initial.utility(worse[held])))
    model.meta = report
    model.save(output, force=True)
    report["model"] = str(output)
    report["weights"] = {k: round(v, 4) for k, v in model.weights().items()}
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"{report['pairs_trained']} pairs trained on ({report['pairs_read']} read, "
          f"{report['pairs_used']} replayed"
          + (f", skipped: {skipped}" if skipped else "") + ")")
    print(f"training accuracy {report['train_accuracy']:.3f} "
          f"(analytic {report['analytic_accuracy']:.3f})")
    if "held_out" in report:
        print(f"held-out accuracy {report['held_out_accuracy']:.3f} on {report['held_out']} "
              f"pairs (analytic {report['held_out_analytic_accuracy']:.3f})")
    print("weights: " + ", ".join(f"{k} {v:.3f}" for k, v in report["weights"].items()))
    print(f"model written to {output}")
    return 0


def run_score(args: argparse.Namespace) -> int:
    from narrative_models.audience.analysis import is_script_file
    from narrative_models.audience.preference import PreferenceModel

    preference = PreferenceModel.load(args.model) if args.model else None
    path = Path(args.file)
    head = path.read_bytes()[:4096] if path.is_file() else b""
    if path.is_file() and is_script_file(path, head):
        from narrative_models.audience.simulated import score_simulated

        reader = None if args.emotion == "none" else args.emotion
        result = score_simulated(path, reader=reader, preference=preference, story=args.story)
    else:
        from narrative_models.audience.emotions import load_reader
        from narrative_models.audience.plays import score_play
        from stories.plays import load_play

        reader = load_reader("auto" if args.emotion == "none" else args.emotion)
        result = score_play(load_play(path), reader, preference=preference)
    if args.json:
        json.dump(result.to_dict(), sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    print(f"audience score {result.value:.3f} ({result.kind})")
    for term, value in result.breakdown.items():
        print(f"  {term:<18} {value:.3f}   weight {result.weights[term]:.3f}")
    return 0
