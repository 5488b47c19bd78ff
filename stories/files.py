"""Writing files safely: never a half-written or clobbered file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from stories.errors import UsageError

TEMP_SUFFIX = ".tmp"


def write_atomic(path: Path, text: str | bytes, force: bool = True,
                 make_parents: bool = False) -> None:
    """Write ``text`` (str or bytes) to ``path`` through a temporary file in the same folder,
    then rename, and make the rename durable:
    never a half-written or clobbered file. With ``force=False`` an existing file is refused
    (also one that appears meanwhile). Raises :class:`UsageError` naming the fix."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{path} is a folder — give a file name, e.g. -o {path / 'story.yaml'}")
    if path.exists() and not force:
        raise UsageError(f"{path} already exists — pass --force to overwrite it, "
                         f"or choose another -o FILE")
    folder = path.parent if str(path.parent) else Path(".")
    if make_parents:
        folder.mkdir(parents=True, exist_ok=True)
    if not folder.is_dir():
        raise UsageError(f"folder {folder} does not exist — create it first, "
                         f"or choose another -o FILE")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    except OSError as error:
        raise UsageError(f"cannot write in {folder}: {error.strerror} — "
                         f"check its permissions, or choose another -o FILE") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
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
        _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the file system allows it)."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def remove_stale_temporaries(folder: Path) -> None:
    """Delete the temporary files that a killed writer left in ``folder``."""
    folder = Path(folder)
    if folder.is_dir():
        for stale in folder.glob(f".*{TEMP_SUFFIX}"):
            try:
                stale.unlink()
            except OSError:
                pass


def refuse_overwrite(path: Path, force: bool) -> None:
    """Raise a ``UsageError`` when ``path`` exists and ``force`` is not given."""
    if Path(path).exists() and not force:
        raise UsageError(f"{path} already exists — pass --force to overwrite it, or choose "
                         "another file with -o")
