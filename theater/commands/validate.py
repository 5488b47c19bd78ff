"""``drama validate FILE...``: check story files; exit 0 when all are valid, 2 otherwise."""

from __future__ import annotations

import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser("validate", help="check story files")
    parser.add_argument("files", nargs="+", metavar="FILE", help="story YAML files (or shipped names)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from stories import StoryError, load_story

    status = 0
    for name in args.files:
        try:
            story = load_story(name)
        except StoryError as error:
            print(error, file=sys.stderr)
            status = 2
        else:
            print(f"{name}: ok — {story.title!r}, {len(story.cast)} characters, "
                  f"{len(story.endings)} endings")
    return status
