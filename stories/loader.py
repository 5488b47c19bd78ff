"""Loading stories: from a shipped name, a path, or YAML text."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from stories.errors import StoryError
from stories.schema import Story
from stories.validate import check_story
from stories.yaml_source import locate, read_text, read_yaml

LIBRARY = Path(__file__).with_name("library")


def shipped_story_names() -> list[str]:
    """Names of the dramas in ``stories/library`` (file stems), sorted."""
    return sorted(p.stem for p in LIBRARY.glob("*.yaml"))


def _describe(error: dict) -> tuple[str, str]:
    kind, msg = error["type"], error["msg"]
    msg = msg.removeprefix("Value error, ")
    field = next((str(x) for x in reversed(error["loc"]) if isinstance(x, str)), "value")
    if kind == "missing":
        return f"missing required field {field!r}", f"add '{field}:' here"
    if kind == "extra_forbidden":
        return f"unknown field {field!r}", "remove it or fix its spelling (see docs/story-format.md)"
    if kind == "literal_error":
        return f"{field}: {msg}", "use one of the allowed names"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        got = type(error.get("input")).__name__
        return f"{field}: {msg} (got {got})", "fix the value's type"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        ctx = error.get("ctx", {})
        bound = next(iter(ctx.values()), "?")
        side = "below the minimum" if kind.startswith("greater") else "above the maximum"
        return (f"{field} {error.get('input')!r} is {side} {bound}",
                "use a value within the allowed range (see docs/story-format.md)")
    if kind in ("too_short", "too_long"):
        return f"{field}: {msg}", "change the number of entries to fit the limit"
    if msg.startswith(field):
        return msg, "see docs/story-format.md for this field"
    return f"{field}: {msg}", "see docs/story-format.md for this field"


def parse_story(text: str, source: str = "<story>") -> Story:
    """Validate YAML text as a story; raise :class:`StoryError` at the first problem."""
    data, marks = read_yaml(text, source)
    if not isinstance(data, dict):
        raise StoryError(source, 1, 1, f"a story is a YAML mapping, not a {type(data).__name__}",
                         "start from docs/story-format.md")
    try:
        story = Story.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(first["loc"])
        # pydantic adds union/model tags to loc for nested models; keep only real keys
        loc = tuple(x for x in loc if isinstance(x, int) or x in _keys_at(data, loc))
        line, col = locate(marks, loc)
        problem, fix = _describe(first)
        raise StoryError(source, line, col, problem, fix) from None
    problems = check_story(story)
    if problems:
        path, problem, fix = problems[0]
        line, col = locate(marks, path)
        raise StoryError(source, line, col, problem, fix)
    return story


def _keys_at(data, loc: tuple) -> set:
    """Every mapping key along ``loc`` (to drop pydantic's internal loc entries)."""
    keys: set = set()
    node = data
    for part in loc:
        if isinstance(node, dict):
            keys |= set(node)
            node = node.get(part) if part in node else node
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
    return keys


def load_story(story: str | Path) -> Story:
    """Load a shipped story by name (``"the-orchard-letter"``) or a story file by path."""
    if isinstance(story, Story):
        return story
    path = Path(story)
    text_name = str(story)
    if not path.suffix and not path.exists() and "/" not in text_name:
        candidate = LIBRARY / f"{text_name}.yaml"
        if not candidate.exists():
            names = ", ".join(shipped_story_names()) or "none"
            raise StoryError(text_name, None, None, "no shipped story by that name",
                             f"use one of: {names}; or give a path to a .yaml file")
        path = candidate
    text = read_text(path)
    return parse_story(text, str(path))
