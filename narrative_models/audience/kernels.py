"""One compiled call per beat: everything the audience model reads off the simulator's state.

:func:`beat_features` fills ``out`` (indexed by the constants below) from the state just after
a beat (``f``, ``i``), the floats and goal satisfaction of the state just before it (``f0``,
``sat0``) and the story's tables, and writes the satisfaction after the beat into ``sat1``.
``mix1`` accumulates the actor's emotion vector (12 OCC emotions) for the variety term.
The formulas are documented in ``docs/audience.md`` and in :mod:`.simulated`.
"""

from __future__ import annotations

import numpy as np

from drama_env._jit import njit
from drama_env.kernels import active, rel, secret_risk, satisfaction
from drama_env.layout import (D_C, D_E, D_H, D_LEN, F_EMO, F_REL, F_SCAL, F_TENSION, I_RECENT,
                              I_SCAL, SF_BEAT_CONFLICT, SF_REVERSAL, SI_ENDING, SI_LAST_ACTION,
                              SI_STEP, TF_ARC, TF_FEEL, TF_PERS, TF_TRAITS, TI_ACT)

# indices into the features vector
(TENSION, TARGET, CONFLICT, REVERSAL, REPEATED, ENDED, PROGRESS, ACTOR, VERB, EXPLAINED,
 INTENSITY, SUSPENSE, THREADS, SIGN) = range(14)
N_FEATURES = 14

#: thresholds of "explained by the actor's goals, feelings or character"
GOAL_GAIN = 0.01
FEELING_AFFINITY = 0.05
TRAIT_AFFINITY = 0.15
#: an ally: affection above this and trust above 0 toward the protagonist
ALLY_AFFECTION = 0.2
SIGN_THRESHOLD = 0.15


@njit
def beat_features(f0, sat0, mix0, f, i, tf, ti, L, protagonists, has_goals, out, sat1, mix1):
    """Fill ``out`` (N_FEATURES,), ``sat1`` (C,) and ``mix1`` (12,): ``mix0`` plus the actor's
    emotions after the beat (unchanged for a narrator beat); see the module docstring."""
    C = L[D_C]
    E = L[D_E]
    satisfaction(f, i, tf, ti, L, sat1)
    step = i[L[I_SCAL] + SI_STEP]
    length = L[D_LEN]
    t = min(step, length)
    out[TENSION] = f[L[F_TENSION] + t]
    out[TARGET] = tf[L[TF_ARC] + t]
    out[CONFLICT] = min(1.0, max(0.0, f[L[F_SCAL] + SF_BEAT_CONFLICT]))
    out[REVERSAL] = f[L[F_SCAL] + SF_REVERSAL]
    last = i[L[I_RECENT]]
    repeated = 0.0
    if last >= 0:
        for k in range(L[I_RECENT] + 1, L[I_RECENT] + L[D_H]):
            if i[k] == last:
                repeated = 1.0
    out[REPEATED] = repeated
    out[ENDED] = 1.0 if i[L[I_SCAL] + SI_ENDING] >= 0 else 0.0
    out[PROGRESS] = step / length
    a = i[L[I_SCAL] + SI_LAST_ACTION]
    actor = -1
    v = -1
    target = -1
    if a >= 0:
        actor = ti[L[TI_ACT] + 4 * a]
        v = ti[L[TI_ACT] + 4 * a + 1]
        target = ti[L[TI_ACT] + 4 * a + 2]
    out[ACTOR] = actor
    out[VERB] = v
    # coherence: is the beat explained by the actor's goals, feelings or character?
    explained = 1.0
    if actor >= 0 and v >= 0:
        gain = sat1[actor] - sat0[actor]
        feel = 0.0
        for e in range(E):
            feel += tf[L[TF_FEEL] + v * E + e] * f0[L[F_EMO] + actor * E + e]
        trait = 0.0
        for k in range(5):
            trait += tf[L[TF_TRAITS] + v * 5 + k] * (2.0 * tf[L[TF_PERS] + actor * 5 + k] - 1.0)
        explained = 1.0 if (gain > GOAL_GAIN or feel > FEELING_AFFINITY
                            or trait > TRAIT_AFFINITY) else 0.0
    out[EXPLAINED] = explained
    # emotional intensity: the actor's strongest emotion (a narrator beat: anyone's)
    intensity = 0.0
    for c in range(C):
        if (actor >= 0 and c != actor) or not active(i, L, c):
            continue
        for e in range(E):
            intensity = max(intensity, f[L[F_EMO] + c * E + e])
    out[INTENSITY] = intensity
    for e in range(E):
        mix1[e] = mix0[e] + (f[L[F_EMO] + actor * E + e] if actor >= 0 else 0.0)
    # suspense (Dramatis-like): protagonists' goals under threat, few ways out left
    total = 0.0
    n = 0
    remaining = max(0.0, 1.0 - step / length)
    for k in range(protagonists.shape[0]):
        p = protagonists[k]
        n += 1
        if not active(i, L, p):
            continue  # their fate is decided: no suspense about them
        threat = max(1.0 - sat1[p], min(1.0, secret_risk(i, tf, L, p)))
        others = 0
        allies = 0
        for o in range(C):
            if o == p or not active(i, L, o):
                continue
            others += 1
            if rel(f, L, o, p, 0) > ALLY_AFFECTION and rel(f, L, o, p, 1) > 0.0:
                allies += 1
        ways = 0.5 * remaining + 0.5 * (allies / others if others > 0 else 0.0)
        total += threat * (1.0 - ways)
    out[SUSPENSE] = total / n if n > 0 else 0.0
    # threads: how decided everyone's fortunes are (|2 sat - 1|, characters with goals)
    decided = 0.0
    m = 0
    for c in range(C):
        if has_goals[c]:
            decided += abs(2.0 * sat1[c] - 1.0)
            m += 1
    out[THREADS] = decided / m if m > 0 else 0.0
    sign = 0.0
    if actor >= 0 and target >= 0:
        affection = f0[L[F_REL] + (actor * C + target) * 3]
        sign = 1.0 if affection > SIGN_THRESHOLD else (-1.0 if affection < -SIGN_THRESHOLD else 0.0)
    out[SIGN] = sign if target >= 0 else 2.0  # 2: no target


def new_features() -> np.ndarray:
    return np.zeros(N_FEATURES)
