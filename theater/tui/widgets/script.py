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
        self._to_end()

    def _rewrite(self) -> None:
        self.clear()
        for renderable in self._entries:
            self.write(renderable)
        self.refresh()
        self._to_end()

    def _to_end(self) -> None:
        """Show the latest beat once the new lines are laid out."""
        self.call_after_refresh(self.scroll_end, animate=False, immediate=True)

    def on_resize(self, event: Resize) -> None:
        # RichLog's own handler renders the writes it deferred until the width was known;
        # after that, a new width re-wraps everything.
        width = event.size.width
        rewrap = bool(self._width) and width != self._width and bool(self._entries)
        self._width = width
        if rewrap:
            self.call_after_refresh(self._rewrite)
        else:
            self._to_end()

    @staticmethod
    def render_entry(entry: ScriptEntry) -> RenderableType:
        parts: list[RenderableType] = []
        if entry.heading:
            parts.append(Padding(Text(entry.heading, style="bold underline"), (1, 0, 0, 0)))
        if entry.narrator:
            parts.append(Text(entry.direction, style="italic yellow"))
            return Group(*parts)
        parts.append(Text.assemble(("▸ " if entry.mine else "", "bold green"),
                                   (entry.direction, "italic dim")))
        if entry.speaker:
            name = Text(entry.speaker.upper(), style="bold cyan")
            if entry.parenthetical:
                name.append(f" ({entry.parenthetical})", style="magenta")
            parts.append(Padding(name, (0, 0, 0, 8)))
            parts.append(Padding(Text(entry.text), (0, 4, 0, 4)))
        return Group(*parts)
