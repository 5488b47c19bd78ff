r"""Fountain: a screenplay of one path of the tree, or of every path.

::

    Title: The Orchard Letter
    Credit: Written by
    Author: drama-sim
    Source: story the-orchard-letter, seed 7, path 3

    EXT. THE ORCHARD

    !The orchard at dusk.

    @ELENA
    (coldly)
    I know what you did.

    CUT TO:

    INT. THE KITCHEN
    ...

    > FADE OUT.

- **Title page**: title, credit, author, source (story, seed, path); no date, so the same tree
  always gives the same file.
- **Scene headings** ``INT.``/``EXT.`` + the place's name in capitals, at the first node and
  whenever the place changes (a node without a place stays in the scene before it); ``CUT TO:``
  between scenes and ``> FADE OUT.`` at the end.
- **Dialogue**: a forced character cue (``@NAME``: any name, in capitals), a parenthetical (the
  line's own, else a word for the speaker's emotion, none when calm) and the line.
- **Action**: stage directions, forced with ``!``; the ending's title as action in capitals.
- ``path="all"``: one section (``# Branch N``) per path, each ending with a page break.

Escaping: ``*`` is backslash-escaped (emphasis), which also breaks any ``/*`` or ``*/``
(boneyard). ``_`` is left alone: screenplain does not know the ``\_`` escape (it would show the
backslash and underline all the same), so a text between two underscores may come out
underlined — its characters are kept. Fountain has no escape for notes (``[[…]]``) nor for a dialogue line that
starts with ``(``: a zero-width space (U+200B) is put between the two brackets, or before the
``(``. A cue that ends with ``^`` (dual dialogue) gets a zero-width space after it. A scene
heading loses ``#`` (scene numbers). An action line ending in `` TO:`` gets a zero-width space
after it, or fountain-js would read a transition despite the ``!``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Union

from stories.export._common import Item, clean, node_items
from stories.script_tree import ScriptTree

ZWSP = "\u200b"
_DOUBLE_BRACKET = re.compile(r"([\[\]])(?=\1)")

# A word for a speaker's dominant emotion when the line has no parenthetical of its own.
EMOTION_WORDS = {
    "joy": "joyfully", "distress": "distressed", "hope": "hopefully", "fear": "afraid",
    "pride": "proudly", "shame": "ashamed", "admiration": "admiringly",
    "reproach": "reproachfully", "gratitude": "gratefully", "anger": "angrily",
    "love": "tenderly", "hate": "with contempt", "surprise": "surprised",
    "sadness": "sadly", "disgust": "with disgust",
}
NEUTRAL = ("", "calm", "neutral", "none")


def escape(text: str) -> str:
    """Text safe in action or dialogue (see the module docstring)."""
    text = text.replace("*", "\\*")
    if "[[" in text or "]]" in text:
        text = _DOUBLE_BRACKET.sub("\\1" + ZWSP, text)
    return text


def unescape(text: str) -> str:
    """What a reader sees of :func:`escape`'s text (for the tests)."""
    return text.replace("\\*", "*").replace(ZWSP, "")


def parenthetical(item: Item) -> str:
    if item.parenthetical:
        return item.parenthetical
    emotion = item.emotion.lower()
    if emotion in NEUTRAL:
        return ""
    return EMOTION_WORDS.get(emotion, emotion)


@dataclass
class Section:
    """One path as a screenplay: its scene headings and dialogue blocks (for the tests)."""

    path: list[str]
    scenes: list[str] = field(default_factory=list)
    dialogue: list[Item] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


def _scene(node) -> Optional[tuple[bool, str]]:
    name = clean(node.place_name) or clean(node.place)
    return None if not name else (bool(node.interior), name)


def scene_heading(interior: bool, name: str) -> str:
    name = clean(name.replace("#", " ")) or "SOMEWHERE"
    return f"{'INT.' if interior else 'EXT.'} {escape(name.upper())}"


def _default_scene(tree: ScriptTree, path: list[str]) -> tuple[bool, str]:
    for node_id in path:
        scene = _scene(tree.nodes[node_id])
        if scene:
            return scene
    return (True, clean(tree.story.title) or "SOMEWHERE")


def _node_blocks(tree: ScriptTree, node_id: str) -> list[tuple[list[str], Item]]:
    """The Fountain lines of each item of a node (each block ends with a blank line)."""
    blocks = []
    for item in node_items(tree, tree.nodes[node_id]):
        if item.kind == "dialogue":
            cue = "@" + escape(item.speaker.upper())
            if cue.endswith("^"):
                cue += ZWSP
            block = [cue]
            paren = parenthetical(item)
            if paren:
                block.append(f"({escape(paren)})")
            text = escape(item.text)
            if text.startswith("("):
                text = ZWSP + text
            block.append(text)
        else:
            text = item.text.upper() if item.kind == "ending" else item.text
            line = "!" + escape(text)
            if line.endswith(" TO:"):    # fountain-js reads "… TO:" as a transition
                line += ZWSP
            block = [line]
        blocks.append((block + [""], item))
    return blocks


def section(tree: ScriptTree, path: list[str],
            cache: Optional[dict] = None) -> tuple[list[str], Section]:
    """The Fountain lines of one path, and what they hold (``cache`` keeps each node's
    blocks between the paths of one export)."""
    cache = {} if cache is None else cache
    headings = cache.setdefault(None, {})
    info = Section(path)
    out: list[str] = []
    current: Optional[tuple[bool, str]] = None
    fallback = _default_scene(tree, path)
    for node_id in path:
        node = tree.nodes[node_id]
        scene = _scene(node) or current or fallback
        if scene != current:
            if current is not None:
                out += ["CUT TO:", ""]
            heading = headings.get(scene)
            if heading is None:
                heading = headings[scene] = scene_heading(*scene)
            out += [heading, ""]
            info.scenes.append(heading)
            current = scene
        blocks = cache.get(node_id)
        if blocks is None:
            blocks = cache[node_id] = _node_blocks(tree, node_id)
        for lines, item in blocks:
            out += lines
            if item.kind == "dialogue":
                info.dialogue.append(item)
            else:
                info.actions.append(lines[0][1:].replace(ZWSP, ""))
    return out, info


def title_page(tree: ScriptTree, which: str) -> list[str]:
    title = clean(tree.story.title) or clean(tree.story.id) or "Untitled"
    return [f"Title: {escape(title)}", "Credit: Written by",
            f"Author: {escape(clean(tree.story.author) or 'drama-sim')}",
            f"Source: story {escape(clean(tree.story.id))}, seed {tree.seed}, {which}", ""]


def sections(tree: ScriptTree, path: Union[str, int] = "best") -> list[Section]:
    """What :func:`to_fountain` writes for ``path``, as :class:`Section` objects."""
    from stories.export import select_paths

    cache: dict = {}
    return [section(tree, p, cache)[1] for p in select_paths(tree, path)]


def to_fountain(tree: ScriptTree, path: Union[str, int] = "best") -> str:
    """The screenplay of ``path``: ``"best"`` (the default), a path number, or ``"all"``."""
    from stories.export import parse_path, select_paths

    path = parse_path(path)
    paths = select_paths(tree, path)
    which = {"best": "the best path", "all": f"all {len(paths)} paths"}.get(path, f"path {path}")
    out = title_page(tree, which)
    cache: dict = {}
    for k, p in enumerate(paths):
        if path == "all":
            out += [f"# Branch {k + 1} of {len(paths)}", ""]
        lines, _ = section(tree, p, cache)
        out += lines
        out += ["> FADE OUT.", ""]
        if path == "all" and k + 1 < len(paths):
            out += ["===", ""]
    return "\n".join(out)
