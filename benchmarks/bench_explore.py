"""Speed of the branch explorer: scored nodes per second, beam search and MCTS.

A *scored node* is a beat the explorer made (clone, reseed, ``rules.apply``) and scored with
the branch scorer (the budget's unit). The rate counts the whole ``explore()`` call: the
prior (the heuristic agent's one-beat look-ahead over every legal action of the actor), the
beats, the scores, MCTS's rollouts, and building the ``ScriptTree`` with the template
narrator's lines for the nodes kept. MCTS also plays *rollout beats* (not tree nodes, scored
only at the end of each rollout); they are reported beside. Where the time goes is measured in
one extra profiled run of each search (``--profile``).

Prints medians of ``--repeats`` runs, after one warm-up run (which also loads the compiled
kernels): the rate by wall time, and by the process's CPU time (``time.process_time``), which
is what the rate would be on an idle machine when other jobs share the cores.

    python benchmarks/bench_explore.py [--story the-seventieth] [--repeats 5] [--profile]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

from drama_env.compiled import CompiledStory  # noqa: E402
from narrative_models.explore import explore_with_stats  # noqa: E402

TARGET = 5_000  # scored nodes per second


def configurations(depth: int, width: int) -> dict[str, dict]:
    return {
        f"beam  (depth {depth}, width {width}, beam {width * width})":
            dict(algo="beam", beam_size=width * width),
        f"beam  (depth {depth}, width {width}, beam {3 * width * width}, the default)":
            dict(algo="beam"),
        f"mcts  (depth {depth}, width {width}, 2000 nodes, random rollouts)":
            dict(algo="mcts", budget_nodes=2000, rollout="random"),
        f"mcts  (depth {depth}, width {width}, 2000 nodes, heuristic rollouts)":
            dict(algo="mcts", budget_nodes=2000, rollout="heuristic"),
        f"mcts  (depth {depth}, width {width}, 2000 nodes, no rollouts)":
            dict(algo="mcts", budget_nodes=2000, rollout="none"),
    }


def profile(compiled, seed, depth, width, options) -> None:
    """One profiled run: the share of the time in each part (cumulative times of the parts'
    entry points, which do not call one another)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    explore_with_stats(compiled, seed, depth, width, **options)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    parts = {"prior (heuristic scores of every legal action)": "_ranked",
             "beats (clone, reseed, rules.apply, score)": "make_child",
             "rollouts": "rollout",
             "tree (lines, summaries, validation)": "build_script_tree"}
    total = max(row[3] for (_, _, func), row in stats.items() if func == "explore_with_stats")
    shares = {name: sum(row[3] for (_, _, func), row in stats.items() if func == entry)
              for name, entry in parts.items()}
    print("      where the time goes:",
          ", ".join(f"{name} {100 * t / total:.0f}%" for name, t in shares.items() if t),
          f", search bookkeeping {100 * (total - sum(shares.values())) / total:.0f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", default="the-seventieth")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--depth", type=int, default=12)
    parser.add_argument("--width", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="also show where the time goes")
    args = parser.parse_args()
    compiled = CompiledStory.from_story(args.story)
    print(f"{args.story}: {compiled.n_characters} characters, {compiled.n_actions} actions; "
          f"medians of {args.repeats} runs; target {TARGET:,} scored nodes/s")
    print(f"{'search':58} {'nodes':>6} {'kept':>5} {'nodes/s':>8} {'CPU n/s':>8} "
          f"{'search s':>8} {'tree s':>7} {'rollout b/s':>11} {'best':>6}")
    for label, options in configurations(args.depth, args.width).items():
        explore_with_stats(compiled, args.seed, args.depth, args.width, **options)  # warm-up
        runs, cpu = [], []
        for _ in range(args.repeats):
            start = time.process_time()
            runs.append(explore_with_stats(compiled, args.seed, args.depth, args.width,
                                           **options).stats)
            cpu.append(time.process_time() - start)
        first = runs[0]
        rate = statistics.median(s.nodes_per_second for s in runs)
        cpu_rate = first.nodes_scored / statistics.median(cpu)
        rollouts = statistics.median(s.rollout_beats / s.seconds for s in runs)
        print(f"{label:58} {first.nodes_scored:>6} {first.tree_nodes:>5} {rate:>8,.0f} "
              f"{cpu_rate:>8,.0f} "
              f"{statistics.median(s.search_seconds for s in runs):>8.3f} "
              f"{statistics.median(s.tree_seconds for s in runs):>7.3f} "
              f"{rollouts:>11,.0f} {first.best_score:>6.3f}")
        if args.profile:
            profile(compiled, args.seed, args.depth, args.width, options)


if __name__ == "__main__":
    main()
