"""Distil the emotion model into the fast student the audience model reads branches with.

    OMP_NUM_THREADS=1 python scripts/distill_emotion.py [--seed 0] [--epochs 4] [--out DIR]

1. Texts: GoEmotions train, EmoBank train, the plays' speeches (``corpora/``, Julius Caesar
   left out) and template-narrator lines of random dramas on the shipped stories and 200
   generated ones (seeds 0-199) — what the audience model actually reads.
2. The teacher (the shipped emotion model) reads them all (cached in
   ``~/.cache/drama-sim/emotion-student/``, keyed by the texts and the teacher's weights).
3. The student learns the teacher's probabilities (soft cross-entropy) and valence/arousal
   (squared error), plus GoEmotions' gold label where a comment has exactly one (weight 0.5) and
   EmoBank's gold ratings. The epoch with the best GoEmotions dev macro-F1 is kept.
4. Reported: GoEmotions test macro-F1 (the teacher's protocol), agreement with the teacher on
   template lines of 50 generated stories it never saw (seeds 10000-10049), and the cold-scoring
   time of 40 such lines. ``scripts/eval_emotion.py --student`` gives the full table.

Written to ``--out`` (default: the shipped ``narrative_models/emotion/student``), atomically.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")

CACHE = Path.home() / ".cache" / "drama-sim" / "emotion-student"


def template_lines(seeds, episodes: int, beats: int = 60, shipped: bool = False) -> list[str]:
    """Distinct template-narrator lines of random dramas (deterministic for the seeds)."""
    import numpy as np

    from drama_env import rules
    from drama_env.compiled import CompiledStory
    from drama_env.narration import TemplateNarrator
    from drama_env.state import DramaState
    from narrative_models.audience.branch import line_text
    from stories import load_story, shipped_story_names
    from stories.generator import generate_story
    from stories.schema import Story

    stories = [CompiledStory(load_story(n)) for n in shipped_story_names()] if shipped else []
    stories += [CompiledStory(Story.model_validate(generate_story(s))) for s in seeds]
    lines: dict[str, None] = {}
    for k, compiled in enumerate(stories):
        for episode in range(episodes):
            seed = 1000 * k + episode
            rng = np.random.default_rng(seed)
            narrator = TemplateNarrator(seed=seed)
            state = DramaState.initial(compiled, seed)
            for _ in range(beats):
                legal = rules.legal_actions(state).nonzero()[0]
                if legal.size == 0 or state.terminated:
                    break
                event = rules.apply(state, int(rng.choice(legal)))
                text = line_text(narrator.render(event, state))
                if text:
                    lines.setdefault(text)
    return list(lines)


def teacher_read(texts: list[str]):
    """The shipped emotion model's probabilities (N, 7) and valence/arousal (N, 2), cached."""
    import numpy as np

    from narrative_models.emotion import DEFAULT_WEIGHTS, EmotionModel

    key = hashlib.sha256("\n".join(texts).encode() + (DEFAULT_WEIGHTS / "model.safetensors").read_bytes()).hexdigest()[:16]
    path = CACHE / f"teacher-{key}.npz"
    if path.is_file():
        data = np.load(path)
        return data["probs"], data["va"]
    start = time.time()
    probs, va = EmotionModel.load().predict_arrays(texts)
    print(f"teacher read {len(texts)} texts in {time.time() - start:.0f} s", flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, probs=probs, va=va)
    tmp.replace(path)
    return probs, va


def macro_f1(gold, pred, classes: int) -> float:
    from narrative_models.emotion.metrics import f1_per_class

    return float(sum(f1_per_class(gold, pred, classes)) / classes)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="shared data folder")
    parser.add_argument("--out", type=Path, default=ROOT / "narrative_models" / "emotion" / "student")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--kernel", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    import numpy as np
    import torch

    from narrative_models.emotion.data import data_root, load_emobank, load_goemotions
    from narrative_models.emotion.labels import LABELS
    from narrative_models.emotion.network import MAX_LENGTH, length_batches, load_base, pad, run_batches, tokenize
    from narrative_models.emotion.student import StudentNet, base_embeddings, save_student
    from narrative_models.narrator.corpus import HOLDOUT_PLAY, play_units

    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)  # denormal floats slowed later epochs down 3-5x here
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    root = data_root(args.data)
    t0 = time.time()

    go_train, go_dev, go_test = (load_goemotions(root, s) for s in ("train", "dev", "test"))
    eb_train = load_emobank(root, "train")
    plays = [u["text"] for u in play_units(root) if u["play"] != HOLDOUT_PLAY]
    lines = template_lines(range(200), episodes=3, shipped=True)
    unseen = template_lines(range(10000, 10050), episodes=1)
    unseen = [t for t in unseen if t not in set(lines)]
    texts = list(dict.fromkeys([r.text for r in go_train] + [r.text for r in eb_train] + plays + lines))
    print(f"{len(texts)} texts: {len(go_train)} GoEmotions, {len(eb_train)} EmoBank, {len(plays)} speeches, "
          f"{len(lines)} template lines ({time.time() - t0:.0f} s)", flush=True)
    probs, va = teacher_read(texts)
    t_probs, t_va = teacher_read(unseen)

    index = {t: i for i, t in enumerate(texts)}
    gold = np.full(len(texts), -1)
    for r in go_train:
        if len(r.labels) == 1:
            gold[index[r.text]] = LABELS.index(next(iter(r.labels)))
    gold_va = np.full((len(texts), 2), np.nan)
    for r in eb_train:
        gold_va[index[r.text]] = (r.valence, r.arousal)

    base = load_base(verify=False)
    ids = tokenize(base.tokenizer, texts, MAX_LENGTH)
    net = StudentNet(base_embeddings(base), args.width, args.layers, args.kernel)
    trainable = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=0.01)
    batches = length_batches([len(x) for x in ids], args.batch)
    total = args.epochs * len(batches)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, args.lr, total_steps=total, pct_start=0.1)
    soft = torch.tensor(probs, dtype=torch.float32)
    soft_va = torch.tensor(va, dtype=torch.float32)
    hard = torch.tensor(gold)
    rated = torch.tensor(gold_va, dtype=torch.float32)

    dev_single = [r for r in go_dev if len(r.labels) == 1]
    dev_ids = tokenize(base.tokenizer, [r.text for r in dev_single], MAX_LENGTH)
    dev_gold = np.array([LABELS.index(next(iter(r.labels))) for r in dev_single])

    def dev_f1() -> float:
        net.eval()
        logits, _ = run_batches(net, dev_ids, 128)
        net.train()
        return macro_f1(dev_gold, logits.argmax(1).numpy(), len(LABELS))

    best, best_state, history = -1.0, None, []
    rng = random.Random(args.seed)
    for epoch in range(args.epochs):
        rng.shuffle(batches)
        net.train()
        seen, loss_sum = 0, 0.0
        for batch in batches:
            x, mask = pad([ids[i] for i in batch])
            logits, out_va = net(x, mask)
            index_t = torch.tensor(batch)
            logp = torch.log_softmax(logits, -1)
            loss = -(soft[index_t] * logp).sum(-1).mean()
            loss = loss + ((out_va - soft_va[index_t]) ** 2).sum(-1).mean()
            h = hard[index_t]
            if (h >= 0).any():
                loss = loss + 0.5 * torch.nn.functional.nll_loss(logp[h >= 0], h[h >= 0])
            r = rated[index_t]
            keep = ~torch.isnan(r[:, 0])
            if keep.any():
                loss = loss + ((out_va[keep] - r[keep]) ** 2).sum(-1).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            seen += len(batch)
            loss_sum += loss.item() * len(batch)
        f1 = dev_f1()
        history.append({"epoch": epoch + 1, "loss": round(loss_sum / seen, 4), "dev_macro_f1": round(f1, 4)})
        print(f"epoch {epoch + 1}: loss {loss_sum / seen:.4f}, dev macro-F1 {f1:.4f} ({time.time() - t0:.0f} s)", flush=True)
        if f1 > best:
            best, best_state = f1, {k: v.clone() for k, v in net.state_dict().items()}
    net.load_state_dict(best_state)
    net.eval()

    # --- evaluation ------------------------------------------------------------------------
    test_single = [r for r in go_test if len(r.labels) == 1]
    logits, _ = run_batches(net, tokenize(base.tokenizer, [r.text for r in test_single], MAX_LENGTH), 128)
    test_gold = np.array([LABELS.index(next(iter(r.labels))) for r in test_single])
    test_f1 = macro_f1(test_gold, logits.argmax(1).numpy(), len(LABELS))
    s_logits, s_va = run_batches(net, tokenize(base.tokenizer, unseen, MAX_LENGTH), 128)
    s_probs = torch.softmax(s_logits, -1).numpy()
    agree = float((s_probs.argmax(1) == t_probs.argmax(1)).mean())
    tv = float(0.5 * np.abs(s_probs - t_probs).sum(1).mean())
    va_err = float(np.abs(s_va.clamp(-1, 1).numpy() - t_va).mean())
    record = {
        "width": args.width, "layers": args.layers, "kernel": args.kernel, "max_length": MAX_LENGTH,
        "training": {"seed": args.seed, "epochs": args.epochs, "batch": args.batch, "lr": args.lr,
                     "texts": len(texts), "history": history, "minutes": round((time.time() - t0) / 60, 1)},
        "evaluation": {"goemotions_test_macro_f1": round(test_f1, 4), "goemotions_dev_macro_f1": round(best, 4),
                       "unseen_template_lines": len(unseen), "teacher_label_agreement": round(agree, 4),
                       "teacher_total_variation": round(tv, 4), "teacher_va_abs_error": round(va_err, 4)},
    }
    save_student(net, args.out, record)
    print(json.dumps(record["evaluation"], indent=1))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
