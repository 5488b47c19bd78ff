"""The search tree of the explorer, and its conversion to a :class:`stories.script_tree.ScriptTree`.

Both searches (:mod:`.beam`, :mod:`.mcts`) grow the same kind of tree with a :class:`Brancher`:

- **Who branches.** At a node, the character whose turn it is (initiative order, as in
  :mod:`drama_env.turns`) branches on their ``width`` best legal actions by the prior (the
  heuristic agent's scores). On the narrator's turn (after each round) the node branches on the
  narrator's ``width // 2`` best legal events *and* on passing, which folds into the next
  character's ``width − events`` best actions: every child is a beat, and a node has at most
  ``width`` children. A character with nothing legal to do passes.
- **Chance.** Each child is the parent's state, cloned (``DramaState.clone``), its turn
  advanced, and its random stream reseeded from a 64-bit key derived from the explorer's seed
  and the path of actions (SplitMix64 mixing, no ``hash()``), so a node's state depends only on
  the seed and its path — never on the order in which nodes were made.
- **Scores.** Each child is scored on creation by the :class:`~.score.BranchScorer` (the
  branch from the root to it); a node is *done* when it reached an ending, the story's length,
  the depth limit, or nobody can act.

Lines are rendered only for the nodes kept in the final tree (:func:`build_script_tree`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from drama_env import rules
from drama_env.compiled import CompiledStory
from drama_env.event import Event
from drama_env.state import DramaState
from drama_env.turns import NARRATOR, advance_turn, current_turn
from stories.constants import EMOTIONS
from stories.script_tree import ScriptTree

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
ROLLOUT_SALT = 0xD1B54A32D192ED03
ROUND = 4          # decimals kept in state summaries
SCORE_ROUND = 6    # decimals kept in node scores
EMOTION_FLOOR = 0.12  # below this a character reads as calm (as in the template narrator)


def mix64(x: int) -> int:
    """SplitMix64's finaliser: a well-spread 64-bit integer from any integer."""
    z = (x + GOLDEN) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def root_key(seed: int) -> int:
    """The key of the root of a search from ``seed``."""
    return mix64(seed & M64)


def child_key(key: int, action: int) -> int:
    """The key of the child reached from a node of key ``key`` by ``action``."""
    return mix64(key ^ (((action + 1) * GOLDEN) & M64))


class Node:
    """One beat of the search tree (the root has no beat)."""

    __slots__ = ("index", "parent", "depth", "state", "event", "actor", "action", "passes",
                 "key", "summary", "score", "prior", "children", "expanded", "done",
                 "complete", "exhausted", "visits", "value_sum")

    def __init__(self, index: int, parent: "Node | None", depth: int, state: DramaState,
                 event: Event | None, actor: int, action: int, passes: int, key: int,
                 summary: Any, score: float, prior: float, done: bool) -> None:
        self.index = index            # creation order
        self.parent = parent
        self.depth = depth            # beats from the root
        self.state = state            # the state just after the beat
        self.event = event
        self.actor = actor            # character index, or NARRATOR for a narrator event
        self.action = action
        self.passes = passes          # turns passed before this beat (a narrator's pass)
        self.key = key                # seeds the state's stream for this beat
        self.summary = summary        # the scorer's summary of the branch to here
        self.score = score
        self.prior = prior            # prior probability among its siblings
        self.children: list[Node] = []
        self.expanded = False
        self.done = done              # never expanded: ending, length, depth limit or stuck
        self.complete = False         # a branch may end here (see keep_complete)
        self.exhausted = done         # nothing left to explore below (MCTS)
        self.visits = 0
        self.value_sum = 0.0

    def path(self) -> list["Node"]:
        out = []
        node: Node | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]


@dataclass(frozen=True)
class Candidate:
    """A beat that may branch from a node: ``action`` by ``actor`` after ``passes`` passed turns,
    played from ``turn_state`` (the node's state with its turn moved to ``actor``)."""

    turn_state: DramaState
    passes: int
    actor: int
    action: int
    prior: float


class Budget:
    """Stops a search after ``nodes`` scored nodes or ``seconds`` of wall time (``None``: no
    limit). A seconds budget makes the result depend on the machine's speed."""

    def __init__(self, nodes: int | None = None, seconds: float | None = None) -> None:
        self.nodes = nodes
        self.seconds = seconds
        self.start = time.perf_counter()
        self.used = 0
        self.stopped_by: str | None = None

    def allows(self) -> bool:
        """Whether one more node may be scored."""
        if self.nodes is not None and self.used >= self.nodes:
            self.stopped_by = "nodes"
            return False
        if self.seconds is not None and time.perf_counter() - self.start >= self.seconds:
            self.stopped_by = "seconds"
            return False
        return True

    def elapsed(self) -> float:
        return time.perf_counter() - self.start


Progress = Callable[[int, "int | None"], None]
PROGRESS_EVERY = 64


class Brancher:
    """Makes the children of nodes (see the module docstring) and keeps the counts."""

    def __init__(self, compiled: CompiledStory, seed: int, depth: int, width: int, scorer,
                 prior, budget: Budget, progress: Progress | None = None,
                 progress_total: int | None = None) -> None:
        self.compiled = compiled
        self.seed = seed
        self.depth = depth
        self.width = width
        self.scorer = scorer
        self.prior = prior
        self.temperature = float(getattr(prior, "temperature", 1.0)) or 1.0
        self.budget = budget
        self.progress = progress
        self.progress_total = progress_total
        self.created = 0
        self.idle_limit = compiled.n_characters + 2

    # --- the root ---------------------------------------------------------------------------
    def root(self) -> Node:
        state = DramaState.initial(self.compiled, self.seed)
        summary = self.scorer.start(state)
        node = Node(0, None, 0, state, None, NARRATOR, -1, 0, root_key(self.seed), summary,
                    float(self.scorer.score(summary)), 1.0, False)
        node.done = node.exhausted = self._done(node)
        return node

    def _done(self, node: Node) -> bool:
        s = node.state
        return s.terminated or s.step >= self.compiled.length or node.depth >= self.depth

    # --- branching --------------------------------------------------------------------------
    def _ranked(self, state: DramaState, actor: int, k: int) -> list[tuple[int, float]]:
        """The actor's ``k`` best legal actions by the prior, with their softmax shares."""
        if k <= 0:
            return []
        scores = self.prior.scores(state, actor)
        legal = np.isfinite(scores)
        if not legal.any():
            return []
        first = (self.compiled.narrator_start if actor == NARRATOR
                 else int(self.compiled.actor_ranges[actor]))
        order = np.argsort(-scores, kind="stable")[:k]  # illegal actions score -inf: last
        order = order[legal[order]]
        best = scores[order[0]]
        weights = np.exp((scores[order] - best) / self.temperature)
        weights /= weights.sum()
        return [(first + int(a), float(p)) for a, p in zip(order, weights)]

    def candidates(self, node: Node) -> list[Candidate]:
        """The beats that branch from ``node``, best first (at most ``width``). Priors are the
        prior's softmax shares within each group (narrator events, the character's actions),
        weighted by the group's share of the branches."""
        state = node.state.clone()
        groups: list[tuple[DramaState, int, int, list[tuple[int, float]]]] = []
        remaining = self.width
        for passes in range(self.idle_limit):
            who = current_turn(state)
            if who == NARRATOR:
                events = self._ranked(state, NARRATOR, remaining // 2)
                if events:
                    groups.append((state.clone(), passes, NARRATOR, events))
                    remaining -= len(events)
                advance_turn(state)
                continue
            ranked = self._ranked(state, who, remaining)
            if ranked:
                groups.append((state, passes, who, ranked))
                break
            advance_turn(state)
        total = sum(len(g[3]) for g in groups)
        return [Candidate(turn_state, passes, who, action, p * len(ranked) / total)
                for turn_state, passes, who, ranked in groups for action, p in ranked]

    def make_child(self, node: Node, cand: Candidate) -> Node:
        """Play ``cand`` from ``node``: a new, scored node (not yet linked to its parent)."""
        state = cand.turn_state.clone()
        advance_turn(state)
        key = child_key(node.key, cand.action)
        state.reseed(key)
        event = rules.apply(state, cand.action, record=False, check=False)
        summary = self.scorer.extend(node.summary, event, state)
        self.created += 1
        self.budget.used += 1
        depth = node.depth + 1
        done = (event.ending is not None or event.step >= self.compiled.length
                or depth >= self.depth)
        child = Node(self.created, node, depth, state, event, cand.actor, cand.action,
                     cand.passes, key, summary, float(self.scorer.score(summary)), cand.prior,
                     done)
        if self.progress is not None and self.created % PROGRESS_EVERY == 0:
            self.progress(self.created, self.progress_total)
        return child

    def expand(self, node: Node) -> list[Node]:
        """All children of ``node`` (fewer if the budget runs out), linked to it."""
        node.expanded = True
        children = []
        for cand in self.candidates(node):
            if not self.budget.allows():
                break
            children.append(self.make_child(node, cand))
        node.children = children
        if not children and self.budget.stopped_by is None:
            node.done = node.exhausted = True  # stuck: nobody can act
        return children

    def missing(self, node: Node, beats: list[tuple[int, int, int]]) -> int:
        """How many nodes :meth:`replay` would make."""
        for k, (_, _, action) in enumerate(beats):
            found = next((c for c in node.children if c.action == action), None)
            if found is None:
                return len(beats) - k
            node = found
        return 0

    def replay(self, node: Node, beats: list[tuple[int, int, int]]) -> Node:
        """Follow ``beats`` (passes, actor, action) down from ``node``, reusing children that
        exist and making (and linking) the others; returns the last node."""
        for passes, actor, action in beats:
            found = next((c for c in node.children if c.action == action), None)
            if found is None:
                state = node.state.clone()
                for _ in range(passes):
                    current_turn(state)
                    advance_turn(state)
                current_turn(state)
                found = self.make_child(node, Candidate(state, passes, actor, action, 0.0))
                node.children.append(found)
            node = found
        node.complete = True
        return node

    # --- rollouts ---------------------------------------------------------------------------
    def rollout(self, node: Node, agent,
                horizon: int) -> tuple[Any, list[tuple[int, int, int]], int]:
        """Play on from ``node`` with ``agent`` for up to ``horizon`` beats (not past the depth
        limit). Each beat is reseeded exactly as a tree child would be, so a rollout's beats are
        the nodes the tree would make for the same actions. Returns the branch summary at the
        end, the beats played (passes, actor, action) and their number."""
        state = node.state.clone()
        summary = node.summary
        key = node.key
        state.reseed(mix64(key ^ ROLLOUT_SALT))
        beats: list[tuple[int, int, int]] = []
        steps = min(horizon, self.depth - node.depth)
        passes = 0
        c = self.compiled
        while len(beats) < steps and not state.terminated and state.step < c.length:
            who = current_turn(state)
            action = agent.act(state, who)
            advance_turn(state)
            if action is None:
                passes += 1
                if passes > self.idle_limit:
                    break
                continue
            key = child_key(key, action)
            state.reseed(key)
            event = rules.apply(state, action, record=False, check=False)
            summary = self.scorer.extend(summary, event, state)
            beats.append((passes, who, action))
            passes = 0
        return summary, beats, len(beats)


# --- labels -----------------------------------------------------------------------------------
def _humanise(identifier: str) -> str:
    return identifier.replace("_", " ").replace("-", " ")


def choice_label(compiled: CompiledStory, action: int) -> str:
    """A readable label for an action: ``"Elena accuses Tomas"``, ``"Elena goes to the
    orchard"``, ``"Elena confides a secret in Tomas (about the letter)"``, or a narrator event's
    title."""
    story = compiled.story
    actor, verb_id, target, obj, secret, destination, event_id, _ = compiled.decoded[action]
    if actor is None:
        return story.events[compiled.event_ids.index(event_id)].title
    verb = compiled.verbs[compiled.verb_ids.index(verb_id)]
    names = {c.id: c.name for c in story.cast}
    words = [names[actor], verb.text or _humanise(verb.id)]
    if target is not None:
        words.append(names[target])
    if destination is not None:
        words.append(story.places[compiled.place_ids.index(destination)].name)
    if obj is not None:
        name = story.objects[compiled.object_ids.index(obj)].name
        words.append(f"({name})" if target is not None else name)
    if secret is not None:
        words.append(f"(about {_humanise(secret)})")
    return " ".join(words)


def chooser(compiled: CompiledStory, actor: int) -> str:
    return "narrator" if actor == NARRATOR else compiled.character_ids[actor]


# --- conversion to a ScriptTree ------------------------------------------------------------
def state_summaries(states: list[DramaState]) -> list[dict]:
    """The ``StateSummary`` of each state, as plain data: tension, target tension, and each
    character's dominant emotion (``calm`` below the narrator's floor), its intensity and mood
    (computed for all the states at once)."""
    if not states:
        return []
    c = states[0].compiled
    ids = c.character_ids
    arc = c.target_arc.tolist()
    steps = [min(s.step, c.length) for s in states]
    emotions = np.stack([s.emotions for s in states]).astype(np.float64)   # (n, C, 12)
    top = emotions.argmax(axis=2).tolist()                                  # (n, C)
    levels = np.round(emotions.max(axis=2), ROUND)                          # (n, C)
    calm = (emotions.max(axis=2) < EMOTION_FLOOR).tolist()
    moods = np.round(np.stack([s.mood for s in states]).astype(np.float64), ROUND).tolist()
    tension = np.round(np.array([s.tension[t] for s, t in zip(states, steps)], np.float64),
                       ROUND).tolist()
    out = []
    for k, step in enumerate(steps):
        characters = {}
        for j, cid in enumerate(ids):
            characters[cid] = {"emotion": "calm" if calm[k][j] else EMOTIONS[top[k][j]],
                               "intensity": levels[k, j].item(), "mood": moods[k][j]}
        out.append({"tension": tension[k], "target_tension": round(arc[step], ROUND),
                    "characters": characters})
    return out


def state_summary(state: DramaState) -> dict:
    """The summary of one state (see :func:`state_summaries`)."""
    return state_summaries([state])[0]


def _line(line) -> dict:
    return {"direction": line.direction, "speaker": line.speaker,
            "speaker_name": line.speaker_name, "text": line.text, "emotion": line.emotion,
            "parenthetical": line.parenthetical}


def story_info(compiled: CompiledStory) -> dict:
    s = compiled.story
    return {"id": s.id, "title": s.title, "genre": s.genre, "premise": s.premise,
            "author": s.author,
            "cast": [{"id": c.id, "name": c.name, "pronouns": c.pronouns} for c in s.cast]}


def kept_nodes(root: Node) -> list[Node]:
    """The nodes reachable from ``root`` through ``children``, breadth first."""
    out = [root]
    k = 0
    while k < len(out):
        out.extend(out[k].children)
        k += 1
    return out


def build_script_tree(compiled: CompiledStory, seed: int, root: Node, best: Node,
                      narrator) -> ScriptTree:
    """The :class:`ScriptTree` of the nodes reachable from ``root``, with lines rendered by
    ``narrator`` and ``best_path`` leading to ``best``. Node ids are ``n0`` (the root), ``n1``…
    in breadth-first order, children in the order they were made (best prior first)."""
    story = compiled.story
    nodes = kept_nodes(root)
    ids = {id(n): f"n{k}" for k, n in enumerate(nodes)}
    places = {p.id: p for p in story.places}
    endings = [{"id": e.id, "title": e.title, "tone": e.tone, "text": e.text}
               for e in story.endings]
    summaries = state_summaries([n.state for n in nodes])
    out: dict[str, dict] = {}
    for node, summary in zip(nodes, summaries):
        state = node.state
        if node.event is None:
            place = story.start_place or story.cast[0].location
            line = {"direction": story.premise, "speaker": None, "speaker_name": None,
                    "text": "", "emotion": "calm", "parenthetical": ""}
        else:
            place = node.event.place
            line = _line(narrator.render(node.event, state))
        node_id = ids[id(node)]
        out[node_id] = {
            "id": node_id,
            "parent": ids[id(node.parent)] if node.parent is not None else None,
            "step": state.step,
            "beat": compiled.action_name(node.action) if node.event is not None else None,
            "place": place,
            "place_name": places[place].name if place in places else None,
            "interior": places[place].interior if place in places else True,
            "lines": [line],
            "choices": [{"label": choice_label(compiled, child.action),
                         "target": ids[id(child)], "chooser": chooser(compiled, child.actor)}
                        for child in node.children],
            "state": summary,
            "score": round(node.score, SCORE_ROUND),
            "ending": endings[state.ending] if state.ending >= 0 else None,
        }
    return ScriptTree.model_validate({
        "format": "drama-script-tree", "version": 1, "story": story_info(compiled),
        "seed": seed, "root": "n0", "nodes": out,
        "best_path": [ids[id(n)] for n in best.path()]})


def keep_complete(root: Node) -> None:
    """Drop the branches that stop short: keep only the paths from the root to *complete*
    leaves (done — an ending, the story's length, the depth limit, nobody can act — or marked
    ``complete`` by the search, like the last level of a beam stopped by its budget). When no
    leaf is complete, the tree is left as it is."""
    nodes = kept_nodes(root)
    alive = {id(n) for n in nodes if (n.done or n.complete) and n is not root}
    if not alive:
        return
    for node in reversed(nodes):  # children before parents
        if node.children:
            node.children = [ch for ch in node.children if id(ch) in alive]
            if node.children:
                alive.add(id(node))


def best_leaf(root: Node) -> Node:
    """The highest-scoring leaf of the kept tree (ties: the earliest made)."""
    leaves = [n for n in kept_nodes(root) if not n.children]
    return max(leaves, key=lambda n: (n.score, -n.index))


__all__ = ["Brancher", "Budget", "Candidate", "Node", "best_leaf", "build_script_tree",
           "child_key", "choice_label", "keep_complete", "kept_nodes", "mix64", "root_key",
           "state_summaries", "state_summary"]
