"""The ``drama`` command line: one sub-command per module in :mod:`theater.commands`.

Each command module exposes ``register(subparsers)``, which adds its parser and sets
``handler`` to a function taking the parsed arguments and returning an exit status.
Errors that a user can fix (``DramaError``) are printed as one line, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# Order here is the order of ``drama --help``.
COMMAND_MODULES = (
    "theater.commands.play",
    "theater.commands.stories",
    "theater.commands.validate",
    "theater.commands.new",
    "theater.commands.run",
    "theater.commands.analyze",
    "theater.commands.emotion",
    "theater.commands.audience",
    "theater.commands.explore",
    "theater.commands.export",
    "theater.commands.narrate",
    "theater.commands.train", "theater.commands.evaluate",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="drama",
        description="Agent-based interactive drama simulator: run, train on and export dramas.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from stories.errors import DramaError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except DramaError as error:
        print(f"drama {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
