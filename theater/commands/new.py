"""``drama new --seed N [--cast K] [-o FILE] [--force]``: generate a new drama from a seed.

Prints the story's YAML, or writes it to FILE: atomically (a temporary file in the same
folder, then a rename), and never over an existing file unless ``--force`` is given.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


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


def write_atomic(path: Path, text: str, force: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder; refuse to
    replace an existing file unless ``force``. Raises :class:`UsageError` naming the fix."""
    from stories.errors import UsageError

    if path.is_dir():
        raise UsageError(f"{path} is a folder — give a file name, e.g. -o {path / 'story.yaml'}")
    if path.exists() and not force:
        raise UsageError(f"{path} already exists — pass --force to overwrite it, "
                         f"or choose another -o FILE")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"folder {folder} does not exist — create it first, "
                         f"or choose another -o FILE")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise UsageError(f"cannot write in {folder}: {error.strerror} — "
                         f"check its permissions, or choose another -o FILE") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        if force:
            os.replace(tmp, path)
        else:
            try:  # a hard link fails if the name was taken meanwhile (no silent overwrite)
                os.link(tmp, path)
            except FileExistsError:
                raise UsageError(f"{path} already exists — pass --force to overwrite it, "
                                 f"or choose another -o FILE") from None
            except OSError:  # a file system without hard links
                os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    else:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
