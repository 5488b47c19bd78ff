"""``drama narrate``: sample lines of dialogue from the LM narrator.

    drama narrate --speaker Brutus --to Cassius --emotion anger --n 3 --seed 1
    drama narrate --speaker Hedda --to Tesman --emotion joy --verb greet --rerank --json

Prints the model's raw samples (one per line); ``--rerank`` asks for emotion-guided resampling
(each line is the first of up to 4 batches of 8 candidates that the emotion model scores at
0.5 or more for the emotion, else the best). The same arguments
give the same lines. ``--model DIR`` uses any local transformers causal-LM folder instead.
"""

from __future__ import annotations

import argparse
import json

from stories.errors import UsageError

EMOTIONS = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("narrate", help="sample lines of dialogue from the LM narrator",
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("--speaker", required=True, metavar="NAME", help="who speaks")
    parser.add_argument("--to", default="", metavar="NAME", help="to whom")
    parser.add_argument("--emotion", default=None, metavar="E", help="one of " + ", ".join(EMOTIONS))
    parser.add_argument("--verb", default=None, metavar="V", help="the beat's verb (e.g. accuse, plead, greet)")
    parser.add_argument("--place", default=None, metavar="P", help="where (used by generic models' prompts)")
    parser.add_argument("--n", type=int, default=1, metavar="K", help="how many lines (default 1)")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="sampling seed (default 0)")
    parser.add_argument("--rerank", action="store_true", help="emotion-guided resampling (best of candidates)")
    parser.add_argument("--guidance", type=float, default=1.0, metavar="G",
                        help="classifier-free guidance scale on the emotion code (default 1: off)")
    parser.add_argument("--temperature", type=float, default=0.9, metavar="T")
    parser.add_argument("--repetition-penalty", type=float, default=None, metavar="R",
                        help="penalty on tokens already in the line (default 1.3; 1 turns it off)")
    parser.add_argument("--model", default=None, metavar="DIR", help="model folder (default: the shipped narrator)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from narrative_models.narrator import NarratorLM
    from narrative_models.narrator.corpus import VERBS
    from narrative_models.narrator.model import seed_of

    if args.emotion is not None and args.emotion not in EMOTIONS:
        raise UsageError(f"--emotion {args.emotion!r}: unknown — use one of {', '.join(EMOTIONS)}")
    if args.verb is not None and args.verb not in VERBS and args.verb != "none":
        raise UsageError(f"--verb {args.verb!r}: no control code — use one of {', '.join(VERBS)}")
    if args.n < 1 or args.n > 1000:
        raise UsageError("--n must be between 1 and 1000")
    lm = NarratorLM.load(args.model)
    if args.repetition_penalty is not None and args.repetition_penalty <= 0:
        raise UsageError("--repetition-penalty must be positive (1 turns it off)")
    kw = dict(speaker=args.speaker, to=args.to, verb=args.verb, place=args.place,
              temperature=args.temperature, guidance=args.guidance)
    if args.repetition_penalty is not None:
        kw["repetition_penalty"] = args.repetition_penalty
    if args.rerank:
        from narrative_models.emotion import EmotionModel
        from narrative_models.narrator.render import pick_best

        judge = EmotionModel.load()
        texts = [pick_best(lm, judge, args.emotion, 4, 0.5, n=8, seed=seed_of(args.seed, i), **kw)[0]
                 for i in range(args.n)]
    else:
        texts = lm.generate(emotion=args.emotion, n=args.n, seed=args.seed, **kw)
    for text in texts:
        if args.json:
            print(json.dumps({"text": text, "speaker": args.speaker, "to": args.to, "emotion": args.emotion,
                              "verb": args.verb, "seed": args.seed, "rerank": args.rerank}, ensure_ascii=False))
        else:
            print(text)
    return 0
