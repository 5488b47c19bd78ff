"""The drama manager's step for one world at a time, as compiled functions.

``DramaManagerEnv`` runs :func:`batch_step` on a batch of one. ``DramaVectorEnv`` runs the same
rules written for a batch of worlds at once (:mod:`drama_env.batched`); the tests hold the two
to the same numbers bit for bit.
"""

from __future__ import annotations

import numpy as np

from drama_env._jit import njit
from drama_env.envs.common import ILLEGAL_PENALTY
from drama_env.kernels import apply_action, legal_mask
from drama_env.kernels import satisfaction as from_satisfaction
from drama_env.layout import D_LEN, I_SCAL, SI_ENDING, SI_STEP
from drama_env.observation import fill_manager_observation
from drama_env.reward import beat_reward


@njit
def step_world(F, I, tf, ti, L, pad, actions, masks, steps, max_steps, w, climax,
               rewards, terminated, truncated, obs, terms, n):
    """The drama manager's whole step for world ``n``: beat, reward and its terms, end
    flags, next legal mask and observation."""
    f = F[n]
    i = I[n]
    a = actions[n]
    steps[n] += 1
    if 0 <= a < masks.shape[1] and masks[n, a]:
        apply_action(f, i, tf, ti, L, a, False)
        rewards[n] = beat_reward(f, i, tf, L, w, climax, terms[n])
    else:
        rewards[n] = -ILLEGAL_PENALTY
        terms[n, :] = np.nan
    done = i[L[I_SCAL] + SI_ENDING] >= 0
    terminated[n] = done
    legal_mask(f, i, tf, ti, L, masks[n], 0, masks.shape[1])
    stuck = True
    for k in range(masks.shape[1]):
        if masks[n, k]:
            stuck = False
            break
    truncated[n] = (not done) and (i[L[I_SCAL] + SI_STEP] >= L[D_LEN]
                                   or steps[n] >= max_steps or stuck)
    fill_manager_observation(f, i, tf, ti, L, pad, obs[n])


@njit
def batch_step(F, I, tf, ti, L, pad, actions, masks, steps, max_steps, w, climax,
               rewards, terminated, truncated, obs, played, terms):
    """Step every world flagged in ``played``, one after another (the single env runs this
    on a batch of one)."""
    for n in range(F.shape[0]):
        if played[n]:
            step_world(F, I, tf, ti, L, pad, actions, masks, steps, max_steps, w, climax,
                       rewards, terminated, truncated, obs, terms, n)


@njit
def play_beat(f, i, tf, ti, L, a, w, climax, sat_before, sat_after, terms):
    """Play one legal action; fill everyone's goal satisfaction before and after; return the
    audience reward of the beat (its terms in ``terms``). Used by the character envs."""
    from_satisfaction(f, i, tf, ti, L, sat_before)
    apply_action(f, i, tf, ti, L, a, False)
    from_satisfaction(f, i, tf, ti, L, sat_after)
    return beat_reward(f, i, tf, L, w, climax, terms)
