"""Graphviz DOT: the tree as a left-to-right graph, for ``dot -Tsvg``.

Each node is a box labelled with its beat (``opening`` for the root), its score and its
tension; an ending adds its title, and the best path is drawn bold. Each edge is labelled with
the choice. Node names are the node ids, quoted (an id holding a backslash, which DOT keeps
as written in a name, becomes ``node_K``; :func:`node_names`).

Escaping: every string is a double-quoted DOT string in which ``\\`` and ``"`` are
backslash-escaped (so no ``\\n``, ``\\l`` or ``\\N`` of the text is read as a Graphviz escape)
and line breaks are written ``\\n``. The file is UTF-8, which Graphviz reads by default.
"""

from __future__ import annotations

from stories.export._common import (choice_label, clean, number, ordered_nodes, safe_names,
                                    score_text)
from stories.script_tree import ScriptTree


def quote(text: str) -> str:
    """``text`` as a double-quoted DOT string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def quote_name(text: str) -> str:
    """A node name as a quoted DOT ID (only ``"`` is escaped there)."""
    return '"' + text.replace('"', '\\"').replace("\n", " ") + '"'


def node_names(tree: ScriptTree, order: list[str] | None = None) -> dict[str, str]:
    """The DOT name of every node: its id, or ``node_K`` for an id with a backslash."""
    return safe_names(order or ordered_nodes(tree), lambda s: "\\" not in s and bool(s),
                      "node_{k}")


def node_label(tree: ScriptTree, node_id: str) -> str:
    node = tree.nodes[node_id]
    beat = clean(node.beat) or ("opening" if node_id == tree.root else clean(node_id))
    label = f"{beat}\nscore {score_text(node.score)} · tension {number(node.state.tension, 2)}"
    if node.ending is not None:
        label += f"\nending: {clean(node.ending.title) or clean(node.ending.id)}"
    return label


def to_dot(tree: ScriptTree) -> str:
    order = ordered_nodes(tree)
    names = node_names(tree, order)
    best = set(tree.best()) if tree.nodes else set()
    best_edges = set(zip(tree.best(), tree.best()[1:]))
    title = clean(tree.story.title) or clean(tree.story.id)
    out = [f"digraph {quote(clean(tree.story.id) or 'story')} {{",
           f"  graph [rankdir=LR, charset=\"UTF-8\", labelloc=t, label={quote(title)}];",
           '  node [shape=box, style="rounded,filled", fillcolor="#f8f8f8", fontsize=10];',
           "  edge [fontsize=9];"]
    for node_id in order:
        node = tree.nodes[node_id]
        attrs = [f"label={quote(node_label(tree, node_id))}"]
        if node_id in best:
            attrs.append("penwidth=2")
        if node.ending is not None:
            attrs.append('fillcolor="#fde8d8"')
        out.append(f"  {quote_name(names[node_id])} [{', '.join(attrs)}];")
    for node_id in order:
        for choice in tree.nodes[node_id].choices:
            attrs = [f"label={quote(choice_label(choice.label))}"]
            if (node_id, choice.target) in best_edges:
                attrs.append("penwidth=2")
            out.append(f"  {quote_name(names[node_id])} -> {quote_name(names[choice.target])} "
                       f"[{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"
