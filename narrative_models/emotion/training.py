"""Fine-tuning the emotion model from the base MiniLM (used by ``scripts/train_emotion.py``).

Recipe (docs/emotion-model.md has the why):

* data: GoEmotions ``train`` (27 emotions + neutral mapped to Ekman-6 + neutral by
  ``ekman_mapping.json``; a comment whose labels map to several Ekman classes gets a soft
  target, uniform over them) and EmoBank ``train`` (valence, arousal scaled to [-1, 1]);
* the whole encoder is fine-tuned except the token-embedding table (frozen, so not shipped);
* batches are length-bucketed: each epoch sorts each data set by (length, random tie-break),
  cuts it into batches of 32 and shuffles the order of the batches (each batch holds one task);
* loss: soft-target cross-entropy on GoEmotions batches, mean squared error divided by the
  per-dimension training variance on EmoBank batches;
* AdamW, linear warm-up then linear decay; dev split only for model selection: the checkpoint
  (evaluated at a few points) and a post-hoc logit adjustment ``-tau * log(prior)`` with tau
  picked on dev macro-F1;
* finally the input range of each encoder Linear layer is recorded on 4,000 training lines,
  for batch-independent int8 inference (``network.quantize_for_cpu``).
"""

from __future__ import annotations

import copy
import json
import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from narrative_models.emotion.checkpoint import load_folder, save_folder
from narrative_models.emotion.data import data_root, load_emobank, load_goemotions
from narrative_models.emotion.labels import LABELS
from narrative_models.emotion.metrics import macro_f1, pearson
from narrative_models.emotion.network import (
    MAX_LENGTH,
    EmotionNet,
    calibrate_ranges,
    load_base,
    pad,
    run_batches,
    tokenize,
)


@dataclass
class TrainConfig:
    """Arguments of one training run (the defaults made the shipped weights)."""

    out: Path
    """folder to write (config.json + model.safetensors)"""
    seed: int = 13
    """seeds torch and the batch order"""
    data: Path | None = None
    """shared data folder (default: DRAMA_DATA or ../shared/data)"""
    epochs: float = 1.4
    """passes over GoEmotions train (EmoBank batches ride along at the same pace); 1.4 keeps
    a run under 20 minutes on 2 cores"""
    batch_size: int = 32
    max_length: int = MAX_LENGTH
    lr: float = 8e-5
    """peak learning rate of the encoder"""
    head_lr: float = 1e-3
    """peak learning rate of the two heads"""
    weight_decay: float = 0.01
    warmup: float = 0.06
    """fraction of the steps spent warming up"""
    va_weight: float = 1.0
    """weight of the valence/arousal loss on EmoBank batches"""
    eval_at: tuple[float, ...] = (1.0, 1.4)
    """epochs at which the dev split is scored and the best checkpoint kept"""
    taus: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
    """candidate strengths of the logit adjustment -tau*log(prior), chosen on dev"""
    threads: int = 2
    limit: int | None = None
    """use only the first N rows of each split (smoke tests)"""
    log_every: int = 50


def soft_target(labels: frozenset[str]) -> list[float]:
    weight = 1.0 / len(labels)
    return [weight if label in labels else 0.0 for label in LABELS]


def single_label_rows(rows) -> tuple[list[int], list[int]]:
    """Indices and gold class of the rows carrying exactly one Ekman label."""
    index, gold = [], []
    for i, row in enumerate(rows):
        if len(row.labels) == 1:
            index.append(i)
            gold.append(LABELS.index(next(iter(row.labels))))
    return index, gold


def choose_tau(logits: np.ndarray, gold: np.ndarray, log_prior: np.ndarray, taus) -> tuple[float, float]:
    """The logit-adjustment strength with the best macro-F1 (first one on ties)."""
    best = (-1.0, 0.0)
    for tau in taus:
        score = macro_f1(gold, (logits - tau * log_prior).argmax(1), len(LABELS))
        if score > best[0] + 1e-12:
            best = (score, tau)
    return best[1], best[0]


def make_batches(lengths: list[int], batch_size: int, rng: random.Random, task: str) -> list[tuple[str, list[int]]]:
    keys = [(length, rng.random()) for length in lengths]
    order = sorted(range(len(lengths)), key=keys.__getitem__)
    return [(task, order[s : s + batch_size]) for s in range(0, len(order), batch_size)]


CALIBRATION_ROWS = (3000, 1000)
"""GoEmotions and EmoBank training rows (spread over the files) that fix the int8 activation ranges."""


def calibration_ids(tokenizer, go_train, eb_train, max_length: int = MAX_LENGTH) -> list[list[int]]:
    """Token ids of the calibration lines: training rows only, never dev, test or holdout."""
    from narrative_models.emotion.evaluation import sample

    texts = [r.text for r in sample(go_train, CALIBRATION_ROWS[0])] + [r.text for r in sample(eb_train, CALIBRATION_ROWS[1])]
    return tokenize(tokenizer, texts, max_length)


def calibrate_folder(folder: str | Path, data: Path | None = None) -> Path:
    """(Re)compute the int8 activation ranges of a trained folder and rewrite it in place;
    ``train`` does this itself as its last step."""
    from safetensors.torch import load_file

    from narrative_models.emotion.checkpoint import read_config, write_folder

    root = data_root(data)
    net, base, config = load_folder(folder)
    ids = calibration_ids(base.tokenizer, load_goemotions(root, "train"), load_emobank(root, "train"), MAX_LENGTH)
    ranges = calibrate_ranges(net, ids)
    tensors = {k: v for k, v in load_file(str(Path(folder) / config["weights_file"])).items() if not k.startswith("calib.")}
    for name, (lo, hi) in sorted(ranges.items()):
        tensors[f"calib.{name}"] = torch.tensor([lo, hi], dtype=torch.float32)
    return write_folder(tensors, folder, read_config(folder)["training"])


def train(cfg: TrainConfig, log=print) -> dict:
    """Train, select on dev, save to ``cfg.out``, reload and check. Returns the summary."""
    started = time.time()
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)
    rng = random.Random(cfg.seed)

    root = data_root(cfg.data)
    base = load_base()
    net = EmotionNet(base)
    for name, param in net.encoder.named_parameters():
        param.requires_grad_(name in net.trainable_encoder_names())

    def cut(rows):
        return rows[: cfg.limit] if cfg.limit else rows

    go_train, go_dev = cut(load_goemotions(root, "train")), cut(load_goemotions(root, "dev"))
    eb_train, eb_dev = cut(load_emobank(root, "train")), cut(load_emobank(root, "dev"))
    tok = base.tokenizer
    go_ids = tokenize(tok, [r.text for r in go_train], cfg.max_length)
    eb_ids = tokenize(tok, [r.text for r in eb_train], cfg.max_length)
    go_dev_ids = tokenize(tok, [r.text for r in go_dev], cfg.max_length)
    eb_dev_ids = tokenize(tok, [r.text for r in eb_dev], cfg.max_length)
    go_targets = torch.tensor([soft_target(r.labels) for r in go_train])  # (N, 7)
    eb_targets = torch.tensor([[r.valence, r.arousal] for r in eb_train])  # (M, 2)
    va_var = eb_targets.var(0).clamp(min=1e-4)  # (2,)
    prior = go_targets.mean(0).clamp(min=1e-6)  # (7,)
    log_prior = prior.log().numpy()
    dev_index, dev_gold = single_label_rows(go_dev)
    dev_gold = np.array(dev_gold)
    eb_dev_va = np.array([[r.valence, r.arousal] for r in eb_dev])

    def epoch_batches():
        batches = make_batches([len(x) for x in go_ids], cfg.batch_size, rng, "emotion")
        batches += make_batches([len(x) for x in eb_ids], cfg.batch_size, rng, "va")
        rng.shuffle(batches)
        return batches

    steps_per_epoch = math.ceil(len(go_ids) / cfg.batch_size) + math.ceil(len(eb_ids) / cfg.batch_size)
    total_steps = max(1, round(cfg.epochs * steps_per_epoch))
    eval_steps = sorted({min(total_steps, max(1, round(e * steps_per_epoch))) for e in cfg.eval_at} | {total_steps})
    warmup_steps = max(1, round(cfg.warmup * total_steps))

    decay, no_decay = [], []
    for name, param in net.encoder.named_parameters():
        if param.requires_grad:
            (no_decay if param.ndim == 1 else decay).append(param)
    heads = list(net.emotion_head.parameters()) + list(net.va_head.parameters())
    optimizer = torch.optim.AdamW(
        [
            {"params": decay, "lr": cfg.lr, "weight_decay": cfg.weight_decay},
            {"params": no_decay, "lr": cfg.lr, "weight_decay": 0.0},
            {"params": heads, "lr": cfg.head_lr, "weight_decay": 0.0},
        ]
    )

    def schedule(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup_steps))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    log(
        f"train: {len(go_ids)} GoEmotions + {len(eb_ids)} EmoBank rows, {steps_per_epoch} steps/epoch, "
        f"{total_steps} steps, evaluating at {eval_steps}"
    )

    def evaluate() -> dict:
        net.eval()
        logits, _ = run_batches(net, go_dev_ids, 128)
        _, va = run_batches(net, eb_dev_ids, 128)
        net.train()
        logits = logits.numpy()[dev_index]
        tau, f1 = choose_tau(logits, dev_gold, log_prior, cfg.taus)
        va = va.numpy()
        return {
            "dev_macro_f1": round(f1, 4),
            "dev_macro_f1_tau0": round(macro_f1(dev_gold, logits.argmax(1), len(LABELS)), 4),
            "tau": tau,
            "dev_valence_r": round(pearson(va[:, 0], eb_dev_va[:, 0]), 4),
            "dev_arousal_r": round(pearson(va[:, 1], eb_dev_va[:, 1]), 4),
        }

    best: dict | None = None
    best_state = None
    history = []
    step = 0
    running = {"emotion": [0.0, 0], "va": [0.0, 0]}
    net.train()
    while step < total_steps:
        for task, batch in epoch_batches():
            if step >= total_steps:
                break
            if task == "emotion":
                input_ids, mask = pad([go_ids[i] for i in batch])
                logits, _ = net(input_ids, mask)
                loss = -(go_targets[batch] * F.log_softmax(logits, dim=-1)).sum(-1).mean()
            else:
                input_ids, mask = pad([eb_ids[i] for i in batch])
                _, va = net(input_ids, mask)
                loss = cfg.va_weight * (((va - eb_targets[batch]) ** 2) / va_var).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            running[task][0] += loss.detach().item()
            running[task][1] += 1
            if step % cfg.log_every == 0 or step == total_steps:
                elapsed = time.time() - started
                eta = elapsed / step * (total_steps - step)
                losses = " ".join(f"{k}={v[0] / max(1, v[1]):.4f}" for k, v in running.items())
                log(f"step {step}/{total_steps} {losses} elapsed {elapsed:.0f}s eta {eta:.0f}s")
                running = {"emotion": [0.0, 0], "va": [0.0, 0]}
            if step in eval_steps:
                scores = evaluate() | {"step": step, "epoch": round(step / steps_per_epoch, 3)}
                history.append(scores)
                log(f"dev @ step {step}: {json.dumps(scores)}")
                if best is None or scores["dev_macro_f1"] > best["dev_macro_f1"]:
                    best = scores
                    best_state = copy.deepcopy(net.state_dict())

    assert best is not None and best_state is not None
    net.load_state_dict(best_state)
    with torch.no_grad():
        net.logit_bias.copy_(-best["tau"] * torch.from_numpy(log_prior).float())
    net.eval()
    net.activation_ranges = calibrate_ranges(net, calibration_ids(base.tokenizer, go_train, eb_train, cfg.max_length))
    train_seconds = round(time.time() - started, 1)
    summary = {
        "seed": cfg.seed,
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items() if k not in ("out", "data")},
        "selected": best,
        "history": history,
        "train_seconds": train_seconds,
        "goemotions_train_rows": len(go_ids),
        "emobank_train_rows": len(eb_ids),
        "torch": torch.__version__,
    }
    out = save_folder(net, base, cfg.out, summary)
    log(f"saved {out} ({sum(p.stat().st_size for p in out.iterdir()) / 1e6:.2f} MB) in {train_seconds}s")

    # Round trip: the packed (int8 delta) model must score dev like the trained one.
    reloaded, _, _ = load_folder(out)
    logits, _ = run_batches(reloaded, go_dev_ids, 128)
    logits = (logits + reloaded.logit_bias).numpy()[dev_index]
    summary["reloaded_dev_macro_f1"] = round(macro_f1(dev_gold, logits.argmax(1), len(LABELS)), 4)
    log(f"reloaded from {out}: dev macro-F1 {summary['reloaded_dev_macro_f1']} (trained: {best['dev_macro_f1']})")
    return summary
