"""What every exporter shares: the displayed items of a node, clean text, safe names, a layout.

Every interactive format shows a node the same way, so the validators can compare any output
with one expectation, :func:`node_items`:

- each :class:`ScriptLine` gives a ``direction`` item (its stage direction, if any) and then a
  ``dialogue`` item (speaker, parenthetical, emotion, text) when it has text — a line with text
  but no speaker is narration, a ``direction``;
- a node with an ending closes with the ending's text (a ``direction``) and an ``ending`` item
  (its title).

Text is *cleaned* first (:func:`clean`): every run of whitespace (newlines included) becomes one
space and the ends are trimmed, since no target format keeps leading, trailing or repeated
whitespace in a line. Empty items are dropped.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from stories.script_tree import ScriptNode, ScriptTree



def clean(text: Optional[str]) -> str:
    """``text`` with each run of whitespace made one space, trimmed (``None`` gives ``""``)."""
    if not text:
        return ""
    return " ".join(text.split())


@dataclass(frozen=True)
class Item:
    """One thing a node shows: a stage direction, a line of dialogue, or an ending's title."""

    kind: str                  # "direction" | "dialogue" | "ending"
    text: str
    speaker: str = ""          # the speaker's display name (dialogue)
    speaker_id: str = ""
    emotion: str = ""
    parenthetical: str = ""
    ending_id: str = ""


def speaker_name(tree: ScriptTree, speaker: Optional[str], name: Optional[str]) -> str:
    """A speaker's display name: the line's own, else the cast's, else the id."""
    if clean(name):
        return clean(name)
    for member in tree.story.cast:
        if member.id == speaker and clean(member.name):
            return clean(member.name)
    return clean(speaker)


def node_items(tree: ScriptTree, node: ScriptNode) -> list[Item]:
    """What ``node`` shows, in order (see the module docstring)."""
    items: list[Item] = []
    for line in node.lines:
        direction = clean(line.direction)
        if direction:
            items.append(Item("direction", direction))
        text = clean(line.text)
        if not text:
            continue
        name = speaker_name(tree, line.speaker, line.speaker_name) if line.speaker or line.speaker_name else ""
        if name:
            items.append(Item("dialogue", text, speaker=name, speaker_id=clean(line.speaker),
                              emotion=clean(line.emotion), parenthetical=clean(line.parenthetical)))
        else:
            items.append(Item("direction", text))
    if node.ending is not None:
        if clean(node.ending.text):
            items.append(Item("direction", clean(node.ending.text)))
        items.append(Item("ending", clean(node.ending.title) or clean(node.ending.id) or "The end",
                          ending_id=clean(node.ending.id)))
    return items


def choice_label(label: str) -> str:
    """A choice's displayed label (an empty one reads ``Continue``)."""
    return clean(label) or "Continue"


def number(value: Optional[float], digits: int = 4) -> str:
    """A finite number written plainly (``0.25``, ``1``, ``-0.5``); ``None``/NaN/inf give ``0``."""
    if value is None or not math.isfinite(value):
        return "0"
    text = f"{round(float(value), digits):.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def score_text(value: Optional[float]) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.2f}"


# --- order, names, layout -------------------------------------------------------------------
def ordered_nodes(tree: ScriptTree) -> list[str]:
    """Every node id once: the root, then breadth first along the choices, then any node that
    no choice reaches, in file order."""
    seen = {tree.root}
    order = [tree.root]
    k = 0
    while k < len(order):
        for choice in tree.nodes[order[k]].choices:
            if choice.target not in seen:
                seen.add(choice.target)
                order.append(choice.target)
        k += 1
    for node_id in tree.nodes:
        if node_id not in seen:
            seen.add(node_id)
            order.append(node_id)
    return order


def safe_names(order: Iterable[str], ok: Callable[[str], bool], fallback: str = "node_{k}",
               reserved: Iterable[str] = (), first: Optional[str] = None) -> dict[str, str]:
    """A unique name for each node id: the id itself where ``ok(id)``, else ``fallback``
    formatted with the node's place in ``order`` (``k``), made unique with a suffix. Names in
    ``reserved`` (compared case-insensitively) are never given; ``first``, when set, names the
    first node of ``order`` whatever its id."""
    order = list(order)
    taken = {r.lower() for r in reserved}
    names: dict[str, str] = {}
    pending: list[tuple[int, str]] = []
    for k, node_id in enumerate(order):
        if k == 0 and first is not None:
            names[node_id] = first
            taken.add(first.lower())
    for k, node_id in enumerate(order):
        if node_id in names:
            continue
        if ok(node_id) and node_id.lower() not in taken:
            names[node_id] = node_id
            taken.add(node_id.lower())
        else:
            pending.append((k, node_id))
    for k, node_id in pending:
        base = fallback.format(k=k)
        name, n = base, 1
        while name.lower() in taken:
            name = f"{base}_{n}"
            n += 1
        names[node_id] = name
        taken.add(name.lower())
    return names


_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def is_identifier(text: str) -> bool:
    return bool(_IDENT.match(text))


def layout(tree: ScriptTree, order: list[str]) -> dict[str, tuple[int, int]]:
    """A tidy grid position for each node: the column is its depth (breadth first from the
    root), the row its place among the nodes of the same depth, leaves spread in depth-first
    order so that a branch stays together."""
    depth = {tree.root: 0}
    for node_id in order:
        d = depth.get(node_id, 0)
        for choice in tree.nodes[node_id].choices:
            depth.setdefault(choice.target, d + 1)
    rows: dict[str, float] = {}
    next_row = 0
    # Depth-first post-order without recursion: a node's row is the mean of its children's.
    stack: list[tuple[str, bool]] = [(tree.root, False)]
    visiting: set[str] = set()
    while stack:
        node_id, done = stack.pop()
        if done:
            kids = [c.target for c in tree.nodes[node_id].choices if c.target in rows
                    and depth.get(c.target) == depth[node_id] + 1]
            rows[node_id] = (sum(rows[k] for k in kids) / len(kids)) if kids else float(next_row)
            if not kids:
                next_row += 1
            continue
        if node_id in visiting:
            continue
        visiting.add(node_id)
        stack.append((node_id, True))
        for choice in reversed(tree.nodes[node_id].choices):
            if choice.target not in visiting:
                stack.append((choice.target, False))
    for node_id in order:          # nodes that no choice reaches
        if node_id not in rows:
            rows[node_id] = float(next_row)
            next_row += 1
    return {n: (100 + 200 * depth.get(n, 0), 100 + int(round(150 * rows[n]))) for n in order}


# --- paths ----------------------------------------------------------------------------------
def restrict(tree: ScriptTree, path: list[str]) -> ScriptTree:
    """The tree cut down to one path: its nodes, each keeping only the choice to the next."""
    nodes = {}
    for k, node_id in enumerate(path):
        node = tree.nodes[node_id]
        nxt = path[k + 1] if k + 1 < len(path) else None
        choices = [c for c in node.choices if c.target == nxt][:1]
        nodes[node_id] = node.model_copy(update={
            "choices": choices, "parent": path[k - 1] if k else None})
    return tree.model_copy(update={"root": path[0], "nodes": nodes, "best_path": list(path)})
