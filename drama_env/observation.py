"""Observation layouts and the compiled functions that fill them.

The drama manager sees the whole world as a one-level ``Dict`` of ``Box`` arrays. All keys are
views into one flat float32 vector, filled by :func:`fill_manager_observation`, so a batch of
worlds fills one (N, D) array. Sizes may be padded (``Padding``) to keep shapes fixed across
stories of different sizes; padded entries are zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from gymnasium import spaces

from drama_env._jit import njit
from drama_env.compiled import CompiledStory
from drama_env.kernels import goal_values
from drama_env.layout import (D_C, D_E, D_G, D_LEN, D_O, D_P, D_S, F_EMO, F_MOOD, F_REL,
                              F_TENSION, I_BONDS, I_KNOW, I_LOC, I_OWNER, I_SCAL, I_STATUS,
                              SI_STEP, TF_ARC)
from stories.constants import BONDS, EMOTIONS


@dataclass(frozen=True)
class Padding:
    """Fixed sizes to pad a story's observation and action spaces to."""

    characters: int
    places: int
    objects: int
    secrets: int
    goals: int
    length: int
    events: int

    @classmethod
    def of(cls, compiled: CompiledStory) -> "Padding":
        """No padding: the story's own sizes (at least 1 where a size could be 0)."""
        s = compiled.story
        return cls(len(s.cast), len(s.places), max(1, len(s.objects)), max(1, len(s.secrets)),
                   max(1, len(compiled.goals)), s.length, len(s.events))

    def fits(self, compiled: CompiledStory) -> bool:
        s = compiled.story
        return (len(s.cast) <= self.characters and len(s.places) <= self.places
                and len(s.objects) <= self.objects and len(s.secrets) <= self.secrets
                and len(compiled.goals) <= self.goals and s.length <= self.length
                and len(s.events) <= self.events)


def manager_keys(p: Padding) -> list[tuple[str, tuple[int, ...], float, float]]:
    """(key, shape, low, high) of each manager observation entry, in buffer order."""
    C, T = p.characters, p.length + 1
    return [
        ("relations", (C, C, 3), -1.0, 1.0),
        ("bonds", (C, C, len(BONDS)), 0.0, 1.0),
        ("emotions", (C, len(EMOTIONS)), 0.0, 1.0),
        ("mood", (C, 3), -1.0, 1.0),
        ("knows", (C, p.secrets), 0.0, 1.0),
        ("believes_lie", (C, p.secrets), 0.0, 1.0),
        ("locations", (C, p.places), 0.0, 1.0),
        ("status", (C, 2), 0.0, 1.0),
        ("owners", (p.objects, C), 0.0, 1.0),
        ("goals", (p.goals,), 0.0, 1.0),
        ("tension", (T,), 0.0, 1.0),
        ("target_arc", (T,), 0.0, 1.0),
        ("progress", (1,), 0.0, 1.0),
    ]


class ManagerObservation:
    """The manager's observation space and a view maker over flat buffers."""

    def __init__(self, padding: Padding) -> None:
        self.padding = padding
        self.keys = manager_keys(padding)
        sizes = [int(np.prod(shape)) for _, shape, _, _ in self.keys]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.size = int(self.offsets[-1])
        # one record type over the flat buffer: taking its fields is the cheapest way to
        # make the dict of views (it runs every step)
        self._record = np.dtype([(key, np.float32, shape) for key, shape, _, _ in self.keys])
        self._names = [key for key, _, _, _ in self.keys]
        self.space = spaces.Dict({key: spaces.Box(low, high, shape, np.float32)
                                  for key, shape, low, high in self.keys})
        p = padding
        self.pad = np.array([p.characters, p.places, p.objects, p.secrets, p.goals,
                             p.length + 1], dtype=np.int64)

    def views(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """Dict of views into ``flat`` (D,) or (N, D) float32, C-contiguous or the transpose
        of a C-contiguous (D, N) array (the vector env's layout); anything else is copied."""
        if flat.ndim == 2 and flat.T.flags.c_contiguous and flat.dtype == np.float32:
            n = flat.shape[0]
            return {key: flat[:, a:b].reshape((n,) + shape) for (key, shape, _, _), a, b
                    in zip(self.keys, self.offsets[:-1].tolist(), self.offsets[1:].tolist())}
        if flat.flags.c_contiguous and flat.dtype == np.float32:
            # as a buffer: skips ndarray.view's Python-level safety check of record dtypes
            records = np.ndarray(flat.shape[:-1], self._record, buffer=flat)
        else:
            records = np.ascontiguousarray(flat, np.float32).view(self._record)
            records = records.reshape(flat.shape[:-1])
        return {key: records[key] for key in self._names}

    def fill(self, compiled: CompiledStory, floats: np.ndarray, ints: np.ndarray,
             out: np.ndarray) -> None:
        fill_manager_observation(floats, ints, compiled.tables_f, compiled.tables_i,
                                 compiled.layout, self.pad, out)


@njit
def fill_manager_observation(f, i, tf, ti, L, pad, out):
    """Write the manager observation of one state into ``out`` (D,), in ``manager_keys`` order."""
    C, P, O, S, E, G = L[D_C], L[D_P], L[D_O], L[D_S], L[D_E], L[D_G]
    Cp, Pp, Op, Sp, Gp, Tp = pad[0], pad[1], pad[2], pad[3], pad[4], pad[5]
    nb = 11  # len(BONDS)
    out[:] = 0.0
    k = 0
    for a in range(C):  # relations
        for b in range(C):
            for d in range(3):
                out[k + (a * Cp + b) * 3 + d] = f[L[F_REL] + (a * C + b) * 3 + d]
    k += Cp * Cp * 3
    for a in range(C):  # bonds
        for b in range(C):
            bits = i[L[I_BONDS] + a * C + b]
            if bits != 0:  # most pairs have no bond (and out is zeroed)
                for x in range(nb):
                    out[k + (a * Cp + b) * nb + x] = (bits >> x) & 1
    k += Cp * Cp * nb
    for a in range(C):  # emotions
        for e in range(E):
            out[k + a * E + e] = f[L[F_EMO] + a * E + e]
    k += Cp * E
    for a in range(C):  # mood
        for d in range(3):
            out[k + a * 3 + d] = f[L[F_MOOD] + a * 3 + d]
    k += Cp * 3
    for a in range(C):  # knows, believes_lie
        for s in range(S):
            v = i[L[I_KNOW] + a * S + s]
            out[k + a * Sp + s] = 1.0 if v == 1 else 0.0
            out[k + Cp * Sp + a * Sp + s] = 1.0 if v == -1 else 0.0
    k += 2 * Cp * Sp
    for a in range(C):  # locations, status
        st = i[L[I_STATUS] + a]
        if st == 0:
            out[k + a * Pp + i[L[I_LOC] + a]] = 1.0
        else:
            out[k + Cp * Pp + a * 2 + st - 1] = 1.0
    k += Cp * Pp + Cp * 2
    for o in range(O):  # owners
        owner = i[L[I_OWNER] + o]
        if owner >= 0:
            out[k + o * Cp + owner] = 1.0
    k += Op * Cp
    if G > 0:  # goals
        goal_values(f, i, tf, ti, L, out[k:k + G])
    k += Gp
    step = i[L[I_SCAL] + SI_STEP]
    length = L[D_LEN]
    for t in range(min(step, length) + 1):  # tension so far
        out[k + t] = f[L[F_TENSION] + t]
    k += Tp
    for t in range(length + 1):  # target arc
        out[k + t] = tf[L[TF_ARC] + t]
    k += Tp
    out[k] = min(1.0, step / length)
