"""Twee 3 (Twine 2's source format), in the project's own story format, DramaSim.

::

    :: StoryTitle
    The Orchard Letter

    :: StoryData
    {
      "ifid": "0A1B…",
      "format": "DramaSim",
      "format-version": "1.0.0",
      "start": "n0",
      "zoom": 1
    }

    :: n0 [Elena ending] {"position":"100,100","size":"100,100"}
    The orchard at dusk.
    @Elena (coldly): I know what you did.
    [[Elena accuses Tomas->n1]]

**The header** follows the Twee 3 specification: ``:: name [tags] {metadata}``, with ``\\``,
``[``, ``]``, ``{`` and ``}`` backslash-escaped in names and tags. A passage is named after its
node when the id is a plain name (no character that Twine's link syntax or the header uses, no
outer spaces, not ``StoryTitle``/``StoryData``), else ``node_K``. Tags are the speakers' names
(spaces made ``_``) and ``ending`` on a passage that ends the drama. The IFID is a version-4
UUID, in capitals, made from a SHA-256 of the story id and the seed: the same tree always gets
the same IFID.

**The passage text** is DramaSim's markup (also read by the runtime in
:mod:`stories.export._runtime` and by :func:`parse_passage`), one item per line:

- ``[[label->target]]`` — a choice (Twine's link syntax; the target is the rightmost ``->``);
- ``@Name (parenthetical): text`` — a line of dialogue, the parenthetical optional;
- ``!title`` — the ending's title;
- any other line — a stage direction;
- ``\\x`` anywhere stands for ``x``: ``\\``, ``[`` and ``]`` are always escaped (so Twine never
  sees a stray ``[[`` or ``]]``), ``->`` in a label is written ``-\\>``, a name escapes ``(``,
  ``)`` and ``:``, a parenthetical ``(`` and ``)``, and a line that would start with ``@``, ``!``
  or ``:`` escapes its first character. A ``$`` is followed by an escaped character when that
  character is ``&``, ``'``, `````` or ``$``: Extwee inserts the story data with JavaScript's
  ``String.replace``, which would read ``$&`` and its kin as patterns.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass

from stories.export._common import (Item, choice_label, clean, layout, node_items,
                                    ordered_nodes, safe_names)
from stories.script_tree import ScriptTree

FORMAT_NAME = "DramaSim"
FORMAT_VERSION = "1.0.0"
SPECIAL_PASSAGES = ("StoryTitle", "StoryData", "StoryInit", "StoryMenu", "StoryCaption")

_UNSAFE_NAME = re.compile(r"[\[\]{}\\|<>&\x00-\x1f]|->|<-|^::|^\s|\s$")


def ifid(tree: ScriptTree) -> str:
    """The story's IFID: an uppercase version-4 UUID derived from the story id and the seed."""
    digest = hashlib.sha256(f"drama-sim\0{tree.story.id}\0{tree.seed}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4)).upper()


def _safe_passage_name(node_id: str) -> bool:
    return bool(node_id) and not _UNSAFE_NAME.search(node_id)


def passage_names(tree: ScriptTree, order: list[str] | None = None) -> dict[str, str]:
    """The passage name of every node (see the module docstring)."""
    return safe_names(order or ordered_nodes(tree), _safe_passage_name, "node_{k}",
                      SPECIAL_PASSAGES)


# --- Twee 3 header escaping -----------------------------------------------------------------
_HEADER_ESCAPE = str.maketrans({ch: "\\" + ch for ch in "\\[]{}"})


def escape_header(text: str) -> str:
    """A passage name or tag escaped as the Twee 3 specification says."""
    return text.translate(_HEADER_ESCAPE)


def unescape_header(text: str) -> str:
    """The Twee 3 decoding rule: any escaped character is the character itself."""
    return re.sub(r"\\(.)", r"\1", text)


def tag_name(text: str) -> str:
    """A tag made from a name: cleaned, with spaces made ``_``."""
    return clean(text).replace(" ", "_")


# --- DramaSim passage markup ----------------------------------------------------------------
_DOLLAR = re.compile(r"\$(?=[&'`$])")


_TABLES: dict[str, dict] = {}


def _esc(text: str, extra: str = "") -> str:
    table = _TABLES.get(extra)
    if table is None:
        table = _TABLES[extra] = str.maketrans({ch: "\\" + ch for ch in "\\[]" + extra})
    out = text.translate(table)
    return _DOLLAR.sub("$\\\\", out) if "$" in out else out


def _line_start(text: str) -> str:
    return "\\" + text if text[:1] in ("@", "!", ":") else text


def encode_item(item: Item) -> str:
    """One displayed item as a line of DramaSim markup."""
    if item.kind == "dialogue":
        head = "@" + _esc(item.speaker, "():")
        if item.parenthetical:
            head += " (" + _esc(item.parenthetical, "()") + ")"
        return f"{head}: {_esc(item.text)}"
    if item.kind == "ending":
        return "!" + _esc(item.text)
    return _line_start(_esc(item.text))


def encode_link(label: str, target: str) -> str:
    return "[[" + _esc(label).replace("->", "-\\>") + "->" + target + "]]"


def passage_text(tree: ScriptTree, node_id: str, names: dict[str, str],
                 items: list[Item] | None = None) -> str:
    node = tree.nodes[node_id]
    items = node_items(tree, node) if items is None else items
    lines = [encode_item(item) for item in items]
    lines += [encode_link(choice_label(c.label), names[c.target]) for c in node.choices]
    return "\n".join(lines)


@dataclass(frozen=True)
class Link:
    label: str
    target: str


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.S)


def _find_unescaped(text: str, chars: str, start: int = 0) -> int:
    k = start
    while k < len(text):
        if text[k] == "\\":
            k += 2
            continue
        if text[k] in chars:
            return k
        k += 1
    return -1


def parse_link(line: str) -> Link | None:
    """A ``[[label->target]]`` line as a :class:`Link` (``None`` if the line is not a link)."""
    if not (line.startswith("[[") and line.endswith("]]")) or line.endswith("\\]]"):
        return None
    body = line[2:-2]
    arrow, k = -1, 0
    while k < len(body) - 1:
        if body[k] == "\\":
            k += 2
            continue
        if body[k] == "-" and body[k + 1] == ">":
            arrow = k
        k += 1
    if arrow < 0:
        text = _unescape(body)
        return Link(text, text)
    return Link(_unescape(body[:arrow]), _unescape(body[arrow + 2:]))


def parse_passage(text: str) -> tuple[list[Item], list[Link]]:
    """Read DramaSim markup back: the items shown and the links offered."""
    items: list[Item] = []
    links: list[Link] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        link = parse_link(line)
        if link is not None:
            links.append(link)
        elif line.startswith("@"):
            end = _find_unescaped(line, "(:", 1)
            if end < 0:
                items.append(Item("dialogue", "", speaker=_unescape(line[1:]).strip()))
                continue
            speaker = _unescape(line[1:end]).strip()
            paren = ""
            if line[end] == "(":
                close = _find_unescaped(line, ")", end + 1)
                close = len(line) if close < 0 else close
                paren = _unescape(line[end + 1:close]).strip()
                end = _find_unescaped(line, ":", close)
                end = len(line) if end < 0 else end
            items.append(Item("dialogue", _unescape(line[end + 1:]).strip(), speaker=speaker,
                              parenthetical=paren))
        elif line.startswith("!"):
            items.append(Item("ending", _unescape(line[1:]).strip()))
        else:
            items.append(Item("direction", _unescape(line)))
    return items, links


# --- the file -------------------------------------------------------------------------------
def story_data(tree: ScriptTree, start: str) -> dict:
    return {"ifid": ifid(tree), "format": FORMAT_NAME, "format-version": FORMAT_VERSION,
            "start": start, "zoom": 1}


def passage_tags(tree: ScriptTree, node_id: str, items: list[Item] | None = None) -> list[str]:
    node = tree.nodes[node_id]
    tags: list[str] = []
    for item in (node_items(tree, node) if items is None else items):
        if item.kind == "dialogue":
            tag = tag_name(item.speaker)
            if tag and tag not in tags:
                tags.append(tag)
    if node.ending is not None:
        tags.append("ending")
    return tags


def to_twee(tree: ScriptTree) -> str:
    order = ordered_nodes(tree)
    names = passage_names(tree, order)
    positions = layout(tree, order)
    title = clean(tree.story.title) or clean(tree.story.id) or "Untitled"
    if title.startswith("::"):
        title = " " + title      # a content line must not look like a passage header
    out = [":: StoryTitle", title, "",
           ":: StoryData", json.dumps(story_data(tree, names[tree.root]), ensure_ascii=False,
                                      indent=2), ""]
    for node_id in order:
        items = node_items(tree, tree.nodes[node_id])
        tags = passage_tags(tree, node_id, items)
        x, y = positions[node_id]
        header = f":: {escape_header(names[node_id])}"
        if tags:
            header += " [" + " ".join(escape_header(t) for t in tags) + "]"
        header += ' {"position":"%d,%d","size":"100,100"}' % (x, y)
        out += [header, passage_text(tree, node_id, names, items), ""]
    return "\n".join(out)
