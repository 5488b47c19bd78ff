"""The acceptance protocol of issue 7 (RL training runs for plot policies).

1. **Shipped dramas.** For each story: train MaskablePPO (``drama train``'s defaults, seed
   ``--seed``) for ``--steps`` steps, measuring its CPU time (this process: training and its
   periodic evaluations); then evaluate the policy, the random policy and the heuristic on
   ``--episodes`` common worlds (``drama evaluate``, manager protocol), and the heuristic as
   the characters of ``drama run`` too (turns protocol). A story passes when the CPU time is
   at most ``--cpu-minutes`` and the policy's mean audience score is at least 30 % above the
   random policy's and 10 % above the better of the two heuristics'. The protocol passes
   with at least 5 passing stories.
2. **Generalisation.** Train MaskablePPO on generated stories (``--generated-steps``), then
   play ``--held-out`` held-out generated stories (never drawn in training) ``--per-story``
   times each with the policy and with the heuristic, from common worlds; it passes when the
   policy's mean audience score over them is above the heuristic's.

The score is :func:`agents.training.metrics.audience_score`. Runs go to ``--out/<story>``
(an existing finished run is reused, an interrupted one resumed), a JSON summary to
``--json``. Example (the full protocol; about an hour of CPU)::

    python scripts/acceptance_training.py --steps 200000 --generated-steps 200000

and a small one::

    python scripts/acceptance_training.py --stories the-orchard-letter --steps 20000 \\
        --episodes 20 --generated-steps 10000 --held-out 10
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

BEAT_RANDOM, BEAT_HEURISTIC, STORIES_NEEDED = 0.30, 0.10, 5


def shipped_stories() -> list[str]:
    from stories import shipped_story_names

    return shipped_story_names()


def train_run(out: Path, story: str | None, steps: int, seed: int,
              n_envs: int) -> tuple[Path, float]:
    from agents.training.config import TrainConfig
    from agents.training.trainer import train

    record = out / "acceptance-cpu.json"
    done = json.loads(record.read_text()) if record.is_file() else {}
    if done.get("steps") == steps and (out / "policy.zip").is_file():
        return out / "policy.zip", done["cpu_minutes"]  # trained by an earlier invocation
    start = time.process_time()
    config = TrainConfig(out=str(out), story=story, generated=story is None, steps=steps,
                         seed=seed, n_envs=n_envs, progress=sys.stderr.isatty())
    result = train(config, resume=True)
    cpu = (time.process_time() - start) / 60 + done.get("cpu_minutes", 0.0)
    record.write_text(json.dumps({"steps": steps, "cpu_minutes": cpu}))
    return result.policy, cpu


def shipped(args, story: str) -> dict:
    from agents.training.evaluation import evaluate
    from drama_env.envs.common import compile_story

    policy, cpu = train_run(Path(args.out) / story, story, args.steps, args.seed, args.n_envs)
    compiled = compile_story(story)
    seed = args.seed + 1000
    results = evaluate(compiled, ["random", "heuristic", str(policy)], args.episodes, seed)
    summary = {r.name: r.summary() for r in results}
    # the heuristic also as the characters of `drama run` (turns): the stronger one counts
    turns = evaluate(compiled, ["heuristic"], args.episodes, seed, protocol="turns")[0]
    summary["heuristic (turns)"] = turns.summary()
    score = {name: s["audience_score"]["mean"] for name, s in summary.items()}
    mine = score[str(policy)]
    best_heuristic = max(score["heuristic"], score["heuristic (turns)"])
    vs_random = mine / score["random"] - 1 if score["random"] > 0 else float("inf")
    vs_heuristic = mine / best_heuristic - 1 if best_heuristic > 0 else float("inf")
    passed = (cpu <= args.cpu_minutes and vs_random >= BEAT_RANDOM
              and vs_heuristic >= BEAT_HEURISTIC)
    return {"story": story, "steps": args.steps, "cpu_minutes": round(cpu, 2),
            "policy": summary[str(policy)], "random": summary["random"],
            "heuristic": summary["heuristic"], "heuristic_turns": summary["heuristic (turns)"],
            "vs_random": round(vs_random, 4), "vs_heuristic": round(vs_heuristic, 4),
            "passed": bool(passed)}


def generated(args) -> dict:
    from agents.heuristic import HeuristicAgent
    from agents.policies import load_policy
    from agents.training.envs import generated_story, held_out_seeds
    from agents.training.evaluation import episode_seeds, mean_ci95, run_episode

    policy, cpu = train_run(Path(args.out) / "generated", None, args.generated_steps, args.seed,
                            args.n_envs)
    loaded = load_policy(policy)
    mine, theirs, wins = [], [], 0
    for k, story_seed in enumerate(held_out_seeds(args.held_out)):
        compiled = generated_story(story_seed)
        agent = loaded.bind(compiled)
        seeds = episode_seeds(args.seed + 2000 + k, args.per_story)
        a = np.mean([run_episode(compiled, agent, s).score for s in seeds])
        b = np.mean([run_episode(compiled, HeuristicAgent(), s).score for s in seeds])
        mine.append(a)
        theirs.append(b)
        wins += int(a > b)
    m, h = mean_ci95(mine), mean_ci95(theirs)
    d = mean_ci95(np.array(mine) - np.array(theirs))
    return {"steps": args.generated_steps, "cpu_minutes": round(cpu, 2),
            "stories": args.held_out, "episodes_per_story": args.per_story,
            "policy": {"mean": round(m[0], 4), "ci95": [round(m[1], 4), round(m[2], 4)]},
            "heuristic": {"mean": round(h[0], 4), "ci95": [round(h[1], 4), round(h[2], 4)]},
            "difference": {"mean": round(d[0], 4), "ci95": [round(d[1], 4), round(d[2], 4)]},
            "stories_won": wins, "passed": bool(m[0] > h[0])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", nargs="*", default=None,
                        help="shipped story names (default: all)")
    parser.add_argument("--steps", type=int, default=200_000)
    parser.add_argument("--episodes", type=int, default=50)
    parser.add_argument("--n-envs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cpu-minutes", type=float, default=10.0)
    parser.add_argument("--generated-steps", type=int, default=200_000,
                        help="0 skips the generalisation part")
    parser.add_argument("--held-out", type=int, default=50)
    parser.add_argument("--per-story", type=int, default=2)
    parser.add_argument("--out", default="runs/acceptance")
    parser.add_argument("--json", default=None, help="write the summary here")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    stories = args.stories if args.stories is not None else shipped_stories()
    rows = []
    for story in stories:
        row = shipped(args, story)
        rows.append(row)
        p, r, h, t = (row[k]["audience_score"]["mean"]
                      for k in ("policy", "random", "heuristic", "heuristic_turns"))
        print(f"{story:22} {row['cpu_minutes']:5.1f} CPU-min  policy {p:.3f}  random {r:.3f} "
              f"({row['vs_random']:+.0%})  heuristic {h:.3f} / turns {t:.3f} "
              f"({row['vs_heuristic']:+.0%})  ended {row['policy']['ending_rate']:.0%}  "
              f"{'PASS' if row['passed'] else 'fail'}", flush=True)
    passed = sum(r["passed"] for r in rows)
    summary = {"shipped": rows, "stories_passed": passed,
               "shipped_passed": passed >= min(STORIES_NEEDED, len(stories))}
    print(f"shipped dramas: {passed}/{len(rows)} pass (need {STORIES_NEEDED})")
    if args.generated_steps > 0:
        g = generated(args)
        summary["generated"] = g
        print(f"generated ({g['stories']} held-out stories × {g['episodes_per_story']}): policy "
              f"{g['policy']['mean']:.3f} vs heuristic {g['heuristic']['mean']:.3f}, "
              f"difference {g['difference']['mean']:+.3f} {g['difference']['ci95']}, "
              f"won {g['stories_won']}/{g['stories']}, {g['cpu_minutes']:.1f} CPU-min  "
              f"{'PASS' if g['passed'] else 'fail'}")
    if args.json:
        from agents.training.files import write_bytes_atomic

        write_bytes_atomic(Path(args.json), json.dumps(summary, indent=1).encode())
    ok = summary["shipped_passed"] and summary.get("generated", {}).get("passed", True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
