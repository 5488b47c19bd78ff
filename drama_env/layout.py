"""Where each array lives inside the packed buffers of a state and of a compiled story.

A :class:`~drama_env.state.DramaState` is two flat buffers (``floats``: float32 and ``ints``:
int64) so that ``clone()`` is two memcpy's and a batch of worlds is two 2-D arrays. The
compiled rules read them through the offsets in a layout vector ``L`` (int64), indexed by the
constants below; ``L[D_C]`` is the cast size, ``L[F_REL]`` the start of the relations.
"""

from __future__ import annotations

import numpy as np

# --- sizes -----------------------------------------------------------------------------
D_C, D_P, D_O, D_S, D_V, D_G, D_E, D_A, D_NE, D_NEND, D_F, D_H, D_LEN, D_R, D_K, D_M = range(16)
# --- state floats ----------------------------------------------------------------------
F_REL, F_EMO, F_MOOD, F_TENSION, F_SCAL, F_SIZE = range(16, 22)
# --- state ints ------------------------------------------------------------------------
I_BONDS, I_KNOW, I_LOC, I_STATUS, I_OWNER, I_FLAGS, I_FIRED, I_RECENT, I_MEMORY, I_SCAL, I_SIZE = range(22, 33)
# --- table floats ----------------------------------------------------------------------
(TF_PERS, TF_STAND, TF_GOAL_W, TF_STAKES, TF_A2T, TF_T2A, TF_W2A, TF_DES, TF_PRAISE,
 TF_CONFLICT, TF_AEMO, TF_TEMO, TF_TRAITS, TF_FEEL, TF_PROB, TF_WEIGHT, TF_REQ_THR,
 TF_COND_THR, TF_EFF_VAL, TF_ARC, TF_EV_TENSION, TF_PAD, TF_MOOD0, TF_SIZE) = range(33, 57)
# --- table ints ------------------------------------------------------------------------
(TI_GOAL_OWNER, TI_GOAL_TYPE, TI_GOAL_ARG, TI_V_ARG, TI_V_OP, TI_V_BOND, TI_REQ, TI_REQ_START,
 TI_ACT, TI_COND, TI_COND_START, TI_EFF, TI_EFF_START, TI_EV_PLACE, TI_EV_REPEAT,
 TI_ABOUT, TI_PAIR_ACT, TI_PAIR_START, TI_SIZE) = range(57, 76)
LAYOUT_LENGTH = 76

# Scalars at L[F_SCAL] (floats) and L[I_SCAL] (ints).
# the last beat's open conflict, largest change of anyone's goal satisfaction, amount of change
SF_CONFLICT, SF_BEAT_CONFLICT, SF_REVERSAL, SF_CHANGE, SF_COUNT = 0, 1, 2, 3, 4
SI_STEP, SI_ENDING, SI_TURN, SI_LAST_PLACE, SI_RNG, SI_LAST_ACTION, SI_LAST_ACTOR, SI_COUNT = range(8)
HISTORY = 8  # recent actions remembered for the repetition penalty

N_EMOTIONS = 12
N_REL = 3
N_TRAITS = 5


def build_layout(sizes: dict[str, int]) -> np.ndarray:
    """The layout vector for a story with the given dimensions."""
    L = np.zeros(LAYOUT_LENGTH, dtype=np.int64)
    C, P, O, S = sizes["C"], sizes["P"], sizes["O"], sizes["S"]
    V, G, A, NE, NEND = sizes["V"], sizes["G"], sizes["A"], sizes["NE"], sizes["NEND"]
    F, LEN, R, K, M = sizes["F"], sizes["LEN"], sizes["R"], sizes["K"], sizes["M"]
    E = N_EMOTIONS
    L[[D_C, D_P, D_O, D_S, D_V, D_G, D_E, D_A, D_NE, D_NEND, D_F, D_H, D_LEN, D_R, D_K, D_M]] = (
        C, P, O, S, V, G, E, A, NE, NEND, F, HISTORY, LEN, R, K, M)

    def place(first: int, lengths: list[int]) -> None:
        offset = 0
        for k, n in enumerate(lengths):
            L[first + k] = offset
            offset += n
        L[first + len(lengths)] = offset

    place(F_REL, [C * C * N_REL, C * E, C * 3, LEN + 1, SF_COUNT])
    place(I_BONDS, [C * C, C * S, C, C, O, F, NE, HISTORY, C * C, SI_COUNT])
    place(TF_PERS, [C * N_TRAITS, C * V, G, S * C, V * 3, V * 3, V * 3, V, V, V, V * E, V * E,
                    V * N_TRAITS, V * E, V, V, R, K, M, LEN + 1, NE, E * 3, C * 3])
    place(TI_GOAL_OWNER, [G, G, G, V, V, V, R * 4, V + 1, A * 4, K * 4, NEND + NE + 1, M * 4,
                          NE + 1, NE, NE, S * C, A, C * (C + 1) + 1])
    return L
