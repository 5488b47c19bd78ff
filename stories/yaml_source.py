"""Safe YAML reading that remembers where every value came from.

``read_yaml`` refuses what a story file has no business containing — anchors and aliases,
tags, huge or deeply nested input — before building anything, and returns the data together
with a map from each value's path (``("cast", 0, "name")``) to its line and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from stories.errors import StoryError

# libyaml's parser when it is installed (several times faster), else the pure-Python one
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 1_000_000
MAX_DEPTH = 24
MAX_NODES = 200_000
SAFE_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null",
                                                      "seq", "map")}

Marks = dict[tuple, tuple[int, int]]


def read_text(path: Path) -> str:
    """Read a story file as text, with an error for every way that can fail."""
    if not path.exists():
        raise StoryError(path, None, None, "no such file",
                         "check the path, or run `drama stories` for the shipped names")
    if path.is_dir():
        raise StoryError(path, None, None, "is a directory, not a story file",
                         "give the path of a .yaml file inside it")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise StoryError(path, None, None, f"file is {size:,} bytes, more than the {MAX_BYTES:,} allowed",
                         "split the story or remove unused content")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise StoryError(path, None, None, f"not UTF-8 text (byte {error.start})",
                         "save the file as UTF-8") from None
    except OSError as error:
        raise StoryError(path, None, None, f"cannot read: {error.strerror}",
                         "check the file's permissions") from None


def _screen(text: str, source: str) -> None:
    """Walk the event stream (no recursion, nothing built) and refuse unsafe input."""
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=FAST_LOADER):
            mark = event.start_mark
            where = (mark.line + 1, mark.column + 1) if mark else (None, None)
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise StoryError(source, *where, "YAML anchors and aliases are not allowed",
                                 "write the value out in full")
            tag = getattr(event, "tag", None)
            if tag is not None and tag not in SAFE_TAGS:
                raise StoryError(source, *where, f"YAML tag {tag!r} is not allowed",
                                 "remove the tag; story files hold plain data")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise StoryError(source, *where, f"nested more than {MAX_DEPTH} levels deep",
                                     "flatten the structure")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            nodes += 1
            if nodes > MAX_NODES:
                raise StoryError(source, *where, f"more than {MAX_NODES:,} YAML values",
                                 "the file is too large for a story")
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        if "nesting depth" in str(error.problem):  # libyaml's own limit
            raise StoryError(source, line, col, f"nested more than {MAX_DEPTH} levels deep",
                             "flatten the structure") from None
        raise StoryError(source, line, col, f"YAML syntax error: {error.problem or error.context}",
                         "fix the indentation, quotes or brackets here") from None
    except yaml.YAMLError as error:
        raise StoryError(source, None, None, f"YAML error: {error}", "fix the YAML syntax") from None


def _collect_marks(node: yaml.Node, path: tuple, marks: Marks) -> None:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            marks[path + (key, "__key__")] = (key_node.start_mark.line + 1,
                                              key_node.start_mark.column + 1)
            _collect_marks(value_node, path + (key,), marks)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_marks(item, path + (index,), marks)


def read_yaml(text: str, source: str) -> tuple[Any, Marks]:
    """Parse YAML text safely; return ``(data, marks)``."""
    if not text.strip():
        raise StoryError(source, 1, 1, "the file is empty", "start from docs/story-format.md")
    _screen(text, source)
    loader = FAST_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise StoryError(source, 1, 1, "the file holds no YAML document",
                             "start from docs/story-format.md")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise StoryError(source, mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                         f"YAML error: {error.problem or error.context}",
                         "fix the YAML syntax here") from None
    finally:
        loader.dispose()
    marks: Marks = {}
    _collect_marks(node, (), marks)
    return data, marks


def locate(marks: Marks, path: tuple) -> tuple[int | None, int | None]:
    """The line and column of ``path``, or of its nearest ancestor that has one."""
    path = tuple(path)
    while True:
        if path in marks:
            return marks[path]
        if not path:
            return None, None
        path = path[:-1]
