"""Speed of the audience model on 40-beat simulated branches (targets: ≤ 2 ms without the
emotion model, ≤ 50 ms with it).

For every shipped story, a 40-beat branch (random legal beats from seed 0, replayed until a
seed gives 40 beats without an ending) is scored with ``AudienceScorer.score_branch``:

- ``analytic``: without an emotion reader (the simulator's emotions);
- ``warm``: with the emotion reader (``auto``: the distilled student), the beats' lines
  rendered by the template narrator and their predictions already in the per-line cache (a line
  met before: explorers and reward wrappers score the same prefixes and phrasings again and
  again);
- ``student cold``: with the distilled student and an empty cache (every line read, in one
  batch) — the audience model's default reader;
- ``MiniLM cold``: the same with the full emotion model (``--emotions model``).

Also the cost of one incremental ``extend`` (the explorer's per-node cost). Medians of
``--repeats`` runs, one thread.

    python benchmarks/bench_audience.py [--repeats 50] [--no-model]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from drama_env import rules  # noqa: E402
from drama_env.compiled import CompiledStory  # noqa: E402
from drama_env.state import DramaState  # noqa: E402
from narrative_models.audience.branch import Branch  # noqa: E402
from narrative_models.audience.simulated import AudienceScorer  # noqa: E402
from stories import load_story, shipped_story_names  # noqa: E402

BEATS = 40


def branch_of_length(compiled: CompiledStory, beats: int = BEATS) -> Branch | None:
    """A branch of ``beats`` random legal beats that does not end early (or ``None``)."""
    for seed in range(200):
        rng = np.random.default_rng(seed)
        state = DramaState.initial(compiled, seed)
        start = state.clone()
        events, states = [], []
        while len(events) < beats and not state.terminated and state.step < compiled.length:
            legal = rules.legal_actions(state).nonzero()[0]
            if legal.size == 0:
                break
            events.append(rules.apply(state, int(rng.choice(legal))))
            states.append(state.clone())
        if len(events) == beats:
            return Branch(compiled, start, events, states, None, seed)
    return None


def median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--no-model", action="store_true", help="skip the emotion-model rows")
    args = parser.parse_args(argv)

    readers = {}
    if not args.no_model:
        from narrative_models.audience.emotions import CachedReader, load_reader

        readers = {"student": load_reader("fast", shared=False), "model": load_reader("model", shared=False)}
    print(f"{'story':<22} {'analytic':>10} {'extend':>9} {'warm':>9} {'student cold':>13} {'MiniLM cold':>12}")
    rows = []
    for name in shipped_story_names():
        compiled = CompiledStory(load_story(name))
        branch = branch_of_length(compiled)
        if branch is None:
            print(f"{name:<22} (no {BEATS}-beat branch without an ending)")
            continue
        scorer = AudienceScorer()
        scorer.score_branch(branch)  # compile and warm up
        analytic = median_ms(lambda: scorer.score_branch(branch), args.repeats)
        summary = scorer.start(branch.start)
        event, state = branch.events[0], branch.states[0]
        extend_us = 1e3 * median_ms(lambda: [scorer.extend(summary, event, state)
                                             for _ in range(100)], max(5, args.repeats // 5)) / 100
        warm = cold = cold_model = float("nan")
        if readers:
            with_model = AudienceScorer(reader=readers["student"])
            with_model.score_branch(branch)  # fills the cache with this branch's lines
            warm = median_ms(lambda: with_model.score_branch(branch), args.repeats)

            def cold_run(reader):
                fresh = AudienceScorer(reader=CachedReader(reader.reader, reader.name))
                fresh.score_branch(branch)

            cold = median_ms(lambda: cold_run(readers["student"]), max(5, args.repeats // 5))
            cold_model = median_ms(lambda: cold_run(readers["model"]), max(3, args.repeats // 10))
        rows.append((analytic, warm, cold, cold_model))
        print(f"{name:<22} {analytic:>8.2f}ms {extend_us:>7.1f}us {warm:>7.2f}ms {cold:>11.1f}ms {cold_model:>10.1f}ms")
    if rows:
        worst = np.nanmax(np.array(rows), axis=0)
        print(f"{'worst':<22} {worst[0]:>8.2f}ms {'':>9} {worst[1]:>7.2f}ms {worst[2]:>11.1f}ms {worst[3]:>10.1f}ms")
        print(f"targets: analytic ≤ 2 ms, with the emotion reader ≤ 50 ms (per {BEATS}-beat branch)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
