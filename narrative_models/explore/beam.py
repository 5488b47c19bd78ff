"""Beam search over the drama's branches.

Level by level, every node of the beam is expanded into its (at most ``width``) children, each
scored on creation; the ``beam_size`` best children by score (ties: the earliest made) are kept
and linked into the tree, the rest are dropped. Kept children that are done (an ending, the
story's length, or nobody can act) stay in the tree as leaves and leave the beam, so the beam
narrows as branches end. The search stops at the depth limit, when the beam is empty, or when
the budget runs out (the level in progress is then ranked with the children made so far, and
its kept children end their branches). Beam nodes whose children were all dropped are
removed from the tree afterwards (:func:`.tree_builder.keep_complete`), so every leaf is a
finished branch.
"""

from __future__ import annotations

from narrative_models.explore.tree_builder import Brancher, Node


def beam_search(brancher: Brancher, root: Node, beam_size: int) -> Node:
    """Grow the tree from ``root`` (see the module docstring); returns ``root``."""
    beam = [] if root.done else [root]
    while beam:
        made: list[Node] = []
        for node in beam:
            if not brancher.budget.allows():
                break
            node.expanded = True
            candidates = brancher.candidates(node)
            if not candidates:  # nobody can act: the branch ends here
                node.done = True
            for cand in candidates:
                if not brancher.budget.allows():
                    break
                made.append(brancher.make_child(node, cand))
        if not made:
            if brancher.budget.stopped_by is not None:
                for node in beam:  # the budget ran out at the end of the last level
                    node.complete = True
            break
        kept = sorted(made, key=lambda n: (-n.score, n.index))[:beam_size]
        for child in sorted(kept, key=lambda n: n.index):
            child.parent.children.append(child)
        if brancher.budget.stopped_by is not None:
            for child in kept:  # as far as the budget went: these branches end here
                child.complete = True
            break
        beam = [n for n in sorted(kept, key=lambda n: n.index) if not n.done]
    return root


__all__ = ["beam_search"]
