"""A story turned into the flat tables the compiled rules read.

:class:`CompiledStory` enumerates every action of the story (who does what to whom, with which
object, secret or place, plus each narrator event) and encodes verbs, goals, standards, ending
and event conditions and event effects as numeric tables. It is built once per story and shared
by every state and environment of that story.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from drama_env import layout as lay
from stories.constants import (BIG_FIVE, BOND_INDEX, EMOTION_INDEX, EMOTION_PAD, EMOTIONS,
                               GOAL_INDEX, REL_INDEX, VERB_ARG_INDEX, VERB_OP_INDEX)
from stories.errors import StoryError
from stories.loader import load_story
from stories.schema import Condition, Story
from stories.verbs import story_verbs

# condition opcodes (postfix programs)
(C_TRUE, C_AND, C_OR, C_NOT, C_SECRET_ALL, C_SECRET_KNOWN, C_SECRET_FALSE, C_REL_ABOVE,
 C_REL_BELOW, C_EMO_ABOVE, C_EMO_BELOW, C_DEAD, C_DEPARTED, C_ALIVE, C_AT, C_TOGETHER, C_HAS,
 C_BOND, C_FLAG, C_STEP, C_TENSION) = range(21)
# effect opcodes
(E_MOVE, E_REL, E_EMO, E_REVEAL, E_GIVE, E_SET_FLAG, E_CLEAR_FLAG, E_KILL, E_DEPART, E_BOND,
 E_UNBOND) = range(11)
# verb requirement kinds
R_ACTOR_REL, R_TARGET_REL, R_ACTOR_EMO, R_BOND, R_NO_BOND = range(5)
# special character references in effects
PRESENT_GROUP, ALL_GROUP = -1, -2

ACTION_FIELDS = ("actor", "verb", "target", "arg")


@dataclass(frozen=True)
class Action:
    """One entry of a story's action enumeration, decoded."""

    index: int
    actor: int    # character index, or -1 for a narrator event
    verb: int     # verb index, or -1 for a narrator event
    target: int   # character index or -1
    arg: int      # place, object, secret or narrator-event index, or -1


class CompiledStory:
    """Tables of one story for the rules; see the module docstring."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.verbs = story_verbs(story)
        s = story
        self.character_ids = [c.id for c in s.cast]
        self.place_ids = [p.id for p in s.places]
        self.object_ids = [o.id for o in s.objects]
        self.secret_ids = [x.id for x in s.secrets]
        self.verb_ids = [v.id for v in self.verbs]
        self.ending_ids = [e.id for e in s.endings]
        self.event_ids = [e.id for e in s.events]
        flags = sorted({e.value for ev in s.events for e in ev.effects
                        if e.kind in ("set_flag", "clear_flag")})
        self.flag_ids = flags
        self._ci = {c: i for i, c in enumerate(self.character_ids)}
        self._pi = {p: i for i, p in enumerate(self.place_ids)}
        self._oi = {o: i for i, o in enumerate(self.object_ids)}
        self._si = {x: i for i, x in enumerate(self.secret_ids)}
        self._fi = {f: i for i, f in enumerate(flags)}
        self._build()

    @classmethod
    def from_story(cls, story: "Story | str") -> "CompiledStory":
        return cls(load_story(story) if not isinstance(story, Story) else story)

    # --- sizes -----------------------------------------------------------------------------
    @property
    def n_characters(self) -> int:
        return len(self.character_ids)

    @cached_property
    def n_actions(self) -> int:
        return len(self.actions)

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the story content and vocabulary (for checkpoints and saves)."""
        payload = json.dumps(self.story.model_dump(mode="json", by_alias=True), sort_keys=True)
        payload += json.dumps([v.model_dump(mode="json") for v in self.verbs], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    # --- building --------------------------------------------------------------------------
    def _enumerate_actions(self) -> list[tuple[int, int, int, int]]:
        actions, ranges = enumerate_actions(len(self.character_ids), len(self.place_ids),
                                            len(self.object_ids), len(self.secret_ids),
                                            [v.arg for v in self.verbs], len(self.event_ids))
        self.actor_ranges = np.array(ranges, dtype=np.int64)
        self.narrator_start = int(ranges[-1])
        return actions

    def _condition_code(self, cond: Condition, out: list, thr: list) -> None:
        k, v = cond.kind, cond.value
        ci, pi, oi, si = self._ci, self._pi, self._oi, self._si

        def emit(op: int, a: int = 0, b: int = 0, c: int = 0, t: float = 0.0) -> None:
            out.append((op, a, b, c))
            thr.append(t)

        if k in ("all", "any"):
            for sub in v:
                self._condition_code(sub, out, thr)
            emit(C_AND if k == "all" else C_OR, len(v))
        elif k == "not":
            self._condition_code(v, out, thr)
            emit(C_NOT)
        elif k == "secret_known_by_all":
            emit(C_SECRET_ALL, si[v])
        elif k == "secret_known_by":
            emit(C_SECRET_KNOWN, si[v.secret], ci[v.character])
        elif k == "secret_believed_false_by":
            emit(C_SECRET_FALSE, si[v.secret], ci[v.character])
        elif k == "relation":
            above = v.above is not None
            emit(C_REL_ABOVE if above else C_REL_BELOW, ci[v.from_], ci[v.to], REL_INDEX[v.dim],
                 v.above if above else v.below)
        elif k == "emotion":
            above = v.above is not None
            emit(C_EMO_ABOVE if above else C_EMO_BELOW, ci[v.character], EMOTION_INDEX[v.emotion],
                 0, v.above if above else v.below)
        elif k in ("dead", "departed", "alive"):
            emit({"dead": C_DEAD, "departed": C_DEPARTED, "alive": C_ALIVE}[k], ci[v])
        elif k == "at":
            emit(C_AT, ci[v.character], pi[v.place])
        elif k == "together":
            for other in v[1:]:
                emit(C_TOGETHER, ci[v[0]], ci[other])
            emit(C_AND, max(len(v) - 1, 0))
        elif k == "has":
            emit(C_HAS, ci[v.character], oi[v.object])
        elif k == "bond":
            emit(C_BOND, ci[v.from_], ci[v.to], BOND_INDEX[v.type])
        elif k == "flag":
            emit(C_FLAG, self._fi[v])
        elif k == "step_at_least":
            emit(C_STEP, int(v))
        elif k == "tension_above":
            emit(C_TENSION, 0, 0, 0, float(v))

    def _who(self, name: str) -> int:
        return {"present": PRESENT_GROUP, "all": ALL_GROUP}.get(name, self._ci.get(name, -3))

    def _effect_code(self, effect, out: list, val: list) -> None:
        k, v = effect.kind, effect.value
        ci, pi = self._ci, self._pi
        if k == "move":
            out.append((E_MOVE, ci[v.character], pi[v.place], 0)); val.append(0.0)
        elif k == "relation":
            out.append((E_REL, ci[v.from_], ci[v.to], REL_INDEX[v.dim])); val.append(v.delta)
        elif k == "emotion":
            out.append((E_EMO, self._who(v.character), EMOTION_INDEX[v.emotion], 0)); val.append(v.delta)
        elif k == "reveal":
            out.append((E_REVEAL, self._si[v.secret], self._who(v.to), 0)); val.append(0.0)
        elif k == "give":
            out.append((E_GIVE, self._oi[v.object], ci[v.to], 0)); val.append(0.0)
        elif k in ("set_flag", "clear_flag"):
            out.append((E_SET_FLAG if k == "set_flag" else E_CLEAR_FLAG, self._fi[v], 0, 0))
            val.append(0.0)
        elif k in ("kill", "depart"):
            out.append((E_KILL if k == "kill" else E_DEPART, ci[v], 0, 0)); val.append(0.0)
        elif k in ("bond", "unbond"):
            out.append((E_BOND if k == "bond" else E_UNBOND, ci[v.from_], ci[v.to],
                        BOND_INDEX[v.type])); val.append(0.0)

    def _build(self) -> None:
        s = self.story
        C, P, O, S = (len(self.character_ids), len(self.place_ids), len(self.object_ids),
                      len(self.secret_ids))
        V = len(self.verbs)
        goals = [(i, g) for i, c in enumerate(s.cast) for g in c.goals]
        self.actions = np.array(self._enumerate_actions(), dtype=np.int64).reshape(-1, 4)
        requirements, req_start = [], [0]
        for verb in self.verbs:
            for r in verb.requires:
                if r.actor_relation is not None or r.target_relation is not None:
                    spec = r.actor_relation if r.actor_relation is not None else r.target_relation
                    kind = R_ACTOR_REL if r.actor_relation is not None else R_TARGET_REL
                    above = "above" in spec
                    requirements.append(((kind, REL_INDEX[spec["dim"]], 1 if above else -1, 0),
                                         float(spec["above" if above else "below"])))
                elif r.actor_emotion is not None:
                    spec = r.actor_emotion
                    above = "above" in spec
                    requirements.append(((R_ACTOR_EMO, EMOTION_INDEX[spec["emotion"]],
                                          1 if above else -1, 0),
                                         float(spec["above" if above else "below"])))
                else:
                    kind = R_BOND if r.bond else R_NO_BOND
                    requirements.append(((kind, BOND_INDEX[r.bond or r.no_bond], 0, 0), 0.0))
            req_start.append(len(requirements))
        cond_code: list = []
        cond_thr: list = []
        cond_start = [0]
        for ending in s.endings:
            self._condition_code(ending.when, cond_code, cond_thr)
            cond_start.append(len(cond_code))
        for event in s.events:
            if event.when is not None:
                self._condition_code(event.when, cond_code, cond_thr)
            else:
                cond_code.append((C_TRUE, 0, 0, 0)); cond_thr.append(0.0)
            cond_start.append(len(cond_code))
        eff_code: list = []
        eff_val: list = []
        eff_start = [0]
        for event in s.events:
            for effect in event.effects:
                self._effect_code(effect, eff_code, eff_val)
            eff_start.append(len(eff_code))

        sizes = dict(C=C, P=P, O=O, S=S, V=V, G=len(goals), A=len(self.actions),
                     NE=len(s.events), NEND=len(s.endings), F=len(self.flag_ids),
                     LEN=s.length, R=len(requirements), K=len(cond_code), M=len(eff_code))
        self.layout = L = lay.build_layout(sizes)
        self.offsets = tuple(int(x) for x in L)  # the layout as Python ints (fast in Python)
        self.opening = None  # the opening DramaState, built by DramaState.initial on first use
        self.length = s.length
        tf = np.zeros(L[lay.TF_SIZE], dtype=np.float32)
        ti = np.zeros(L[lay.TI_SIZE], dtype=np.int64)

        def put(array, offset_key, values) -> None:
            values = np.asarray(values, dtype=array.dtype).ravel()
            array[L[offset_key]:L[offset_key] + values.size] = values

        put(tf, lay.TF_PERS, [[getattr(c.personality, t) for t in BIG_FIVE] for c in s.cast])
        standards = np.zeros((C, V))
        verb_pos = {v: i for i, v in enumerate(self.verb_ids)}
        for i, c in enumerate(s.cast):
            for name in c.standards.praise:
                if name in verb_pos:
                    standards[i, verb_pos[name]] = 0.5
            for name in c.standards.condemn:
                if name in verb_pos:
                    standards[i, verb_pos[name]] = -0.5
        put(tf, lay.TF_STAND, standards)
        put(tf, lay.TF_GOAL_W, [g.weight for _, g in goals])
        stakes = np.zeros((S, C))
        about = np.zeros((S, C))
        for x, secret in enumerate(s.secrets):
            for who, value in secret.stakes.items():
                stakes[x, self._ci[who]] = value
            for who in secret.about:
                about[x, self._ci[who]] = 1
        put(tf, lay.TF_STAKES, stakes)
        rel3 = lambda d: [d.affection, d.trust, d.respect]  # noqa: E731
        put(tf, lay.TF_A2T, [rel3(v.actor_to_target) for v in self.verbs])
        put(tf, lay.TF_T2A, [rel3(v.target_to_actor) for v in self.verbs])
        put(tf, lay.TF_W2A, [rel3(v.witness_to_actor) for v in self.verbs])
        put(tf, lay.TF_DES, [v.desirability for v in self.verbs])
        put(tf, lay.TF_PRAISE, [v.praise for v in self.verbs])
        put(tf, lay.TF_CONFLICT, [v.conflict for v in self.verbs])
        emo_row = lambda d: [d.get(e, 0.0) for e in EMOTIONS]  # noqa: E731
        put(tf, lay.TF_AEMO, [emo_row(v.actor_emotions) for v in self.verbs])
        put(tf, lay.TF_TEMO, [emo_row(v.target_emotions) for v in self.verbs])
        put(tf, lay.TF_TRAITS, [[v.traits.get(t, 0.0) for t in BIG_FIVE] for v in self.verbs])
        put(tf, lay.TF_FEEL, [emo_row(v.feelings) for v in self.verbs])
        put(tf, lay.TF_PROB, [v.probability for v in self.verbs])
        put(tf, lay.TF_WEIGHT, [v.weight for v in self.verbs])
        put(tf, lay.TF_REQ_THR, [t for _, t in requirements])
        put(tf, lay.TF_COND_THR, cond_thr)
        put(tf, lay.TF_EFF_VAL, eff_val)
        put(tf, lay.TF_ARC, self._arc_values())
        put(tf, lay.TF_EV_TENSION, [e.tension for e in s.events])
        put(tf, lay.TF_PAD, EMOTION_PAD)
        put(tf, lay.TF_MOOD0, [default_mood([getattr(c.personality, t) for t in BIG_FIVE])
                               for c in s.cast])

        put(ti, lay.TI_GOAL_OWNER, [i for i, _ in goals])
        put(ti, lay.TI_GOAL_TYPE, [GOAL_INDEX[g.type] for _, g in goals])
        put(ti, lay.TI_GOAL_ARG, [self._goal_arg(g) for _, g in goals])
        put(ti, lay.TI_V_ARG, [VERB_ARG_INDEX[v.arg] for v in self.verbs])
        put(ti, lay.TI_V_OP, [VERB_OP_INDEX[v.op] for v in self.verbs])
        put(ti, lay.TI_V_BOND, [BOND_INDEX[v.bond] if v.bond else -1 for v in self.verbs])
        put(ti, lay.TI_REQ, [r for r, _ in requirements])
        put(ti, lay.TI_REQ_START, req_start)
        put(ti, lay.TI_ACT, self.actions)
        put(ti, lay.TI_COND, cond_code)
        put(ti, lay.TI_COND_START, cond_start)
        put(ti, lay.TI_EFF, eff_code)
        put(ti, lay.TI_EFF_START, eff_start)
        put(ti, lay.TI_EV_PLACE, [self._pi[e.place] if e.place else -1 for e in s.events])
        put(ti, lay.TI_EV_REPEAT, [int(e.repeatable) for e in s.events])
        put(ti, lay.TI_ABOUT, about)
        pair_act, pair_start = self._actions_by_pair()
        put(ti, lay.TI_PAIR_ACT, pair_act)
        put(ti, lay.TI_PAIR_START, pair_start)
        self.tables_f, self.tables_i = tf, ti
        self.scratch = np.zeros(len(cond_code) + 1, dtype=np.bool_)  # condition evaluation
        self.initiative_order = sorted(range(C), key=lambda i: (-s.cast[i].turn_initiative, i))
        self.goals = goals

    def _actions_by_pair(self) -> tuple[list[int], list[int]]:
        """Character actions grouped by (actor, target), the group of a pair at
        ``actor * (C + 1) + target + 1`` (target -1: no target), so that the legal mask can
        skip whole groups whose two characters are not together. Each entry packs what the
        mask needs of the action into one integer (:func:`pack_pair_action`), so testing it
        takes one load instead of a chain of dependent ones."""
        C = self.n_characters
        groups: list[list[int]] = [[] for _ in range(C * (C + 1))]
        for a, (actor, verb, target, arg) in enumerate(self.actions):
            if verb >= 0:
                v = self.verbs[verb]
                groups[actor * (C + 1) + target + 1].append(pack_pair_action(
                    a, verb, arg, VERB_OP_INDEX[v.op], VERB_ARG_INDEX[v.arg]))
        start = [0]
        for group in groups:
            start.append(start[-1] + len(group))
        return [a for group in groups for a in group], start

    def _goal_arg(self, goal) -> int:
        if goal.target:
            return self._ci[goal.target]
        if goal.object:
            return self._oi[goal.object]
        if goal.secret:
            return self._si[goal.secret]
        if goal.place:
            return self._pi[goal.place]
        return -1

    def _arc_values(self) -> np.ndarray:
        knots = self.story.tension_arc.knots()
        xs = np.array([k[0] for k in knots])
        ys = np.array([k[1] for k in knots])
        progress = np.linspace(0.0, 1.0, self.story.length + 1)
        return np.interp(progress, xs, ys)

    @cached_property
    def climax(self) -> float:
        """Progress (0..1) at which the target arc peaks."""
        arc = self.target_arc
        return max(0.05, float(np.argmax(arc)) / max(1, len(arc) - 1))

    @property
    def target_arc(self) -> np.ndarray:
        """Target tension per step (length + 1 values)."""
        L = self.layout
        return self.tables_f[L[lay.TF_ARC]:L[lay.TF_ARC] + self.length + 1].copy()

    # --- decoding --------------------------------------------------------------------------
    def action(self, index: int) -> Action:
        actor, verb, target, arg = (int(x) for x in self.actions[index])
        return Action(index, actor, verb, target, arg)

    def action_name(self, index: int) -> str:
        """A compact readable name: ``elena:accuse:tomas`` or ``narrator:storm``."""
        a = self.action(index)
        if a.verb < 0:
            return f"narrator:{self.event_ids[a.arg]}"
        verb = self.verbs[a.verb]
        parts = [self.character_ids[a.actor], verb.id]
        if a.target >= 0:
            parts.append(self.character_ids[a.target])
        if a.arg >= 0:
            names = {"place": self.place_ids, "object": self.object_ids, "item": self.object_ids,
                     "secret": self.secret_ids,
                     "secret_all": self.secret_ids}[verb.arg]
            parts.append(names[a.arg])
        return ":".join(parts)

    def action_index(self, name: str) -> int:
        """The inverse of :meth:`action_name`."""
        try:
            return self._names_to_index[name]
        except KeyError:
            raise KeyError(f"no action {name!r} in story {self.story.id!r}") from None

    @cached_property
    def decoded(self) -> list[tuple]:
        """Per action: (actor id, verb id, target id, object, secret, destination, event id,
        verb op) — names precomputed so building an ``Event`` is cheap."""
        out = []
        for k in range(self.n_actions):
            a = self.action(k)
            ids = self.character_ids
            if a.verb < 0:
                out.append((None, "narrator", None, None, None, None, self.event_ids[a.arg], ""))
                continue
            verb = self.verbs[a.verb]
            out.append((ids[a.actor], verb.id, ids[a.target] if a.target >= 0 else None,
                        self.object_ids[a.arg] if verb.arg in ("object", "item") else None,
                        self.secret_ids[a.arg] if verb.arg in ("secret", "secret_all") else None,
                        self.place_ids[a.arg] if verb.arg == "place" else None,
                        None, verb.op))
        return out

    def witness_names(self, bits: int) -> tuple[str, ...]:
        """Character ids of the set bits of a witness mask (cached: masks repeat a lot)."""
        names = self._witness_cache.get(bits)
        if names is None:
            ids = self.character_ids
            names = tuple(ids[k] for k in range(len(ids)) if (bits >> k) & 1)
            self._witness_cache[bits] = names
        return names

    @cached_property
    def _witness_cache(self) -> dict[int, tuple[str, ...]]:
        return {}

    @cached_property
    def _names_to_index(self) -> dict[str, int]:
        return {self.action_name(i): i for i in range(self.n_actions)}


# the fields of a packed pair action: (shift, bits)
PACK_ACTION, PACK_VERB, PACK_ARG, PACK_OP, PACK_KIND = (0, 24), (24, 10), (34, 16), (50, 6), (56, 6)
PACK_NAMES = ("actions", "verbs", "places, objects or secrets", "verb ops", "argument kinds")


def pack_pair_action(action: int, verb: int, arg: int, op: int, kind: int) -> int:
    """One integer holding an action's index, verb, argument (+1, so -1 packs), verb op and
    argument kind (``drama_env.kernels`` unpacks it in the legal mask)."""
    fields = ((action, PACK_ACTION), (verb, PACK_VERB), (arg + 1, PACK_ARG), (op, PACK_OP),
              (kind, PACK_KIND))
    code = 0
    for (value, (shift, bits)), name in zip(fields, PACK_NAMES):
        if not 0 <= value < 1 << bits:
            raise StoryError(None, None, None,
                             f"the story has too many {name} for the compiled rules "
                             f"(at most {(1 << bits) - 1})", "split it into smaller stories")
        code |= value << shift
    return code


def enumerate_actions(C: int, P: int, O: int, S: int, verb_args: list[str],
                      events: int) -> tuple[list[tuple[int, int, int, int]], list[int]]:
    """Every (actor, verb, target, arg) of a story of these sizes, actor by actor, then the
    narrator events ``(-1, -1, -1, e)``. Also returns where each actor's slice starts."""
    actions: list[tuple[int, int, int, int]] = []
    starts = []
    for a in range(C):
        starts.append(len(actions))
        others = [t for t in range(C) if t != a]
        for v, arg in enumerate(verb_args):
            if arg == "none":
                actions.append((a, v, -1, -1))
            elif arg == "character":
                actions += [(a, v, t, -1) for t in others]
            elif arg == "place":
                actions += [(a, v, -1, p) for p in range(P)]
            elif arg == "object":
                actions += [(a, v, t, o) for t in others for o in range(O)]
            elif arg == "secret":
                actions += [(a, v, t, x) for t in others for x in range(S)]
            elif arg == "secret_all":
                actions += [(a, v, -1, x) for x in range(S)]
            elif arg == "item":
                actions += [(a, v, -1, o) for o in range(O)]
    starts.append(len(actions))
    actions += [(-1, -1, -1, e) for e in range(events)]
    return actions, starts


def default_mood(traits: list[float]) -> list[float]:
    """Mehrabian's mapping of Big Five traits (in [0, 1]) to a default PAD mood (ALMA)."""
    o, c, e, a, n = (2 * t - 1 for t in traits)
    stability = -n
    pleasure = 0.21 * e + 0.59 * a + 0.19 * stability
    arousal = 0.15 * o + 0.30 * a - 0.57 * stability
    dominance = 0.25 * o + 0.17 * c + 0.60 * e - 0.32 * a
    return [float(np.clip(x, -1, 1)) for x in (pleasure, arousal, dominance)]
