"""Ink (inkle's narrative scripting language): a knot per node.

::

    VAR tension = 0
    VAR score = 0

    -> n0

    === n0 ===
    ~ tension = 0.31
    ~ score = 0.52
    \\The orchard at dusk. # direction
    \\I know what you did. # speaker: Elena # emotion: anger # parenthetical: coldly
    * [Elena accuses Tomas] -> n1
    * [Tomas leaves] -> n2

Each node is a knot (its id when that is an ink identifier, else ``node_K``); it sets the
``tension`` and ``score`` variables, shows its lines with ``#`` tags (``direction``, ``speaker``,
``emotion``, ``parenthetical``, ``ending``) and offers its choices as ``*`` choices whose text
is choice-only (``[…]``) and which divert to the next knot. A node without choices ends with
``-> END``.

Escaping: ink's backslash escapes any character, so every character that ink could read as
syntax (``\\ { } | # [ ] / * < > -``) is escaped, and so is the first character of every line
(which keeps a line from starting with ``*``, ``+``, ``-``, ``=``, ``~``, ``TODO:``,
``INCLUDE``, ``VAR``…). ``/`` and ``*`` are both escaped so that no ``//`` or ``/*`` is left for
the comment stripper. Ink collapses repeated spaces in its output, as :func:`clean` does.
"""

from __future__ import annotations

from stories.export._common import (choice_label, clean, is_identifier, node_items, number,
                                    ordered_nodes, safe_names)
from stories.script_tree import ScriptTree

# Words ink reads as keywords or built-ins: never a knot name.
RESERVED = ("END", "DONE", "VAR", "CONST", "LIST", "INCLUDE", "EXTERNAL", "TODO", "temp",
            "function", "return", "else", "not", "and", "or", "true", "false", "mod", "has",
            "hasnt", "stopping", "cycle", "shuffle", "once", "tension", "score", "CHOICE_COUNT",
            "TURNS", "TURNS_SINCE", "READ_COUNT", "RANDOM", "SEED_RANDOM", "INT", "FLOOR",
            "FLOAT", "POW", "MIN", "MAX", "LIST_VALUE", "LIST_COUNT", "LIST_MIN", "LIST_MAX",
            "LIST_ALL", "LIST_INVERT", "LIST_RANDOM", "LIST_RANGE")

_SPECIAL = "\\{}|#[]/*<>-"
_ESCAPE = str.maketrans({ch: "\\" + ch for ch in _SPECIAL})


def escape(text: str) -> str:
    """``text`` as ink content: syntax characters and the first character backslash-escaped."""
    if not text:
        return ""
    return "\\" + text[0] + text[1:].translate(_ESCAPE)


def _tag(name: str, value: str = "") -> str:
    return f" # {name}: {escape(value)}" if value else f" # {name}"


def knot_names(tree: ScriptTree, order: list[str] | None = None) -> dict[str, str]:
    """The knot name of every node."""
    return safe_names(order or ordered_nodes(tree), is_identifier, "node_{k}", RESERVED)


def to_ink(tree: ScriptTree) -> str:
    order = ordered_nodes(tree)
    names = knot_names(tree, order)
    out = [f"// {clean(tree.story.title)} — exported by drama-sim from story "
           f"{clean(tree.story.id)!r}, seed {tree.seed}"]
    out += ["VAR tension = 0", "VAR score = 0", "", f"-> {names[tree.root]}", ""]
    for node_id in order:
        node = tree.nodes[node_id]
        out.append(f"=== {names[node_id]} ===")
        out.append(f"~ tension = {number(node.state.tension)}")
        if node.score is not None:
            out.append(f"~ score = {number(node.score)}")
        for item in node_items(tree, node):
            if item.kind == "direction":
                out.append(escape(item.text) + _tag("direction"))
            elif item.kind == "ending":
                out.append(escape(item.text) + _tag("ending", item.ending_id or "end"))
            else:
                line = escape(item.text) + _tag("speaker", item.speaker)
                if item.emotion:
                    line += _tag("emotion", item.emotion)
                if item.parenthetical:
                    line += _tag("parenthetical", item.parenthetical)
                out.append(line)
        if node.choices:
            for choice in node.choices:
                label = choice_label(choice.label).translate(_ESCAPE)
                out.append(f"* [{label}] -> {names[choice.target]}")
        else:
            out.append("-> END")
        out.append("")
    return "\n".join(out)
