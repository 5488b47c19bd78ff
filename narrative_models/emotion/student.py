"""A fast emotion reader distilled from the emotion model, for scoring whole branches cold.

The emotion model (six MiniLM layers) needs ~170 ms for the ~740 tokens of a 40-beat branch on
one CPU thread; the audience model's budget is 50 ms. The student reads the same MiniLM
word-piece embeddings (frozen, from the base package: nothing large is shipped), projects them
to 256 dimensions, runs two residual 1-D convolutions (kernel 3) and pools the tokens (mean and
max) into a small head with the same outputs as the teacher: Ekman-6 + neutral probabilities
and valence/arousal on [-1, 1]. It was trained on the teacher's predictions
(``scripts/distill_emotion.py``); docs/emotion-model.md gives its accuracy beside the teacher's.

>>> from narrative_models.emotion.student import EmotionStudent
>>> fast = EmotionStudent.load()                    # the shipped student
>>> fast.predict(["I am furious at you"])[0].label

It has :class:`~narrative_models.emotion.EmotionModel`'s interface (``predict``,
``predict_arrays``, ``logits``).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn

from narrative_models.emotion import EmotionModel
from narrative_models.emotion.checkpoint import read_model_config
from narrative_models.emotion.labels import LABELS
from stories.errors import ModelError

#: The folder of the shipped student.
DEFAULT_STUDENT = Path(__file__).resolve().parent / "student"
FORMAT = "drama-sim/emotion-student"
FORMAT_VERSION = 1
WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
FIX = "retrain it with `python scripts/distill_emotion.py` or reinstall the package"


class StudentNet(nn.Module):
    """Frozen word-piece embeddings -> projection -> residual 1-D convolutions -> mean+max
    pooling -> emotion logits (7) and valence/arousal (2)."""

    def __init__(self, embeddings: torch.Tensor, width: int = 256, layers: int = 2, kernel: int = 3) -> None:
        super().__init__()
        self.embed = nn.Embedding.from_pretrained(embeddings, freeze=True, padding_idx=0)
        self.proj = nn.Linear(embeddings.shape[1], width)
        self.convs = nn.ModuleList(nn.Conv1d(width, width, kernel, padding=kernel // 2) for _ in range(layers))
        self.norms = nn.ModuleList(nn.LayerNorm(width) for _ in range(layers))
        self.hidden = nn.Linear(2 * width, width)
        self.emotion = nn.Linear(width, len(LABELS))
        self.va = nn.Linear(width, 2)
        self.register_buffer("logit_bias", torch.zeros(len(LABELS)), persistent=False)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        keep = attention_mask.unsqueeze(-1).to(torch.float32)  # (B, T, 1)
        x = nn.functional.gelu(self.proj(self.embed(input_ids))) * keep  # (B, T, W)
        for conv, norm in zip(self.convs, self.norms):
            h = conv(x.transpose(1, 2)).transpose(1, 2)
            x = norm(x + nn.functional.gelu(h)) * keep  # padding stays zero for the next conv
        mean = x.sum(1) / keep.sum(1).clamp(min=1.0)
        top = x.masked_fill(keep == 0, -1e4).amax(1)
        h = nn.functional.gelu(self.hidden(torch.cat([mean, top], -1)))
        return self.emotion(h), self.va(h)

    def trained_state(self) -> dict[str, torch.Tensor]:
        """Everything but the frozen embedding table (which is the base's)."""
        return {k: v.detach().contiguous() for k, v in self.state_dict().items() if not k.startswith("embed.")}


def base_embeddings(base) -> torch.Tensor:
    """The base MiniLM's word-piece embedding table (vocabulary x 384)."""
    return base.state["embeddings.word_embeddings.weight"].float()


class EmotionStudent(EmotionModel):
    """The distilled student; build it with :meth:`load`. Same interface as ``EmotionModel``."""

    @classmethod
    def load(cls, path: str | Path | None = None, *, quantize: bool = False) -> EmotionStudent:
        """Load a student folder (default: the shipped one) with the base package's embeddings.

        Raises :class:`stories.errors.ModelError` naming the folder and the fix when the folder
        or its files are missing or corrupt, or the base encoder package is missing.
        """
        from safetensors.torch import load_file

        from narrative_models.emotion.network import load_base

        folder = Path(path) if path is not None else DEFAULT_STUDENT
        config = read_config(folder)
        base = load_base(verify=False)
        try:
            tensors = load_file(str(folder / WEIGHTS_FILE))
        except Exception as error:  # a truncated or foreign file
            raise ModelError(f"{folder / WEIGHTS_FILE}: unreadable ({error}) — {FIX}") from None
        net = StudentNet(base_embeddings(base), config["width"], config["layers"], config["kernel"])
        missing, unexpected = net.load_state_dict({k: v.float() for k, v in tensors.items()}, strict=False)
        missing = [k for k in missing if not k.startswith("embed.")]
        if missing or unexpected:
            raise ModelError(f"{folder / WEIGHTS_FILE}: tensors do not match the student "
                             f"(missing {missing[:3]}, unexpected {unexpected[:3]}) — {FIX}")
        net.eval()
        return cls(net, base.tokenizer, config, folder, quantized=False)

    def __repr__(self) -> str:
        return f"EmotionStudent(folder={str(self.folder)!r})"


def read_config(folder: Path) -> dict:
    """The student's ``config.json``, checked (ModelError naming the folder and the fix)."""
    config = read_model_config(folder, FORMAT, FORMAT_VERSION, "student", FIX)
    if not (folder / WEIGHTS_FILE).is_file():
        raise ModelError(f"{folder}: {WEIGHTS_FILE} is missing — {FIX}")
    for key in ("width", "layers", "kernel", "max_length"):
        if not isinstance(config.get(key), int) or config[key] < 1:
            raise ModelError(f"{folder / CONFIG_FILE}: {key!r} must be a positive integer — {FIX}")
    return config


def save_student(net: StudentNet, out: str | Path, config: dict) -> Path:
    """Write a student folder atomically (config + safetensors of the trained tensors)."""
    import shutil

    from safetensors.torch import save_file

    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    save_file(net.trained_state(), str(tmp / WEIGHTS_FILE), metadata={"format": FORMAT})
    full = {"format": FORMAT, "format_version": FORMAT_VERSION, "labels": list(LABELS), **config}
    (tmp / CONFIG_FILE).write_text(json.dumps(full, indent=2) + "\n", encoding="utf-8")
    for path in tmp.iterdir():
        path.chmod(0o644)
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return out
