"""Custom messages of the drama app (posted by workers and widgets, handled by screens)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from drama_env.lines import Line
    from stories.schema import Story
    from theater.tui.session import Session, StorySource


class BeatPlayed(Message):
    """An AI turn finished: ``beat_id`` is the new beat, or None when it only passed."""

    def __init__(self, beat_id: str | None) -> None:
        super().__init__()
        self.beat_id = beat_id


class LineWritten(Message):
    """The narrator's line of the beat being played, as written so far (streamed from a
    worker while an LM samples it)."""

    def __init__(self, line: "Line") -> None:
        super().__init__()
        self.line = line


class TurnFailed(Message):
    """An AI turn (or a line from the narrator) failed; ``error`` says why."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class StoryOpened(Message):
    """A story was loaded or generated and waits for a role."""

    def __init__(self, story: "Story", source: "StorySource") -> None:
        super().__init__()
        self.story = story
        self.source = source


class SessionReady(Message):
    """A session (new or loaded) is ready to be played."""

    def __init__(self, session: "Session", notice: str = "") -> None:
        super().__init__()
        self.session = session
        self.notice = notice


class OpenFailed(Message):
    """Opening a story, a save or a model failed; ``error`` names the problem."""

    def __init__(self, title: str, error: str) -> None:
        super().__init__()
        self.title = title
        self.error = error
