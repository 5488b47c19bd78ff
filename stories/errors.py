"""Typed errors raised at the boundary: bad story files, saves, model folders, CLI arguments.

Every message names the file, the place in it and how to fix the problem, so that a
user never has to read a traceback.
"""

from __future__ import annotations

from pathlib import Path


class DramaError(Exception):
    """Base class of every error a user can fix."""


class StoryError(DramaError):
    """A story file that cannot be loaded: ``FILE:LINE:COL: what is wrong — how to fix it``."""

    def __init__(self, path: str | Path | None, line: int | None, column: int | None,
                 problem: str, fix: str = "") -> None:
        self.path = str(path) if path is not None else "<story>"
        self.line = line
        self.column = column
        self.problem = problem
        self.fix = fix
        super().__init__(self.format())

    def format(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        message = f"{where}: {self.problem}"
        if self.fix:
            message += f" — {self.fix}"
        return message


class SaveError(DramaError):
    """A save file that cannot be loaded (corrupt, wrong version, another story)."""


class ModelError(DramaError):
    """A model folder or checkpoint that is missing, corrupt or incompatible."""


class UsageError(DramaError):
    """A command-line argument that does not make sense."""
