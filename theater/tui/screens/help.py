"""The help screen: every key binding of the screen beneath, and of the app."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from theater.tui.screens._close import close

ABOUT = ("As a character you choose your own beats and the others are played by the AI; as "
         "director you choose every beat, for anyone; as audience the drama plays itself at "
         "the pace you set. Undo or rewind (branches) and choose again: every branch is kept, "
         "with its audience score. Rate a branch up or down to teach the audience model.")


class HelpScreen(ModalScreen[None]):
    """Key bindings of ``screen`` (and of the app), generated from their ``BINDINGS``."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.target = screen

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        seen = set()
        for keys, description in getattr(self.target, "HELP_EXTRA", ()):
            table.add_row(keys, description)
        for source in (self.target, self.app):
            for binding in getattr(source, "BINDINGS", []):
                if not isinstance(binding, Binding):
                    binding = Binding(*binding)
                description = binding.description
                if not description:
                    continue
                keys = ", ".join(self.app.get_key_display(Binding(k.strip(), binding.action))
                                 for k in binding.key.split(","))
                if (keys, description) in seen:
                    continue
                seen.add((keys, description))
                table.add_row(keys, description)
        return table

    def compose(self) -> ComposeResult:
        name = type(self.target).__name__.replace("Screen", "").lower() or "app"
        with Vertical(classes="dialog help"):
            yield Label(Text(f"Keys — {name}", style="bold"), classes="dialog-title")
            with VerticalScroll():
                yield Static(self._table(), id="keys")
                yield Static(Text(ABOUT, style="dim"), id="about")

    def action_close(self) -> None:
        close(self, None)
