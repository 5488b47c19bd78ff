"""Train the LM narrator from scratch: byte-level BPE + a small GPT-2 on the prepared corpus.

    OMP_NUM_THREADS=1 nohup .venv/bin/python scripts/prepare_narrator_corpus.py > prep.log 2>&1 &&
    OMP_NUM_THREADS=1 nohup .venv/bin/python scripts/train_narrator.py --seed 0 > train.log 2>&1 &

The defaults are the shipped run's settings.

Reads ``units.jsonl`` from ``--corpus`` (see ``scripts/prepare_narrator_corpus.py``), holds the
play ``julius_caesar`` out, trains a tokenizer and a ``GPT2LMHeadModel`` on packed blocks and
writes a ``save_pretrained`` folder (fp16 safetensors + tokenizer files + ``narrator.json``) to
``--out`` (default: the shipped ``narrative_models/narrator/weights``), also every ``--save-every``
steps, so an interrupted run still leaves a usable model. ``--minutes`` stops early by wall time.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Args:
    corpus: Path = Path.home() / ".cache" / "drama-sim" / "narrator"
    out: Path = ROOT / "narrative_models" / "narrator" / "weights"
    seed: int = 0
    steps: int = 6000  # optimizer steps (the shipped run: 12.3 M tokens, ~100 minutes on one thread)
    minutes: float = 0.0  # stop early after this wall time (0: no limit)
    batch: int = 16  # blocks per step
    block: int = 128  # tokens per block
    vocab: int = 4096
    n_embd: int = 256
    n_layer: int = 4
    n_head: int = 4
    lr: float = 1.5e-3
    warmup: int = 200
    drop_emotion: float = 0.2  # share of examples trained without their emotion code (CFG)
    goemotions_share: float = 1.0  # share of GoEmotions units mixed in
    # repeats per emotion in each epoch ("fear:4,sadness:2"): rare emotions are seen more often
    oversample: str = "fear:4,sadness:2,disgust:2,anger:2"
    # GoEmotions comments get speaker and addressee names drawn from the plays' casts, so the
    # emotion codes' effect carries over to named speakers (the comments have no speakers)
    borrow_names: int = 1
    save_every: int = 500
    threads: int = 1


def parse() -> Args:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name, value in asdict(Args()).items():
        parser.add_argument("--" + name.replace("_", "-"), type=type(value), default=value)
    return Args(**vars(parser.parse_args()))


def train_tokenizer(texts, vocab: int):
    from tokenizers import ByteLevelBPETokenizer
    from transformers import PreTrainedTokenizerFast

    from narrative_models.narrator.codes import EOS, SPECIAL_TOKENS

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(texts, vocab_size=vocab, min_frequency=2, special_tokens=SPECIAL_TOKENS)
    tok = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token=EOS, eos_token=EOS, pad_token=EOS,
                                  unk_token=EOS, additional_special_tokens=SPECIAL_TOKENS[1:])
    tok.model_max_length = 1024
    return tok


def save(model, tok, out: Path, meta: dict) -> None:
    import shutil

    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    half = model.half()
    half.save_pretrained(tmp, safe_serialization=True)
    model.float()
    tok.save_pretrained(tmp)
    (tmp / "narrator.json").write_text(json.dumps(meta, indent=1))
    for path in tmp.iterdir():
        path.chmod(0o644)
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)


def main() -> int:
    args = parse()
    import numpy as np
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    from narrative_models.narrator.codes import PROMPT_FORMAT, example
    from narrative_models.narrator.corpus import HOLDOUT_PLAY, read_jsonl

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)

    units = read_jsonl(args.corpus / "units.jsonl")
    rng = random.Random(args.seed)
    train = [u for u in units if u["play"] != HOLDOUT_PLAY
             and (u["source"] != "goemotions" or rng.random() < args.goemotions_share)]
    print(f"{len(train)} training units ({len(units) - len(train)} held out / skipped)", flush=True)

    repeats = {e: int(k) for e, k in (item.split(":") for item in args.oversample.split(",") if item)}
    cast = sorted({u["speaker"] for u in train if u["source"] != "goemotions" and u["speaker"]})
    print(f"oversampling {repeats}; {len(cast)} speaker names to borrow", flush=True)

    tok = train_tokenizer((u["text"] + " " + u["speaker"] for u in train), args.vocab)
    eos = tok.convert_tokens_to_ids("<|endoftext|>")
    config = GPT2Config(vocab_size=len(tok), n_positions=args.block, n_embd=args.n_embd, n_layer=args.n_layer,
                        n_head=args.n_head, bos_token_id=eos, eos_token_id=eos, pad_token_id=eos,
                        resid_pdrop=0.1, embd_pdrop=0.1, attn_pdrop=0.1)
    model = GPT2LMHeadModel(config)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model: {n_params / 1e6:.2f} M parameters", flush=True)

    def epoch_stream(epoch: int):
        order = [i for i, u in enumerate(train) for _ in range(repeats.get(u.get("emotion"), 1))]
        random.Random(args.seed * 1000 + epoch).shuffle(order)
        drop = random.Random(args.seed * 7 + epoch)
        texts = []
        for i in order:
            unit = train[i]
            if args.borrow_names and not unit["speaker"]:
                speaker, to = drop.sample(cast, 2)
                unit = {**unit, "speaker": speaker, "to": to}
            texts.append(example(unit, drop.random() < args.drop_emotion))
        ids = []
        for enc in tok(texts, add_special_tokens=False)["input_ids"]:
            ids.extend(enc[: args.block])
        ids.append(eos)
        return torch.tensor(ids, dtype=torch.long)

    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    meta = {"n_params": n_params, "prompt_format": PROMPT_FORMAT, "seed": args.seed, "train_units": len(train), "holdout": HOLDOUT_PLAY,
            "args": {k: str(v) for k, v in asdict(args).items()}}
    epoch, stream, pos, tokens_seen = 0, epoch_stream(0), 0, 0
    per_step = args.batch * args.block
    t0 = time.time()
    model.train()
    step = 0
    for step in range(1, args.steps + 1):
        if pos + per_step + 1 > len(stream):
            epoch += 1
            stream, pos = epoch_stream(epoch), 0
        chunk = stream[pos: pos + per_step + 1]
        pos += per_step
        x = chunk[:-1].view(args.batch, args.block)  # (B, T)
        y = chunk[1:].view(args.batch, args.block)  # (B, T)
        # progress: by steps, or by wall time when --minutes is set (whichever is further)
        frac = step / args.steps
        if args.minutes:
            frac = max(frac, (time.time() - t0) / (args.minutes * 60))
        lr = args.lr * min(1.0, step / args.warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0))))
        for group in opt.param_groups:
            group["lr"] = lr
        logits = model(input_ids=x, attention_mask=torch.ones_like(x)).logits  # (B, T, V)
        loss = torch.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tokens_seen += per_step
        elapsed = time.time() - t0
        if step % 20 == 0:
            print(f"step {step} epoch {epoch} loss {loss.item():.3f} lr {lr:.2e} "
                  f"{tokens_seen / elapsed:.0f} tok/s {elapsed / 60:.1f} min", flush=True)
        stop = frac >= 1.0 and step < args.steps
        if step % args.save_every == 0 or stop:
            meta.update(steps=step, tokens=tokens_seen, minutes=round(elapsed / 60, 1), loss=round(loss.item(), 3))
            model.eval()
            save(model, tok, args.out, meta)
            model.train()
            print(f"saved {args.out} at step {step}", flush=True)
        if stop:
            break
    meta.update(steps=step, tokens=tokens_seen, minutes=round((time.time() - t0) / 60, 1), loss=round(loss.item(), 3))
    model.eval()
    save(model, tok, args.out, meta)
    print(f"done: {step} steps, {tokens_seen} tokens, saved {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
