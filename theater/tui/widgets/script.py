"""``ScriptLog``: the script so far as a scrolling, styled log (scene headings, stage
directions, character names, parentheticals and dialogue)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual.events import Resize
from textual.widgets import RichLog


@dataclass(frozen=True)
class ScriptEntry:
    """What the log shows of one beat (built by the screen from a session beat)."""

    heading: str | None            # a scene heading when the place changes, else None
    direction: str
    speaker: str | None = None     # the speaker's name
    parenthetical: str = ""
    text: str = ""
    narrator: bool = False
    mine: bool = False             # chosen by the player
    label: str = ""                # the beat, e.g. "Elena accuses Tomas"


class ScriptLog(RichLog):
    """A ``RichLog`` of :class:`ScriptEntry` items that re-wraps them when its width changes."""

    DEFAULT_CSS = """
    ScriptLog { scrollbar-size-vertical: 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(wrap=True, markup=False, highlight=False, auto_scroll=True, min_width=20,
                         **kwargs)
        self._entries: list[RenderableType] = []
        self._width = 0

    def show(self, entries: list[ScriptEntry], title: RenderableType | None = None) -> None:
        """Replace the log with ``entries`` (after a rewind, a load or a resize)."""
        self._entries = ([title] if title is not None else []) + [self.render_entry(e)
                                                                  for e in entries]
        self._rewrite()

    def add(self, entry: ScriptEntry) -> None:
        renderable = self.render_entry(entry)
        self._entries.append(renderable)
        self.write(renderable)

    def note(self, text: str, style: str = "bold") -> None:
        renderable = Padding(Text(text, style=style, justify="center"), (1, 0, 0, 0))
        self._entries.append(renderable)
        self.write(renderable)

    def _rewrite(self) -> None:
        self.clear()
        for renderable in self._entries:
            self.write(renderable)

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            if self._entries:
                self.call_after_refresh(self._rewrite)

    @staticmethod
    def render_entry(entry: ScriptEntry) -> RenderableType:
        parts: list[RenderableType] = []
        if entry.heading:
            parts.append(Padding(Text(entry.heading, style="bold underline"), (1, 0, 0, 0)))
        if entry.narrator:
            parts.append(Text(entry.direction, style="italic yellow"))
            return Group(*parts)
        mark = Text("▸ " if entry.mine else "", style="bold green")
        parts.append(mark + Text(entry.direction, style="italic dim"))
        if entry.speaker:
            name = Text(entry.speaker.upper(), style="bold cyan")
            if entry.parenthetical:
                name.append(f" ({entry.parenthetical})", style="magenta")
            parts.append(Padding(name, (0, 0, 0, 8)))
            parts.append(Padding(Text(entry.text), (0, 4, 0, 4)))
        return Group(*parts)
