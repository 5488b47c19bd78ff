"""``drama new --seed N [--cast K] [-o FILE] [--force]``: generate a new drama from a seed.

Prints the story's YAML, or writes it to FILE: atomically (a temporary file in the same
folder, then a rename), and never over an existing file unless ``--force`` is given.
"""

from __future__ import annotations

import sys
from pathlib import Path

from stories.files import write_atomic


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "new", help="generate a new drama from a seed",
        description="Generate a procedural drama (cast, secrets, goals, places, endings) from a "
                    "seed. The same seed always gives the same story.")
    parser.add_argument("--seed", type=int, required=True,
                        help="random seed (a whole number, 0 or more)")
    parser.add_argument("--cast", type=int, default=None, metavar="K",
                        help="number of characters, 2..12 (default: drawn from the seed, 3..7)")
    parser.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="write the story to FILE instead of printing it")
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from stories.generator import generate_story, story_yaml

    story = generate_story(args.seed, args.cast)
    text = story_yaml(story, args.seed, args.cast)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    path = Path(args.output)
    write_atomic(path, text, force=args.force)
    print(f"wrote {path}: {story['title']!r}, {story['genre']}, {len(story['cast'])} characters, "
          f"{len(story['endings'])} endings")
    return 0


