"""The legal mask computed for all worlds at once, worlds as the innermost axis: a measured
prototype for rules written for a batch of worlds (the vector env's 500,000 env-steps/s target,
issue 3), beside the product's per-world ``kernels.legal_mask`` in the same run.

The prototype covers the characters' actions (not the narrator's events, whose conditions are
small programs) and reads the worlds' state transposed, ``(field, N)``: with the worlds
innermost, each test is one loop over the worlds with the same control flow for all of them,
which the compiler turns into vector instructions. Before timing, its mask is checked equal to
the product's on every world of several moments of random play. Printed: µs per world for the
product mask over 1,024 worlds, the prototype, and the two transposes adopting it would add
(state to ``(field, N)``, mask back to ``(N, action)``), medians of ``--repeats`` runs.

    python benchmarks/bench_batched_mask.py [--story NAME] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from drama_env._jit import njit  # noqa: E402
from drama_env.compiled import R_ACTOR_EMO, R_ACTOR_REL, R_BOND, R_NO_BOND  # noqa: E402
from drama_env.kernels import (ACTION_BITS, ARG_BITS, ARG_ITEM, ARG_OBJECT, ARG_PLACE,  # noqa: E402
                               ARG_SECRET, ARG_SECRET_ALL, ARG_SHIFT, KIND_BITS, KIND_SHIFT,
                               OP_BITS, OP_BOND, OP_EAVESDROP, OP_GIVE, OP_LIE, OP_PROPOSE,
                               OP_SHIFT, OP_STEAL, VERB_BITS, VERB_SHIFT, legal_mask)
from drama_env.layout import (D_C, D_E, D_LEN, D_S, F_EMO, F_REL, I_BONDS, I_KNOW,  # noqa: E402
                              I_LOC, I_OWNER, I_SCAL, I_STATUS, SI_ENDING, SI_STEP, TF_REQ_THR,
                              TI_PAIR_ACT, TI_PAIR_START, TI_REQ, TI_REQ_START, TI_V_BOND)
from drama_env.vector import DramaVectorEnv  # noqa: E402

DEFAULT_STORY = "the-seventieth"


@njit
def verb_tests(FT, IT, tf, ti, L, v, op, actor, target, run):
    """AND into ``run`` (N,) the tests of verb ``v`` for this pair that do not depend on the
    argument, for every world."""
    N, C, S, E = FT.shape[1], L[D_C], L[D_S], L[D_E]
    kn, bo = L[I_KNOW], L[I_BONDS]
    if op == OP_EAVESDROP:
        found = np.zeros(N, np.bool_)
        for x in range(S):
            kt, ka = IT[kn + target * S + x], IT[kn + actor * S + x]
            for n in range(N):
                found[n] |= (kt[n] == 1) & (ka[n] != 1)
        for n in range(N):
            run[n] &= found[n]
    elif (op == OP_BOND or op == OP_PROPOSE) and ti[L[TI_V_BOND] + v] >= 0:
        bit, bonds = ti[L[TI_V_BOND] + v], IT[bo + actor * C + target]
        for n in range(N):
            run[n] &= ((bonds[n] >> bit) & 1) == 0
    for r in range(ti[L[TI_REQ_START] + v], ti[L[TI_REQ_START] + v + 1]):
        base = L[TI_REQ] + 4 * r
        kind, idx, sign, t = ti[base], ti[base + 1], ti[base + 2], tf[L[TF_REQ_THR] + r]
        if kind == R_BOND or kind == R_NO_BOND:
            if target < 0:
                if kind == R_BOND:
                    run[:] = False
                continue
            bonds, want = IT[bo + actor * C + target], 1 if kind == R_BOND else 0
            for n in range(N):
                run[n] &= ((bonds[n] >> idx) & 1) == want
            continue
        if kind == R_ACTOR_EMO:
            values = FT[L[F_EMO] + actor * E + idx]
        elif target < 0:
            continue
        elif kind == R_ACTOR_REL:
            values = FT[L[F_REL] + (actor * C + target) * 3 + idx]
        else:
            values = FT[L[F_REL] + (target * C + actor) * 3 + idx]
        if sign > 0:
            for n in range(N):
                run[n] &= values[n] > t
        elif sign < 0:
            for n in range(N):
                run[n] &= values[n] < t


@njit
def batched_character_mask(FT, IT, tf, ti, L, out):
    """``out[a, n]``: whether character action ``a`` is legal in world ``n`` (narrator rows
    are left as they are)."""
    N, C, S = FT.shape[1], L[D_C], L[D_S]
    st, lc, kn, ow = L[I_STATUS], L[I_LOC], L[I_KNOW], L[I_OWNER]
    going = np.empty(N, np.bool_)
    for n in range(N):
        going[n] = (IT[L[I_SCAL] + SI_ENDING, n] < 0) & (IT[L[I_SCAL] + SI_STEP, n] < L[D_LEN])
    pair = np.empty(N, np.bool_)
    run = np.empty(N, np.bool_)
    for actor in range(C):
        here = IT[lc + actor]
        for target in range(-1, C):
            for n in range(N):
                pair[n] = going[n] & (IT[st + actor, n] == 0)
            if target >= 0:
                for n in range(N):
                    pair[n] &= (IT[st + target, n] == 0) & (IT[lc + target, n] == here[n])
            g = L[TI_PAIR_START] + actor * (C + 1) + target + 1
            run_verb = -1
            for k in range(ti[g], ti[g + 1]):
                code = ti[L[TI_PAIR_ACT] + k]
                v, op = (code >> VERB_SHIFT) & VERB_BITS, (code >> OP_SHIFT) & OP_BITS
                if v != run_verb:
                    run_verb = v
                    run[:] = pair
                    verb_tests(FT, IT, tf, ti, L, v, op, actor, target, run)
                arg, kind = ((code >> ARG_SHIFT) & ARG_BITS) - 1, (code >> KIND_SHIFT) & KIND_BITS
                o = out[code & ACTION_BITS]
                if kind == ARG_SECRET:
                    ka, kt, lie = IT[kn + actor * S + arg], IT[kn + target * S + arg], op == OP_LIE
                    for n in range(N):
                        o[n] = run[n] & (ka[n] == 1) & (kt[n] != 1) & ((not lie) | (kt[n] != -1))
                elif kind == ARG_SECRET_ALL:  # someone here must not know it yet
                    o[:] = False
                    for c in range(C):
                        if c != actor:
                            sc, lcc, kc = IT[st + c], IT[lc + c], IT[kn + c * S + arg]
                            for n in range(N):
                                o[n] |= (sc[n] == 0) & (lcc[n] == here[n]) & (kc[n] != 1)
                    ka = IT[kn + actor * S + arg]
                    for n in range(N):
                        o[n] &= run[n] & (ka[n] == 1)
                elif kind == ARG_OBJECT:
                    owner, give, steal = IT[ow + arg], op == OP_GIVE, op == OP_STEAL
                    for n in range(N):
                        o[n] = (run[n] & ((not give) | (owner[n] == actor))
                                & ((not steal) | (owner[n] == target)))
                elif kind == ARG_PLACE:
                    for n in range(N):
                        o[n] = run[n] & (here[n] != arg)
                elif kind == ARG_ITEM:
                    owner = IT[ow + arg]
                    for n in range(N):
                        o[n] = run[n] & (owner[n] == -1 - here[n])
                else:
                    o[:] = run


@njit
def per_world_masks(F, I, tf, ti, L, masks):
    for n in range(F.shape[0]):
        legal_mask(F[n], I[n], tf, ti, L, masks[n], 0, masks.shape[1])


@njit
def transpose(src, dst):
    """``dst = src.T`` in 64 × 64 tiles."""
    rows, cols = src.shape
    for r0 in range(0, rows, 64):
        for c0 in range(0, cols, 64):
            for c in range(c0, min(c0 + 64, cols)):
                for r in range(r0, min(r0 + 64, rows)):
                    dst[c, r] = src[r, c]


def median_us_per_world(fn, worlds: int, repeats: int, calls: int = 20) -> float:
    fn()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        runs.append((time.perf_counter() - start) / calls / worlds * 1e6)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", default=DEFAULT_STORY)
    parser.add_argument("--worlds", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    n = args.worlds
    env = DramaVectorEnv(n, args.story)
    env.reset(seed=0)
    c = env.compiled
    tables = (c.tables_f, c.tables_i, c.layout)
    characters = c.n_actions - len(c.story.events)
    rng = np.random.default_rng(0)
    out = np.zeros((c.n_actions, n), np.bool_)
    for moment in range(6):  # the prototype agrees with the product on every world
        batched_character_mask(env.floats.T.copy(), env.ints.T.copy(), *tables, out)
        assert np.array_equal(out[:characters].T, env.masks[:, :characters]), moment
        for _ in range(7):
            env.step(env.random_legal_actions(rng))
    F, I = env.floats, env.ints
    FT, IT = np.ascontiguousarray(F.T), np.ascontiguousarray(I.T)
    masks = np.empty((n, c.n_actions), np.bool_)
    r = args.repeats
    product = median_us_per_world(lambda: per_world_masks(F, I, *tables, masks), n, r)
    batched = median_us_per_world(lambda: batched_character_mask(FT, IT, *tables, out), n, r)
    state_t = median_us_per_world(lambda: (transpose(F, FT), transpose(I, IT)), n, r)
    mask_t = median_us_per_world(lambda: transpose(out, masks), n, r)
    print(f"story {args.story}: {c.n_characters} characters, {characters} character actions, "
          f"{n} worlds; µs per world, medians of {r} runs (equal masks checked first)")
    print(f"product legal_mask, one world at a time (all actions)  {product:6.2f}")
    print(f"batched prototype (character actions)                  {batched:6.2f}  "
          f"{product / batched:4.1f}x faster")
    print(f"  + state to (field, N)                                {state_t:6.2f}")
    print(f"  + mask back to (N, action)                           {mask_t:6.2f}")


if __name__ == "__main__":
    main()
