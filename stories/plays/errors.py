"""The error raised when a play file cannot be imported.

:class:`PlayError` is a :class:`~stories.errors.DramaError`, so the ``drama`` command line
prints it as one line (``FILE:LINE:COL: <element>: what is wrong — how to fix it``) instead of
a traceback.
"""

from __future__ import annotations

from pathlib import Path

from stories.errors import DramaError

__all__ = ["PlayError"]


class PlayError(DramaError):
    """A play file (DraCor TEI, Fountain, CSV) that cannot be imported.

    Args:
        path: The file that failed (``None`` for text that came from memory).
        problem: What is wrong, in one sentence.
        fix: How the user can fix it (optional but strongly encouraged).
        line: 1-based line in the file, when known.
        column: 1-based column in the line, when known.
        element: The XML element (``<sp>``), CSV column or Fountain element concerned.
    """

    def __init__(self, path: str | Path | None, problem: str, fix: str = "", *,
                 line: int | None = None, column: int | None = None,
                 element: str | None = None) -> None:
        self.path = str(path) if path is not None else "<play>"
        self.problem = problem
        self.fix = fix
        self.line = line
        self.column = column
        self.element = element
        super().__init__(self.format())

    def format(self) -> str:
        """Render the error as ``FILE[:LINE[:COL]]: [ELEMENT: ]problem[ — fix]``."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        message = f"{where}: "
        if self.element:
            message += f"{self.element}: "
        message += self.problem
        if self.fix:
            message += f" — {self.fix}"
        return message
