"""The ending screen: the ending's name and text, the tension arc against the target, and the
statistics of the branch played."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from theater.tui.screens._close import close
from theater.tui.widgets.panels import spark


class EndingScreen(Screen):
    """Shown when a drama ends. Its actions act on the play screen beneath (``play``)."""

    CSS_PATH = "ending.tcss"
    BINDINGS = [
        Binding("plus,equals_sign", "rate(1)", "Rate +"),
        Binding("minus", "rate(-1)", "Rate −"),
        Binding("u", "undo", "Undo"),
        Binding("b", "branches", "Branches"),
        Binding("e", "export", "Export"),
        Binding("s", "save", "Save"),
        Binding("escape", "back", "Script"),
        Binding("n", "new", "New drama"),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, play) -> None:
        super().__init__()
        self.play = play
        self.session = play.session

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="ending"):
            yield Static(self._title(), id="ending-title")
            yield Static(self._arc(), id="ending-arc")
            yield Static(self._stats(), id="ending-stats")
            with Horizontal(id="ending-buttons"):
                yield Button("Rate +", id="rate-up", variant="success")
                yield Button("Rate −", id="rate-down", variant="error")
                yield Button("Branches", id="branches")
                yield Button("Export", id="export")
                yield Button("New drama", id="new", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        s = self.session
        self.title = s.story.title
        self.sub_title = f"{s.role.describe(s.compiled)} · seed {s.seed}"

    def _title(self) -> Group:
        s = self.session
        ending = s.ending
        if ending is not None:
            head = Text(f"THE END — {ending.title}", style="bold magenta", justify="center")
            tone = Text(ending.tone, style="italic", justify="center")
            body = Text(ending.text or "", style="italic", justify="center")
            return Group(head, tone, body)
        why = "nobody could act" if s.stuck else f"the story ran its {s.state.step} beats"
        return Group(Text("CURTAIN", style="bold magenta", justify="center"),
                     Text(f"No ending was reached: {why}.", style="italic", justify="center"))

    def _arc(self) -> Group:
        tension, target = self.session.tension_view()
        width = max(10, min(80, (self.size.width or 80) - 16))
        done = max(1, round(width * len(tension) / max(1, len(target))))
        return Group(Text.assemble(("tension  ", "bold"), (spark(tension, done), "red")),
                     Text.assemble(("target   ", "bold"), (spark(target, width), "dim")))

    def _stats(self) -> Table:
        st = self.session.stats()
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", justify="right")
        table.add_column()
        verbs = ", ".join(f"{v} ×{n}" for v, n in st.top_verbs) or "—"
        for key, value in (("beats", str(st.beats)), ("your choices", str(st.player_choices)),
                           ("narrator events", str(st.narrator_events)),
                           ("audience score", f"{st.score:.2f}  (Σ {st.total_reward:+.2f})"),
                           ("peak tension", f"{st.peak_tension:.2f}"),
                           ("off the target arc", f"{st.arc_error:.2f} on average"),
                           ("secrets learned", str(st.secrets_learned)),
                           ("deaths · departures", f"{st.deaths} · {st.departures}"),
                           ("commonest beats", verbs),
                           ("branches explored", f"{st.branches} ({st.nodes} beats in all)")):
            table.add_row(key, value)
        return table

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        action = {"rate-up": lambda: self.action_rate(1), "rate-down": lambda: self.action_rate(-1),
                  "branches": self.action_branches, "export": self.action_export,
                  "new": self.action_new}[event.button.id]
        action()

    def action_rate(self, value: int) -> None:
        self.play.action_rate(value)

    def action_export(self) -> None:
        self.play.action_export()

    def action_save(self) -> None:
        self.play.action_save()

    def action_back(self) -> None:
        close(self, "back")

    def action_undo(self) -> None:
        close(self, "undo")

    def action_branches(self) -> None:
        close(self, "branches")

    def action_new(self) -> None:
        close(self, "new")
