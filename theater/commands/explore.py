"""``drama explore STORY --seed S --depth D --width W``: search a drama's branches and write
the branching script.

Beam search (default) or MCTS over the beats of the characters and the narrator, each branch
scored by the audience-arc scorer; prints the best path (beats and scores) and writes the
tree as script-tree JSON (``docs/script-tree.md``) with ``-o FILE``: atomically, and never
over an existing file unless ``--force``. A progress bar goes to stderr.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

BUDGET_HELP = ("stop after NODES scored nodes (deterministic) or SECONDS of search, written "
               "with an s, e.g. 2.5s (results then vary with the machine's speed); "
               "default: beam search to the depth limit, MCTS 2000 nodes")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "explore", help="search a drama's branches and write a branching script",
        description="Explore the branches of a drama from its opening with beam search or "
                    "MCTS, score every branch for the audience, print the best path and write "
                    "the branching script (a script tree, see docs/script-tree.md).")
    parser.add_argument("story", help="a shipped story name or a story file")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--depth", type=int, default=12, metavar="D",
                        help="most beats below the opening (default 12)")
    parser.add_argument("--width", type=int, default=3, metavar="W",
                        help="most branches per beat (default 3)")
    parser.add_argument("--algo", choices=("beam", "mcts"), default="beam",
                        help="beam search (default) or Monte Carlo tree search")
    parser.add_argument("--budget", default=None, metavar="NODES|SECONDSs", help=BUDGET_HELP)
    parser.add_argument("--beam", type=int, default=None, metavar="B",
                        help="beam search: branches kept per level (default: 3·width², at least 4)")
    parser.add_argument("--rollout", choices=("random", "heuristic", "none"), default="random",
                        help="MCTS: the agent that plays rollouts (default random)")
    parser.add_argument("--prior", default="heuristic", metavar="heuristic|PATH",
                        help="the agent whose scores choose and weight each beat's branches: "
                             "heuristic (default) or a policy trained by `drama train` (its "
                             "policy.zip or run folder)")
    parser.add_argument("--narrator", default="template", metavar="template|lm",
                        help="who writes the lines (default template)")
    parser.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="write the script tree (JSON) to FILE")
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)


def parse_budget(text: str | None) -> tuple[int | None, float | None]:
    """``"5000"`` → (5000, None); ``"2.5s"`` → (None, 2.5). Raises ``UsageError``."""
    from stories.errors import UsageError

    if text is None:
        return None, None
    value = text.strip().lower()
    if re.fullmatch(r"\d+", value):
        nodes = int(value)
        if nodes < 1:
            raise UsageError("--budget must be at least 1 node")
        return nodes, None
    match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)\s*s", value)
    if match:
        seconds = float(match.group(1))
        if seconds <= 0:
            raise UsageError("--budget must be more than 0 seconds")
        return None, seconds
    raise UsageError(f"--budget {text!r} is neither a number of nodes (e.g. 5000) nor of "
                     "seconds (e.g. 2.5s)")


def _prior(spec: str, compiled):
    """The prior agent, checked against the story before the search starts."""
    from agents.policies import make_agent
    from stories.errors import UsageError

    agent = make_agent(spec, compiled)
    if not hasattr(agent, "scores"):
        raise UsageError(f"--prior {spec}: this agent does not score actions — use heuristic "
                         "or a policy file written by `drama train`")
    return agent


def _check_output(path: Path, force: bool) -> None:
    from stories.errors import UsageError
    from stories.files import refuse_overwrite

    if path.is_dir():
        raise UsageError(f"{path} is a folder — give a file name, e.g. -o {path / 'tree.json'}")
    refuse_overwrite(path, force)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"folder {folder} does not exist — create it first, or choose another "
                         "-o FILE")


def run(args) -> int:
    from drama_env.compiled import CompiledStory
    from narrative_models.explore import explore_with_stats, make_narrator
    from stories import load_story
    from stories.errors import UsageError
    from stories.files import write_atomic

    if args.depth < 1:
        raise UsageError(f"--depth must be at least 1, not {args.depth}")
    if args.width < 1:
        raise UsageError(f"--width must be at least 1, not {args.width}")
    if args.beam is not None and args.beam < 1:
        raise UsageError(f"--beam must be at least 1, not {args.beam}")
    budget_nodes, budget_seconds = parse_budget(args.budget)
    make_narrator(args.narrator, args.seed)  # an unavailable narrator fails before the search
    compiled = CompiledStory(load_story(args.story))
    prior = _prior(args.prior, compiled)
    output = Path(args.output) if args.output else None
    if output is not None:
        _check_output(output, args.force)

    with _progress_bar(args.quiet) as progress:
        result = explore_with_stats(
            compiled, args.seed, args.depth, args.width, args.algo, budget_nodes,
            budget_seconds, args.narrator, progress, beam_size=args.beam, rollout=args.rollout,
            prior=prior)
    tree, stats = result.tree, result.stats
    if output is not None:  # refuses a file that appeared meanwhile, unless --force
        write_atomic(output, tree.to_json(), force=args.force)
    _print_best(tree, stats, output)
    return 0


def _print_best(tree, stats, output: Path | None) -> None:
    story = tree.story
    path = tree.best()
    print(f"{story.title} — best path of {len(path) - 1} beats, score "
          f"{tree.nodes[path[-1]].score:.4f} ({stats.algo}, seed {tree.seed})")
    for node_id in path[1:]:
        node = tree.nodes[node_id]
        parent = tree.nodes[node.parent]
        label = next((c.label for c in parent.choices if c.target == node_id), node.beat)
        print(f"{node.step:4d}. {label}  [{node.score:.4f}, tension {node.state.tension:.2f}]")
    last = tree.nodes[path[-1]]
    if last.ending is not None:
        print(f"      ending: {last.ending.title} ({last.ending.tone})")
    print(f"{stats.nodes_scored} nodes scored in {stats.seconds:.2f} s "
          f"({stats.nodes_per_second:,.0f}/s), {stats.tree_nodes} kept"
          + (f", {stats.rollout_beats} rollout beats" if stats.rollout_beats else "")
          + (f"; stopped by the {stats.stopped_by} budget" if stats.stopped_by != "depth" else ""))
    if output is not None:
        print(f"wrote {output}")


class _progress_bar:
    """A rich progress bar on stderr, fed by the explorer's ``progress(done, total)``."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar = None
        self.task = None

    def __enter__(self):
        if self.quiet:
            return None
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn,
                                   TextColumn, TimeElapsedColumn)

        self.bar = Progress(SpinnerColumn(), TextColumn("exploring"), BarColumn(),
                            MofNCompleteColumn(), TextColumn("nodes"), TimeElapsedColumn(),
                            console=Console(file=sys.stderr), transient=True)
        self.bar.__enter__()
        self.task = self.bar.add_task("explore", total=None)
        return self

    def __call__(self, done: int, total: int | None) -> None:
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
