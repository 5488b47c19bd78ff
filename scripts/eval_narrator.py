"""Evaluate the LM narrator: perplexity, emotion control, diversity and speed.

    .venv/bin/python scripts/eval_narrator.py [--model DIR] [--samples 80] [--rerank] [--json]

- held-out perplexity: per token of the speech (given its codes) over the held-out play's units
  (``julius_caesar`` from ``units.jsonl``, else parsed from the Shakespeare CSV);
- emotion-control accuracy: the share of raw samples whose emotion-model label equals the
  requested emotion, for anger, joy, sadness and fear (``--samples`` each), beside the same model
  prompted with ``<|noemotion|>`` (the base rate of each label), and with classifier-free guidance;
  with ``--rerank``, also after emotion-guided resampling (``LMNarrator``'s rule);
- distinct-2 over the conditioned samples; tokens/s and time to first token (one thread).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("anger", "joy", "sadness", "fear")
RERANK_TRIES, RERANK_N = 4, 8  # as drama narrate --rerank: up to 4 batches of 8 candidates


def holdout_units(corpus: Path, data: Path, limit: int) -> list[dict]:
    from narrative_models.narrator.corpus import HOLDOUT_PLAY, read_jsonl, shakespeare_csv

    path = corpus / "units.jsonl"
    if path.is_file():
        units = [u for u in read_jsonl(path) if u["play"] == HOLDOUT_PLAY]
    else:
        units = shakespeare_csv(data / "corpora" / "shakespeare_csv" / f"{HOLDOUT_PLAY}.csv")
    return units[:limit] if limit else units


def perplexity(lm, units: list[dict]) -> float:
    import torch

    from narrative_models.narrator.codes import EOS, example, prompt

    total, count = 0.0, 0
    with torch.no_grad():
        for u in units:
            if lm.coded:
                head = lm.tokenizer(prompt(u["speaker"], u["to"], u.get("emotion"), u.get("verb"), lm.prompt_format), add_special_tokens=False)["input_ids"]
                full = lm.tokenizer(example(u, fmt=lm.prompt_format) + EOS, add_special_tokens=False)["input_ids"]
            else:
                head = lm.tokenizer(f"{u['speaker']}:", add_special_tokens=False)["input_ids"]
                full = head + lm.tokenizer(" " + u["text"], add_special_tokens=False)["input_ids"]
            full = full[: lm.max_positions]
            if len(full) <= len(head):
                continue
            x = torch.tensor([full])
            logits = lm.model(input_ids=x).logits[0, :-1].float()  # (T-1, V)
            logp = torch.log_softmax(logits, -1)
            tgt = x[0, 1:]
            nll = -logp[torch.arange(len(tgt)), tgt][len(head) - 1:]
            total += float(nll.sum())
            count += len(nll)
    return math.exp(total / max(count, 1))


def distinct2(lines: list[str]) -> float:
    grams, total = set(), 0
    for line in lines:
        words = line.split()
        pairs = list(zip(words, words[1:]))
        grams.update(pairs)
        total += len(pairs)
    return len(grams) / max(total, 1)


SPEAKERS = [("Brutus", "Cassius"), ("Hedda", "Tesman"), ("Juliet", "Romeo"), ("Liza", "Higgins"),
            ("Lady Teazle", "Sir Peter"), ("Othello", "Iago"), ("Jack", "Algernon"), ("Nora", "Helmer")]


def control(lm, judge, samples: int, seed: int, guidance: float, emotion_code: bool, batch: int = 16):
    """Per target emotion: (accuracy, lines)."""
    out = {}
    for e in TARGETS:
        lines = []
        i = 0
        while len(lines) < samples:
            sp, to = SPEAKERS[i % len(SPEAKERS)]
            k = min(batch, samples - len(lines))
            lines += lm.generate(sp, to, e if emotion_code else None, n=k, seed=seed * 1000 + i,
                                 guidance=guidance if emotion_code else 1.0, max_new_tokens=40)
            i += 1
        labels = [s.label for s in judge.predict([l or "." for l in lines])]
        out[e] = (sum(l == e for l in labels) / len(lines), lines, labels)
    return out


def reranked(lm, judge, samples: int, seed: int, guidance: float) -> dict:
    """``LMNarrator``'s rule per sample: the best of the first batch of ``RERANK_N`` candidates
    holding one the judge scores >= 0.5 for the emotion, of at most ``RERANK_TRIES`` batches, else
    the best of all. Candidates for one speaker pair are sampled in one batch (for speed)."""
    from narrative_models.narrator.profanity import is_profane

    per = RERANK_TRIES * RERANK_N
    out = {}
    for e in TARGETS:
        chosen = []
        by_pair: dict[int, list[int]] = {}
        for i in range(samples):
            by_pair.setdefault(i % len(SPEAKERS), []).append(i)
        for p, items in by_pair.items():
            sp, to = SPEAKERS[p]
            cands = lm.generate(sp, to, e, n=len(items) * per, seed=seed * 7919 + p, guidance=guidance,
                                max_new_tokens=40)
            probs = [s.probs.get(e, 0.0) for s in judge.predict([c or "." for c in cands])]
            for j in range(len(items)):
                best, best_p = "", -1.0
                for t in range(RERANK_TRIES):
                    lo = j * per + t * RERANK_N
                    for c, pr in zip(cands[lo: lo + RERANK_N], probs[lo: lo + RERANK_N]):
                        if c and not is_profane(c) and pr > best_p:
                            best, best_p = c, pr
                    if best_p >= 0.5:
                        break
                chosen.append(best)
        labels = [s.label for s in judge.predict([l or "." for l in chosen])]
        out[e] = sum(l == e for l in labels) / len(chosen)
    return out


def speed(lm, runs: int = 5) -> tuple[float, float]:
    import torch

    torch.set_num_threads(1)
    tokens, t_gen, ttft = 0, 0.0, []
    for r in range(runs):
        t0 = time.perf_counter()
        first = None
        n = 0
        for _ in lm._token_stream([lm.prompt_ids("Brutus", "Cassius", "anger")], r, 40, 0.9, 50, 1.0):
            n += 1
            if first is None:
                first = time.perf_counter() - t0
        t_gen += time.perf_counter() - t0
        tokens += n
        ttft.append(first)
    t0 = time.perf_counter()
    steps = sum(1 for _ in lm._token_stream([lm.prompt_ids("Brutus", "Cassius", "anger")] * 16, 0, 40, 0.9, 50, 1.0))
    batched = 16 * steps / (time.perf_counter() - t0)
    return tokens / t_gen, sorted(ttft)[len(ttft) // 2], batched


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=None, help="model folder (default: shipped)")
    parser.add_argument("--corpus", type=Path, default=Path.home() / ".cache" / "drama-sim" / "narrator")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--samples", type=int, default=80, help="samples per emotion (4 emotions)")
    parser.add_argument("--ppl-units", type=int, default=0, help="held-out units for perplexity (0: all)")
    parser.add_argument("--guidance", type=float, default=1.5, help="CFG scale for the guided row")
    parser.add_argument("--rerank", action="store_true", help="also measure emotion-guided resampling")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    from narrative_models.emotion import EmotionModel
    from narrative_models.narrator import NarratorLM

    lm = NarratorLM.load(args.model)
    judge = EmotionModel.load()
    report: dict = {"model": str(lm.folder), "params_M": round(sum(p.numel() for p in lm.model.parameters()) / 1e6, 2),
                    "samples_per_emotion": args.samples}
    report["perplexity_holdout"] = round(perplexity(lm, holdout_units(args.corpus, args.data, args.ppl_units)), 2)
    raw = control(lm, judge, args.samples, args.seed, 1.0, True)
    base = control(lm, judge, args.samples, args.seed, 1.0, False)
    rows = {"raw": {e: raw[e][0] for e in TARGETS}, "no_code": {e: base[e][0] for e in TARGETS}}
    if lm.coded and args.guidance != 1.0:
        cfg = control(lm, judge, args.samples, args.seed, args.guidance, True)
        rows[f"cfg{args.guidance:g}"] = {e: cfg[e][0] for e in TARGETS}
    if args.rerank:
        rows["rerank"] = reranked(lm, judge, args.samples, args.seed, args.guidance if lm.coded else 1.0)
    for name, row in rows.items():
        row["mean"] = sum(row[e] for e in TARGETS) / len(TARGETS)
        report[f"control_{name}"] = {k: round(v, 3) for k, v in row.items()}
    report["distinct2"] = round(distinct2([l for e in TARGETS for l in raw[e][1]]), 3)
    tps, ttft, batched = speed(lm)
    report["tokens_per_s"] = round(tps, 1)
    report["tokens_per_s_batch16"] = round(batched, 1)
    report["ttft_ms"] = round(ttft * 1000, 1)
    report["examples"] = {e: raw[e][1][:3] for e in TARGETS}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for k, v in report.items():
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
