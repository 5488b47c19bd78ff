"""The rules, compiled: legal actions, effects, OCC appraisal, ALMA mood, tension, endings.

Every function here is pure over explicit buffers — a state (``f`` floats, ``i`` ints), a
compiled story (``tf``, ``ti``) and the layout ``L`` (see :mod:`drama_env.layout`) — so the same
code steps one world, a batch of worlds, or a look-ahead copy. Python callers use
:mod:`drama_env.rules`; nothing here is public API.
"""

from __future__ import annotations

import numpy as np

from drama_env._jit import leaf, njit
from drama_env.compiled import (C_ALIVE, C_AND, C_AT, C_BOND, C_DEAD, C_DEPARTED, C_EMO_ABOVE,
                                C_EMO_BELOW, C_FLAG, C_HAS, C_NOT, C_OR, C_REL_ABOVE, C_REL_BELOW,
                                C_SECRET_ALL, C_SECRET_FALSE, C_SECRET_KNOWN, C_STEP, C_TENSION,
                                C_TOGETHER, C_TRUE, E_BOND, E_CLEAR_FLAG, E_DEPART, E_EMO, E_GIVE,
                                E_KILL, E_MOVE, E_REL, E_REVEAL, E_SET_FLAG, E_UNBOND, PACK_ACTION,
                                PACK_ARG, PACK_KIND, PACK_OP, PACK_VERB, R_ACTOR_EMO, R_ACTOR_REL,
                                R_BOND, R_NO_BOND, R_TARGET_REL)
from drama_env.layout import (D_A, D_C, D_E, D_G, D_H, D_K, D_LEN, D_NE, D_NEND, D_S, D_V, F_EMO,
                              F_MOOD, F_REL, F_SCAL, F_TENSION, I_BONDS, I_FIRED, I_FLAGS, I_KNOW,
                              I_LOC, I_MEMORY, I_OWNER, I_RECENT, I_SCAL, I_STATUS,
                              SF_BEAT_CONFLICT, SF_CHANGE, SF_CONFLICT, SF_REVERSAL, SI_ENDING,
                              SI_LAST_ACTION, SI_LAST_ACTOR, SI_LAST_PLACE, SI_RNG, SI_STEP, TF_A2T,
                              TF_AEMO, TF_COND_THR, TF_CONFLICT, TF_DES, TF_EFF_VAL, TF_EV_TENSION,
                              TF_FEEL, TF_GOAL_W, TF_MOOD0, TF_PAD, TF_PERS, TF_PRAISE, TF_PROB,
                              TF_REQ_THR, TF_STAKES, TF_STAND, TF_T2A, TF_TEMO, TF_TRAITS, TF_W2A,
                              TF_WEIGHT, TI_ACT, TI_COND, TI_COND_START, TI_EFF, TI_EFF_START,
                              TI_EV_PLACE, TI_EV_REPEAT, TI_GOAL_ARG, TI_GOAL_OWNER, TI_GOAL_TYPE,
                              TI_PAIR_ACT, TI_PAIR_START, TI_REQ, TI_REQ_START, TI_V_ARG, TI_V_BOND,
                              TI_V_OP)

# status codes (stories.constants)
PRESENT, DEPARTED, DEAD = 0, 1, 2
# verb ops (stories.constants.VERB_OPS order)
(OP_NONE, OP_CONFIDE, OP_LIE, OP_REVEAL, OP_REVEAL_ALL, OP_EAVESDROP, OP_GIVE, OP_STEAL, OP_MOVE,
 OP_ATTACK, OP_BOND, OP_UNBOND, OP_DEPART, OP_PROPOSE, OP_TAKE) = range(15)
# verb argument kinds
ARG_NONE, ARG_CHARACTER, ARG_PLACE, ARG_OBJECT, ARG_SECRET, ARG_SECRET_ALL, ARG_ITEM = range(7)
# goal types (stories.constants.GOAL_TYPES order)
(G_WIN_AFFECTION, G_GAIN_OBJECT, G_KEEP_SECRET, G_EXPOSE_SECRET, G_HARM, G_PROTECT, G_RECONCILE,
 G_REACH_PLACE, G_FLEE_PLACE, G_GAIN_RESPECT, G_MARRY, G_SURVIVE) = range(12)
# emotions (stories.constants.EMOTIONS order)
(JOY, DISTRESS, HOPE, FEAR, PRIDE, SHAME, ADMIRATION, REPROACH, GRATITUDE, ANGER, LOVE,
 HATE) = range(12)
AFFECTION, TRUST, RESPECT = 0, 1, 2
SPOUSE_BIT, BETROTHED_BIT = 1, 10  # stories.constants.BOND_INDEX

EMOTION_DECAY = 0.12      # share of each emotion lost per beat
MOOD_PULL = 0.15          # how fast emotions pull the PAD mood (ALMA)
MOOD_RETURN = 0.03        # how fast the mood drifts back to its personality default
APPRAISAL_GAIN = 1.6      # goal-satisfaction change -> joy / distress intensity
PRAISE_GAIN = 0.5         # praiseworthiness -> admiration / reproach / pride / shame
EMOTION_TO_RELATION = 0.25  # this beat's admiration/gratitude -> trust, respect, affection
CONFLICT_MEMORY = 0.75    # smoothing of open conflict between beats
# tension = weighted sum of these terms (documented in docs/rules.md)
W_CONFLICT, W_STAKES, W_FRUSTRATION, W_AROUSAL = 0.4, 0.25, 0.15, 0.2

MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
# fields of a packed pair action (drama_env.compiled.pack_pair_action)
ACTION_BITS = (1 << PACK_ACTION[1]) - 1
VERB_SHIFT, VERB_BITS = PACK_VERB[0], (1 << PACK_VERB[1]) - 1
ARG_SHIFT, ARG_BITS = PACK_ARG[0], (1 << PACK_ARG[1]) - 1
OP_SHIFT, OP_BITS = PACK_OP[0], (1 << PACK_OP[1]) - 1
KIND_SHIFT, KIND_BITS = PACK_KIND[0], (1 << PACK_KIND[1]) - 1


# --- randomness: SplitMix64 kept in the state ---------------------------------------------
@leaf
def next_uniform(i, L):
    """Advance the state's SplitMix64 stream; return a float in [0, 1)."""
    k = L[I_SCAL] + SI_RNG
    z = np.uint64(i[k]) + np.uint64(0x9E3779B97F4A7C15)
    i[k] = np.int64(z)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


# --- small accessors -----------------------------------------------------------------------
@leaf
def rel(f, L, a, b, d):
    return f[L[F_REL] + (a * L[D_C] + b) * 3 + d]


@leaf
def add_rel(f, L, a, b, d, delta):
    k = L[F_REL] + (a * L[D_C] + b) * 3 + d
    f[k] = min(1.0, max(-1.0, f[k] + delta))


@leaf
def emo(f, L, c, e):
    return f[L[F_EMO] + c * L[D_E] + e]


@leaf
def add_emo(f, L, c, e, delta):
    k = L[F_EMO] + c * L[D_E] + e
    f[k] = min(1.0, max(0.0, f[k] + delta))


@leaf
def know(i, L, c, s):
    return i[L[I_KNOW] + c * L[D_S] + s]


@leaf
def has_bond(i, L, a, b, bit):
    return (i[L[I_BONDS] + a * L[D_C] + b] >> bit) & 1


@leaf
def set_bond(i, L, a, b, bit, on):
    k = L[I_BONDS] + a * L[D_C] + b
    if on:
        i[k] = i[k] | (1 << bit)
    else:
        i[k] = i[k] & ~(1 << bit)


@leaf
def status(i, L, c):
    return i[L[I_STATUS] + c]


@leaf
def loc(i, L, c):
    return i[L[I_LOC] + c]


@leaf
def active(i, L, c):
    return i[L[I_STATUS] + c] == PRESENT


@leaf
def together(i, L, a, b):
    return active(i, L, a) and active(i, L, b) and loc(i, L, a) == loc(i, L, b)


# --- goals ---------------------------------------------------------------------------------
@leaf
def knowers_share(i, L, s, exclude):
    """Share of living characters other than ``exclude`` who know secret ``s``."""
    C = L[D_C]
    n = 0
    k = 0
    for c in range(C):
        if c == exclude or status(i, L, c) == DEAD:
            continue
        n += 1
        if know(i, L, c, s) == 1:
            k += 1
    return k / n if n > 0 else 1.0


@leaf
def goal_values(f, i, tf, ti, L, out):
    """How far each goal is satisfied, in [0, 1], into ``out`` (G,).

    One loop with every goal type written out: a call per goal cost more than the goal."""
    C = L[D_C]
    st, kn = L[I_STATUS], L[I_KNOW]
    for g in range(L[D_G]):
        owner = ti[L[TI_GOAL_OWNER] + g]
        kind = ti[L[TI_GOAL_TYPE] + g]
        x = ti[L[TI_GOAL_ARG] + g]
        value = 1.0  # G_SURVIVE and alive
        if i[st + owner] == DEAD:
            value = 0.0
        elif kind == G_KEEP_SECRET or kind == G_EXPOSE_SECRET:
            n = 0  # knowers_share(i, L, x, owner), written out
            k = 0
            for c in range(C):
                if c != owner and i[st + c] != DEAD:
                    n += 1
                    if i[kn + c * L[D_S] + x] == 1:
                        k += 1
            share = k / n if n > 0 else 1.0
            value = 1.0 - share if kind == G_KEEP_SECRET else share
        elif kind == G_WIN_AFFECTION:
            value = 0.5 + 0.5 * rel(f, L, x, owner, AFFECTION)
        elif kind == G_GAIN_OBJECT:
            value = 1.0 if i[L[I_OWNER] + x] == owner else 0.0
        elif kind == G_HARM or kind == G_PROTECT:
            sx = i[st + x]
            if sx == DEAD:
                value = 1.0 if kind == G_HARM else 0.0
            elif sx == DEPARTED:
                value = 0.6 if kind == G_HARM else 0.5
            elif kind == G_HARM:
                value = 0.25 * (emo(f, L, x, DISTRESS) + emo(f, L, x, FEAR))
            else:
                value = 1.0 - 0.25 * (emo(f, L, x, DISTRESS) + emo(f, L, x, FEAR))
        elif kind == G_RECONCILE:
            value = 0.5 + 0.25 * (rel(f, L, owner, x, AFFECTION) + rel(f, L, x, owner, AFFECTION))
        elif kind == G_REACH_PLACE or kind == G_FLEE_PLACE:
            there = i[st + owner] == PRESENT and i[L[I_LOC] + owner] == x
            value = 1.0 if there == (kind == G_REACH_PLACE) else 0.0
        elif kind == G_GAIN_RESPECT:
            value = 0.5 + 0.5 * rel(f, L, x, owner, RESPECT)
        elif kind == G_MARRY:
            if has_bond(i, L, owner, x, SPOUSE_BIT):
                value = 1.0
            else:
                value = 0.25 + 0.25 * rel(f, L, x, owner, AFFECTION)
        out[g] = value


@leaf
def satisfaction_from(tf, ti, L, values, out):
    """Weighted goal satisfaction of every character into ``out`` (C,), from each goal's
    value (:func:`goal_values`)."""
    for c in range(L[D_C]):
        out[c] = 0.5  # no goals
    owners, weights = L[TI_GOAL_OWNER], L[TF_GOAL_W]
    g, G = 0, L[D_G]
    while g < G:  # goals are stored grouped by owner
        c = ti[owners + g]
        total = 0.0
        weight = 0.0
        while g < G and ti[owners + g] == c:
            w = tf[weights + g]
            total += w * values[g]
            weight += w
            g += 1
        out[c] = total / weight if weight > 0 else 0.5


@njit
def satisfaction(f, i, tf, ti, L, out):
    """Weighted goal satisfaction of every character into ``out`` (C,)."""
    values = np.empty(max(1, L[D_G]))
    goal_values(f, i, tf, ti, L, values)
    satisfaction_from(tf, ti, L, values, out)


@leaf
def secret_risk(i, tf, L, c):
    """What ``c`` stands to lose from secrets now known: sum of stakes times spread."""
    total = 0.0
    for s in range(L[D_S]):
        stake = tf[L[TF_STAKES] + s * L[D_C] + c]
        if stake > 0:
            total += stake * knowers_share(i, L, s, c)
    return total


@leaf
def secret_risks(i, tf, L, out):
    """:func:`secret_risk` of every character into ``out`` (C,), counting each secret's
    knowers once instead of once per character (the same numbers)."""
    C, S = L[D_C], L[D_S]
    st, kn, stakes = L[I_STATUS], L[I_KNOW], L[TF_STAKES]
    for c in range(C):
        out[c] = 0.0
    for s in range(S):
        living = 0
        knowing = 0
        for c in range(C):
            if i[st + c] != DEAD:
                living += 1
                if i[kn + c * S + s] == 1:
                    knowing += 1
        for c in range(C):
            stake = tf[stakes + s * C + c]
            if stake > 0:
                n = living
                k = knowing
                if i[st + c] != DEAD:  # the share among the others
                    n -= 1
                    if i[kn + c * S + s] == 1:
                        k -= 1
                out[c] += stake * (k / n if n > 0 else 1.0)


# --- conditions ----------------------------------------------------------------------------
@leaf
def condition_step(tf, ti, L, k):
    """Instruction ``k`` of the condition programs (postfix): ``(op, a, b, c, threshold)``."""
    base = L[TI_COND] + 4 * k
    return ti[base], ti[base + 1], ti[base + 2], ti[base + 3], tf[L[TF_COND_THR] + k]


@leaf
def first_condition_met(f, i, tf, ti, L, first, last, stack):
    """The first of condition programs ``first..last-1`` (endings first, then events) that
    holds, or -1; ``stack`` is scratch space of at least a program's length. One loop over
    the programs: a call per program cost more than most programs."""
    C = L[D_C]
    for which in range(first, last):
        top = 0
        for k in range(ti[L[TI_COND_START] + which], ti[L[TI_COND_START] + which + 1]):
            op, a, b, c, t = condition_step(tf, ti, L, k)
            r = False
            if op == C_AND or op == C_OR:
                r = op == C_AND
                for _ in range(a):
                    top -= 1
                    if op == C_AND:
                        r = r and stack[top]
                    else:
                        r = r or stack[top]
            elif op == C_NOT:
                top -= 1
                r = not stack[top]
            elif op == C_TRUE:
                r = True
            elif op == C_SECRET_ALL:  # everyone still in the drama knows it
                r = True
                for x in range(C):
                    if status(i, L, x) == PRESENT and know(i, L, x, a) != 1:
                        r = False
            elif op == C_SECRET_KNOWN:
                r = know(i, L, b, a) == 1
            elif op == C_SECRET_FALSE:
                r = know(i, L, b, a) == -1
            elif op == C_REL_ABOVE:
                r = rel(f, L, a, b, c) > t
            elif op == C_REL_BELOW:
                r = rel(f, L, a, b, c) < t
            elif op == C_EMO_ABOVE:
                r = emo(f, L, a, b) > t
            elif op == C_EMO_BELOW:
                r = emo(f, L, a, b) < t
            elif op == C_DEAD:
                r = status(i, L, a) == DEAD
            elif op == C_DEPARTED:
                r = status(i, L, a) == DEPARTED
            elif op == C_ALIVE:
                r = status(i, L, a) != DEAD
            elif op == C_AT:
                r = active(i, L, a) and loc(i, L, a) == b
            elif op == C_TOGETHER:
                r = together(i, L, a, b)
            elif op == C_HAS:
                r = i[L[I_OWNER] + b] == a
            elif op == C_BOND:
                r = has_bond(i, L, a, b, c) == 1
            elif op == C_FLAG:
                r = i[L[I_FLAGS] + a] != 0
            elif op == C_STEP:
                r = i[L[I_SCAL] + SI_STEP] >= a
            elif op == C_TENSION:
                r = f[L[F_TENSION] + i[L[I_SCAL] + SI_STEP]] > t
            stack[top] = r
            top += 1
        if stack[top - 1] if top > 0 else True:
            return which
    return -1


@leaf
def eval_condition(f, i, tf, ti, L, which, stack):
    """Whether condition program ``which`` holds (see :func:`first_condition_met`)."""
    return first_condition_met(f, i, tf, ti, L, which, which + 1, stack) == which


# --- legality ------------------------------------------------------------------------------
@leaf
def verb_requirements_met(f, i, tf, ti, L, v, actor, target):
    for r in range(ti[L[TI_REQ_START] + v], ti[L[TI_REQ_START] + v + 1]):
        base = L[TI_REQ] + 4 * r
        kind, idx, sign = ti[base], ti[base + 1], ti[base + 2]
        thr = tf[L[TF_REQ_THR] + r]
        if kind == R_ACTOR_REL or kind == R_TARGET_REL:
            if target < 0:
                continue
            value = rel(f, L, actor, target, idx) if kind == R_ACTOR_REL else rel(f, L, target, actor, idx)
            if (sign > 0 and value <= thr) or (sign < 0 and value >= thr):
                return False
        elif kind == R_ACTOR_EMO:
            value = emo(f, L, actor, idx)
            if (sign > 0 and value <= thr) or (sign < 0 and value >= thr):
                return False
        elif kind == R_BOND:
            if target < 0 or has_bond(i, L, actor, target, idx) == 0:
                return False
        elif kind == R_NO_BOND:
            if target >= 0 and has_bond(i, L, actor, target, idx) == 1:
                return False
    return True


@leaf
def action_legal(f, i, tf, ti, L, a, stack):
    base = L[TI_ACT] + 4 * a
    actor, v, target, arg = ti[base], ti[base + 1], ti[base + 2], ti[base + 3]
    if v < 0:  # narrator event
        if ti[L[TI_EV_REPEAT] + arg] == 0 and i[L[I_FIRED] + arg] > 0:
            return False
        return eval_condition(f, i, tf, ti, L, L[D_NEND] + arg, stack)
    if not active(i, L, actor):
        return False
    if target >= 0 and not together(i, L, actor, target):
        return False
    op = ti[L[TI_V_OP] + v]
    kind = ti[L[TI_V_ARG] + v]
    if kind == ARG_SECRET or kind == ARG_SECRET_ALL:
        if know(i, L, actor, arg) != 1:
            return False
        if kind == ARG_SECRET:
            k = know(i, L, target, arg)
            if k == 1 or (op == OP_LIE and k == -1):
                return False
        else:  # someone present must not know it yet
            anyone = False
            for c in range(L[D_C]):
                if c != actor and together(i, L, actor, c) and know(i, L, c, arg) != 1:
                    anyone = True
            if not anyone:
                return False
    elif kind == ARG_OBJECT:
        owner = i[L[I_OWNER] + arg]
        if op == OP_GIVE and owner != actor:
            return False
        if op == OP_STEAL and owner != target:
            return False
    elif kind == ARG_PLACE:
        if loc(i, L, actor) == arg:
            return False
    elif kind == ARG_ITEM:  # an object lying where the actor is
        if i[L[I_OWNER] + arg] != -1 - loc(i, L, actor):
            return False
    if op == OP_EAVESDROP:
        found = False
        for s in range(L[D_S]):
            if know(i, L, target, s) == 1 and know(i, L, actor, s) != 1:
                found = True
        if not found:
            return False
    elif op == OP_BOND or op == OP_PROPOSE:
        bit = ti[L[TI_V_BOND] + v]
        if bit >= 0 and has_bond(i, L, actor, target, bit) == 1:
            return False
    return verb_requirements_met(f, i, tf, ti, L, v, actor, target)


@njit
def legal_mask(f, i, tf, ti, L, mask, first, stop):
    """Fill ``mask[first:stop]`` with the legality of actions ``first..stop-1``.

    The same tests as :func:`action_legal`, run only over the (actor, target) groups whose
    two characters are together (most actions of a cast spread over several places fail on
    that alone). Within a group the actions come verb by verb, so the tests that do not
    depend on the argument run once per verb, and each action's own tests read its packed
    entry (:func:`drama_env.compiled.pack_pair_action`).
    """
    C, S = L[D_C], L[D_S]
    mask[:] = False
    if i[L[I_SCAL] + SI_ENDING] >= 0 or i[L[I_SCAL] + SI_STEP] >= L[D_LEN]:
        return
    st, lc, kn, ow = L[I_STATUS], L[I_LOC], L[I_KNOW], L[I_OWNER]
    narrator_first = max(first, L[D_A] - L[D_NE])
    if narrator_first < stop:
        stack = np.zeros(L[D_K] + 1, dtype=np.bool_)
        for a in range(narrator_first, stop):
            mask[a - first] = action_legal(f, i, tf, ti, L, a, stack)
    pact0, pstart0 = L[TI_PAIR_ACT], L[TI_PAIR_START]
    reqs, thr0, rel0, emo0, bo = L[TI_REQ], L[TF_REQ_THR], L[F_REL], L[F_EMO], L[I_BONDS]
    vbond0, rstart0, E = L[TI_V_BOND], L[TI_REQ_START], L[D_E]
    for actor in range(C):
        if i[st + actor] != PRESENT:
            continue
        here = i[lc + actor]
        for target in range(-1, C):
            if target >= 0 and (i[st + target] != PRESENT or i[lc + target] != here):
                continue
            g = pstart0 + actor * (C + 1) + target + 1
            run_verb = -1
            run_ok = False
            for k in range(ti[g], ti[g + 1]):
                code = ti[pact0 + k]
                a = code & ACTION_BITS
                if a < first or a >= stop:
                    continue
                v = (code >> VERB_SHIFT) & VERB_BITS
                op = (code >> OP_SHIFT) & OP_BITS
                if v != run_verb:  # the verb's tests, once per run (written out: a call costs more)
                    run_verb = v
                    run_ok = True
                    if op == OP_EAVESDROP:
                        run_ok = False
                        for x in range(S):
                            if i[kn + target * S + x] == 1 and i[kn + actor * S + x] != 1:
                                run_ok = True
                    elif op == OP_BOND or op == OP_PROPOSE:
                        bit = ti[vbond0 + v]
                        run_ok = bit < 0 or ((i[bo + actor * C + target] >> bit) & 1) == 0
                    if run_ok:
                        for r in range(ti[rstart0 + v], ti[rstart0 + v + 1]):
                            rk, idx, sign = ti[reqs + 4 * r], ti[reqs + 4 * r + 1], ti[reqs + 4 * r + 2]
                            t = tf[thr0 + r]
                            if rk == R_ACTOR_REL or rk == R_TARGET_REL:
                                if target < 0:
                                    continue
                                if rk == R_ACTOR_REL:
                                    value = f[rel0 + (actor * C + target) * 3 + idx]
                                else:
                                    value = f[rel0 + (target * C + actor) * 3 + idx]
                                if (sign > 0 and value <= t) or (sign < 0 and value >= t):
                                    run_ok = False
                            elif rk == R_ACTOR_EMO:
                                value = f[emo0 + actor * E + idx]
                                if (sign > 0 and value <= t) or (sign < 0 and value >= t):
                                    run_ok = False
                            elif rk == R_BOND:
                                if target < 0 or ((i[bo + actor * C + target] >> idx) & 1) == 0:
                                    run_ok = False
                            elif rk == R_NO_BOND:
                                if target >= 0 and ((i[bo + actor * C + target] >> idx) & 1) == 1:
                                    run_ok = False
                            if not run_ok:
                                break
                if not run_ok:
                    continue
                arg = ((code >> ARG_SHIFT) & ARG_BITS) - 1
                kind = (code >> KIND_SHIFT) & KIND_BITS
                ok = True
                if kind == ARG_SECRET:  # & rather than `and`: no branch to mispredict
                    kt = i[kn + target * S + arg]
                    ok = (i[kn + actor * S + arg] == 1) & (kt != 1) & ((op != OP_LIE) | (kt != -1))
                elif kind == ARG_SECRET_ALL:
                    ok = False
                    if i[kn + actor * S + arg] == 1:
                        for c in range(C):
                            if (c != actor and i[st + c] == PRESENT and i[lc + c] == here
                                    and i[kn + c * S + arg] != 1):
                                ok = True
                elif kind == ARG_OBJECT:
                    owner = i[ow + arg]
                    ok = ((op != OP_GIVE) | (owner == actor)) & ((op != OP_STEAL) | (owner == target))
                elif kind == ARG_PLACE:
                    ok = here != arg
                elif kind == ARG_ITEM:
                    ok = i[ow + arg] == -1 - here
                mask[a - first] = ok


# --- effects of narrator events ------------------------------------------------------------
@leaf
def reveal_to(i, L, s, c):
    i[L[I_KNOW] + c * L[D_S] + s] = 1


@leaf
def apply_event_effects(f, i, tf, ti, L, e, place):
    C = L[D_C]
    for m in range(ti[L[TI_EFF_START] + e], ti[L[TI_EFF_START] + e + 1]):
        base = L[TI_EFF] + 4 * m
        op, a, b, c = ti[base], ti[base + 1], ti[base + 2], ti[base + 3]
        val = tf[L[TF_EFF_VAL] + m]
        if op == E_MOVE:
            if active(i, L, a):
                i[L[I_LOC] + a] = b
        elif op == E_REL:
            add_rel(f, L, a, b, c, val)
        elif op == E_EMO or op == E_REVEAL:
            who = a if op == E_EMO else b
            for x in range(C):
                if who >= 0 and x != who:
                    continue
                if status(i, L, x) == DEAD:
                    continue
                if who == -1 and not (active(i, L, x) and loc(i, L, x) == place):
                    continue
                if op == E_EMO:
                    add_emo(f, L, x, b, val)
                else:
                    reveal_to(i, L, a, x)
        elif op == E_GIVE:
            i[L[I_OWNER] + a] = b
        elif op == E_SET_FLAG:
            i[L[I_FLAGS] + a] = 1
        elif op == E_CLEAR_FLAG:
            i[L[I_FLAGS] + a] = 0
        elif op == E_KILL:
            i[L[I_STATUS] + a] = DEAD
        elif op == E_DEPART:
            if status(i, L, a) == PRESENT:
                i[L[I_STATUS] + a] = DEPARTED
        elif op == E_BOND or op == E_UNBOND:
            set_bond(i, L, a, b, c, op == E_BOND)


# --- appraisal, mood, tension --------------------------------------------------------------
@leaf
def appraise_all(f, i, tf, ti, L, witnesses, actor, target, v, success, sat0, sat1, risk0,
                 risk1):
    """OCC appraisal of one beat by everyone who saw it (bit ``c`` of ``witnesses``) and by
    anyone whose secrets moved; emotions then move relationships. ``sat0``/``sat1`` and
    ``risk0``/``risk1``: goal satisfaction and secret risk before and after the beat.
    One loop over the observers (a call per observer cost more than most appraisals)."""
    for observer in range(L[D_C]):
        if status(i, L, observer) == DEAD:
            continue
        d_risk = risk1[observer] - risk0[observer]
        saw = (witnesses >> observer) & 1
        if saw == 0 and d_risk <= 0:
            continue
        d_goal = sat1[observer] - sat0[observer]
        doer = actor if saw else -1
        verb = v if saw else -1
        pers = L[TF_PERS] + observer * 5
        neuro = tf[pers + 4]
        extra = tf[pers + 2]
        neg_gain = 0.7 + 0.6 * neuro
        pos_gain = 0.8 + 0.4 * extra
        # consequences for the observer's goals: joy / distress, hope / fear
        if d_goal > 0:
            add_emo(f, L, observer, JOY, APPRAISAL_GAIN * d_goal * pos_gain)
            add_emo(f, L, observer, HOPE, 0.5 * APPRAISAL_GAIN * d_goal * pos_gain)
        elif d_goal < 0:
            add_emo(f, L, observer, DISTRESS, -APPRAISAL_GAIN * d_goal * neg_gain)
        if d_risk > 0:
            add_emo(f, L, observer, FEAR, 1.2 * d_risk * neg_gain)
            add_emo(f, L, observer, HOPE, -0.5 * d_risk)
        if verb < 0 or doer < 0:
            continue
        # actions of agents: pride / shame (own), admiration / reproach (others)
        praise = tf[L[TF_PRAISE] + verb] + tf[L[TF_STAND] + observer * L[D_V] + verb]
        if success == 0:
            praise *= 0.5
        if observer == doer:
            consc = tf[pers + 1]
            if praise > 0:
                add_emo(f, L, observer, PRIDE, PRAISE_GAIN * praise * 0.6)
            else:
                add_emo(f, L, observer, SHAME, -PRAISE_GAIN * praise * (0.3 + 0.7 * consc))
            continue
        # this beat's admiration (+) or reproach (-) of the doer
        d_adm = PRAISE_GAIN * praise if praise > 0 else PRAISE_GAIN * praise * neg_gain
        if d_adm > 0:
            add_emo(f, L, observer, ADMIRATION, d_adm)
        else:
            add_emo(f, L, observer, REPROACH, -d_adm)
        # compound emotions for the one acted upon, or a witness who cares about them
        care = 1.0 if observer == target else 0.0
        if observer != target and target >= 0:
            care = max(0.0, rel(f, L, observer, target, AFFECTION))
        des = tf[L[TF_DES] + verb] * care * (1.0 if success else 0.5)
        d_grat = 0.0  # this beat's gratitude (+) or anger (-) toward the doer
        if des > 0 and praise > 0:
            d_grat = des * praise * 1.5 + 0.1 * des
            add_emo(f, L, observer, GRATITUDE, d_grat)
        if des < 0:
            d_grat = des * (0.4 + max(0.0, -praise)) * neg_gain
            add_emo(f, L, observer, ANGER, -d_grat)
        # the feelings this beat raised about its doer move the relationship with the doer
        # (emotions are not directed, so the accumulated levels would spill onto others)
        k = EMOTION_TO_RELATION
        add_rel(f, L, observer, doer, TRUST, k * d_adm * (0.5 if d_adm > 0 else 1.0))
        add_rel(f, L, observer, doer, RESPECT, k * d_adm * 0.5)
        if care > 0:
            add_rel(f, L, observer, doer, AFFECTION, k * d_grat)
        a_now = rel(f, L, observer, doer, AFFECTION)
        if a_now > 0.3:
            add_emo(f, L, observer, LOVE, 0.15 * (a_now - 0.3))
        elif a_now < -0.3:
            add_emo(f, L, observer, HATE, 0.15 * (-0.3 - a_now))


@leaf
def decay_and_mood(f, tf, i, L):
    """Emotions fade; the PAD mood is pulled toward the emotions and back to its default."""
    C, E = L[D_C], L[D_E]
    # offsets read once: each store to f would otherwise reload them from L
    emo0, pad0, mood0, default0 = L[F_EMO], L[TF_PAD], L[F_MOOD], L[TF_MOOD0]
    for c in range(C):
        if status(i, L, c) == DEAD:
            continue
        total = 0.0
        cp = 0.0
        ca = 0.0
        cd = 0.0
        for e in range(E):
            k = emo0 + c * E + e
            x = f[k] * (1.0 - EMOTION_DECAY)
            if x < 1e-4:  # faded away (and no float denormals, which are slow)
                x = 0.0
            f[k] = x
            total += x
            cp += x * tf[pad0 + e * 3]
            ca += x * tf[pad0 + e * 3 + 1]
            cd += x * tf[pad0 + e * 3 + 2]
        m = mood0 + c * 3
        d = default0 + c * 3
        if total > 1e-6:
            pull = MOOD_PULL * min(1.0, total)
            f[m] += pull * (cp / total - f[m])
            f[m + 1] += pull * (ca / total - f[m + 1])
            f[m + 2] += pull * (cd / total - f[m + 2])
        for k in range(3):
            f[m + k] += MOOD_RETURN * (tf[d + k] - f[m + k])
            f[m + k] = min(1.0, max(-1.0, f[m + k]))


@leaf
def compute_tension(f, i, tf, ti, L, sat):
    """Tension of the current state in [0, 1]: conflict, stakes at risk, frustration, arousal."""
    C = L[D_C]
    hostility = 0.0
    pairs = 0
    arousal = 0.0
    n = 0
    for a in range(C):
        if not active(i, L, a):
            continue
        arousal += 0.5 * (emo(f, L, a, ANGER) + emo(f, L, a, FEAR)) + 0.25 * emo(f, L, a, HATE)
        n += 1
        for b in range(C):
            if b != a and together(i, L, a, b):
                hostility += max(0.0, -rel(f, L, a, b, AFFECTION))
                pairs += 1
    conflict = f[L[F_SCAL] + SF_CONFLICT] + (0.3 * hostility / pairs if pairs > 0 else 0.0)
    risk = 0.0
    total_stake = 0.0
    for s in range(L[D_S]):
        spread = knowers_share(i, L, s, -1)
        open_ = 1.0 if spread < 0.999 else 0.3
        for c in range(C):
            stake = tf[L[TF_STAKES] + s * C + c]
            if stake > 0 and status(i, L, c) != DEAD:
                risk += stake * (0.2 + spread) * open_
                total_stake += stake
    risk = risk / total_stake if total_stake > 0 else 0.0
    frustration = 0.0
    for c in range(C):
        frustration += 1.0 - sat[c]
    frustration /= C
    arousal = arousal / n if n > 0 else 0.0
    t = W_CONFLICT * conflict + W_STAKES * risk + W_FRUSTRATION * frustration + W_AROUSAL * min(1.0, 2 * arousal)
    return min(1.0, max(0.0, t))


# --- one beat ------------------------------------------------------------------------------
@leaf
def beat_effects(f, i, tf, ti, L, a, lookahead):
    """The effects of action ``a`` (a verb's outcome, or a narrator event) and who witnessed
    it: the part of :func:`apply_action` that differs from world to world, shared with the
    batched rules (:mod:`drama_env.batched`, which pass one world's column of their arrays).
    Returns ``(success, witnesses_bitmask, extra, conflict, place)``."""
    C = L[D_C]
    base = L[TI_ACT] + 4 * a
    actor, v, target, arg = ti[base], ti[base + 1], ti[base + 2], ti[base + 3]
    success = 1
    extra = -1
    conflict = 0.0
    if v < 0:  # narrator event
        place = ti[L[TI_EV_PLACE] + arg]
        if place < 0:
            place = i[L[I_SCAL] + SI_LAST_PLACE]
        apply_event_effects(f, i, tf, ti, L, arg, place)
        i[L[I_FIRED] + arg] += 1
        conflict = tf[L[TF_EV_TENSION] + arg]
    else:
        place = loc(i, L, actor)
        op = ti[L[TI_V_OP] + v]
        p = tf[L[TF_PROB] + v]
        u = 0.5 if lookahead else next_uniform(i, L)
        conflict = tf[L[TF_CONFLICT] + v]
        if op == OP_CONFIDE or op == OP_REVEAL:
            reveal_to(i, L, arg, target)
        elif op == OP_REVEAL_ALL:
            for c in range(C):
                if together(i, L, actor, c):
                    reveal_to(i, L, arg, c)
        elif op == OP_LIE:
            chance = p * (0.45 + 0.55 * max(0.0, rel(f, L, target, actor, TRUST)))
            if u < chance:
                i[L[I_KNOW] + target * L[D_S] + arg] = -1
            else:
                success = 0
                add_rel(f, L, target, actor, TRUST, -0.25)
                add_emo(f, L, target, ANGER, 0.2)
                conflict = 0.6
        elif op == OP_EAVESDROP:
            if u < p:
                for s in range(L[D_S]):
                    if extra < 0 and know(i, L, target, s) == 1 and know(i, L, actor, s) != 1:
                        extra = s
                reveal_to(i, L, extra, actor)
            else:
                success = 0
                add_rel(f, L, target, actor, TRUST, -0.2)
                add_emo(f, L, target, ANGER, 0.15)
                conflict = 0.5
        elif op == OP_GIVE:
            i[L[I_OWNER] + arg] = target
        elif op == OP_STEAL:
            if u < p:
                i[L[I_OWNER] + arg] = actor
            else:
                success = 0
                conflict = 0.8
        elif op == OP_MOVE:
            i[L[I_LOC] + actor] = arg
        elif op == OP_TAKE:
            i[L[I_OWNER] + arg] = actor
        elif op == OP_ATTACK:
            chance = p * (0.6 + emo(f, L, actor, ANGER)) * (1.2 - 0.4 * emo(f, L, target, FEAR))
            if u < chance:
                i[L[I_STATUS] + target] = DEAD
            else:
                success = 0
        elif op == OP_BOND:
            bit = ti[L[TI_V_BOND] + v]
            set_bond(i, L, actor, target, bit, True)
            set_bond(i, L, target, actor, bit, True)
        elif op == OP_UNBOND:
            bit = ti[L[TI_V_BOND] + v]
            set_bond(i, L, actor, target, bit, False)
            set_bond(i, L, target, actor, bit, False)
        elif op == OP_PROPOSE:
            accept = rel(f, L, target, actor, AFFECTION) + 0.3 * rel(f, L, target, actor, TRUST)
            if accept > 0.55:
                bit = ti[L[TI_V_BOND] + v]
                set_bond(i, L, actor, target, bit, True)
                set_bond(i, L, target, actor, bit, True)
                set_bond(i, L, actor, target, BETROTHED_BIT, False)
                set_bond(i, L, target, actor, BETROTHED_BIT, False)
            else:
                success = 0
                add_emo(f, L, actor, DISTRESS, 0.3)
                add_emo(f, L, actor, SHAME, 0.2)
                conflict = 0.5
        elif op == OP_DEPART:
            i[L[I_STATUS] + actor] = DEPARTED
        # relationships and direct emotions
        scale = 1.0 if success else 0.4
        if target >= 0:
            for d in range(3):
                add_rel(f, L, actor, target, d, scale * tf[L[TF_A2T] + v * 3 + d])
                if success or op == OP_ATTACK or op == OP_STEAL:
                    add_rel(f, L, target, actor, d, tf[L[TF_T2A] + v * 3 + d])
            for e in range(L[D_E]):
                add_emo(f, L, target, e, scale * tf[L[TF_TEMO] + v * L[D_E] + e])
        for e in range(L[D_E]):
            add_emo(f, L, actor, e, tf[L[TF_AEMO] + v * L[D_E] + e])
    # who saw it
    witnesses = 0
    for c in range(C):
        if status(i, L, c) == DEAD and c != target:
            continue
        if c == actor or c == target:
            witnesses |= 1 << c
        elif active(i, L, c) and loc(i, L, c) == place:
            witnesses |= 1 << c
            if v >= 0:
                i[L[I_MEMORY] + c * C + actor] = v
                for d in range(3):
                    add_rel(f, L, c, actor, d, tf[L[TF_W2A] + v * 3 + d])
    return success, witnesses, extra, conflict, place


@njit
def apply_action(f, i, tf, ti, L, a, lookahead):
    """Play action ``a`` on the state in place.

    Returns ``(success, witnesses_bitmask, extra, place, step, ending, tension)``; ``extra``
    is the secret learned by eavesdropping or -1, ``ending`` the ending reached or -1. With
    ``lookahead`` no randomness is drawn: uncertain outcomes succeed when their chance is more
    than one half (used by agents that plan one beat ahead).
    """
    C = L[D_C]
    base = L[TI_ACT] + 4 * a
    actor, v, target = ti[base], ti[base + 1], ti[base + 2]
    rel_before = f[L[F_REL]:L[F_REL + 1]].copy()
    facts_before = i[L[I_KNOW]:L[I_OWNER + 1]].copy()
    values = np.empty(max(1, L[D_G]))  # scratch for goal_values
    sat0 = np.empty(C)
    goal_values(f, i, tf, ti, L, values)
    satisfaction_from(tf, ti, L, values, sat0)
    risk0 = np.empty(C)
    secret_risks(i, tf, L, risk0)
    decay_and_mood(f, tf, i, L)
    success, witnesses, extra, conflict, place = beat_effects(f, i, tf, ti, L, a, lookahead)
    # appraisal by everyone who saw it (and by anyone whose secrets moved)
    sat1 = np.empty(C)
    goal_values(f, i, tf, ti, L, values)
    satisfaction_from(tf, ti, L, values, sat1)
    risk1 = np.empty(C)
    secret_risks(i, tf, L, risk1)  # appraisals below move feelings, not knowledge
    appraise_all(f, i, tf, ti, L, witnesses, actor, target, v, success, sat0, sat1, risk0, risk1)
    if v >= 0 and target >= 0:
        i[L[I_MEMORY] + target * C + actor] = v
    # bookkeeping: what changed, step, tension, recent actions, ending
    reversal = 0.0
    for c in range(C):
        reversal = max(reversal, abs(sat1[c] - sat0[c]))
    change = 0.0
    for k in range(rel_before.shape[0]):
        change += abs(f[L[F_REL] + k] - rel_before[k])
    for k in range(facts_before.shape[0]):
        if i[L[I_KNOW] + k] != facts_before[k]:
            change += 0.25
    f[L[F_SCAL] + SF_BEAT_CONFLICT] = conflict
    f[L[F_SCAL] + SF_REVERSAL] = reversal
    f[L[F_SCAL] + SF_CHANGE] = change
    f[L[F_SCAL] + SF_CONFLICT] = CONFLICT_MEMORY * f[L[F_SCAL] + SF_CONFLICT] * 0.8 + (1 - CONFLICT_MEMORY) * conflict * 1.6
    step = i[L[I_SCAL] + SI_STEP] + 1
    i[L[I_SCAL] + SI_STEP] = step
    goal_values(f, i, tf, ti, L, values)
    satisfaction_from(tf, ti, L, values, sat1)
    if step <= L[D_LEN]:
        f[L[F_TENSION] + step] = compute_tension(f, i, tf, ti, L, sat1)
    h = L[D_H]
    for k in range(h - 1, 0, -1):
        i[L[I_RECENT] + k] = i[L[I_RECENT] + k - 1]
    i[L[I_RECENT]] = a
    i[L[I_SCAL] + SI_LAST_ACTION] = a
    i[L[I_SCAL] + SI_LAST_ACTOR] = actor
    if place >= 0:
        i[L[I_SCAL] + SI_LAST_PLACE] = place
    stack = np.zeros(L[D_K] + 1, dtype=np.bool_)
    ending = first_condition_met(f, i, tf, ti, L, 0, L[D_NEND], stack)
    if ending >= 0:
        i[L[I_SCAL] + SI_ENDING] = ending
    tension = f[L[F_TENSION] + min(step, L[D_LEN])]
    return success, witnesses, extra, place, step, i[L[I_SCAL] + SI_ENDING], tension


# --- the heuristic agent: score each legal action by one-beat look-ahead -------------------
@njit
def score_actions(f, i, tf, ti, L, actor, first, stop, mask, scores, goal_w, trait_w, feel_w,
                  repeat_penalty):
    """Volition in the spirit of Comme il Faut: goals, personality and feelings, per action."""
    C = L[D_C]
    sat0 = np.empty(C)
    satisfaction(f, i, tf, ti, L, sat0)
    sat1 = np.empty(C)
    E = L[D_E]
    for a in range(first, stop):
        if not mask[a - first]:
            scores[a - first] = -np.inf
            continue
        base = L[TI_ACT] + 4 * a
        v = ti[base + 1]
        doer = ti[base]
        f2 = f.copy()
        i2 = i.copy()
        apply_action(f2, i2, tf, ti, L, a, True)
        satisfaction(f2, i2, tf, ti, L, sat1)
        me = actor if actor >= 0 else max(doer, 0)
        gain = 0.0
        if actor >= 0:
            gain = sat1[actor] - sat0[actor]
            gain -= secret_risk(i2, tf, L, actor) - secret_risk(i, tf, L, actor)
        else:  # a director: how much the beat moves everyone's fortunes
            for c in range(C):
                gain += abs(sat1[c] - sat0[c]) / C
        score = goal_w * 20.0 * gain
        if v >= 0:
            for t in range(5):
                score += trait_w * tf[L[TF_TRAITS] + v * 5 + t] * (2 * tf[L[TF_PERS] + me * 5 + t] - 1)
            for e in range(E):
                score += feel_w * tf[L[TF_FEEL] + v * E + e] * f[L[F_EMO] + me * E + e]
            score += np.log(tf[L[TF_WEIGHT] + v] + 1e-6)
        for k in range(L[D_H]):
            if i[L[I_RECENT] + k] == a:
                score -= repeat_penalty
        scores[a - first] = score


@leaf
def sample_softmax(i, L, scores, temperature):
    """Sample an index from softmax(scores / temperature) with the state's stream."""
    best = -np.inf
    for k in range(scores.shape[0]):
        if scores[k] > best:
            best = scores[k]
    if best == -np.inf:
        return -1
    total = 0.0
    for k in range(scores.shape[0]):
        if scores[k] > -np.inf:
            total += np.exp((scores[k] - best) / temperature)
    u = next_uniform(i, L) * total
    acc = 0.0
    last = -1
    for k in range(scores.shape[0]):
        if scores[k] > -np.inf:
            acc += np.exp((scores[k] - best) / temperature)
            last = k
            if u < acc:
                return k
    return last
