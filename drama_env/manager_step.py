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
def manager_step(f, i, tf, ti, L, pad, a, legal, mask, steps, max_steps, w, climax, terms, obs):
    """One world's whole drama-manager step: play ``a`` if ``legal[a]`` (reward and its terms
    into ``terms``), then the next legal mask into ``mask`` (it may be ``legal`` itself) and
    the observation into ``obs``. ``steps``: the env steps taken, this one included.
    Returns ``(reward, terminated, truncated)``. Rows of per-world arrays or columns of the
    batched ones (:mod:`drama_env.batched`) both do."""
    if 0 <= a < legal.shape[0] and legal[a]:
        apply_action(f, i, tf, ti, L, a, False)
        reward = beat_reward(f, i, tf, L, w, climax, terms)
    else:
        reward = -ILLEGAL_PENALTY
        terms[:] = np.nan
    done = i[L[I_SCAL] + SI_ENDING] >= 0
    legal_mask(f, i, tf, ti, L, mask, 0, mask.shape[0])
    stuck = True
    for k in range(mask.shape[0]):
        if mask[k]:
            stuck = False
            break
    truncated = (not done) and (i[L[I_SCAL] + SI_STEP] >= L[D_LEN] or steps >= max_steps or stuck)
    fill_manager_observation(f, i, tf, ti, L, pad, obs)
    return reward, done, truncated


@njit
def step_world(F, I, tf, ti, L, pad, actions, masks, steps, max_steps, w, climax,
               rewards, terminated, truncated, obs, terms, n):
    """:func:`manager_step` for world ``n`` (row ``n`` of each array)."""
    steps[n] += 1
    rewards[n], terminated[n], truncated[n] = manager_step(
        F[n], I[n], tf, ti, L, pad, actions[n], masks[n], masks[n], steps[n], max_steps, w,
        climax, terms[n], obs[n])


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
