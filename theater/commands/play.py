"""``drama play [STORY|FILE]``: play a drama in the terminal (the Textual app).

Without a story the start screen lists the shipped dramas; with one it opens at once (and
asks who you are unless ``--as`` says). ``FILE`` may also be a game saved from the app.
"""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "play", help="play a drama in the terminal: as a character, director or audience",
        description="Play a drama in a terminal app. Keys: 1-9 choose, u undo, b branches, "
                    "+/- rate, s save, e export, ? help.")
    parser.add_argument("story", nargs="?", default=None, metavar="STORY|FILE",
                        help="a shipped story name, a story file, or a saved game (.json); "
                             "default: the start screen")
    parser.add_argument("--generated", type=int, default=None, metavar="SEED",
                        help="play a newly generated drama (the generator's seed)")
    parser.add_argument("--as", dest="role", default=None, metavar="CHARACTER|director|audience",
                        help="who you are: a character's id or name, director or audience "
                             "(default: ask)")
    parser.add_argument("--seed", type=int, default=0, help="world and narrator seed (default 0)")
    parser.add_argument("--narrator", default="template", metavar="template|lm|PATH",
                        help="who writes the lines: template (default), lm (the shipped LM "
                             "narrator, streamed as it writes) or a local causal-LM folder")
    parser.add_argument("--agent", default="heuristic", metavar="heuristic|random|PATH",
                        help="who plays the other characters: heuristic (default), random or "
                             "a policy trained by `drama train` (policy.zip or run folder)")
    parser.add_argument("--ratings", default=None, metavar="FILE",
                        help="the ratings file (default: ~/.local/share/drama-sim/ratings.jsonl)")
    parser.add_argument("--load", default=None, metavar="SAVE",
                        help="resume a saved game")
    parser.add_argument("--pace", type=_pace, default=1.0, metavar="SECONDS",
                        help="seconds per beat as audience (default 1)")
    parser.set_defaults(handler=run)


def _pace(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0.05 <= value <= 60:
        raise argparse.ArgumentTypeError("give between 0.05 and 60 seconds")
    return value


def run(args) -> int:
    from stories.errors import UsageError

    try:
        from theater.tui.app import make_app
    except ImportError as error:
        raise UsageError(f"drama play needs the Textual package ({error}) — install it with "
                         "pip install textual") from None
    from theater.tui.session import is_session_file

    story, load = args.story, args.load
    if story is not None and load is None and is_session_file(story):
        story, load = None, story
    if load is not None and (story is not None or args.generated is not None):
        raise UsageError("give a story or a saved game to load, not both")
    if story is not None and args.generated is not None:
        raise UsageError("give a story or --generated SEED, not both")
    app = make_app(story=story, seed=args.seed, role=args.role, narrator=args.narrator,
                   agent=args.agent, generated=args.generated, ratings=args.ratings,
                   load=load, pace=args.pace)
    app.run()
    return int(app.return_code or 0)
