"""Monte Carlo tree search over the drama's branches (UCT or PUCT).

Each iteration:

1. **select** — from the root, follow the child maximising

   - PUCT (default): ``Q + c · P · sqrt(N) / (1 + n)`` with ``P`` the prior share of the child
     (the heuristic agent's softmax scores, see :mod:`.tree_builder`), ``N`` the parent's
     visits and ``n`` the child's; an unvisited child's ``Q`` is its parent's mean value;
   - UCT: unvisited children first (best prior first), then ``Q + c · sqrt(ln N / n)``;

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
script).
The search stops when the budget runs out or the whole tree down to the depth limit has been
made. The best rollout found is then grafted into the tree (its beats are played exactly as
tree children would be, so the grafted nodes are ordinary nodes) when it beats every leaf and
the nodes it needs fit in what is left of a nodes budget (:func:`narrative_models.explore.explore`
keeps ``depth`` nodes of the budget back for it).
"""

from __future__ import annotations

import math

from agents.heuristic import HeuristicAgent
from agents.random_agent import RandomAgent
from narrative_models.explore.tree_builder import Brancher, Node, best_leaf
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


def _select(node: Node, c: float, variant: str) -> Node | None:
    best = None
    best_value = -math.inf
    parent_q = node.value_sum / node.visits if node.visits else node.score
    if variant == "uct":
        for child in node.children:  # unvisited first, in prior order
            if not child.exhausted and child.visits == 0:
                return child
        log_n = math.log(max(node.visits, 1))
        for child in node.children:
            if child.exhausted:
                continue
            value = child.value_sum / child.visits + c * math.sqrt(log_n / child.visits)
            if value > best_value:
                best, best_value = child, value
        return best
    sqrt_n = math.sqrt(max(node.visits, 1))
    for child in node.children:
        if child.exhausted:
            continue
        q = child.value_sum / child.visits if child.visits else parent_q
        value = q + c * child.prior * sqrt_n / (1 + child.visits)
        if value > best_value:
            best, best_value = child, value
    return best


def mcts_search(brancher: Brancher, root: Node, c: float = 1.0, variant: str = "puct",
                rollout: str = "heuristic", rollout_depth: int | None = None,
                graft_reserve: int | None = None) -> tuple[Node, int]:
    """Grow the tree from ``root`` (see the module docstring). Returns ``root`` and the number
    of rollout beats played. Under a nodes budget, ``graft_reserve`` nodes (default: the depth
    limit, at most half the budget) are kept back for grafting the best rollout."""
    if variant not in ("puct", "uct"):
        raise UsageError(f"unknown MCTS variant {variant!r} — use puct or uct")
    agent = rollout_agent(rollout)
    horizon = brancher.depth if rollout_depth is None else max(0, rollout_depth)
    rollout_beats = 0
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
            nxt = _select(node, c, variant)
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
                nxt = _select(node, c, variant)
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
    if best_rollout is not None and best_value > best_leaf(root).score:
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
