"""The play screen: the script as it happens, the player's choices, and the side panels.

The screen drives a :class:`theater.tui.session.Session`: it asks whose turn it is, shows the
player's choices, and runs the AI's turns (and the narrator's lines) in a thread worker, one
beat at a time, so the interface never freezes. While a turn is being played the session is
not touched from the interface (``busy``).
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static

from stories.errors import DramaError
from theater.tui.messages import BeatPlayed, LineWritten, TurnFailed
from theater.tui.session import AUDIENCE, DIRECTOR, NARRATOR, Beat, Session
from theater.tui.widgets import (CastPanel, ChoiceList, RelationsPanel, ScorePanel, ScriptLog,
                                 SecretsPanel, TensionPanel)
from theater.tui.widgets.script import ScriptEntry

PACES = (0.25, 0.5, 1.0, 2.0, 4.0)   # seconds per beat as audience
DEFAULT_PACE = 1.0


class PlayScreen(Screen):
    """Playing one session; see the module docstring."""

    CSS_PATH = "play.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (86, "-wide"), (150, "-very-wide")]
    HELP_EXTRA = [("1–9", "choose that beat (or ↑ ↓ Enter, or click)")]
    BINDINGS = [
        *[Binding(str(k), f"choose({k})", show=False) for k in range(1, 10)],
        Binding("u", "undo", "Undo"),
        Binding("b", "branches", "Branches"),
        Binding("plus,equals_sign", "rate(1)", "Rate +"),
        Binding("minus", "rate(-1)", "Rate −"),
        Binding("space", "pause", "Pause/play (audience)"),
        Binding("full_stop", "step", "Step (audience)", show=False),
        Binding("left_square_bracket", "pace(1)", "Slower (audience)", show=False),
        Binding("right_square_bracket", "pace(-1)", "Faster (audience)", show=False),
        Binding("s", "save", "Save"),
        Binding("l", "load", "Load", show=False),
        Binding("e", "export", "Export"),
        Binding("p", "panels", "Panels", show=False),
        Binding("escape", "menu", "Menu", show=False),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, session: Session, pace: float = DEFAULT_PACE,
                 ratings: Path | None = None, folder: Path | None = None) -> None:
        super().__init__()
        self.session = session
        self.pace = pace
        self.ratings = ratings
        self.folder = folder or Path.cwd()
        self.busy = False
        self.paused = False
        self._timer: Timer | None = None
        self._ending_shown: str | None = None
        self._place: str | None = None

    # --- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="stage"):
            with Vertical(id="main"):
                yield ScriptLog(id="script")
                yield Static(id="live-line")
                yield Static(id="status")
                yield ChoiceList(id="choices")
            with VerticalScroll(id="side"):
                yield CastPanel(id="cast", classes="panel")
                yield RelationsPanel(id="relations", classes="panel")
                yield TensionPanel(id="tension", classes="panel")
                yield SecretsPanel(id="secrets", classes="panel")
                yield ScorePanel(id="score", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        s = self.session
        self.title = s.story.title
        self.set_class(s.role.kind == AUDIENCE, "-audience")
        for panel, title in (("cast", "Cast"), ("relations", "Relationships"),
                             ("tension", "Tension"), ("secrets", "Secrets"),
                             ("score", "Audience")):
            self.query_one(f"#{panel}").border_title = title
        s.on_line = lambda line: self.post_message(LineWritten(line))  # from the worker
        self.rebuild()
        if s.role.kind == AUDIENCE:
            self._timer = self.set_interval(self.pace, self._tick)
        self.proceed()

    # --- drawing ---------------------------------------------------------------------------
    def _entry(self, beat: Beat, previous_place: str | None) -> ScriptEntry:
        story = self.session.story
        line = beat.line
        heading = None
        if line.place and line.place != previous_place:
            place = story.places[self.session.compiled.place_ids.index(line.place)]
            heading = (f"{'INT.' if place.interior else 'EXT.'} {place.name.upper()} — "
                       f"BEAT {line.step}")
        narrator = beat.event is not None and beat.event.is_narrator
        return ScriptEntry(heading, line.direction, line.speaker_name, line.parenthetical,
                           line.text, narrator, beat.chooser == "player", beat.label)

    def _title(self) -> Group:
        s = self.session
        story = s.story
        return Group(Text(story.title.upper(), style="bold", justify="center"),
                     Text(f"{story.genre} · seed {s.seed} · {s.role.describe(s.compiled)}",
                          style="dim", justify="center"),
                     Text(story.premise, style="italic", justify="center"))

    def rebuild(self) -> None:
        """Redraw the script from the opening to the current beat, and the panels."""
        entries, place = [], None
        for beat in self.session.path()[1:]:
            entry = self._entry(beat, place)
            place = beat.line.place or place
            entries.append(entry)
        self._place = place
        self.query_one(ScriptLog).show(entries, self._title())
        self.refresh_panels()

    def add_beat(self, beat: Beat) -> None:
        entry = self._entry(beat, self._place)
        self._place = beat.line.place or self._place
        self.query_one(ScriptLog).add(entry)

    def refresh_panels(self) -> None:
        s = self.session
        self.query_one(CastPanel).show(s.cast_view())
        self.query_one(RelationsPanel).show([m.name for m in s.story.cast],
                                            s.relations_view("affection"),
                                            s.relations_view("trust"))
        self.query_one(TensionPanel).show(*s.tension_view())
        whose = s.story.cast[s.role.character].name if s.role.kind == "character" else None
        self.query_one(SecretsPanel).show(s.secrets_view(), whose)
        beat = s.beat
        self.query_one(ScorePanel).show(beat.score, beat.total, beat.depth,
                                        beat.reward if beat.depth else None)
        self.sub_title = (f"{s.role.describe(s.compiled)} · beat {s.state.step}/"
                          f"{s.compiled.length} · seed {s.seed}")

    def set_status(self, text: str, style: str = "") -> None:
        self.query_one("#status", Static).update(Text(text, style=style))

    # --- the game loop ---------------------------------------------------------------------
    def proceed(self) -> None:
        """Show the player's choices, or play the AI's next turn, or the ending."""
        if self.busy:
            return
        s = self.session
        choices = self.query_one(ChoiceList)
        self.set_class(s.over, "-over")
        if s.over:
            choices.set_choices([])
            self.set_status(self._over_text(), "bold magenta")
            if self._ending_shown != s.current:
                self._ending_shown = s.current
                self.show_ending()
            return
        if s.waiting_for_player():
            options = s.choices()
            choices.set_choices(options)
            if s.role.kind == DIRECTOR:
                self.set_status(f"Direct the next beat: {len(options)} open, strongest first",
                                "bold green")
            else:
                name = s.story.cast[s.role.character].name
                self.set_status(f"Your turn, {name}: choose with 1–9 or click", "bold green")
            choices.focus()
            return
        choices.set_choices([])
        if s.role.kind == AUDIENCE:
            self.set_status(self._audience_text(), "dim")
            return
        gone = ""
        if s.role.kind == "character" and s.state.status[s.role.character] != 0:
            gone = ("has died", "has left")[int(s.state.status[s.role.character]) == 1]
        self.play_turn()
        if gone:
            self.set_status(f"{s.story.cast[s.role.character].name} {gone} — the others play on",
                            "italic")

    def _audience_text(self) -> str:
        state = "paused — . steps, space plays" if self.paused else f"a beat every {self.pace:g} s"
        return f"Watching: {state} · [ slower · ] faster"

    def _over_text(self) -> str:
        ending = self.session.ending
        if ending is not None:
            return f"THE END — {ending.title}. u undoes, b rewinds to any beat."
        return "CURTAIN — no ending. u undoes, b rewinds to any beat."

    def play_turn(self) -> None:
        """Play the AI's next turn in a worker."""
        if self.busy or self.session.over:
            return
        self.busy = True
        who = self.session.next_actor()
        if who is not None:
            name = "The narrator" if who == NARRATOR else self.session.story.cast[who].name
            self.set_status(f"{name} is thinking…", "italic")
        self._ai_turn()

    @work(thread=True, group="drama", exit_on_error=False)
    def _ai_turn(self) -> None:
        try:
            beat = self.session.advance()
        except Exception as error:  # an agent or narrator failed: say so, never crash
            self.post_message(TurnFailed(f"{type(error).__name__}: {error}"))
            return
        self.post_message(BeatPlayed(beat.id if beat else None))

    def on_line_written(self, message: LineWritten) -> None:
        """Show the line the narrator is writing, below the script, until its beat lands."""
        if not self.busy:
            return
        line = message.line
        entry = ScriptEntry(None, line.direction, line.speaker_name, line.parenthetical,
                            line.text + "▌", False, False, "")
        self.query_one("#live-line", Static).update(ScriptLog.render_entry(entry))
        self.add_class("-writing")

    def _line_done(self) -> None:
        self.remove_class("-writing")
        self.query_one("#live-line", Static).update("")

    def on_beat_played(self, message: BeatPlayed) -> None:
        self._line_done()
        self.busy = False
        if message.beat_id is not None:
            self.add_beat(self.session.beats[message.beat_id])
        self.refresh_panels()
        self.proceed()

    def on_turn_failed(self, message: TurnFailed) -> None:
        self._line_done()
        self.busy = False
        self.paused = True
        self.notify(message.error, title="A turn failed", severity="error", timeout=10)
        if self.session.waiting_for_player():
            self.proceed()                 # the player may choose again
        self.set_status("The drama stopped: " + message.error, "bold red")

    def _tick(self) -> None:
        if not self.paused and not self.busy and not self.session.over \
                and self.app.screen is self:
            self.play_turn()

    def show_ending(self) -> None:
        from theater.tui.screens.ending import EndingScreen

        self.app.push_screen(EndingScreen(self), self._after_ending)

    def _after_ending(self, result: str | None) -> None:
        if result == "undo":
            self.action_undo()
        elif result == "branches":
            self.action_branches()
        elif result == "new":
            self.action_menu()

    # --- the player's actions --------------------------------------------------------------
    def _idle(self) -> bool:
        """True when the session may be touched now; says why not otherwise."""
        if self.busy:
            self.notify("A beat is being played — a moment…", timeout=2)
            return False
        return True

    def on_choice_list_chosen(self, message: ChoiceList.Chosen) -> None:
        message.stop()
        if not self._idle() or not self.session.waiting_for_player():
            return
        self.busy = True
        self.query_one(ChoiceList).set_choices([])
        self._player_turn(message.action)

    @work(thread=True, group="drama", exit_on_error=False)
    def _player_turn(self, action: int) -> None:
        """Play the player's choice (the narrator's line may take a while: an LM)."""
        try:
            beat = self.session.choose(action)
        except Exception as error:
            self.post_message(TurnFailed(f"{type(error).__name__}: {error}"))
            return
        self.post_message(BeatPlayed(beat.id))

    def action_choose(self, number: int) -> None:
        if self.busy or not self.session.waiting_for_player():
            return
        self.query_one(ChoiceList).choose_number(number)

    def action_undo(self) -> None:
        if not self._idle():
            return
        try:
            self.session.undo()
        except DramaError as error:
            self.notify(str(error), severity="warning")
            return
        if self.session.role.kind == AUDIENCE:
            self.paused = True
        self._ending_shown = None
        self.rebuild()
        self.proceed()

    def action_branches(self) -> None:
        if not self._idle():
            return
        from theater.tui.screens.branches import BranchesScreen

        self.app.push_screen(BranchesScreen(self.session), self._rewind)

    def _rewind(self, beat_id: str | None) -> None:
        if beat_id is None or not self._idle():
            return
        self.session.rewind(beat_id)
        if self.session.role.kind == AUDIENCE:
            self.paused = True
        self._ending_shown = None
        self.rebuild()
        self.notify(f"Rewound to beat {self.session.beat.depth}", timeout=2)
        self.proceed()

    def action_rate(self, value: int) -> None:
        if not self._idle():
            return
        if self.session.beat.depth == 0:
            self.notify("Nothing to rate yet — play a beat first", severity="warning")
            return
        try:
            rating = self.session.rate(value, self.ratings)
        except DramaError as error:
            self.notify(str(error), title="Cannot rate", severity="error", timeout=8)
            return
        from stories.ratings import default_ratings_path

        where = self.ratings or default_ratings_path()
        self.notify(f"Rated this branch of {len(rating.branch)} beats "
                    f"{'up' if value > 0 else 'down'} — saved to {where}", title="Rated")

    def action_pause(self) -> None:
        if self.session.role.kind != AUDIENCE:
            return
        self.paused = not self.paused
        if not self.busy and not self.session.over:
            self.set_status(self._audience_text(), "dim")

    def action_step(self) -> None:
        if self.session.role.kind != AUDIENCE:
            return
        self.paused = True
        self.play_turn()

    def action_pace(self, direction: int) -> None:
        if self.session.role.kind != AUDIENCE:
            return
        k = min(range(len(PACES)), key=lambda i: abs(PACES[i] - self.pace))
        self.pace = PACES[max(0, min(len(PACES) - 1, k + direction))]
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_interval(self.pace, self._tick)
        if not self.busy and not self.session.over:
            self.set_status(self._audience_text(), "dim")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("pause", "step", "pace"):
            return self.session.role.kind == AUDIENCE
        return True

    def action_save(self) -> None:
        if not self._idle():
            return
        from theater.tui.screens.dialogs import PathScreen

        s = self.session
        default = self.folder / f"{s.story.id}-seed{s.seed}.save.json"
        self.app.push_screen(PathScreen("Save the game to", str(default), "Save"), self._save)

    def _save(self, path: str | None) -> None:
        if path is None or not self._idle():
            return
        try:
            written = self.session.save(Path(path))
        except DramaError as error:
            self.notify(str(error), title="Cannot save", severity="error", timeout=8)
            return
        self.notify(f"Saved {len(self.session.beats) - 1} beats to {written}", title="Saved")

    def action_load(self) -> None:
        self.app.action_load()

    def action_export(self) -> None:
        if not self._idle():
            return
        from theater.tui.screens.dialogs import ExportScreen

        self.app.push_screen(ExportScreen(self.session, self.folder))

    def action_panels(self) -> None:
        """Hide the side panels (wide screens) or show them instead of the script (narrow)."""
        self.toggle_class("-alt")

    def action_menu(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.app.action_menu()
