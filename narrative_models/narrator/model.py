"""Loading a causal LM folder and sampling lines from it (seeded, with optional CFG)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterator

from narrative_models.narrator import codes
from narrative_models.narrator.profanity import is_profane, mask

DEFAULT_WEIGHTS = Path(__file__).resolve().parent / "weights"
FIX = ("retrain the shipped narrator with `python scripts/prepare_narrator_corpus.py && "
       "python scripts/train_narrator.py` (docs/narrator.md), or pass a folder holding a "
       "transformers causal LM saved with save_pretrained (config.json, weights, tokenizer files)")


def seed_of(*key) -> int:
    """A 63-bit seed from any key (stable across processes, unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(repr(key).encode(), digest_size=8).digest(), "little") >> 1


#: Default penalty on tokens already sampled in a line (1.0: off); the small narrator otherwise
#: loops on a word ("fear, fearful fear").
REPETITION_PENALTY = 1.3


class NarratorLM:
    """A loaded causal LM. Build it with :meth:`load`; sample with :meth:`generate` / :meth:`stream`."""

    def __init__(self, model, tokenizer, folder: Path, meta: dict | None) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.folder = folder
        self.meta = meta
        self.coded = meta is not None  # the shipped format, with control codes
        self.prompt_format = int((meta or {}).get("prompt_format", 1))
        self.eos_id = tokenizer.eos_token_id
        self.max_positions = int(getattr(model.config, "n_positions", 0) or getattr(model.config, "max_position_embeddings", 1024))
        self._fast = None  # the plain-torch decoder, built on first use (False: not supported)

    # --- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None, threads: int | None = None) -> NarratorLM:
        """Load a model folder (default: the shipped narrator).

        Raises :class:`stories.errors.ModelError` naming the folder and the fix when the folder
        is missing, is not a transformers causal-LM folder, or its files are corrupt.
        """
        from stories.errors import ModelError

        folder = Path(path) if path is not None else DEFAULT_WEIGHTS
        if not folder.is_dir():
            raise ModelError(f"{folder}: no such model folder — {FIX}")
        if not (folder / "config.json").is_file():
            raise ModelError(f"{folder}: not a transformers model folder (no config.json) — {FIX}")
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
            from transformers.utils import logging as hf_logging
        except ImportError as error:
            raise ModelError(f"{folder}: the LM narrator needs torch and transformers ({error}) — "
                             "pip install torch transformers tokenizers safetensors") from None
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        if threads:
            torch.set_num_threads(threads)
        meta = None
        if (folder / "narrator.json").is_file():
            try:
                meta = json.loads((folder / "narrator.json").read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise ModelError(f"{folder}/narrator.json: unreadable ({error}) — {FIX}") from None
        try:
            tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True, trust_remote_code=False)
            model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, trust_remote_code=False,
                                                         torch_dtype=torch.float32)
        except Exception as error:  # corrupt files surface as many exception types
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ModelError(f"{folder}: cannot load the model ({first[:200]}) — {FIX}") from None
        model.eval()
        if tokenizer.eos_token_id is None:
            raise ModelError(f"{folder}: the tokenizer has no end-of-sequence token — {FIX}")
        return cls(model, tokenizer, folder, meta)

    # --- prompts -------------------------------------------------------------------------------
    def prompt_ids(self, speaker: str = "", to: str = "", emotion: str | None = None, verb: str | None = None,
                   place: str | None = None, context: list[str] | None = None) -> list[int]:
        tok = self.tokenizer
        if self.coded:
            return tok(codes.prompt(speaker, to, emotion, verb, self.prompt_format), add_special_tokens=False)["input_ids"]
        # A generic model: a plain instruction (through the chat template where there is one).
        ask = f"Write one line of dialogue for a play. {speaker or 'A character'} speaks"
        ask += f" to {to}" if to else ""
        ask += f", feeling {emotion}" if emotion and emotion != "neutral" else ""
        ask += f", in order to {verb.replace('_', ' ')}" if verb and verb != "none" else ""
        ask += f", at {place}" if place else ""
        ask += ". Reply with the line only."
        if context:
            ask = "Previous lines:\n" + "\n".join(context[-3:]) + "\n\n" + ask
        if getattr(tok, "chat_template", None):
            ids = tok.apply_chat_template([{"role": "user", "content": ask}], add_generation_prompt=True, tokenize=True)
            return list(ids["input_ids"] if isinstance(ids, dict) else ids)
        return tok(ask + f"\n{speaker or 'Character'}:", add_special_tokens=False)["input_ids"]

    # --- sampling ------------------------------------------------------------------------------
    def _token_stream(self, ids_rows, seed: int, max_new_tokens: int, temperature: float, top_k: int,
                      guidance: float, uncond_rows=None, repetition_penalty: float = 1.0) -> Iterator[list[int]]:
        """Yield, per step, one sampled token id per row (rows share the prompt length).

        ``repetition_penalty`` > 1 makes tokens already sampled in the row less likely (CTRL's
        rule: a positive logit is divided by it, a negative one multiplied)."""
        import torch

        gen = torch.Generator().manual_seed(seed)
        rows = list(ids_rows) + (list(uncond_rows) if uncond_rows is not None else [])
        n = len(ids_rows)
        x = torch.tensor(rows, dtype=torch.long)  # (R, T)
        budget = max(1, min(max_new_tokens, self.max_positions - x.shape[1]))
        next_logits = self._decoder()
        seen = None
        with torch.inference_mode():
            for _ in range(budget):
                logits = next_logits(x).float()  # (R, V)
                if uncond_rows is not None:
                    cond, uncond = logits[:n], logits[n:]
                    logits = uncond + guidance * (cond - uncond)  # (n, V)
                if seen is not None:
                    penalised = torch.where(logits > 0, logits / repetition_penalty, logits * repetition_penalty)
                    logits = torch.where(seen, penalised, logits)
                logits = logits / max(temperature, 1e-4)
                if 0 < top_k < logits.shape[-1]:
                    kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
                    logits = logits.masked_fill(logits < kth, float("-inf"))
                probs = torch.softmax(logits, dim=-1)
                nxt = torch.multinomial(probs, 1, generator=gen)  # (n, 1)
                if repetition_penalty != 1.0:
                    if seen is None:
                        seen = torch.zeros_like(logits, dtype=torch.bool)
                    seen[torch.arange(n), nxt[:, 0]] = True
                yield nxt[:, 0].tolist()
                x = torch.cat([nxt, nxt], 0) if uncond_rows is not None else nxt

    def _decoder(self):
        """A function from the new token ids (the prompt first) to the next-token logits,
        keeping its own key/value cache: the plain-torch GPT-2 decoder where it applies
        (:mod:`.fast_decode`, about 3x faster per token), else transformers' forward."""
        from narrative_models.narrator.fast_decode import FastGPT2

        if self._fast is None:
            self._fast = FastGPT2(self.model) if FastGPT2.supports(self.model) else False
        fast = self._fast
        if fast:
            cache = None

            def next_logits(ids):
                nonlocal cache
                if cache is None:
                    logits, cache = fast.prefill(ids)
                    return logits
                return fast.step(ids, cache)

            return next_logits
        import inspect

        key = "cache" if "cache" in inspect.signature(self.model.forward).parameters else "past_key_values"
        past = None

        def next_logits(ids):
            nonlocal past
            out = self.model(input_ids=ids, use_cache=True, **({key: past} if past is not None else {}))
            past = getattr(out, "cache", None) or getattr(out, "past_key_values", None)
            return out.logits[:, -1, :]

        return next_logits

    def _rows(self, speaker, to, emotion, verb, place, context, n, guidance):
        ids = self.prompt_ids(speaker, to, emotion, verb, place, context)
        uncond = None
        if self.coded and guidance != 1.0 and emotion:
            uncond = [self.prompt_ids(speaker, to, None, verb)] * n
            assert len(uncond[0]) == len(ids)  # the code tokens are swapped
        return [ids] * n, uncond

    def generate(self, speaker: str = "", to: str = "", emotion: str | None = None, verb: str | None = None,
                 place: str | None = None, context: list[str] | None = None, n: int = 1, seed: int = 0,
                 max_new_tokens: int = 48, temperature: float = 0.9, top_k: int = 50,
                 guidance: float = 1.0, repetition_penalty: float = REPETITION_PENALTY) -> list[str]:
        """``n`` raw samples (profanity masked); the same arguments give the same lines."""
        rows, uncond = self._rows(speaker, to, emotion, verb, place, context, n, guidance)
        out: list[list[int]] = [[] for _ in range(n)]
        done = [False] * n
        for step in self._token_stream(rows, seed, max_new_tokens, temperature, top_k, guidance, uncond,
                                       repetition_penalty):
            for i, t in enumerate(step):
                if not done[i]:
                    if t == self.eos_id:
                        done[i] = True
                    else:
                        out[i].append(t)
            if all(done):
                break
        return [self.clean(self.tokenizer.decode(o, skip_special_tokens=True)) for o in out]

    def stream(self, speaker: str = "", to: str = "", emotion: str | None = None, verb: str | None = None,
               place: str | None = None, context: list[str] | None = None, seed: int = 0,
               max_new_tokens: int = 48, temperature: float = 0.9, top_k: int = 50,
               guidance: float = 1.0, repetition_penalty: float = REPETITION_PENALTY) -> Iterator[str]:
        """The text of one sample, piece by piece, as it is generated (profanity masked per word)."""
        rows, uncond = self._rows(speaker, to, emotion, verb, place, context, 1, guidance)
        ids: list[int] = []
        shown = ""
        for step in self._token_stream(rows, seed, max_new_tokens, temperature, top_k, guidance, uncond,
                                       repetition_penalty):
            if step[0] == self.eos_id:
                break
            ids.append(step[0])
            text = self.tokenizer.decode(ids, skip_special_tokens=True)
            cut = text.rfind(" ")  # emit whole words only, so masking sees them complete
            if cut > len(shown):
                piece = mask(text[len(shown):cut])
                yield piece.lstrip() if not shown else piece
                shown = text[:cut]
        text = self.tokenizer.decode(ids, skip_special_tokens=True)
        if len(text) > len(shown):
            piece = mask(text[len(shown):]).rstrip()
            yield piece.lstrip() if not shown else piece

    @staticmethod
    def clean(text: str) -> str:
        text = " ".join(text.split())
        if "\n" in text:
            text = text.split("\n")[0]
        return mask(text).strip()


__all__ = ["DEFAULT_WEIGHTS", "NarratorLM", "is_profane", "seed_of"]
