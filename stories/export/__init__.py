"""Exporters: a :class:`~stories.script_tree.ScriptTree` to the formats of other tools.

Each format is a module with a pure function ``ScriptTree -> str``; :data:`FORMATS` lists them
and :func:`export` picks one::

    from stories.export import export
    text = export(tree, "ink")                  # the whole tree
    text = export(tree, "fountain", path="best") # one branch as a screenplay

``path`` chooses what is exported: ``"all"`` (the default) the whole tree — for Fountain, one
section per branch —, ``"best"`` the best path (:meth:`ScriptTree.best`), an integer ``N`` the
N-th path of :meth:`ScriptTree.paths` (from 0). ``docs/export.md`` describes every format.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Union

from stories.errors import DramaError
from stories.script_tree import ScriptTree

PathSpec = Union[str, int]


class ExportError(DramaError):
    """An export that cannot be made as asked (an unknown format, a path that does not exist)."""


@dataclass(frozen=True)
class Format:
    name: str
    module: str          # under stories.export
    function: str
    extension: str       # of the file written, with the dot
    description: str


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("ink", "ink", "to_ink", ".ink", "Ink (inkle): a knot per node, choices, tags, VARs"),
    Format("twee", "twee", "to_twee", ".twee", "Twee 3 for Twine 2, in the DramaSim story format"),
    Format("html", "html", "to_html", ".html", "a self-contained playable web page"),
    Format("fountain", "fountain", "to_fountain", ".fountain", "a Fountain screenplay of a path"),
    Format("yarn", "yarn", "to_yarn", ".yarn", "Yarn Spinner 2 nodes, options and jumps"),
    Format("json", "json_export", "to_json", ".json", "the script tree itself (versioned JSON)"),
    Format("dot", "dot", "to_dot", ".dot", "a Graphviz graph of the tree"),
    Format("mermaid", "mermaid", "to_mermaid", ".mmd", "a Mermaid flowchart of the tree"),
)}

EXTENSIONS = {f.extension: f.name for f in FORMATS.values()}
EXTENSIONS.update({".tw": "twee", ".htm": "html", ".gv": "dot", ".mermaid": "mermaid"})


def parse_path(value: PathSpec) -> PathSpec:
    """``"best"``, ``"all"`` or a path number (an ``int`` or its digits); else :class:`ExportError`."""
    if isinstance(value, bool):
        raise ExportError(f"path {value!r} is not valid — give best, all or a path number (0, 1, …)")
    if isinstance(value, int):
        if value < 0:
            raise ExportError(f"path {value} is not valid — path numbers start at 0")
        return value
    text = str(value).strip().lower()
    if text in ("best", "all"):
        return text
    if text.isdigit():
        return int(text)
    raise ExportError(f"path {value!r} is not valid — give best, all or a path number (0, 1, …)")


def select_paths(tree: ScriptTree, path: PathSpec) -> list[list[str]]:
    """The node-id paths that ``path`` names (all of them for ``"all"``)."""
    path = parse_path(path)
    if path == "all":
        return tree.paths()
    if path == "best":
        return [tree.best()]
    paths = tree.paths()
    if path >= len(paths):
        raise ExportError(f"path {path} does not exist: the tree has {len(paths)} path"
                          f"{'s' if len(paths) != 1 else ''} (0..{len(paths) - 1}) — give a "
                          "smaller number, best or all")
    return [paths[path]]


def export(tree: ScriptTree, fmt: str, path: PathSpec = "all") -> str:
    """``tree`` written in format ``fmt`` (a key of :data:`FORMATS`); see the module docstring
    for ``path``."""
    from stories.export._common import restrict

    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} — choose one of {', '.join(FORMATS)}")
    spec = FORMATS[fmt]
    function = getattr(importlib.import_module(f"stories.export.{spec.module}"), spec.function)
    path = parse_path(path)
    if fmt == "fountain":
        return function(tree, path=path)
    if path == "all":
        return function(tree)
    return function(restrict(tree, select_paths(tree, path)[0]))


__all__ = ["EXTENSIONS", "ExportError", "FORMATS", "Format", "export", "parse_path",
           "select_paths"]
