"""Generate, validate and play many procedural dramas; print a summary.

    python scripts/check_generator.py [--seeds 1000] [--agent heuristic|random] [--cast K]

For each seed 0..N-1: ``generate_yaml(seed)`` → ``parse_story`` → ``CompiledStory`` → one
playthrough with the chosen agent (seeded with the same seed). A seed passes when its story
validates and play stops at an ending or at the story's length without an error. Exit status
0 when every seed passes, 1 otherwise (the first failures are printed).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=1000,
                        help="how many seeds, from --start (default 1000)")
    parser.add_argument("--start", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--agent", choices=("heuristic", "random"), default="heuristic")
    parser.add_argument("--cast", type=int, default=None, help="force this cast size (2..12)")
    args = parser.parse_args(argv)

    from agents.play import make_agent, play
    from drama_env.compiled import CompiledStory
    from stories import parse_story
    from stories.generator import generate_yaml

    agent = make_agent(args.agent)
    started = time.perf_counter()
    validated = ended = limit = stalled = 0
    failures: list[str] = []
    casts: Counter = Counter()
    genres: Counter = Counter()
    endings_by_tone: Counter = Counter()
    ending_steps: list[int] = []
    early: list[int] = []
    gen_time = play_time = 0.0
    seeds = range(args.start, args.start + args.seeds)
    for seed in seeds:
        try:
            t0 = time.perf_counter()
            text = generate_yaml(seed, args.cast)
            story = parse_story(text, f"<seed {seed}>")
            validated += 1
            gen_time += time.perf_counter() - t0
            casts[len(story.cast)] += 1
            genres[story.genre] += 1
            t0 = time.perf_counter()
            result = play(CompiledStory(story), seed, agent)
            play_time += time.perf_counter() - t0
        except Exception as error:  # noqa: BLE001 - we report every kind of failure
            failures.append(f"seed {seed}: {type(error).__name__}: {error}")
            continue
        state = result.state
        if state.terminated:
            ended += 1
            ending_steps.append(int(state.step))
            tone = story.endings[state.ending].tone
            endings_by_tone[tone] += 1
            if state.step <= 2:
                early.append(seed)
        elif state.step >= result.compiled.length:
            limit += 1
        else:
            stalled += 1
            failures.append(f"seed {seed}: play stopped at step {state.step} of "
                            f"{result.compiled.length} with no ending (nobody could act)")
    elapsed = time.perf_counter() - started

    n = len(seeds)
    print(f"seeds {seeds.start}..{seeds.stop - 1} ({n}), agent {args.agent}"
          + (f", cast {args.cast}" if args.cast else ""))
    print(f"validated:        {validated}/{n}")
    print(f"ending reached:   {ended}  (median step {_median(ending_steps)}, "
          f"ended by step 2: {len(early)})")
    print(f"step limit:       {limit}")
    print(f"stalled:          {stalled}")
    print(f"cast sizes:       " + ", ".join(f"{k}: {v}" for k, v in sorted(casts.items())))
    print(f"genres:           " + ", ".join(f"{k}: {v}" for k, v in genres.most_common()))
    print(f"ending tones:     " + ", ".join(f"{k}: {v}" for k, v in endings_by_tone.most_common()))
    print(f"time:             {elapsed:.1f} s (generate+validate {gen_time:.1f} s, "
          f"play {play_time:.1f} s)")
    if failures:
        print(f"FAILED: {len(failures)}")
        for line in failures[:20]:
            print("  " + line)
        return 1
    print("all passed")
    return 0


def _median(values: list[int]) -> str:
    if not values:
        return "-"
    values = sorted(values)
    return str(values[len(values) // 2])


if __name__ == "__main__":
    sys.exit(main())
