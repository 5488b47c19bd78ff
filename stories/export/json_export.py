"""JSON: the script tree itself (versioned; see ``docs/script-tree.md``).

Written by pydantic's JSON serialiser (one-space indents, UTF-8 text as is), which is many
times faster than ``json.dumps`` on a large tree; ``ScriptTree.load`` / ``from_json`` read it
back to an equal tree.
"""

from __future__ import annotations

from stories.script_tree import ScriptTree


def to_json(tree: ScriptTree) -> str:
    return tree.model_dump_json(indent=1) + "\n"
