"""JSON: the script tree itself, as :meth:`ScriptTree.to_json` writes it (versioned; see
``docs/script-tree.md``). ``ScriptTree.from_json`` reads it back to an equal tree."""

from __future__ import annotations

from stories.script_tree import ScriptTree


def to_json(tree: ScriptTree) -> str:
    return tree.to_json() + "\n"
