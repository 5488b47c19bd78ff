"""The shipped weights folder: a compact delta against the base MiniLM, in save_pretrained layout.

Folder layout (``config.json`` + ``model.safetensors``, as ``save_pretrained`` writes them):

``config.json``
    format name and version, label order, pooling, max length, the valence/arousal scale, the
    base model (id, PyPI package, sha256 of its ``model.safetensors``) and the sha256 of
    ``model.safetensors`` here, checked on every load.
``model.safetensors``
    only what training changed: for each fine-tuned encoder parameter ``P`` the difference
    ``P_trained - P_base``, 2-D matrices as ``delta.P.int8`` (int8, symmetric, one float32
    scale per output row in ``delta.P.scale``), vectors as ``delta.P.fp16``; the two heads and
    the dev-chosen logit bias in float32 (``head.*``); for int8 inference the calibrated input
    range (min, max) of each encoder Linear layer (``calib.NAME``). The frozen token-embedding
    table is not stored: it is the base's.

Every problem found while loading raises :class:`stories.errors.ModelError` naming the folder
and the fix.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import torch

from narrative_models.emotion.labels import LABELS, VA_CENTER, VA_HALF_RANGE
from narrative_models.emotion.network import (
    BASE_MODEL_ID,
    BASE_PACKAGE,
    BASE_SHA256,
    FROZEN_PARAMETERS,
    MAX_LENGTH,
    Base,
    EmotionNet,
    load_base,
    sha256_file,
)
from stories.errors import ModelError

FORMAT = "drama-sim/emotion-delta"
FORMAT_VERSION = 1
WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
HEAD_KEYS = ("head.emotion.weight", "head.emotion.bias", "head.va.weight", "head.va.bias", "head.logit_bias")


def _fix(folder: Path) -> str:
    return (
        "restore the shipped weights (reinstall drama-sim, or `git checkout -- "
        "narrative_models/emotion/weights`) or retrain into this folder with "
        f"`python scripts/train_emotion.py --seed 13 --out {folder}`"
    )


# ---------------------------------------------------------------------------------------------
# Packing


def pack(net: EmotionNet, base: Base) -> dict[str, torch.Tensor]:
    """The tensors of ``model.safetensors``: int8/fp16 deltas against the base, and the heads."""
    tensors: dict[str, torch.Tensor] = {}
    for name, param in net.encoder.named_parameters():
        if name in FROZEN_PARAMETERS:
            continue
        delta = param.detach().float() - base.state[name].float()
        if delta.ndim == 2:
            scale = delta.abs().amax(dim=1).clamp(min=1e-12) / 127.0  # (rows,)
            quantised = torch.round(delta / scale[:, None]).clamp(-127, 127).to(torch.int8)
            tensors[f"delta.{name}.int8"] = quantised.contiguous()
            tensors[f"delta.{name}.scale"] = scale.float().contiguous()
        else:
            tensors[f"delta.{name}.fp16"] = delta.half().contiguous()
    tensors["head.emotion.weight"] = net.emotion_head.weight.detach().float().contiguous()
    tensors["head.emotion.bias"] = net.emotion_head.bias.detach().float().contiguous()
    tensors["head.va.weight"] = net.va_head.weight.detach().float().contiguous()
    tensors["head.va.bias"] = net.va_head.bias.detach().float().contiguous()
    tensors["head.logit_bias"] = net.logit_bias.detach().float().contiguous()
    for name, (lo, hi) in sorted((net.activation_ranges or {}).items()):
        tensors[f"calib.{name}"] = torch.tensor([lo, hi], dtype=torch.float32)
    return tensors


def unpack(net: EmotionNet, tensors: dict[str, torch.Tensor], where: Path) -> None:
    """Add the stored deltas to a freshly built (base) net and set its heads; checks every key."""
    expected: set[str] = set(HEAD_KEYS)
    with torch.no_grad():
        for name, param in net.encoder.named_parameters():
            if name in FROZEN_PARAMETERS:
                continue
            if param.ndim == 2:
                q_key, s_key = f"delta.{name}.int8", f"delta.{name}.scale"
                expected |= {q_key, s_key}
                q, scale = tensors.get(q_key), tensors.get(s_key)
                if q is None or scale is None or q.shape != param.shape or scale.shape != param.shape[:1]:
                    raise ModelError(f"{where}: tensor {q_key} is missing or has the wrong shape — {_fix(where.parent)}")
                param.add_(q.float() * scale.float()[:, None])
            else:
                key = f"delta.{name}.fp16"
                expected.add(key)
                delta = tensors.get(key)
                if delta is None or delta.shape != param.shape:
                    raise ModelError(f"{where}: tensor {key} is missing or has the wrong shape — {_fix(where.parent)}")
                param.add_(delta.float())
        heads = [
            (net.emotion_head.weight, "head.emotion.weight"),
            (net.emotion_head.bias, "head.emotion.bias"),
            (net.va_head.weight, "head.va.weight"),
            (net.va_head.bias, "head.va.bias"),
            (net.logit_bias, "head.logit_bias"),
        ]
        for target, key in heads:
            value = tensors.get(key)
            if value is None or value.shape != target.shape:
                raise ModelError(f"{where}: tensor {key} is missing or has the wrong shape — {_fix(where.parent)}")
            target.copy_(value.float())
    linears = {name for name, module in net.encoder.named_modules() if isinstance(module, torch.nn.Linear)}
    ranges = {}
    for key, value in tensors.items():
        if key.startswith("calib."):
            name = key[len("calib."):]
            if name not in linears or value.shape != (2,) or not torch.isfinite(value).all():
                raise ModelError(f"{where}: calibration tensor {key} does not fit the encoder — {_fix(where.parent)}")
            ranges[name] = (float(value[0]), float(value[1]))
            expected.add(key)
    net.activation_ranges = ranges or None
    extra = sorted(set(tensors) - expected)
    if extra:
        raise ModelError(f"{where}: unexpected tensors {extra[:3]} (another model?) — {_fix(where.parent)}")
    for name, value in net.state_dict().items():
        if value.is_floating_point() and not torch.isfinite(value).all():
            raise ModelError(f"{where}: parameter {name} is not finite after loading — {_fix(where.parent)}")


# ---------------------------------------------------------------------------------------------
# Saving and loading a folder


def save_folder(net: EmotionNet, base: Base, out: str | Path, training: dict) -> Path:
    """Write config.json + model.safetensors to ``out`` (via a temporary folder, then rename)."""
    return write_folder(pack(net, base), out, training)


def write_folder(tensors: dict[str, torch.Tensor], out: str | Path, training: dict) -> Path:
    """Write packed tensors and their config to ``out`` atomically (temporary folder, rename)."""
    from safetensors.torch import save_file

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    save_file(tensors, str(tmp / WEIGHTS_FILE), metadata={"format": "pt"})
    config = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "architectures": ["EmotionNet"],
        "model_type": "minilm-emotion-delta",
        "labels": list(LABELS),
        "id2label": {str(i): label for i, label in enumerate(LABELS)},
        "label2id": {label: i for i, label in enumerate(LABELS)},
        "pooling": "mean",
        "max_length": MAX_LENGTH,
        "valence_arousal_scale": {
            "range": [-1.0, 1.0],
            "formula": f"(EmoBank rating - {VA_CENTER}) / {VA_HALF_RANGE}",
        },
        "base_model": BASE_MODEL_ID,
        "base_package": BASE_PACKAGE,
        "base_sha256": BASE_SHA256,
        "frozen_parameters": list(FROZEN_PARAMETERS),
        "delta_encoding": "2-D: int8 per-row symmetric (delta.P.int8 * delta.P.scale[:, None]); 1-D: float16",
        "calibrated_linears": sum(1 for key in tensors if key.startswith("calib.")),
        "weights_file": WEIGHTS_FILE,
        "weights_sha256": sha256_file(tmp / WEIGHTS_FILE),
        "training": training,
    }
    (tmp / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    for path in (tmp, tmp / WEIGHTS_FILE, tmp / CONFIG_FILE):
        path.chmod(0o755 if path.is_dir() else 0o644)
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    if old.exists():
        shutil.rmtree(old)
    return out


def read_model_config(folder: Path, fmt: str, version: int, kind: str, fix: str) -> dict:
    """A model folder's config.json, checked — the folder, the file, its JSON, ``format``,
    ``format_version`` and ``labels`` — or a ModelError naming the place and ``fix``."""
    if not folder.is_dir():
        raise ModelError(f"{folder}: no such {kind} folder — {fix}")
    path = folder / CONFIG_FILE
    if not path.is_file():
        raise ModelError(f"{folder}: {CONFIG_FILE} is missing, this is not a {kind} folder — {fix}")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ModelError(f"{path}: cannot be read as JSON ({error}) — {fix}") from None
    if not isinstance(config, dict) or config.get("format") != fmt:
        raise ModelError(f"{path}: not a {fmt} config — {fix}")
    if config.get("format_version") != version:
        raise ModelError(f"{path}: format_version {config.get('format_version')!r}, this code "
                         f"reads {version} — {fix}")
    if config.get("labels") != list(LABELS):
        raise ModelError(f"{path}: labels {config.get('labels')!r} differ from {list(LABELS)} — {fix}")
    return config


def read_config(folder: str | Path) -> dict:
    """Check the folder and its config.json; return the config (ModelError naming the fix)."""
    folder = Path(folder)
    config = read_model_config(folder, FORMAT, FORMAT_VERSION, "emotion model", _fix(folder))
    if config.get("base_sha256") != BASE_SHA256:
        raise ModelError(f"{folder / CONFIG_FILE}: trained on another base encoder than "
                         f"{BASE_MODEL_ID} — {_fix(folder)}")
    return config


def load_folder(folder: str | Path) -> tuple[EmotionNet, Base, dict]:
    """Verify and load a weights folder onto the base MiniLM: (net in eval mode, base, config)."""
    from safetensors.torch import load_file

    folder = Path(folder)
    config = read_config(folder)
    weights = folder / str(config.get("weights_file", WEIGHTS_FILE))
    if not weights.is_file():
        raise ModelError(f"{folder}: {weights.name} is missing — {_fix(folder)}")
    if sha256_file(weights) != config.get("weights_sha256"):
        raise ModelError(f"{weights}: corrupt (sha256 differs from config.json) — {_fix(folder)}")
    try:
        tensors = load_file(str(weights))
    except Exception as error:
        raise ModelError(f"{weights}: cannot be read as safetensors ({error}) — {_fix(folder)}") from None
    base = load_base()
    net = EmotionNet(base)
    unpack(net, tensors, weights)
    net.eval()
    return net, base, config
