"""``drama evaluate STORY --policy random|heuristic|explorer|PATH ... --episodes N --seed S``:
compare policies on a story: the audience score (mean and 95 % CI), endings reached, episode
length and arc fit; ``--json`` for a machine-readable object, ``--plot OUT.png`` for learning
curves and tension arcs. See ``docs/training.md``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="compare plot policies on a story (audience score, endings, arcs)",
        description="Play N episodes of every --policy from the same worlds and compare their "
                    "audience score (mean, 95 %% confidence interval), endings, episode length "
                    "and arc fit.")
    parser.add_argument("story", help="a shipped story name or a story file")
    parser.add_argument("--policy", action="append", metavar="random|heuristic|explorer|PATH",
                        help="a policy to evaluate (repeat for a comparison table; default: "
                             "random and heuristic)")
    parser.add_argument("--episodes", type=int, default=50, metavar="N",
                        help="episodes per policy (default 50)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--protocol", choices=("manager", "turns"), default=None,
                        help="manager: the policy picks every beat (default); turns: characters "
                             "act in initiative order, as in drama run (the default when a "
                             "character policy, --multi-agent, is compared)")
    parser.add_argument("--greedy", action="store_true",
                        help="policy files take their best action instead of sampling")
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.add_argument("--plot", metavar="OUT.png", default=None,
                        help="save learning curves and tension arcs (PNG)")
    parser.add_argument("--force", action="store_true", help="overwrite OUT.png if it exists")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from agents.training.evaluation import (comparison_table, evaluate, plot, report_json)
    from drama_env.envs.common import compile_story
    from stories.errors import UsageError
    from stories.files import refuse_overwrite

    if args.episodes < 1:
        raise UsageError("--episodes must be at least 1")
    if args.plot:
        out = Path(args.plot)
        if out.is_dir():
            raise UsageError(f"{out} is a folder — give a file name, "
                             f"e.g. --plot {out / 'eval.png'}")
        refuse_overwrite(out, args.force)
    compiled = compile_story(args.story)
    specs = args.policy or ["random", "heuristic"]
    results = evaluate(compiled, specs, args.episodes, args.seed, args.protocol,
                       greedy=True if args.greedy else None, progress=_progress(args))
    if args.plot:
        plot(Path(args.plot), compiled, results)
    if args.json:
        print(json.dumps(report_json(compiled, results, args.episodes, args.seed,
                                     args.protocol), indent=1))
    else:
        from rich.console import Console

        console = Console() if sys.stdout.isatty() else Console(width=120)
        console.print(comparison_table(compiled, results))
        if args.plot:
            print(f"plot: {args.plot}")
    return 0


def _progress(args):
    if args.json or not sys.stderr.isatty():
        return None
    from rich.console import Console

    console = Console(stderr=True)

    def show(name: str, done: int, total: int) -> None:
        console.print(f"\r{name}: {done}/{total} episodes", end="", highlight=False)
        if done == total:
            console.print()
    return show
