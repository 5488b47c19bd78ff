"""Yarn Spinner 2: a node per tree node, options that jump to the next node.

::

    title: Start
    tags: Elena
    position: 100,100
    ---
    <<declare $tension = 0>>
    <<declare $score = 0>>
    <<set $tension to 0.31>>
    <<set $score to 0.52>>
    The orchard at dusk. #direction
    Elena: I know what you did. #emotion:anger #parenthetical:coldly
    -> Elena accuses Tomas
        <<jump n1>>
    ===

The root is titled ``Start`` (where Yarn runners begin); another node keeps its id when that
is a plain identifier (letters, digits, ``_``), else becomes ``node_K``. Each node sets
``$tension`` and ``$score`` (declared once, in ``Start``), shows its lines with hashtags
(``#direction``, ``#emotion:…``, ``#parenthetical:…``, ``#ending:…``; a hashtag's value has
spaces, ``#``, ``$`` and ``<`` made ``_``) and offers its choices as shortcut options, each
jumping to its node. A node without options ends the dialogue.

Escaping happens in two layers, as Yarn reads them:

1. *markup*: ``[`` and ``]`` are written ``\\[`` and ``\\]`` (Yarn's markup escapes). A speaker
   is the text before the line's first ``:``; when a speaker's name holds ``:``, ``[`` or
   ``]``, or a line without a speaker holds a ``:``, the line starts with an explicit
   ``[character name="…" /]`` marker instead (an empty name for narration), so nothing is
   taken for a speaker by mistake.
2. *lexer*: ``\\``, ``<``, ``>``, ``{``, ``}``, ``#`` and ``/`` are backslash-escaped (the
   characters Yarn's lexer lets one escape), so the text never opens a command, an
   expression, a hashtag or a comment. A line that would start with ``===`` (the end of a
   node) or with a backslash starts with an empty inline expression ``{""}``.

:mod:`stories.export.yarn_check` reads the result back by the Yarn 2 grammar.
"""

from __future__ import annotations

import re

from stories.export._common import (choice_label, clean, is_identifier, layout, node_items,
                                    number, ordered_nodes, safe_names)
from stories.script_tree import ScriptTree

_LEXER_ESCAPE = str.maketrans({ch: "\\" + ch for ch in "\\<>{}#/"})
_HASHTAG_BAD = re.compile(r"[\s#$<]+")


def escape_markup(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def markup_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def escape_lexer(text: str) -> str:
    return text.translate(_LEXER_ESCAPE)


def line_content(text: str, speaker: str | None = None) -> str:
    """A line (or an option's text) as Yarn source, without hashtags."""
    if speaker is not None and (":" in speaker or "[" in speaker or "]" in speaker):
        markup = f"[character name={markup_string(speaker)} /]" + escape_markup(text)
    elif speaker is not None:
        markup = escape_markup(speaker) + ": " + escape_markup(text)
    elif ":" in text:
        markup = '[character name="" /]' + escape_markup(text)
    else:
        markup = escape_markup(text)
    source = escape_lexer(markup)
    if source.startswith("===") or source.startswith("\\"):
        source = '{""}' + source
    return source


def hashtag(name: str, value: str = "") -> str:
    value = _HASHTAG_BAD.sub("_", clean(value))
    return f" #{name}:{value}" if value else f" #{name}"


def node_titles(tree: ScriptTree, order: list[str] | None = None) -> dict[str, str]:
    """The Yarn title of every node (see the module docstring)."""
    return safe_names(order or ordered_nodes(tree), is_identifier, "node_{k}", ("Start",),
                      first="Start")


def to_yarn(tree: ScriptTree) -> str:
    order = ordered_nodes(tree)
    titles = node_titles(tree, order)
    positions = layout(tree, order)
    out = [f"// {clean(tree.story.title)} — exported by drama-sim from story "
           f"{clean(tree.story.id)!r}, seed {tree.seed}", ""]
    for node_id in order:
        node = tree.nodes[node_id]
        items = node_items(tree, node)
        tags = []
        for item in items:
            tag = clean(item.speaker).replace(" ", "_")
            tag = _HASHTAG_BAD.sub("_", tag)
            if item.kind == "dialogue" and tag and tag not in tags:
                tags.append(tag)
        if node.ending is not None:
            tags.append("ending")
        x, y = positions[node_id]
        out.append(f"title: {titles[node_id]}")
        if tags:
            out.append("tags: " + " ".join(tags))
        out += [f"position: {x},{y}", "---"]
        if node_id == tree.root:
            out += ["<<declare $tension = 0>>", "<<declare $score = 0>>"]
        out.append(f"<<set $tension to {number(node.state.tension)}>>")
        if node.score is not None:
            out.append(f"<<set $score to {number(node.score)}>>")
        for item in items:
            if item.kind == "direction":
                out.append(line_content(item.text) + hashtag("direction"))
            elif item.kind == "ending":
                out.append(line_content(item.text) + hashtag("ending", item.ending_id or "end"))
            else:
                line = line_content(item.text, item.speaker)
                if item.emotion:
                    line += hashtag("emotion", item.emotion)
                if item.parenthetical:
                    line += hashtag("parenthetical", item.parenthetical)
                out.append(line)
        for choice in node.choices:
            out.append("-> " + line_content(choice_label(choice.label)))
            out.append(f"    <<jump {titles[choice.target]}>>")
        out += ["===", ""]
    return "\n".join(out)
