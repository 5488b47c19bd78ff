"""Incremental decoding of a ``GPT2LMHeadModel`` in plain torch.

The shipped narrator is tiny (2.6 M parameters), so a transformers ``forward`` per token is
mostly Python overhead (cache objects, masks, output records): about 4 ms a token here, against
well under 1 ms for the arithmetic. :class:`FastGPT2` runs the same weights through the same
operations (layer norms, fused QKV projection, scaled dot-product attention, ``gelu_new`` MLP,
tied output head) with a preallocated key/value cache. Models it does not support (other
architectures, other options) keep the transformers path; see :func:`FastGPT2.supports`.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


class FastGPT2:
    """Prefill a batch of prompts, then decode one token per row per call."""

    @staticmethod
    def supports(model) -> bool:
        """Whether ``model`` is a GPT-2 whose options this decoder reproduces exactly."""
        config = getattr(model, "config", None)
        return (type(model).__name__ == "GPT2LMHeadModel" and config is not None
                and config.activation_function == "gelu_new"
                and not config.scale_attn_by_inverse_layer_idx
                and not config.reorder_and_upcast_attn
                and not getattr(config, "add_cross_attention", False)
                and getattr(config, "scale_attn_weights", True))

    def __init__(self, model) -> None:
        t = model.transformer
        self.wte, self.wpe = t.wte.weight, t.wpe.weight
        self.head = model.lm_head.weight
        self.ln_f = (t.ln_f.weight, t.ln_f.bias, t.ln_f.eps)
        self.heads = model.config.n_head
        self.width = model.config.n_embd
        self.blocks = [
            ((b.ln_1.weight, b.ln_1.bias, b.ln_1.eps),
             (b.attn.c_attn.weight, b.attn.c_attn.bias), (b.attn.c_proj.weight, b.attn.c_proj.bias),
             (b.ln_2.weight, b.ln_2.bias, b.ln_2.eps),
             (b.mlp.c_fc.weight, b.mlp.c_fc.bias), (b.mlp.c_proj.weight, b.mlp.c_proj.bias))
            for b in t.h]
        self.max_positions = model.config.n_positions

    @torch.inference_mode()
    def prefill(self, ids: torch.Tensor) -> tuple[torch.Tensor, "Cache"]:
        """Start decoding ``ids`` (R, T): the next-token logits (R, V) and the cache to pass
        to :meth:`step` (one per sequence batch, so several decodings can interleave)."""
        cache = Cache(len(self.blocks), (ids.shape[0], self.heads, self.max_positions,
                                         self.width // self.heads))
        return self._forward(ids, cache, causal=True), cache

    @torch.inference_mode()
    def step(self, ids: torch.Tensor, cache: "Cache") -> torch.Tensor:
        """Feed one token per row, ``ids`` (R, 1); return the next-token logits (R, V)."""
        return self._forward(ids, cache, causal=False)

    def _forward(self, ids: torch.Tensor, cache: "Cache", causal: bool) -> torch.Tensor:
        rows, length = ids.shape
        start, stop = cache.length, cache.length + length
        x = self.wte[ids] + self.wpe[start:stop]
        h, d = self.heads, self.width // self.heads
        for k, (ln1, attn_in, attn_out, ln2, fc, proj) in enumerate(self.blocks):
            a = F.layer_norm(x, (self.width,), ln1[0], ln1[1], ln1[2])
            qkv = torch.addmm(attn_in[1], a.view(-1, self.width), attn_in[0]).view(rows, length, 3, h, d)
            q, key, value = qkv.permute(2, 0, 3, 1, 4)          # each (R, H, T, d)
            cache.keys[k][:, :, start:stop] = key
            cache.values[k][:, :, start:stop] = value
            keys, values = cache.keys[k][:, :, :stop], cache.values[k][:, :, :stop]
            y = F.scaled_dot_product_attention(q, keys, values, is_causal=causal and length > 1,
                                               scale=1.0 / math.sqrt(d))
            y = y.transpose(1, 2).reshape(-1, self.width)
            x = x + torch.addmm(attn_out[1], y, attn_out[0]).view(rows, length, self.width)
            m = F.layer_norm(x, (self.width,), ln2[0], ln2[1], ln2[2])
            m = F.gelu(torch.addmm(fc[1], m.view(-1, self.width), fc[0]), approximate="tanh")
            x = x + torch.addmm(proj[1], m, proj[0]).view(rows, length, self.width)
        cache.length = stop
        last = F.layer_norm(x[:, -1], (self.width,), self.ln_f[0], self.ln_f[1], self.ln_f[2])
        return last @ self.head.T


class Cache:
    """Keys and values of every layer, preallocated to the model's context length."""

    def __init__(self, layers: int, shape: tuple[int, int, int, int]) -> None:
        self.keys = [torch.empty(shape) for _ in range(layers)]
        self.values = [torch.empty(shape) for _ in range(layers)]
        self.length = 0
