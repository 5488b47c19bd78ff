"""The template narrator (it lives in ``drama_env.narration`` so that environments can render
with it; this is its home in the narrator family)."""

from drama_env.lines import Line
from drama_env.narration import TemplateNarrator

__all__ = ["Line", "TemplateNarrator"]
