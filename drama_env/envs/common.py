"""Small pieces shared by the environments."""

from __future__ import annotations

from drama_env.compiled import CompiledStory
from stories import Story, load_story

ILLEGAL_PENALTY = 1.0  # reward of an action that is not legal (no beat is played)


def compile_story(story: "str | Story | CompiledStory") -> CompiledStory:
    """A shipped name, a path, a ``Story`` or a ``CompiledStory`` → ``CompiledStory``."""
    if isinstance(story, CompiledStory):
        return story
    return CompiledStory(story if isinstance(story, Story) else load_story(story))
