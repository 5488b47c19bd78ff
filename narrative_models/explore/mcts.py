"""Monte Carlo tree search over the drama's branches (UCT or PUCT).

Each iteration:

1. **select** — from the root, follow the child maximising

   - PUCT (default): ``Q + c · P · sqrt(N) / (1 + n)`` with ``P`` the prior share of the child
     (the heuristic agent's softmax scores, see :mod:`.tree_builder`), ``N`` the parent's
     visits and ``n`` the child's; an unvisited child's ``Q`` is its parent's mean value;
   - UCT: unvisited children first (best prior first), then ``Q + c · sqrt(ln N / n)``;

   ``Q`` is the child's mean value scaled to ``[0, 1]`` by the least and greatest values seen
   so far (as in MuZero), so ``c`` does not depend on the spread of the scores;

   skipping exhausted children (nothing left to explore below them), down to a node that is
   not expanded;
2. **expand** — make all its children (each scored on creation: one *scored node* each) and
   step into the one the rule above picks;
3. **evaluate** — roll out from it with the rollout agent (``"heuristic"``, ``"random"``, or
   ``"none"`` to use the node's own score) for up to ``rollout_depth`` beats, never past the
   depth limit; the value is the branch score at the end of the rollout, in ``[0, 1]``;
4. **back up** — add the value to every node on the path.

The tree kept is the nodes visited at least once (children made but never visited were
scored, and count against the budget, but are dropped: a one-beat dead end is no use in a
script); :func:`narrative_models.explore.explore` then keeps only the branches that reach a
finished leaf (the depth limit, an ending, the story's length, nobody able to act, or the
grafted rollout), when there is one.
The search stops when the budget runs out or the whole tree down to the depth limit has been
made. The best rollout found is then grafted into the tree (its beats are played exactly as
tree children would be, so the grafted nodes are ordinary nodes) when it beats every finished
leaf and
the nodes it needs fit in what is left of a nodes budget (:func:`narrative_models.explore.explore`
keeps ``depth`` nodes of the budget back for it).
"""

from __future__ import annotations

import math

from agents.heuristic import HeuristicAgent
from agents.random_agent import RandomAgent
from narrative_models.explore.tree_builder import Brancher, Node, kept_nodes
from stories.errors import UsageError

ROLLOUTS = ("heuristic", "random", "none")


def rollout_agent(name: str):
    if name == "heuristic":
        return HeuristicAgent()
    if name == "random":
        return RandomAgent()
    if name == "none":
        return None
    raise UsageError(f"unknown rollout agent {name!r} — use one of: {', '.join(ROLLOUTS)}")


class _Bounds:
    """The least and greatest values backed up so far: Q is scaled to [0, 1] by them (as in
    MuZero), so that ``c`` means the same whatever the spread of the branch scores."""

    def __init__(self) -> None:
        self.low = math.inf
        self.high = -math.inf

    def add(self, value: float) -> None:
        self.low = min(self.low, value)
        self.high = max(self.high, value)

    def scale(self, value: float) -> float:
        if self.high > self.low:
            return (value - self.low) / (self.high - self.low)
        return 0.5


def _select(node: Node, c: float, variant: str, bounds: _Bounds,
            fresh: bool = False) -> Node | None:
    """The child to visit (``None`` when all are exhausted); ``fresh`` (just expanded): any
    child, finished ones included (their value is exact)."""
    best = None
    best_value = -math.inf
    if variant == "uct":
        for child in node.children:  # unvisited first, in prior order
            if (fresh or not child.exhausted) and child.visits == 0:
                return child
        log_n = math.log(max(node.visits, 1))
        for child in node.children:
            if child.exhausted:
                continue
            q = bounds.scale(child.value_sum / child.visits)
            value = q + c * math.sqrt(log_n / child.visits)
            if value > best_value:
                best, best_value = child, value
        return best
    parent_q = bounds.scale(node.value_sum / node.visits) if node.visits else 0.5
    sqrt_n = math.sqrt(max(node.visits, 1))
    for child in node.children:
        if child.exhausted and not fresh:
            continue
        q = bounds.scale(child.value_sum / child.visits) if child.visits else parent_q
        value = q + c * child.prior * sqrt_n / (1 + child.visits)
        if value > best_value:
            best, best_value = child, value
    return best


def mcts_search(brancher: Brancher, root: Node, c: float = 0.5, variant: str = "puct",
                rollout: str = "random", rollout_depth: int | None = None,
                graft_reserve: int | None = None) -> tuple[Node, int]:
    """Grow the tree from ``root`` (see the module docstring). Returns ``root`` and the number
    of rollout beats played. Under a nodes budget, ``graft_reserve`` nodes (default: the depth
    limit, at most half the budget) are kept back for grafting the best rollout."""
    if variant not in ("puct", "uct"):
        raise UsageError(f"unknown MCTS variant {variant!r} — use puct or uct")
    agent = rollout_agent(rollout)
    horizon = brancher.depth if rollout_depth is None else max(0, rollout_depth)
    rollout_beats = 0
    bounds = _Bounds()
    best_value = -math.inf
    best_rollout: tuple[Node, list] | None = None
    budget = brancher.budget
    total_nodes = budget.nodes
    if total_nodes is not None:
        reserve = brancher.depth if graft_reserve is None else graft_reserve
        budget.nodes = total_nodes - min(max(reserve, 0), total_nodes // 2)
    while not root.exhausted and budget.allows():
        node = root
        path = [root]
        while node.expanded and not node.exhausted:
            nxt = _select(node, c, variant, bounds)
            if nxt is None:  # every child exhausted
                node.exhausted = True
                break
            node = nxt
            path.append(node)
        if not node.expanded and not node.done:
            brancher.expand(node)
            if not node.children:
                if budget.stopped_by is not None:
                    break
            else:
                nxt = _select(node, c, variant, bounds, fresh=True)
                if nxt is not None:
                    node = nxt
                    path.append(node)
        if agent is None or node.done:
            value = node.score
        else:
            summary, beats, played = brancher.rollout(node, agent, horizon)
            rollout_beats += played
            value = float(brancher.scorer.score(summary))
            if beats and value > best_value:
                best_value, best_rollout = value, (node, beats)
        bounds.add(value)
        for n in path:
            n.visits += 1
            n.value_sum += value
        for n in reversed(path):  # exhaustion climbs while every child is exhausted
            if n.exhausted or n.done or (n.expanded and n.children
                                         and all(ch.exhausted for ch in n.children)):
                n.exhausted = True
            else:
                break
    budget.nodes = total_nodes
    _keep_visited(root)
    finished = [n.score for n in kept_nodes(root) if n.done and n is not root]
    if best_rollout is not None and best_value > max(finished, default=-math.inf):
        start, beats = best_rollout
        if budget.nodes is None or brancher.missing(start, beats) <= budget.nodes - budget.used:
            brancher.replay(start, beats)
    return root, rollout_beats


def _keep_visited(root: Node) -> None:
    """Drop the children that were made but never visited from the tree (they were scored,
    but a one-beat dead end is no use in a script)."""
    stack = [root]
    while stack:
        node = stack.pop()
        node.children = [ch for ch in node.children if ch.visits > 0]
        stack.extend(node.children)


__all__ = ["ROLLOUTS", "mcts_search", "rollout_agent"]
