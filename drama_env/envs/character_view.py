"""What one character can perceive: its own feelings, attitudes, knowledge and memories.

Never a secret it does not know, nor anyone's feelings it cannot see (only characters in the
same place show their emotions). Filled by a compiled function into a flat float32 vector.
"""

from __future__ import annotations

import numpy as np

from drama_env._jit import njit
from drama_env.kernels import goal_values
from drama_env.layout import (D_C, D_E, D_G, D_LEN, D_O, D_P, D_S, D_V, F_EMO, F_MOOD, F_REL,
                              F_TENSION, I_KNOW, I_LOC, I_MEMORY, I_OWNER, I_SCAL, I_STATUS,
                              SI_STEP, TI_GOAL_OWNER)


def character_view_size(C: int, P: int, O: int, S: int, V: int, goals_per_character: int) -> int:
    E = 12
    return (C + E + 3 + 3 * C + C + 2 * C + C * E + 2 * S + P + O + goals_per_character
            + C * V + 2)


CHARACTER_VIEW_PARTS = (
    "identity (C, one-hot)", "own emotions (12)", "own mood (3)",
    "own attitudes: affection, trust, respect toward each character (C×3)",
    "who is here (C)", "who has departed / died (C×2)",
    "emotions of those here (C×12; zero for those elsewhere)",
    "secrets known (S)", "lies believed (S)", "own place (P, one-hot)", "objects held (O)",
    "satisfaction of own goals (padded)", "last act witnessed from each character (C×V one-hot)",
    "tension now", "progress (step / length)",
)


@njit
def fill_character_view(f, i, tf, ti, L, c, gmax, out):
    C, P, O, S, E, V = L[D_C], L[D_P], L[D_O], L[D_S], L[D_E], L[D_V]
    out[:] = 0.0
    k = 0
    out[k + c] = 1.0
    k += C
    for e in range(E):
        out[k + e] = f[L[F_EMO] + c * E + e]
    k += E
    for d in range(3):
        out[k + d] = f[L[F_MOOD] + c * 3 + d]
    k += 3
    for b in range(C):
        for d in range(3):
            out[k + b * 3 + d] = f[L[F_REL] + (c * C + b) * 3 + d]
    k += 3 * C
    here = i[L[I_LOC] + c]
    for b in range(C):
        st = i[L[I_STATUS] + b]
        if st == 0 and i[L[I_LOC] + b] == here:
            out[k + b] = 1.0
            for e in range(E):
                out[k + 3 * C + b * E + e] = f[L[F_EMO] + b * E + e]
        elif st > 0:
            out[k + C + b * 2 + st - 1] = 1.0
    k += 3 * C + C * E
    for s in range(S):
        v = i[L[I_KNOW] + c * S + s]
        out[k + s] = 1.0 if v == 1 else 0.0
        out[k + S + s] = 1.0 if v == -1 else 0.0
    k += 2 * S
    out[k + here] = 1.0
    k += P
    for o in range(O):
        out[k + o] = 1.0 if i[L[I_OWNER] + o] == c else 0.0
    k += O
    values = np.empty(max(1, L[D_G]))
    goal_values(f, i, tf, ti, L, values)
    n = 0
    for g in range(L[D_G]):
        if ti[L[TI_GOAL_OWNER] + g] == c and n < gmax:
            out[k + n] = values[g]
            n += 1
    k += gmax
    for b in range(C):
        v = i[L[I_MEMORY] + c * C + b]
        if v >= 0:
            out[k + b * V + v] = 1.0
    k += C * V
    step = i[L[I_SCAL] + SI_STEP]
    out[k] = f[L[F_TENSION] + min(step, L[D_LEN])]
    out[k + 1] = min(1.0, step / L[D_LEN])


def narrator_view(state) -> np.ndarray:
    """The narrator's view: tension so far, the target arc, progress, events already fired and
    how many characters are in each place."""
    c = state.compiled
    T = c.length + 1
    fired = state.fired
    out = np.zeros(2 * T + 1 + len(fired) + len(c.place_ids), np.float32)
    step = state.step
    out[: min(step, c.length) + 1] = state.tension[: min(step, c.length) + 1]
    out[T: 2 * T] = c.target_arc
    out[2 * T] = min(1.0, step / c.length)
    k = 2 * T + 1
    np.minimum(fired, 1, out=out[k: k + len(fired)], casting="unsafe")
    k += len(fired)
    status, locations = state.status, state.locations
    share = np.float32(1.0 / c.n_characters)
    for who in range(c.n_characters):
        if status[who] == 0:
            out[k + locations[who]] += share
    return out
