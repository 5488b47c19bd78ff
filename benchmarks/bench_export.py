"""Time of exporting a 10,000-node script tree to every format (target: at most 2 s each).

The tree is the tests' random tree (``tests/tree_fixtures.py``), filled breadth first like an
explorer's tree (1 to 3 choices a node, about 15 beats deep), with nasty text by default so
that every escape is exercised. Fountain is timed for the best path and for all paths (one
section per branch). Prints the median of ``--repeats`` runs per format.

    python benchmarks/bench_export.py [--nodes 10000] [--repeats 5] [--plain]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from tree_fixtures import random_tree  # noqa: E402

from stories.export import FORMATS, export  # noqa: E402

TARGET_S = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--plain", action="store_true", help="plain text instead of nasty")
    args = parser.parse_args()

    start = time.perf_counter()
    tree = random_tree(args.nodes, 7, nasty=not args.plain, bushy=True)
    paths = tree.paths()
    print(f"tree: {len(tree.nodes):,} nodes, {len(paths):,} paths, depth "
          f"{max(map(len, paths))}, built in {time.perf_counter() - start:.1f} s "
          f"({'plain' if args.plain else 'nasty'} text)")
    jobs = [(fmt, "all") for fmt in FORMATS if fmt != "fountain"]
    jobs += [("fountain", "best"), ("fountain", "all")]
    print(f"{'format':<16}{'median s':>10}{'min s':>8}{'MB':>8}  target {TARGET_S:g} s")
    worst = 0.0
    for fmt, path in jobs:
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            text = export(tree, fmt, path=path)
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        worst = max(worst, median)
        name = fmt if fmt != "fountain" else f"fountain {path}"
        print(f"{name:<16}{median:>10.3f}{min(times):>8.3f}"
              f"{len(text.encode('utf-8')) / 1e6:>8.1f}  {'ok' if median <= TARGET_S else 'SLOW'}")
    print(f"slowest median: {worst:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
