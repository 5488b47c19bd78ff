"""The rules as pure functions over a :class:`DramaState`.

- :func:`legal_actions` — the mask of actions that may happen now (optionally one actor's).
- :func:`apply` — play one action in place and return the :class:`Event`.
- :func:`current_tension`, :func:`goal_satisfaction` — readings of a state.

The arithmetic lives in :mod:`drama_env.kernels` (compiled with numba when available).
"""

from __future__ import annotations

import numpy as np

from drama_env import kernels
from drama_env import layout as lay
from drama_env.event import Event
from drama_env.state import DramaState
from stories.constants import BONDS, EMOTIONS, REL_DIMS

ROUND = 4  # decimals kept in events (so JSON output is stable and readable)


class IllegalActionError(ValueError):
    """An action that the rules do not allow in this state."""


def legal_actions(state: DramaState, actor: int | None = None) -> np.ndarray:
    """Boolean mask over the story's actions; with ``actor``, over that actor's slice only.

    The narrator's events are the last ``len(story.events)`` actions (actor ``-1``).
    """
    c = state.compiled
    if actor is None:
        first, stop = 0, c.n_actions
    elif actor < 0:
        first, stop = c.narrator_start, c.n_actions
    else:
        first, stop = int(c.actor_ranges[actor]), int(c.actor_ranges[actor + 1])
    mask = np.empty(stop - first, dtype=np.bool_)  # the kernel fills all of it
    kernels.legal_mask(state.floats, state.ints, c.tables_f, c.tables_i, c.layout, mask, first, stop)
    return mask


def is_legal(state: DramaState, action: int) -> bool:
    """Whether one action is legal now (cheaper than the whole mask)."""
    c = state.compiled
    if state.terminated or state.step >= c.length:
        return False
    return bool(kernels.action_legal(state.floats, state.ints, c.tables_f, c.tables_i, c.layout,
                                     action, c.scratch))


def apply(state: DramaState, action: int, rng: np.random.Generator | None = None,
          record: bool = True, check: bool = True) -> Event:
    """Play ``action`` on ``state`` (in place) and return what happened.

    Chance (a lie believed, an attack that kills) is drawn from the state's own stream, so a
    clone or a reloaded save continues identically. Pass ``rng`` to reseed that stream from
    another generator first (an explorer branching the same state several ways).
    With ``record=False`` the event carries no effect or emotion lists (faster); with
    ``check=False`` legality is not checked (for callers that already hold the mask).
    """
    c = state.compiled
    if not 0 <= action < c.n_actions:
        raise IllegalActionError(f"action {action} is outside 0..{c.n_actions - 1}")
    if check and not is_legal(state, action):
        raise IllegalActionError(f"action {c.action_name(action)} is not legal at step {state.step}")
    if rng is not None:
        state.reseed(int(rng.integers(0, 2**63)))
    before = state.clone() if record else None
    success, witnesses, extra, place, step, ending, tension = kernels.apply_action(
        state.floats, state.ints, c.tables_f, c.tables_i, c.layout, action, False)
    return _event(state, before, action, success, witnesses, extra, place, step, ending, tension)


def describe(before: DramaState, after: DramaState, action: int) -> Event:
    """The ``Event`` of ``action`` played from ``before`` to ``after`` (for callers that ran
    the compiled step themselves). Chance outcomes are read off the two states."""
    c = after.compiled
    a = c.action(action)
    success = True
    verb = c.verbs[a.verb] if a.verb >= 0 else None
    extra = -1
    if verb is not None and verb.op == "eavesdrop":
        learned = np.flatnonzero((after.knowledge[a.actor] == 1) & (before.knowledge[a.actor] != 1))
        extra = int(learned[0]) if learned.size else -1
        success = extra >= 0
    elif verb is not None and verb.op in ("lie", "steal", "attack", "propose"):
        success = bool((after.knowledge != before.knowledge).any() or
                       (after.owners != before.owners).any() or
                       (after.status != before.status).any() or
                       (after.bonds != before.bonds).any())
    place = int(after._scalars_i[lay.SI_LAST_PLACE])
    witnesses = 0
    for k in range(c.n_characters):
        if k in (a.actor, a.target) or (before.status[k] == 0 and before.locations[k] == place
                                       and after.status[k] == 0):
            witnesses |= 1 << k
    step = after.step
    tension = float(after.tension[min(step, c.length)])
    return _event(after, before, action, success, witnesses, extra, place, step, after.ending,
                  tension)


def current_tension(state: DramaState) -> float:
    """Tension of the state now (conflict, stakes at risk, frustration, arousal), in [0, 1]."""
    c = state.compiled
    sat = np.empty(c.n_characters)
    kernels.satisfaction(state.floats, state.ints, c.tables_f, c.tables_i, c.layout, sat)
    return float(kernels.compute_tension(state.floats, state.ints, c.tables_f, c.tables_i,
                                         c.layout, sat))


def goal_satisfaction(state: DramaState) -> np.ndarray:
    """Weighted goal satisfaction of each character, in [0, 1] (C,)."""
    c = state.compiled
    out = np.empty(c.n_characters)
    kernels.satisfaction(state.floats, state.ints, c.tables_f, c.tables_i, c.layout, out)
    return out


def goal_progress(state: DramaState) -> np.ndarray:
    """Satisfaction of each goal separately (G,), in the order of ``compiled.goals``."""
    c = state.compiled
    out = np.empty(len(c.goals))
    kernels.goal_values(state.floats, state.ints, c.tables_f, c.tables_i, c.layout, out)
    return out


def is_over(state: DramaState) -> bool:
    return state.terminated or state.truncated


# --- building the event --------------------------------------------------------------------
def _event(state: DramaState, before: DramaState | None, action: int, success: bool,
           witnesses: int, extra: int, place: int, step: int, ending: int,
           tension: float) -> Event:
    c = state.compiled
    actor, verb, target, obj, secret, destination, event_id, op = c.decoded[action]
    if op == "eavesdrop" and extra >= 0:
        secret = c.secret_ids[extra]
    effects: tuple[dict, ...] = ()
    emotions: dict[str, dict[str, float]] = {}
    if before is not None:
        effects = tuple(_effects(before, state))
        delta = state.emotions - before.emotions
        for k, who in enumerate(c.character_ids):
            changed = {EMOTIONS[e]: round(float(delta[k, e]), ROUND)
                       for e in range(len(EMOTIONS)) if abs(delta[k, e]) >= 0.01}
            if changed:
                emotions[who] = changed
    return Event(
        int(step), action, c.place_ids[place] if place >= 0 else None, actor, verb, target, obj,
        secret, destination, event_id, bool(success),
        c.witness_names(witnesses),
        effects, emotions,
        round(float(tension), ROUND),
        c.ending_ids[ending] if ending >= 0 else None,
    )


def _effects(before: DramaState, after: DramaState):
    c = after.compiled
    ids = c.character_ids
    d_rel = after.relations - before.relations
    for a, b, d in zip(*np.nonzero(np.abs(d_rel) >= 0.005)):
        yield {"kind": "relation", "from": ids[a], "to": ids[b], "dim": REL_DIMS[d],
               "delta": round(float(d_rel[a, b, d]), ROUND)}
    for k, x in zip(*np.nonzero(after.knowledge != before.knowledge)):
        value = int(after.knowledge[k, x])
        yield {"kind": "knowledge", "character": ids[k], "secret": c.secret_ids[x],
               "belief": {1: "knows", -1: "believes the lie", 0: "unaware"}[value]}
    for k in np.nonzero(after.locations != before.locations)[0]:
        yield {"kind": "move", "character": ids[k], "place": c.place_ids[after.locations[k]]}
    for k in np.nonzero(after.status != before.status)[0]:
        yield {"kind": "status", "character": ids[k],
               "status": ("present", "departed", "dead")[after.status[k]]}
    for o in np.nonzero(after.owners != before.owners)[0]:
        owner = int(after.owners[o])
        yield {"kind": "owner", "object": c.object_ids[o],
               "owner": ids[owner] if owner >= 0 else None}
    changed = after.bonds ^ before.bonds
    for a, b in zip(*np.nonzero(changed)):
        for k, name in enumerate(BONDS):
            if (changed[a, b] >> k) & 1:
                yield {"kind": "bond", "from": ids[a], "to": ids[b], "bond": name,
                       "added": bool((after.bonds[a, b] >> k) & 1)}
    for k in np.nonzero(after.flags != before.flags)[0]:
        yield {"kind": "flag", "flag": c.flag_ids[k], "value": bool(after.flags[k])}


__all__ = ["IllegalActionError", "apply", "is_legal", "current_tension", "goal_progress", "goal_satisfaction", "is_over",
           "legal_actions", "lay"]
