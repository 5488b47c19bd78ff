"""The rules for a batch of worlds at once, worlds as the innermost array axis.

:class:`~drama_env.vector.DramaVectorEnv` keeps its worlds transposed: ``FT`` (float fields, N)
and ``IT`` (int fields, N), the fields placed by the same layout ``L`` as one world's buffers
(:mod:`drama_env.layout`). A story's structure is the same in every world, so most of a beat —
emotions fading, goal values, secret risk, tension, endings, the legal mask, the observation —
is one loop over the worlds per field, with the same control flow for all of them, which the
compiler turns into vector instructions. What differs from world to world (the action's own
effects, who witnessed it, their appraisals) runs the per-world rules of
:mod:`drama_env.kernels` on each world's column.

The loops over worlds are those rules written for this layout, expression for expression, so
they give the same numbers bit for bit (the tests step the vector env beside single envs).
Every function works on the worlds ``lo..hi-1`` so that threads can share the batch; scratch
arrays are indexed ``n - u0``.
"""

from __future__ import annotations

import numpy as np

from drama_env._jit import leaf, njit, prange
from drama_env.compiled import (C_ALIVE, C_AND, C_AT, C_BOND, C_DEAD, C_DEPARTED, C_EMO_ABOVE,
                                C_EMO_BELOW, C_FLAG, C_HAS, C_NOT, C_OR, C_REL_ABOVE, C_REL_BELOW,
                                C_SECRET_ALL, C_SECRET_FALSE, C_SECRET_KNOWN, C_STEP, C_TENSION,
                                C_TOGETHER, C_TRUE, R_ACTOR_EMO, R_ACTOR_REL, R_BOND, R_NO_BOND)
from drama_env.envs.common import ILLEGAL_PENALTY
from drama_env.kernels import (ACTION_BITS, AFFECTION, ANGER, ARG_BITS, ARG_CHARACTER, ARG_ITEM,
                               ARG_NONE, ARG_OBJECT, ARG_PLACE, ARG_SECRET, ARG_SECRET_ALL,
                               ARG_SHIFT, CONFLICT_MEMORY, DEAD, DEPARTED, DISTRESS,
                               EMOTION_DECAY, FEAR, G_EXPOSE_SECRET, G_FLEE_PLACE, G_GAIN_OBJECT,
                               G_GAIN_RESPECT, G_HARM, G_KEEP_SECRET, G_MARRY, G_PROTECT,
                               G_REACH_PLACE, G_RECONCILE, G_WIN_AFFECTION, HATE, KIND_BITS,
                               KIND_SHIFT, MOOD_PULL, MOOD_RETURN, OP_BITS, OP_BOND, OP_EAVESDROP,
                               OP_GIVE, OP_LIE, OP_PROPOSE, OP_SHIFT, OP_STEAL, PRESENT, RESPECT,
                               SPOUSE_BIT, VERB_BITS, VERB_SHIFT, W_AROUSAL, W_CONFLICT,
                               W_FRUSTRATION, W_STAKES, appraise_all, beat_effects,
                               condition_step, legal_mask)
from drama_env.layout import (D_A, D_C, D_E, D_G, D_H, D_K, D_LEN, D_NE, D_NEND, D_O, D_P, D_S,
                              F_EMO, F_MOOD, F_REL, F_SCAL, F_TENSION, I_BONDS, I_FIRED, I_FLAGS,
                              I_KNOW, I_LOC, I_MEMORY, I_OWNER, I_RECENT, I_SCAL, I_STATUS,
                              SF_BEAT_CONFLICT, SF_CHANGE, SF_CONFLICT, SF_REVERSAL, SI_ENDING,
                              SI_LAST_ACTION, SI_LAST_ACTOR, SI_LAST_PLACE, SI_RNG, SI_STEP,
                              TF_ARC, TF_GOAL_W, TF_MOOD0, TF_PAD, TF_REQ_THR, TF_STAKES, TI_ACT,
                              TI_COND_START, TI_EV_REPEAT, TI_GOAL_ARG, TI_GOAL_OWNER,
                              TI_GOAL_TYPE, TI_PAIR_ACT, TI_PAIR_START, TI_REQ, TI_REQ_START,
                              TI_V_BOND)
from drama_env.manager_step import manager_step
from drama_env.observation import fill_manager_observation
from drama_env.reward import STALL_THRESHOLD

SMALL_BATCH = 12  # fewer worlds than this go world by world (a field's loop has a fixed cost)
FACT_LIMIT = 2**15 - 1  # places and characters numbered below this fit compact_facts' int16


# --- goals and secrets, all worlds -------------------------------------------------------
@leaf
def count_knowers(IT, L, s, exclude, lo, hi, count):
    """``count[0, n - lo]``: the living characters of world ``n`` other than ``exclude`` (-1:
    none excluded); ``count[1, n - lo]``: how many of them know secret ``s``."""
    u0, u1 = np.uint64(lo), np.uint64(hi)  # unsigned: no negative-index checks, so loops vectorize
    st, kn, S = L[I_STATUS], L[I_KNOW], L[D_S]
    for n in range(u0, u1):
        count[0, n - u0] = 0
        count[1, n - u0] = 0
    for c in range(L[D_C]):
        if c != exclude:
            for n in range(u0, u1):
                alive = IT[st + c, n] != DEAD
                count[0, n - u0] += alive
                count[1, n - u0] += alive & (IT[kn + c * S + s, n] == 1)


@leaf
def goal_values(FT, IT, ti, L, lo, hi, count, out):
    """:func:`drama_env.kernels.goal_values` of worlds ``lo..hi-1`` into ``out`` (G, m);
    ``count`` is (2, m) int scratch."""
    u0, u1 = np.uint64(lo), np.uint64(hi)  # unsigned: no negative-index checks, so loops vectorize
    C = L[D_C]
    st, lc, ow, rel0, emo0, E = L[I_STATUS], L[I_LOC], L[I_OWNER], L[F_REL], L[F_EMO], L[D_E]
    for g in range(L[D_G]):
        owner = ti[L[TI_GOAL_OWNER] + g]
        kind = ti[L[TI_GOAL_TYPE] + g]
        x = ti[L[TI_GOAL_ARG] + g]
        o = out[g]
        if kind == G_KEEP_SECRET or kind == G_EXPOSE_SECRET:
            count_knowers(IT, L, x, owner, lo, hi, count)
            keep = kind == G_KEEP_SECRET
            for n in range(u0, u1):
                living, knowing = count[0, n - u0], count[1, n - u0]
                share = knowing / living if living > 0 else 1.0
                o[n - u0] = 1.0 - share if keep else share
        elif kind == G_WIN_AFFECTION or kind == G_GAIN_RESPECT:
            k = rel0 + (x * C + owner) * 3 + (AFFECTION if kind == G_WIN_AFFECTION else RESPECT)
            for n in range(u0, u1):
                o[n - u0] = 0.5 + 0.5 * FT[k, n]
        elif kind == G_GAIN_OBJECT:
            for n in range(u0, u1):
                o[n - u0] = 1.0 if IT[ow + x, n] == owner else 0.0
        elif kind == G_HARM or kind == G_PROTECT:
            harm = kind == G_HARM
            for n in range(u0, u1):
                sx = IT[st + x, n]
                felt = FT[emo0 + x * E + DISTRESS, n] + FT[emo0 + x * E + FEAR, n]
                if sx == DEAD:
                    value = 1.0 if harm else 0.0
                elif sx == DEPARTED:
                    value = 0.6 if harm else 0.5
                elif harm:
                    value = 0.25 * felt
                else:
                    value = 1.0 - 0.25 * felt
                o[n - u0] = value
        elif kind == G_RECONCILE:
            k1, k2 = rel0 + (owner * C + x) * 3 + AFFECTION, rel0 + (x * C + owner) * 3 + AFFECTION
            for n in range(u0, u1):
                o[n - u0] = 0.5 + 0.25 * (FT[k1, n] + FT[k2, n])
        elif kind == G_REACH_PLACE or kind == G_FLEE_PLACE:
            reach = kind == G_REACH_PLACE
            for n in range(u0, u1):
                there = (IT[st + owner, n] == PRESENT) & (IT[lc + owner, n] == x)
                o[n - u0] = 1.0 if there == reach else 0.0
        elif kind == G_MARRY:
            kb, k = L[I_BONDS] + owner * C + x, rel0 + (x * C + owner) * 3 + AFFECTION
            for n in range(u0, u1):
                married = (IT[kb, n] >> SPOUSE_BIT) & 1
                o[n - u0] = 1.0 if married else 0.25 + 0.25 * FT[k, n]
        else:  # G_SURVIVE
            for n in range(u0, u1):
                o[n - u0] = 1.0
        for n in range(u0, u1):  # nothing counts for the dead
            if IT[st + owner, n] == DEAD:
                o[n - u0] = 0.0


@leaf
def satisfaction_from(tf, ti, L, m, values, out):
    """:func:`drama_env.kernels.satisfaction_from` for ``m`` worlds: (G, m) → (C, m)."""
    for c in range(L[D_C]):
        for k in range(m):
            out[c, k] = 0.5
    owners, weights = L[TI_GOAL_OWNER], L[TF_GOAL_W]
    g, G = 0, L[D_G]
    while g < G:  # goals are stored grouped by owner
        c = ti[owners + g]
        first = g
        weight = 0.0
        while g < G and ti[owners + g] == c:
            weight += tf[weights + g]
            g += 1
        o = out[c]
        for k in range(m):
            o[k] = 0.0
        for h in range(first, g):
            w = tf[weights + h]
            v = values[h]
            for k in range(m):
                o[k] += w * v[k]
        for k in range(m):
            o[k] = o[k] / weight if weight > 0 else 0.5


@leaf
def secret_risks(IT, tf, L, lo, hi, count, out):
    """:func:`drama_env.kernels.secret_risks` of worlds ``lo..hi-1`` into ``out`` (C, m)."""
    u0, u1 = np.uint64(lo), np.uint64(hi)  # unsigned: no negative-index checks, so loops vectorize
    C, S = L[D_C], L[D_S]
    st, kn, stakes = L[I_STATUS], L[I_KNOW], L[TF_STAKES]
    for c in range(C):
        for n in range(u0, u1):
            out[c, n - u0] = 0.0
    for s in range(S):
        count_knowers(IT, L, s, -1, lo, hi, count)
        for c in range(C):
            stake = tf[stakes + s * C + c]
            if stake > 0:
                for n in range(u0, u1):
                    alive = IT[st + c, n] != DEAD
                    living = count[0, n - u0] - alive
                    knowing = count[1, n - u0] - (alive & (IT[kn + c * S + s, n] == 1))
                    out[c, n - u0] += stake * (knowing / living if living > 0 else 1.0)


@leaf
def decay_and_mood(FT, IT, tf, L, lo, hi, live, sums):
    """:func:`drama_env.kernels.decay_and_mood` for the worlds of ``lo..hi-1`` with
    ``live[n - lo]``; ``sums`` (4, m) scratch."""
    u0, u1 = np.uint64(lo), np.uint64(hi)  # unsigned: no negative-index checks, so loops vectorize
    C, E = L[D_C], L[D_E]
    emo0, pad0, mood0, default0, st = L[F_EMO], L[TF_PAD], L[F_MOOD], L[TF_MOOD0], L[I_STATUS]
    for c in range(C):
        for n in range(u0, u1):
            for j in range(4):
                sums[j, n - u0] = 0.0
        for e in range(E):
            k = emo0 + c * E + e
            pp, pa, pd = tf[pad0 + e * 3], tf[pad0 + e * 3 + 1], tf[pad0 + e * 3 + 2]
            for n in range(u0, u1):
                old = FT[k, n]
                x = old * (1.0 - EMOTION_DECAY)
                if x < 1e-4:
                    x = 0.0
                moved = (IT[st + c, n] != DEAD) & live[n - u0]
                FT[k, n] = x if moved else old
                sums[0, n - u0] += x
                sums[1, n - u0] += x * pp
                sums[2, n - u0] += x * pa
                sums[3, n - u0] += x * pd
        m = mood0 + c * 3
        d = default0 + c * 3
        for j in range(3):
            home = tf[d + j]
            for n in range(u0, u1):
                if IT[st + c, n] == DEAD or not live[n - u0]:
                    continue
                total = sums[0, n - u0]
                if total > 1e-6:
                    pull = MOOD_PULL * min(1.0, total)
                    FT[m + j, n] += pull * (sums[1 + j, n - u0] / total - FT[m + j, n])
                FT[m + j, n] += MOOD_RETURN * (home - FT[m + j, n])
                FT[m + j, n] = min(1.0, max(-1.0, FT[m + j, n]))


@leaf
def tension(FT, IT, tf, L, lo, hi, sat, acc, count, out):
    """:func:`drama_env.kernels.compute_tension` of worlds ``lo..hi-1`` into ``out`` (m,)
    from their satisfaction ``sat`` (C, m); ``acc`` (8, m) float and ``count`` (2, m) int
    scratch."""
    u0, u1 = np.uint64(lo), np.uint64(hi)  # unsigned: no negative-index checks, so loops vectorize
    C, S, E = L[D_C], L[D_S], L[D_E]
    st, lc, emo0, rel0, stakes = L[I_STATUS], L[I_LOC], L[F_EMO], L[F_REL], L[TF_STAKES]
    m = hi - lo
    for j in range(6):  # hostility, pairs, arousal, active, risk, total stake
        for k in range(m):
            acc[j, k] = 0.0
    for a in range(C):
        for n in range(u0, u1):
            if IT[st + a, n] == PRESENT:
                acc[2, n - u0] += (0.5 * (FT[emo0 + a * E + ANGER, n] + FT[emo0 + a * E + FEAR, n])
                                   + 0.25 * FT[emo0 + a * E + HATE, n])
                acc[3, n - u0] += 1
        for b in range(C):
            if b == a:
                continue
            k = rel0 + (a * C + b) * 3 + AFFECTION
            for n in range(u0, u1):
                if ((IT[st + a, n] == PRESENT) & (IT[st + b, n] == PRESENT)
                        & (IT[lc + a, n] == IT[lc + b, n])):
                    acc[0, n - u0] += max(0.0, -FT[k, n])
                    acc[1, n - u0] += 1
    for s in range(S):  # spread of each secret (knowers_share with no one excluded)
        count_knowers(IT, L, s, -1, lo, hi, count)
        for n in range(u0, u1):
            living = count[0, n - u0]
            spread = count[1, n - u0] / living if living > 0 else 1.0
            acc[6, n - u0] = spread
            acc[7, n - u0] = 1.0 if spread < 0.999 else 0.3
        for c in range(C):
            stake = tf[stakes + s * C + c]
            if stake > 0:
                for n in range(u0, u1):
                    if IT[st + c, n] != DEAD:
                        acc[4, n - u0] += stake * (0.2 + acc[6, n - u0]) * acc[7, n - u0]
                        acc[5, n - u0] += stake
    open_conflict = L[F_SCAL] + SF_CONFLICT
    for n in range(u0, u1):
        k = n - u0
        pairs = acc[1, k]
        conflict = FT[open_conflict, n] + (0.3 * acc[0, k] / pairs if pairs > 0 else 0.0)
        risk = acc[4, k] / acc[5, k] if acc[5, k] > 0 else 0.0
        frustration = 0.0
        for c in range(C):
            frustration += 1.0 - sat[c, k]
        frustration /= C
        arousal = acc[2, k] / acc[3, k] if acc[3, k] > 0 else 0.0
        t = (W_CONFLICT * conflict + W_STAKES * risk + W_FRUSTRATION * frustration
             + W_AROUSAL * min(1.0, 2 * arousal))
        out[k] = min(1.0, max(0.0, t))


# --- conditions, all worlds --------------------------------------------------------------
@leaf
def conditions_met(FT, IT, tf, ti, L, first, last, lo, hi, stack, out):
    """``out[n - u0]``: the first of condition programs ``first..last-1`` that holds in world
    ``n``, or -1 (:func:`drama_env.kernels.first_condition_met`); ``stack`` (K + 1, m)."""
    u0, u1 = np.uint64(lo), np.uint64(hi)  # unsigned: no negative-index checks, so loops vectorize
    C = L[D_C]
    st, lc, kn, S = L[I_STATUS], L[I_LOC], L[I_KNOW], L[D_S]
    ow, bo, fl, tn, step = L[I_OWNER], L[I_BONDS], L[I_FLAGS], L[F_TENSION], L[I_SCAL] + SI_STEP
    for n in range(u0, u1):
        out[n - u0] = -1
    for which in range(first, last):
        top = 0
        for k in range(ti[L[TI_COND_START] + which], ti[L[TI_COND_START] + which + 1]):
            op, a, b, c, t = condition_step(tf, ti, L, k)
            r = stack[top]
            if op == C_AND or op == C_OR:
                for n in range(u0, u1):
                    x = op == C_AND
                    for j in range(1, a + 1):
                        if op == C_AND:
                            x = x & stack[top - j, n - u0]
                        else:
                            x = x | stack[top - j, n - u0]
                    stack[top - a, n - u0] = x
                top -= a
                r = stack[top]
            elif op == C_NOT:
                top -= 1
                r = stack[top]
                for n in range(u0, u1):
                    r[n - u0] = not r[n - u0]
            elif op == C_TRUE:
                r[:] = True
            elif op == C_SECRET_ALL:
                r[:] = True
                for x in range(C):
                    for n in range(u0, u1):
                        if IT[st + x, n] == PRESENT and IT[kn + x * S + a, n] != 1:
                            r[n - u0] = False
            elif op == C_SECRET_KNOWN or op == C_SECRET_FALSE:
                want = 1 if op == C_SECRET_KNOWN else -1
                for n in range(u0, u1):
                    r[n - u0] = IT[kn + b * S + a, n] == want
            elif op == C_REL_ABOVE or op == C_REL_BELOW:
                k2 = L[F_REL] + (a * C + b) * 3 + c
                above = op == C_REL_ABOVE
                for n in range(u0, u1):
                    r[n - u0] = FT[k2, n] > t if above else FT[k2, n] < t
            elif op == C_EMO_ABOVE or op == C_EMO_BELOW:
                k2 = L[F_EMO] + a * L[D_E] + b
                above = op == C_EMO_ABOVE
                for n in range(u0, u1):
                    r[n - u0] = FT[k2, n] > t if above else FT[k2, n] < t
            elif op == C_DEAD or op == C_DEPARTED:
                want = DEAD if op == C_DEAD else DEPARTED
                for n in range(u0, u1):
                    r[n - u0] = IT[st + a, n] == want
            elif op == C_ALIVE:
                for n in range(u0, u1):
                    r[n - u0] = IT[st + a, n] != DEAD
            elif op == C_AT:
                for n in range(u0, u1):
                    r[n - u0] = (IT[st + a, n] == PRESENT) & (IT[lc + a, n] == b)
            elif op == C_TOGETHER:
                for n in range(u0, u1):
                    r[n - u0] = ((IT[st + a, n] == PRESENT) & (IT[st + b, n] == PRESENT)
                                 & (IT[lc + a, n] == IT[lc + b, n]))
            elif op == C_HAS:
                for n in range(u0, u1):
                    r[n - u0] = IT[ow + b, n] == a
            elif op == C_BOND:
                for n in range(u0, u1):
                    r[n - u0] = ((IT[bo + a * C + b, n] >> c) & 1) == 1
            elif op == C_FLAG:
                for n in range(u0, u1):
                    r[n - u0] = IT[fl + a, n] != 0
            elif op == C_STEP:
                for n in range(u0, u1):
                    r[n - u0] = IT[step, n] >= a
            elif op == C_TENSION:
                for n in range(u0, u1):
                    r[n - u0] = FT[tn + IT[step, n], n] > t
            else:
                r[:] = False
            top += 1
        for n in range(u0, u1):
            holds = stack[top - 1, n - u0] if top > 0 else True
            if holds and out[n - u0] < 0:
                out[n - u0] = which


# --- the beat, all worlds ----------------------------------------------------------------
@njit
def play_beats(FT, IT, tf, ti, L, actions, live, lo, hi):
    """Play ``actions[n]`` in every world ``n`` of ``lo..hi-1`` with ``live[n - lo]`` (the
    others are left exactly as they were): :func:`drama_env.kernels.apply_action`."""
    u0, u1 = np.uint64(lo), np.uint64(hi)  # unsigned: no negative-index checks, so loops vectorize
    C, G, m = L[D_C], max(1, L[D_G]), hi - lo
    r0, r1, k0, k1 = L[F_REL], L[F_REL + 1], L[I_KNOW], L[I_OWNER + 1]
    rel_before = FT[r0:r1, lo:hi].copy()
    facts_before = IT[k0:k1, lo:hi].copy()
    count = np.empty((2, m), np.int64)
    values = np.empty((G, m))
    sat0, sat1 = np.empty((C, m)), np.empty((C, m))
    risk0, risk1 = np.empty((C, m)), np.empty((C, m))
    goal_values(FT, IT, ti, L, lo, hi, count, values)
    satisfaction_from(tf, ti, L, m, values, sat0)
    secret_risks(IT, tf, L, lo, hi, count, risk0)
    sums = np.empty((4, m))
    decay_and_mood(FT, IT, tf, L, lo, hi, live, sums)
    # the action's own effects and who saw it, world by world
    success = np.zeros(m, np.int64)
    witnesses = np.zeros(m, np.int64)
    conflict = np.zeros(m)
    place = np.full(m, -1, np.int64)
    for n in range(u0, u1):  # (each world's column, as one world's buffers)
        if live[n - u0]:
            k = n - u0
            success[k], witnesses[k], _, conflict[k], place[k] = beat_effects(
                FT[:, n], IT[:, n], tf, ti, L, actions[n], False)
    goal_values(FT, IT, ti, L, lo, hi, count, values)
    satisfaction_from(tf, ti, L, m, values, sat1)
    secret_risks(IT, tf, L, lo, hi, count, risk1)
    acts, memory = L[TI_ACT], L[I_MEMORY]
    for n in range(u0, u1):
        if live[n - u0]:
            k = n - u0
            base = acts + 4 * actions[n]
            actor, v, target = ti[base], ti[base + 1], ti[base + 2]
            appraise_all(FT[:, n], IT[:, n], tf, ti, L, witnesses[k], actor, target, v,
                         success[k], sat0[:, k], sat1[:, k], risk0[:, k], risk1[:, k])
            if v >= 0 and target >= 0:
                IT[memory + target * C + actor, n] = v
    # what changed: the largest change of anyone's satisfaction, relations and facts moved
    reversal, change = sums[0], sums[1]
    for j in range(m):
        reversal[j] = 0.0
        change[j] = 0.0
    for c in range(C):
        for j in range(m):
            reversal[j] = max(reversal[j], abs(sat1[c, j] - sat0[c, j]))
    for r in range(r1 - r0):
        for n in range(u0, u1):
            change[n - u0] += abs(FT[r0 + r, n] - rel_before[r, n - u0])
    for r in range(k1 - k0):
        for n in range(u0, u1):
            if IT[k0 + r, n] != facts_before[r, n - u0]:
                change[n - u0] += 0.25
    scal, last = L[F_SCAL], L[I_SCAL]
    for n in range(u0, u1):
        k = n - u0
        if live[k]:
            FT[scal + SF_REVERSAL, n] = reversal[k]
            FT[scal + SF_BEAT_CONFLICT, n] = conflict[k]
            FT[scal + SF_CHANGE, n] = change[k]
            FT[scal + SF_CONFLICT, n] = (CONFLICT_MEMORY * FT[scal + SF_CONFLICT, n] * 0.8
                                         + (1 - CONFLICT_MEMORY) * conflict[k] * 1.6)
            IT[last + SI_STEP, n] += 1
    goal_values(FT, IT, ti, L, lo, hi, count, values)
    satisfaction_from(tf, ti, L, m, values, sat1)
    t = sums[2]
    tension(FT, IT, tf, L, lo, hi, sat1, np.empty((8, m)), count, t)
    length, tn = L[D_LEN], L[F_TENSION]
    for n in range(u0, u1):  # this beat's tension
        k = n - u0
        if live[k]:
            step = IT[last + SI_STEP, n]
            if step <= length:
                FT[tn + step, n] = t[k]
    h0 = L[I_RECENT]
    for j in range(L[D_H] - 1, 0, -1):  # recent actions move down one
        for n in range(u0, u1):
            IT[h0 + j, n] = IT[h0 + j - 1, n] if live[n - u0] else IT[h0 + j, n]
    for n in range(u0, u1):
        k = n - u0
        if live[k]:
            a = actions[n]
            IT[h0, n] = a
            IT[last + SI_LAST_ACTION, n] = a
            IT[last + SI_LAST_ACTOR, n] = ti[acts + 4 * a]
            if place[k] >= 0:
                IT[last + SI_LAST_PLACE, n] = place[k]
    ending = count[0]
    conditions_met(FT, IT, tf, ti, L, 0, L[D_NEND], lo, hi,
                   np.empty((L[D_K] + 1, m), np.bool_), ending)
    for n in range(u0, u1):
        if live[n - u0] and ending[n - u0] >= 0:
            IT[last + SI_ENDING, n] = ending[n - u0]


# --- legality, all worlds ----------------------------------------------------------------
@leaf
def compact_facts(IT, L, lo, hi, Q):
    """The int fields the legality tests read — status, place, knowledge, owners, bonds, in
    that order (:func:`fact_rows`) — of worlds ``lo..hi-1`` as int16 into ``Q`` (rows, m):
    four times as many worlds per vector instruction as the int64 state."""
    u0, u1 = np.uint64(lo), np.uint64(hi)  # unsigned: no negative-index checks, so loops vectorize
    C, S, O = L[D_C], L[D_S], L[D_O]
    r = 0
    for first, count in ((L[I_STATUS], C), (L[I_LOC], C), (L[I_KNOW], C * S), (L[I_OWNER], O),
                         (L[I_BONDS], C * C)):
        for k in range(first, first + count):
            for n in range(u0, u1):
                Q[r, n - u0] = IT[k, n]
            r += 1


@leaf
def fact_rows(L):
    """Where status, place, knowledge, owners and bonds start in :func:`compact_facts`."""
    C, S, O = L[D_C], L[D_S], L[D_O]
    return 0, C, 2 * C, 2 * C + C * S, 2 * C + C * S + O, 2 * C + C * S + O + C * C


@leaf
def verb_tests(FT, Q, tf, ti, L, v, op, actor, target, lo, hi, pair, out, found):
    """``out[n] = pair[n]`` and the tests of verb ``v`` for this pair that do not depend on
    the argument (requirements, bond, something to overhear), for worlds ``lo..hi-1``;
    ``Q``: :func:`compact_facts`; ``found`` (m,) scratch. The first test is fused with the
    copy of ``pair`` (a pass over the worlds is mostly memory traffic)."""
    u0, u1 = np.uint64(lo), np.uint64(hi)  # unsigned: no negative-index checks, so loops vectorize
    C, S, E = L[D_C], L[D_S], L[D_E]
    _, _, kn, _, bo, _ = fact_rows(L)
    src = pair  # what the next test ANDs into: pair for the first test, then out
    tested = False
    if op == OP_EAVESDROP:  # the target knows a secret the actor does not
        for n in range(u0, u1):
            found[n - u0] = False
        for x in range(S):
            kt, ka = kn + target * S + x, kn + actor * S + x
            for n in range(u0, u1):
                found[n - u0] |= (Q[kt, n - u0] == 1) & (Q[ka, n - u0] != 1)
        for n in range(u0, u1):
            out[n] = src[n] & found[n - u0]
        src = out
        tested = True
    elif (op == OP_BOND or op == OP_PROPOSE) and ti[L[TI_V_BOND] + v] >= 0:
        bit, kb = ti[L[TI_V_BOND] + v], bo + actor * C + target
        for n in range(u0, u1):
            out[n] = src[n] & (((Q[kb, n - u0] >> bit) & 1) == 0)
        src = out
        tested = True
    for r in range(ti[L[TI_REQ_START] + v], ti[L[TI_REQ_START] + v + 1]):
        base = L[TI_REQ] + 4 * r
        kind, idx, sign, t = ti[base], ti[base + 1], ti[base + 2], tf[L[TF_REQ_THR] + r]
        if kind == R_BOND or kind == R_NO_BOND:
            if target < 0:
                if kind == R_BOND:
                    for n in range(u0, u1):
                        out[n] = False
                    src = out
                    tested = True
                continue
            kb, want = bo + actor * C + target, 1 if kind == R_BOND else 0
            for n in range(u0, u1):
                out[n] = src[n] & (((Q[kb, n - u0] >> idx) & 1) == want)
            src = out
            tested = True
            continue
        if kind == R_ACTOR_EMO:
            k = L[F_EMO] + actor * E + idx
        elif target < 0:
            continue
        elif kind == R_ACTOR_REL:
            k = L[F_REL] + (actor * C + target) * 3 + idx
        else:
            k = L[F_REL] + (target * C + actor) * 3 + idx
        if sign > 0:
            for n in range(u0, u1):
                out[n] = src[n] & (FT[k, n] > t)
            src = out
            tested = True
        elif sign < 0:
            for n in range(u0, u1):
                out[n] = src[n] & (FT[k, n] < t)
            src = out
            tested = True
    if not tested:
        for n in range(u0, u1):
            out[n] = pair[n]


@njit
def legal_masks(FT, IT, tf, ti, L, masks, lo, hi):
    """``masks[a, n]``: whether action ``a`` is legal in world ``n``, for worlds ``lo..hi-1``
    (:func:`drama_env.kernels.legal_mask`)."""
    u0, u1 = np.uint64(lo), np.uint64(hi)  # unsigned: no negative-index checks, so loops vectorize
    C, S, m = L[D_C], L[D_S], hi - lo
    st, lc, kn, ow, _, rows = fact_rows(L)
    Q = np.empty((rows, m), np.int16)
    compact_facts(IT, L, lo, hi, Q)
    going = np.empty(m, np.bool_)
    ending, step, length = L[I_SCAL] + SI_ENDING, L[I_SCAL] + SI_STEP, L[D_LEN]
    for n in range(u0, u1):
        going[n - u0] = (IT[ending, n] < 0) & (IT[step, n] < length)
    # the narrator's events: not used up, and their condition holds
    first_event = L[D_A] - L[D_NE]
    if L[D_NE] > 0:
        holds = np.empty(m, np.int64)
        stack = np.empty((L[D_K] + 1, m), np.bool_)
        for e in range(L[D_NE]):
            conditions_met(FT, IT, tf, ti, L, L[D_NEND] + e, L[D_NEND] + e + 1, lo, hi, stack,
                           holds)
            repeats = ti[L[TI_EV_REPEAT] + e] != 0
            o, fired = masks[first_event + e], L[I_FIRED] + e
            for n in range(u0, u1):
                o[n] = (going[n - u0] & (holds[n - u0] >= 0)
                        & (repeats | (IT[fired, n] == 0)))
    N = masks.shape[1]
    pair = np.empty(N, np.bool_)  # indexed by world, as the mask rows
    run = np.empty(N, np.bool_)
    found = np.empty(m, np.bool_)
    for actor in range(C):
        for target in range(-1, C):
            for n in range(u0, u1):
                pair[n] = going[n - u0] & (Q[st + actor, n - u0] == PRESENT)
            if target >= 0:
                for n in range(u0, u1):
                    j = n - u0
                    pair[n] &= ((Q[st + target, j] == PRESENT)
                                & (Q[lc + target, j] == Q[lc + actor, j]))
            g = L[TI_PAIR_START] + actor * (C + 1) + target + 1
            run_verb = -1
            for k in range(ti[g], ti[g + 1]):
                code = ti[L[TI_PAIR_ACT] + k]
                v, op = (code >> VERB_SHIFT) & VERB_BITS, (code >> OP_SHIFT) & OP_BITS
                kind = (code >> KIND_SHIFT) & KIND_BITS
                if v != run_verb:
                    run_verb = v
                    alone = (k + 1 == ti[g + 1]
                             or (ti[L[TI_PAIR_ACT] + k + 1] >> VERB_SHIFT) & VERB_BITS != v)
                    if alone and (kind == ARG_NONE or kind == ARG_CHARACTER):
                        # the verb's only action here, with no argument test: its row is the
                        # verb's tests
                        verb_tests(FT, Q, tf, ti, L, v, op, actor, target, lo, hi, pair,
                                   masks[code & ACTION_BITS], found)
                        continue
                    verb_tests(FT, Q, tf, ti, L, v, op, actor, target, lo, hi, pair, run, found)
                arg = ((code >> ARG_SHIFT) & ARG_BITS) - 1
                o = masks[code & ACTION_BITS]
                if kind == ARG_SECRET:
                    ka, kt, lie = kn + actor * S + arg, kn + target * S + arg, op == OP_LIE
                    for n in range(u0, u1):
                        j = n - u0
                        told = Q[kt, j]
                        o[n] = (run[n] & (Q[ka, j] == 1) & (told != 1)
                                & ((not lie) | (told != -1)))
                elif kind == ARG_SECRET_ALL:  # someone here must not know it yet
                    ka = kn + actor * S + arg
                    for n in range(u0, u1):
                        o[n] = False
                    for c in range(C):
                        if c != actor:
                            kc = kn + c * S + arg
                            for n in range(u0, u1):
                                j = n - u0
                                o[n] |= ((Q[st + c, j] == PRESENT)
                                         & (Q[lc + c, j] == Q[lc + actor, j]) & (Q[kc, j] != 1))
                    for n in range(u0, u1):
                        o[n] &= run[n] & (Q[ka, n - u0] == 1)
                elif kind == ARG_OBJECT:
                    give, steal = op == OP_GIVE, op == OP_STEAL
                    for n in range(u0, u1):
                        owner = Q[ow + arg, n - u0]
                        o[n] = (run[n] & ((not give) | (owner == actor))
                                & ((not steal) | (owner == target)))
                elif kind == ARG_PLACE:
                    for n in range(u0, u1):
                        o[n] = run[n] & (Q[lc + actor, n - u0] != arg)
                elif kind == ARG_ITEM:
                    for n in range(u0, u1):
                        o[n] = run[n] & (Q[ow + arg, n - u0] == -1 - Q[lc + actor, n - u0])
                else:
                    for n in range(u0, u1):
                        o[n] = run[n]


# --- reward and observation, all worlds --------------------------------------------------
@njit
def beat_rewards(FT, IT, tf, L, w, climax, live, lo, hi, rewards):
    """:func:`drama_env.reward.beat_reward` of each live world's last beat into ``rewards``,
    written out (calling it on each world's column measured 5 % slower for the whole step)."""
    u0, u1 = np.uint64(lo), np.uint64(hi)  # unsigned: no negative-index checks, so loops vectorize
    length = L[D_LEN]
    scal, h0 = L[F_SCAL], L[I_RECENT]
    for n in range(u0, u1):
        if not live[n - u0]:
            continue
        step = IT[L[I_SCAL] + SI_STEP, n]
        t = min(step, length)
        last = IT[h0, n]
        repeated = 0.0
        if last >= 0:
            for k in range(h0 + 1, L[I_RECENT + 1]):
                if IT[k, n] == last:
                    repeated = 1.0
        ending = 0.0
        if IT[L[I_SCAL] + SI_ENDING, n] >= 0:
            ending = min(1.0, (step / length) / climax)
        arc = 1.0 - 2.0 * abs(FT[L[F_TENSION] + t, n] - tf[L[TF_ARC] + t])
        stall = 1.0 if FT[scal + SF_CHANGE, n] < STALL_THRESHOLD else 0.0
        rewards[n] = (w[0] * arc + w[1] * FT[scal + SF_BEAT_CONFLICT, n]
                      + w[2] * FT[scal + SF_REVERSAL, n] - w[3] * repeated - w[4] * stall
                      + w[5] * ending)


@njit
def observations(FT, IT, tf, ti, L, pad, out, lo, hi):
    """The manager observation of worlds ``lo..hi-1`` into ``out[:, n]`` (D, N)
    (:func:`drama_env.observation.fill_manager_observation`). Each row is written once
    (padding rows with zeros at the end): the rows are most of a step's memory traffic."""
    u0, u1 = np.uint64(lo), np.uint64(hi)  # unsigned: no negative-index checks, so loops vectorize
    C, P, O, S, E, G = L[D_C], L[D_P], L[D_O], L[D_S], L[D_E], L[D_G]
    Cp, Pp, Op, Sp, Gp, Tp = pad[0], pad[1], pad[2], pad[3], pad[4], pad[5]
    nb = 11  # len(BONDS)
    m = hi - lo
    written = np.zeros(out.shape[0], np.bool_)
    k = 0
    for a in range(C):  # relations
        for b in range(C):
            for d in range(3):
                src, dst = L[F_REL] + (a * C + b) * 3 + d, k + (a * Cp + b) * 3 + d
                written[dst] = True
                for n in range(u0, u1):
                    out[dst, n] = FT[src, n]
    k += Cp * Cp * 3
    for a in range(C):  # bonds
        for b in range(C):
            src = L[I_BONDS] + a * C + b
            for x in range(nb):
                dst = k + (a * Cp + b) * nb + x
                written[dst] = True
                for n in range(u0, u1):
                    out[dst, n] = (IT[src, n] >> x) & 1
    k += Cp * Cp * nb
    for a in range(C):  # emotions
        for e in range(E):
            src, dst = L[F_EMO] + a * E + e, k + a * E + e
            written[dst] = True
            for n in range(u0, u1):
                out[dst, n] = FT[src, n]
    k += Cp * E
    for a in range(C):  # mood
        for d in range(3):
            src, dst = L[F_MOOD] + a * 3 + d, k + a * 3 + d
            written[dst] = True
            for n in range(u0, u1):
                out[dst, n] = FT[src, n]
    k += Cp * 3
    for a in range(C):  # knows, believes_lie
        for s in range(S):
            src, dst = L[I_KNOW] + a * S + s, k + a * Sp + s
            written[dst] = True
            written[dst + Cp * Sp] = True
            for n in range(u0, u1):
                v = IT[src, n]
                out[dst, n] = 1.0 if v == 1 else 0.0
                out[dst + Cp * Sp, n] = 1.0 if v == -1 else 0.0
    k += 2 * Cp * Sp
    for a in range(C):  # locations, status
        st, lc = L[I_STATUS] + a, L[I_LOC] + a
        for p in range(P):
            dst = k + a * Pp + p
            written[dst] = True
            for n in range(u0, u1):
                out[dst, n] = 1.0 if (IT[st, n] == 0) & (IT[lc, n] == p) else 0.0
        for x in range(2):
            dst = k + Cp * Pp + a * 2 + x
            written[dst] = True
            for n in range(u0, u1):
                out[dst, n] = 1.0 if IT[st, n] == x + 1 else 0.0
    k += Cp * Pp + Cp * 2
    for o in range(O):  # owners
        src = L[I_OWNER] + o
        for c in range(C):
            dst = k + o * Cp + c
            written[dst] = True
            for n in range(u0, u1):
                out[dst, n] = 1.0 if IT[src, n] == c else 0.0
    k += Op * Cp
    if G > 0:  # goals
        values = np.empty((G, m))
        goal_values(FT, IT, ti, L, lo, hi, np.empty((2, m), np.int64), values)
        for g in range(G):
            written[k + g] = True
            for n in range(u0, u1):
                out[k + g, n] = values[g, n - u0]
    k += Gp
    length, step = L[D_LEN], L[I_SCAL] + SI_STEP
    for t in range(length + 1):  # tension so far
        src = L[F_TENSION] + t
        written[k + t] = True
        for n in range(u0, u1):
            out[k + t, n] = FT[src, n] if t <= IT[step, n] else 0.0
    k += Tp
    for t in range(length + 1):  # target arc
        written[k + t] = True
        target = tf[L[TF_ARC] + t]
        for n in range(u0, u1):
            out[k + t, n] = target
    k += Tp
    written[k] = True
    for n in range(u0, u1):
        out[k, n] = min(1.0, IT[step, n] / length)
    for r in range(out.shape[0]):  # padding
        if not written[r]:
            for n in range(u0, u1):
                out[r, n] = 0.0


# --- the drama manager's step, all worlds ------------------------------------------------
@njit
def step_worlds(FT, IT, tf, ti, L, pad, actions, legal, masks, steps, max_steps, w, climax,
                rewards, terminated, truncated, obs, played, seeds, f0, i0, lo, hi):
    """:func:`drama_env.manager_step.step_world` for every world of ``lo..hi-1`` flagged in
    ``played``, whose legal actions were ``legal`` (A, N): beat, reward, end flags; the others
    start afresh from ``f0``, ``i0`` with their ``seeds``. Then the legal mask (into
    ``masks``) and observation of every world of the range."""
    u0, u1 = np.uint64(lo), np.uint64(hi)  # unsigned: no negative-index checks, so loops vectorize
    m, A = hi - lo, masks.shape[0]
    fresh = np.flatnonzero(~played[lo:hi]) + lo
    if fresh.size:
        reset_states(FT, IT, fresh, seeds[lo:hi][fresh - lo], f0, i0, L)
        for n in fresh:
            steps[n] = 0
    if m < SMALL_BATCH:  # world by world, with the per-world rules on each world's column
        terms = np.empty(6)
        for n in range(lo, hi):
            if played[n]:
                steps[n] += 1
                rewards[n], terminated[n], truncated[n] = manager_step(
                    FT[:, n], IT[:, n], tf, ti, L, pad, actions[n], legal[:, n], masks[:, n],
                    steps[n], max_steps, w, climax, terms, obs[:, n])
            else:
                refresh_world(FT, IT, tf, ti, L, pad, masks, obs, n)
        return
    live = np.zeros(m, np.bool_)
    for n in range(u0, u1):
        if played[n]:
            a = actions[n]
            steps[n] += 1
            live[n - u0] = 0 <= a < A and legal[a, n]
            if not live[n - u0]:
                rewards[n] = -ILLEGAL_PENALTY
    play_beats(FT, IT, tf, ti, L, actions, live, lo, hi)
    beat_rewards(FT, IT, tf, L, w, climax, live, lo, hi, rewards)
    legal_masks(FT, IT, tf, ti, L, masks, lo, hi)
    moves = np.zeros(m, np.bool_)
    for a in range(A):
        for n in range(u0, u1):
            moves[n - u0] |= masks[a, n]
    step, ending, length = L[I_SCAL] + SI_STEP, L[I_SCAL] + SI_ENDING, L[D_LEN]
    for n in range(u0, u1):
        if played[n]:
            done = IT[ending, n] >= 0
            terminated[n] = done
            truncated[n] = (not done) and (IT[step, n] >= length or steps[n] >= max_steps
                                           or not moves[n - u0])
    observations(FT, IT, tf, ti, L, pad, obs, lo, hi)


@njit
def step_all(FT, IT, tf, ti, L, pad, actions, legal, masks, steps, max_steps, w, climax,
             rewards, terminated, truncated, obs, played, seeds, f0, i0, chunk):
    """:func:`step_worlds` over the whole batch, ``chunk`` worlds at a time."""
    N = FT.shape[1]
    for lo in range(0, N, chunk):
        step_worlds(FT, IT, tf, ti, L, pad, actions, legal, masks, steps, max_steps, w, climax,
                    rewards, terminated, truncated, obs, played, seeds, f0, i0, lo,
                    min(N, lo + chunk))


@njit(parallel=True)
def step_all_threads(FT, IT, tf, ti, L, pad, actions, legal, masks, steps, max_steps, w,
                     climax, rewards, terminated, truncated, obs, played, seeds, f0, i0, chunk):
    """:func:`step_all` with the chunks spread over numba's threads."""
    N = FT.shape[1]
    for j in prange((N + chunk - 1) // chunk):
        lo = j * chunk
        step_worlds(FT, IT, tf, ti, L, pad, actions, legal, masks, steps, max_steps, w, climax,
                    rewards, terminated, truncated, obs, played, seeds, f0, i0, lo,
                    min(N, lo + chunk))


@njit
def reset_states(FT, IT, worlds, seeds, f0, i0, L):
    """Start ``worlds`` afresh: the initial state, each with its seed (field by field, so
    each field's row of the batch is visited once)."""
    for k in range(FT.shape[0]):
        v = f0[k]
        for j in range(worlds.shape[0]):
            FT[k, worlds[j]] = v
    for k in range(IT.shape[0]):
        v = i0[k]
        for j in range(worlds.shape[0]):
            IT[k, worlds[j]] = v
    for j in range(worlds.shape[0]):
        IT[L[I_SCAL] + SI_RNG, worlds[j]] = seeds[j]


@njit
def refresh_world(FT, IT, tf, ti, L, pad, masks, obs, n):
    """The legal mask and observation of world ``n`` by the per-world rules."""
    legal_mask(FT[:, n], IT[:, n], tf, ti, L, masks[:, n], 0, masks.shape[0])
    fill_manager_observation(FT[:, n], IT[:, n], tf, ti, L, pad, obs[:, n])


@njit
def refresh(FT, IT, tf, ti, L, pad, masks, obs, chunk):
    """The legal masks and observations of every world, ``chunk`` worlds at a time."""
    N = FT.shape[1]
    for lo in range(0, N, chunk):
        if min(N, lo + chunk) - lo < SMALL_BATCH:
            for n in range(lo, min(N, lo + chunk)):
                refresh_world(FT, IT, tf, ti, L, pad, masks, obs, n)
        else:
            legal_masks(FT, IT, tf, ti, L, masks, lo, min(N, lo + chunk))
            observations(FT, IT, tf, ti, L, pad, obs, lo, min(N, lo + chunk))


@njit
def refresh_worlds(FT, IT, tf, ti, L, pad, masks, obs, worlds):
    """The legal masks and observations of ``worlds`` only: computed side by side in small
    arrays, then written back field by field."""
    k = worlds.shape[0]
    if k < SMALL_BATCH:
        for j in range(k):
            refresh_world(FT, IT, tf, ti, L, pad, masks, obs, worlds[j])
        return
    FS = np.empty((FT.shape[0], k), FT.dtype)
    IS = np.empty((IT.shape[0], k), IT.dtype)
    for r in range(FT.shape[0]):
        for j in range(k):
            FS[r, j] = FT[r, worlds[j]]
    for r in range(IT.shape[0]):
        for j in range(k):
            IS[r, j] = IT[r, worlds[j]]
    ms = np.empty((masks.shape[0], k), np.bool_)
    os = np.empty((obs.shape[0], k), obs.dtype)
    legal_masks(FS, IS, tf, ti, L, ms, 0, k)
    observations(FS, IS, tf, ti, L, pad, os, 0, k)
    for r in range(masks.shape[0]):
        for j in range(k):
            masks[r, worlds[j]] = ms[r, j]
    for r in range(obs.shape[0]):
        for j in range(k):
            obs[r, worlds[j]] = os[r, j]


PICK_BLOCK = 32  # actions per block in pick_legal_range (their count fits a byte)


@leaf
def nth_legal(legal, first, stop, left):
    """The legal action (``legal[a]`` set) of ``first..stop-1`` that has ``left`` legal
    actions before it there, or -1."""
    for a in range(first, stop):
        if legal[a]:
            if left == 0:
                return a
            left -= 1
    return -1


@leaf
def pick_legal_range(masks, uniforms, out, lo, hi, blocks):
    """``out[n]`` for worlds ``lo..hi-1``: the legal action of world ``n`` (column ``n`` of
    ``masks``, as uint8) at quantile ``uniforms[n]`` of its legal actions (left as it is where
    none is legal). Legal actions are counted per block of :data:`PICK_BLOCK` actions for all
    worlds at once (bytes, so vectors hold 64 worlds) into ``blocks`` (blocks, m) uint8; each
    world then walks its block counts and the one block that holds its pick."""
    u0, u1 = np.uint64(lo), np.uint64(hi)  # unsigned: no negative-index checks, so loops vectorize
    A = masks.shape[0]
    nb = (A + PICK_BLOCK - 1) // PICK_BLOCK
    for b in range(nb):
        row = blocks[b]
        for n in range(u0, u1):
            row[n - u0] = 0
        for a in range(b * PICK_BLOCK, min(A, (b + 1) * PICK_BLOCK)):
            legal = masks[a]
            for n in range(u0, u1):
                row[n - u0] += legal[n]
    for n in range(u0, u1):
        j = n - u0
        count = 0
        for b in range(nb):
            count += blocks[b, j]
        if count == 0:
            continue
        left = int(uniforms[n] * count)  # legal actions to pass before the pick
        b = 0
        while left >= blocks[b, j]:
            left -= blocks[b, j]
            b += 1
        out[n] = nth_legal(masks[:, n], b * PICK_BLOCK, min(A, (b + 1) * PICK_BLOCK), left)


@njit
def pick_legal_by_world(masks, uniforms, out):
    """:func:`pick_legal` one world at a time (for small batches, whose worlds' masks are
    contiguous columns): the same picks."""
    for n in range(masks.shape[1]):
        legal = masks[:, n]
        count = 0
        for a in range(legal.shape[0]):
            count += legal[a]
        if count == 0:
            continue
        out[n] = nth_legal(legal, 0, legal.shape[0], int(uniforms[n] * count))


@njit
def pick_legal(masks, uniforms, out):
    """:func:`pick_legal_range` over all worlds."""
    N = masks.shape[1]
    blocks = np.empty(((masks.shape[0] + PICK_BLOCK - 1) // PICK_BLOCK, N), np.uint8)
    pick_legal_range(masks, uniforms, out, 0, N, blocks)


@njit(parallel=True)
def pick_legal_threads(masks, uniforms, out, chunk):
    """:func:`pick_legal` with ``chunk`` worlds per task, spread over numba's threads."""
    N = masks.shape[1]
    nb = (masks.shape[0] + PICK_BLOCK - 1) // PICK_BLOCK
    for j in prange((N + chunk - 1) // chunk):
        lo = j * chunk
        hi = min(N, lo + chunk)
        pick_legal_range(masks, uniforms, out, lo, hi, np.empty((nb, hi - lo), np.uint8))
