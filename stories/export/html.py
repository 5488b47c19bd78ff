"""A self-contained playable web page: the DramaSim story format with the story inside.

The page is exactly what Twine 2 (or Extwee) publishes from the Twee export with the shipped
story format: the player of :mod:`stories.export._runtime` and a Twine 2 ``<tw-storydata>``
element holding one ``<tw-passagedata>`` per node (HTML-escaped text in DramaSim markup, see
:mod:`stories.export.twee`). Open it in any browser: it needs no file and no network beside
itself (its Content-Security-Policy forbids any request).

``python -m stories.export.html --write-format`` rewrites ``twine_format/format.js`` from
:mod:`stories.export._runtime` (a test checks that the shipped file is up to date).
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

from stories.export import _runtime
from stories.export._common import clean, layout, node_items, ordered_nodes
from stories.export.twee import (FORMAT_NAME, FORMAT_VERSION, ifid, passage_names,
                                 passage_tags, passage_text)
from stories.script_tree import ScriptTree

FORMAT_JS = Path(__file__).with_name("twine_format") / "format.js"


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def story_data_html(tree: ScriptTree) -> str:
    """The Twine 2 ``<tw-storydata>`` element of ``tree``."""
    order = ordered_nodes(tree)
    names = passage_names(tree, order)
    positions = layout(tree, order)
    title = clean(tree.story.title) or clean(tree.story.id) or "Untitled"
    out = [f'<tw-storydata name="{_attr(title)}" startnode="1" creator="drama-sim" '
           f'creator-version="0.1.0" ifid="{ifid(tree)}" zoom="1" format="{FORMAT_NAME}" '
           f'format-version="{FORMAT_VERSION}" options="" hidden>']
    out.append('<style role="stylesheet" id="twine-user-stylesheet" type="text/twine-css">'
               '</style>')
    out.append('<script role="script" id="twine-user-script" type="text/twine-javascript">'
               '</script>')
    for pid, node_id in enumerate(order, start=1):
        x, y = positions[node_id]
        items = node_items(tree, tree.nodes[node_id])
        tags = " ".join(passage_tags(tree, node_id, items))
        out.append(f'<tw-passagedata pid="{pid}" name="{_attr(names[node_id])}" '
                   f'tags="{_attr(tags)}" position="{x},{y}" size="100,100">'
                   f'{html.escape(passage_text(tree, node_id, names, items), quote=False)}'
                   '</tw-passagedata>')
    out.append("</tw-storydata>")
    return "\n".join(out)


def to_html(tree: ScriptTree) -> str:
    data = story_data_html(tree)
    before, after = _runtime.SOURCE.split("{{STORY_DATA}}", 1)
    return before + data + after


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["--write-format"]:
        print("usage: python -m stories.export.html --write-format", file=sys.stderr)
        return 2
    FORMAT_JS.parent.mkdir(parents=True, exist_ok=True)
    FORMAT_JS.write_text(_runtime.format_js(), encoding="utf-8")
    print(f"wrote {FORMAT_JS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
