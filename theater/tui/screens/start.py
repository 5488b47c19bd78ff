"""The start screen: the shipped dramas (title, genre, cast, premise), generating a new
drama from a seed, and loading a saved game."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option


class StartScreen(Screen):
    """Pick a drama. Choosing one asks the app to open it (``app.open_story``)."""

    CSS_PATH = "start.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (86, "-wide")]
    BINDINGS = [
        Binding("g", "focus('#seed')", "Generate"),
        Binding("l", "focus('#load-path')", "Load"),
        Binding("d", "focus('#stories')", "Dramas", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, summaries: list[dict], seed: int = 0) -> None:
        super().__init__()
        self.summaries = summaries
        self.seed = seed

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="library"):
            yield OptionList(*[self._option(s) for s in self.summaries], id="stories")
            yield Static(id="details")
        with Horizontal(id="actions"):
            with Vertical(classes="action"):
                yield Label("Generate a new drama from a seed")
                with Horizontal(classes="row"):
                    yield Input(str(self.seed), type="integer", id="seed")
                    yield Button("Generate", id="generate", variant="primary")
            with Vertical(classes="action"):
                yield Label("Load a saved game")
                with Horizontal(classes="row"):
                    yield Input(placeholder="path/to/game.save.json", id="load-path")
                    yield Button("Load", id="load")
        yield Footer()

    @staticmethod
    def _option(summary: dict) -> Option:
        prompt = Text(summary["title"], style="bold")
        prompt.append(f"\n{summary['genre']} · {len(summary['cast'])} characters", style="dim")
        return Option(prompt, id=summary["name"])

    def on_mount(self) -> None:
        self.title = "drama-sim"
        self.sub_title = "choose a drama"
        stories = self.query_one("#stories", OptionList)
        stories.focus()
        if self.summaries:
            stories.highlighted = 0
            self._show(0)

    def _show(self, index: int) -> None:
        if not 0 <= index < len(self.summaries):
            return
        s = self.summaries[index]
        details = Group(
            Text(s["title"], style="bold"),
            Text(f"{s['genre']} · {s['length']} beats · {len(s['endings'])} endings", style="dim"),
            Text(""),
            Text(s["premise"], style="italic"),
            Text(""),
            Text.assemble(("Cast: ", "bold"), ", ".join(s["cast"])),
            Text.assemble(("Places: ", "bold"), ", ".join(s["places"])),
            Text(""),
            Text("Enter to play · ? for help", style="dim"),
        )
        self.query_one("#details", Static).update(details)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.app.open_story(story=event.option.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "generate":
            self._generate()
        elif event.button.id == "load":
            self._load()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "seed":
            self._generate()
        else:
            self._load()

    def _generate(self) -> None:
        text = self.query_one("#seed", Input).value.strip()
        try:
            seed = int(text)
        except ValueError:
            self.notify(f"{text!r} is not a whole number — give a seed like 7",
                        severity="warning")
            return
        self.app.open_story(generated=seed)

    def _load(self) -> None:
        path = self.query_one("#load-path", Input).value.strip()
        if not path:
            self.notify("Give the path of a saved game", severity="warning")
            return
        self.app.load_game(path)
