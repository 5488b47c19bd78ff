"""Mermaid: the tree as a flowchart (``flowchart LR``), for Markdown viewers that draw Mermaid.

Nodes are named ``n0``, ``n1``… in breadth-first order (Mermaid ids must be plain words) and
labelled with the beat, the score and, at an ending, its title; edges carry the choice. The
best path is styled bold with a ``best`` class.

Escaping: labels are double-quoted, and the characters Mermaid could read as syntax or HTML
(``"``, ``#``, ``<``, ``>``, ``&``, ``|``, ``[``, ``]``, ``{``, ``}``, ``(``, ``)``, `````,
``;``) are written as Mermaid entity codes ``#NN;``. A line break is ``<br>``.
"""

from __future__ import annotations

from stories.export._common import choice_label, clean, ordered_nodes, score_text
from stories.script_tree import ScriptTree

_ENTITY = str.maketrans({ch: f"#{ord(ch)};" for ch in '"#<>&|[]{}()`;'})


def escape(text: str) -> str:
    return text.translate(_ENTITY)


def unescape(text: str) -> str:
    """Mermaid entity codes back to characters (for the tests)."""
    import re

    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text.replace("<br>", "\n"))


def node_label(tree: ScriptTree, node_id: str) -> str:
    node = tree.nodes[node_id]
    beat = clean(node.beat) or ("opening" if node_id == tree.root else clean(node_id))
    lines = [beat, f"score {score_text(node.score)}"]
    if node.ending is not None:
        lines.append(f"ending: {clean(node.ending.title) or clean(node.ending.id)}")
    return "<br>".join(escape(line) for line in lines)


def to_mermaid(tree: ScriptTree) -> str:
    order = ordered_nodes(tree)
    ids = {node_id: f"n{k}" for k, node_id in enumerate(order)}
    best = tree.best()
    out = [f"%% {clean(tree.story.title)} — exported by drama-sim", "flowchart LR"]
    for node_id in order:
        out.append(f'  {ids[node_id]}["{node_label(tree, node_id)}"]')
    for node_id in order:
        for choice in tree.nodes[node_id].choices:
            out.append(f'  {ids[node_id]} -->|"{escape(choice_label(choice.label))}"| '
                       f"{ids[choice.target]}")
    out.append("  classDef best stroke-width:3px,font-weight:bold")
    if best:
        out.append("  class " + ",".join(ids[n] for n in best) + " best")
    return "\n".join(out) + "\n"
