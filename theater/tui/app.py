"""``DramaApp``: the Textual app of ``drama play``, and :func:`make_app`, its factory.

The app is a thin client over the library: it opens stories and saves (in thread workers, as
the first compile of a story can take a moment), asks for a role, and hands a
:class:`theater.tui.session.Session` to the :class:`PlayScreen`. Problems a player can fix (an
unknown story, a corrupt or future-version save, a missing model) become an error screen or a
notification, never a traceback.

>>> app = make_app("the-orchard-letter", seed=0, role="elena")   # doctest: +SKIP
>>> app.run()                                                     # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding

from stories.errors import DramaError
from theater.tui.messages import OpenFailed, SessionReady, StoryOpened
from theater.tui.screens import (ErrorScreen, HelpScreen, PathScreen, PlayScreen, RoleScreen,
                                 StartScreen)
from theater.tui.session import AUDIENCE, DIRECTOR, Role, Session, StorySource, open_story


@dataclass
class PlayOptions:
    """Everything ``drama play`` passes to the app (see :func:`make_app`)."""

    story: str | None = None
    generated: int | None = None
    seed: int = 0
    role: str | None = None
    narrator: str = "template"
    agent: str = "heuristic"
    ratings: Path | None = None
    load: str | None = None
    pace: float = 1.0
    folder: Path | None = None
    session: Session | None = None


class DramaApp(App):
    """The drama player; see the module docstring."""

    CSS_PATH = "app.tcss"
    TITLE = "drama-sim"
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", show=False),
    ]

    def __init__(self, options: PlayOptions) -> None:
        super().__init__()
        self.options = options

    # --- starting ----------------------------------------------------------------------------
    def on_mount(self) -> None:
        from theater.commands.stories import summaries

        o = self.options
        self._summaries = summaries()
        self.push_screen(StartScreen(self._summaries, seed=o.generated or 0))
        if o.session is not None:
            self.post_message(SessionReady(o.session))
        elif o.load:
            self.load_game(o.load)
        elif o.story or o.generated is not None:
            self.open_story(story=o.story, generated=o.generated, role=o.role)

    # --- opening stories and saves (workers) -------------------------------------------------
    @work(thread=True, group="open", exclusive=True, exit_on_error=False)
    def open_story(self, story: str | None = None, generated: int | None = None,
                   role: str | None = None) -> None:
        """Load or generate a story; then ask for a role (unless given) and start."""
        try:
            loaded, source = open_story(story, generated)
        except DramaError as error:
            what = f"drama from seed {generated}" if generated is not None else repr(story)
            self.post_message(OpenFailed(f"Cannot open {what}", str(error)))
            return
        if role is not None:
            self._begin(loaded, source, role)
        else:
            self.post_message(StoryOpened(loaded, source))

    def on_story_opened(self, message: StoryOpened) -> None:
        def chosen(role: str | None) -> None:
            if role is not None:
                self.begin(message.story, message.source, role)

        preset = (self.options.role or "").strip().lower()
        names = {n for m in message.story.cast for n in (m.id.lower(), m.name.lower())}
        if preset and (preset in (DIRECTOR, AUDIENCE) or preset in names):
            chosen(preset)           # --as fits this drama: no need to ask
            return
        self.push_screen(RoleScreen(message.story), chosen)

    @work(thread=True, group="open", exclusive=True, exit_on_error=False)
    def begin(self, story, source: StorySource, role: str) -> None:
        """Compile ``story`` and start a session as ``role``."""
        self._begin(story, source, role)

    def _begin(self, story, source: StorySource, role: str) -> None:
        from drama_env.compiled import CompiledStory

        o = self.options
        try:
            compiled = CompiledStory(story)
            session = Session(compiled, o.seed, Role.parse(role, compiled), source=source,
                              agent_name=o.agent, narrator_name=o.narrator)
        except DramaError as error:
            self.post_message(OpenFailed(f"Cannot start {story.title}", str(error)))
            return
        self.post_message(SessionReady(session))

    @work(thread=True, group="open", exclusive=True, exit_on_error=False)
    def load_game(self, path: str) -> None:
        """Load a saved game."""
        try:
            session = Session.load(path)
        except DramaError as error:
            self.post_message(OpenFailed("Cannot load the saved game", str(error)))
            return
        self.post_message(SessionReady(session, f"Loaded {path}"))

    def on_session_ready(self, message: SessionReady) -> None:
        self._to_start()
        session = message.session
        o = self.options
        self.push_screen(PlayScreen(session, pace=o.pace, ratings=o.ratings, folder=o.folder))
        for notice in session.notices:
            self.notify(notice, title="Not available", severity="warning", timeout=10)
        if message.notice:
            self.notify(message.notice, timeout=3)

    def on_open_failed(self, message: OpenFailed) -> None:
        self.push_screen(ErrorScreen(message.title, message.error))

    # --- navigation ------------------------------------------------------------------------
    def _to_start(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, StartScreen):
            self.pop_screen()
        if not isinstance(self.screen, StartScreen):
            self.push_screen(StartScreen(self._summaries, seed=self.options.generated or 0))

    def action_menu(self) -> None:
        """Back to the start screen."""
        self._to_start()

    def action_load(self) -> None:
        folder = self.options.folder or Path.cwd()

        def chosen(path: str | None) -> None:
            if path:
                self.load_game(path)

        self.push_screen(PathScreen("Load a saved game from", str(folder) + "/", "Load"), chosen)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))


def make_app(story: str | None = None, seed: int = 0, role: str | None = None,
             narrator: str = "template", agent: str = "heuristic", generated: int | None = None,
             ratings: str | Path | None = None, load: str | None = None, pace: float = 1.0,
             folder: str | Path | None = None, session: Session | None = None) -> DramaApp:
    """Build the app.

    ``story`` (a shipped name or a story file) or ``generated`` (a generator seed) opens that
    drama at once (asking for a role unless ``role`` is given: a character's id or name,
    ``"director"`` or ``"audience"``); ``load`` opens a saved game; ``session`` plays a
    prepared :class:`Session`; with none of them the start screen waits. ``seed`` seeds the
    world and the narrator; ``ratings`` is the ratings file (default:
    ``stories.ratings.default_ratings_path()``); ``pace`` is the audience's seconds per beat;
    ``folder`` is where saves and exports are proposed (default: the working directory).
    """
    return DramaApp(PlayOptions(
        story=story, generated=generated, seed=seed, role=role, narrator=narrator, agent=agent,
        ratings=Path(ratings).expanduser() if ratings else None, load=load, pace=pace,
        folder=Path(folder) if folder else None, session=session))


__all__ = ["DramaApp", "PlayOptions", "make_app"]
