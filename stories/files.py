"""Writing files safely: never a half-written or clobbered file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from stories.errors import UsageError


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refuse_overwrite(path: Path, force: bool) -> None:
    """Raise a ``UsageError`` when ``path`` exists and ``force`` is not given."""
    if Path(path).exists() and not force:
        raise UsageError(f"{path} already exists — pass --force to overwrite it, or choose "
                         "another file with -o")
