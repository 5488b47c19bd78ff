"""Small modal dialogs: an error, choosing a role, a file path (save / load), exporting."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from stories.errors import DramaError
from theater.tui.screens._close import close
from theater.tui.session import AUDIENCE, DIRECTOR
from theater.tui.tree import EXPORT_FORMATS


class ErrorScreen(ModalScreen[None]):
    """A problem the player can fix, in words (never a traceback)."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Static(Text(self.message), id="error-message")
            with Horizontal(classes="buttons"):
                yield Button("OK", variant="error", id="ok")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        close(self, None)

    def action_close(self) -> None:
        close(self, None)


class RoleScreen(ModalScreen[str | None]):
    """Choose who to be: one of the cast, the director or the audience."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, story) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        options = []
        for member in self.story.cast:
            prompt = Text(f"Play {member.name}", style="bold")
            if member.description:
                prompt.append(f" — {member.description}", style="dim")
            options.append(Option(prompt, id=member.id))
        options.append(Option(Text.assemble(("Direct", "bold"), (
            " — choose every beat, for anyone", "dim")), id=DIRECTOR))
        options.append(Option(Text.assemble(("Watch", "bold"), (
            " — the audience: it plays itself at your pace", "dim")), id=AUDIENCE))
        with Vertical(classes="dialog"):
            yield Label(Text(f"{self.story.title}: who are you?", style="bold"),
                        classes="dialog-title")
            yield OptionList(*options, id="roles")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        close(self, event.option.id)

    def action_cancel(self) -> None:
        close(self, None)


class PathScreen(ModalScreen[str | None]):
    """Ask for a file path (to save or load a game)."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, default: str, button: str) -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        self.button = button

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Input(self.default, placeholder="path/to/file.json", id="path")
            with Horizontal(classes="buttons"):
                yield Button(self.button, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._finish(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._finish(self.query_one(Input).value)
        else:
            close(self, None)

    def _finish(self, value: str) -> None:
        value = value.strip()
        if not value:
            self.notify("Give a file name", severity="warning")
            return
        close(self, value)

    def action_cancel(self) -> None:
        close(self, None)


class ExportScreen(ModalScreen[str | None]):
    """Export the explored branches to Ink, Twee, HTML or Fountain."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, session, folder: Path | None = None) -> None:
        super().__init__()
        self.session = session
        self.folder = folder or Path.cwd()
        self.format = "ink"

    def _default_path(self, fmt: str) -> str:
        return str(self.folder / f"{self.session.story.id}{EXPORT_FORMATS[fmt]}")

    def compose(self) -> ComposeResult:
        branches = len(self.session.leaves())
        with Vertical(classes="dialog"):
            yield Label(Text(f"Export {branches} explored branch{'es' if branches != 1 else ''}",
                             style="bold"), classes="dialog-title")
            with RadioSet(id="formats"):
                for k, fmt in enumerate(EXPORT_FORMATS):
                    yield RadioButton({"html": "HTML"}.get(fmt, fmt.title()), value=k == 0,
                                      name=fmt)
            yield Input(self._default_path("ink"), id="path")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        fmt = event.pressed.name or "ink"
        path = self.query_one("#path", Input)
        if path.value.strip() in ("", self._default_path(self.format)):
            path.value = self._default_path(fmt)
        self.format = fmt

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.export(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.export(self.query_one("#path", Input).value)
        else:
            close(self, None)

    def export(self, path: str) -> None:
        from theater.tui.tree import export_session

        path = path.strip()
        if not path:
            self.notify("Give a file name", severity="warning")
            return
        try:
            export_session(self.session, self.format, Path(path).expanduser())
        except ImportError as error:
            self.notify(f"Exporting needs stories.export, which is not available in this "
                        f"release ({error})", title="Cannot export", severity="error", timeout=8)
            return
        except (DramaError, OSError, ValueError) as error:
            self.notify(str(error), title="Cannot export", severity="error", timeout=8)
            return
        self.notify(f"Exported to {path}", title="Exported")
        close(self, path)

    def action_cancel(self) -> None:
        close(self, None)
