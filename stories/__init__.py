"""Story content: the format, the shipped dramas, the generator, importers and exporters.

>>> from stories import load_story
>>> story = load_story("the-orchard-letter")
"""

from stories.errors import DramaError, ModelError, SaveError, StoryError, UsageError
from stories.loader import load_story, parse_story, shipped_story_names
from stories.schema import Story
from stories.verbs import default_verbs, story_verbs

__all__ = ["DramaError", "ModelError", "SaveError", "Story", "StoryError", "UsageError",
           "default_verbs", "load_story", "parse_story", "shipped_story_names", "story_verbs"]
