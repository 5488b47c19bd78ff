"""``load_play(path)``: one entry point for every play format.

The format is chosen by extension, and by content when the extension says nothing:

=====================================  ===========================================
``.xml``, ``.tei``                     DraCor TEI (:mod:`stories.plays.tei`)
``.fountain``, ``.spmd``, ``.txt``     Fountain (:mod:`stories.plays.fountain`)
``.csv``                               play CSV (:mod:`stories.plays.csv_play`)
anything else                          sniffed: ``<`` -> TEI, a CSV header naming
                                       ``act,scene,character,dialogue`` -> CSV,
                                       otherwise Fountain
=====================================  ===========================================

A ``.txt`` or unknown file that starts with ``<`` is read as TEI, so a TEI file saved with the
wrong extension still loads.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from stories.plays.csv_play import REQUIRED_COLUMNS, read_csv_play
from stories.plays.errors import PlayError
from stories.plays.fountain import parse_fountain
from stories.plays.model import Play, PlayFormat
from stories.plays.tei import parse_tei

__all__ = ["EXTENSIONS", "detect_format", "load_play"]

#: File extensions and the format each means.
EXTENSIONS: dict[str, PlayFormat] = {
    ".xml": "tei", ".tei": "tei",
    ".fountain": "fountain", ".spmd": "fountain", ".txt": "fountain",
    ".csv": "csv",
}


def detect_format(path: Path, head: bytes) -> PlayFormat:
    """The format of the file at ``path`` whose first bytes are ``head``."""
    sniffed = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    by_extension = EXTENSIONS.get(path.suffix.lower())
    if by_extension in ("tei", "csv"):
        return by_extension
    if sniffed.startswith(b"<"):
        return "tei"
    if by_extension is None:
        first_line = sniffed.split(b"\n", 1)[0].decode("utf-8", "replace").casefold()
        columns = {column.strip().strip('"') for column in first_line.split(",")}
        if set(REQUIRED_COLUMNS) <= columns:
            return "csv"
    return "fountain"


def load_play(path: str | Path) -> Play:
    """Import the play at ``path`` (DraCor TEI, Fountain or CSV).

    Raises:
        PlayError: if the path is missing, a directory, empty, or the file is malformed;
            the message names the file, the line or element, and how to fix it.
    """
    path = Path(path)
    if not path.exists():
        raise PlayError(path, "no such file", "check the path (it is relative to the current "
                        "directory) and the spelling of the name")
    if path.is_dir():
        raise PlayError(path, "this is a directory, not a play file",
                        "pass one file: a DraCor TEI .xml, a .fountain screenplay or a .csv")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PlayError(path, f"cannot read the file ({error.strerror})",
                        "check the file's permissions") from None
    if not data.strip():
        raise PlayError(path, "the file is empty",
                        "export the play again; a play file needs at least one scene or speech")
    play_format = detect_format(path, data[:4096])
    try:
        return _parse(path, data, play_format)
    except ValidationError as error:  # an importer built an inconsistent play
        problem = error.errors()[0]["msg"] if error.errors() else str(error)
        raise PlayError(path, f"the {play_format} file describes an inconsistent play "
                        f"({problem})", "check the cast and speaker references") from None


def _parse(path: Path, data: bytes, play_format: PlayFormat) -> Play:
    if play_format == "tei":
        return parse_tei(data, path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise PlayError(path, f"the file is not UTF-8 text (byte {error.start})",
                        "save it as UTF-8", line=line) from None
    if play_format == "csv":
        return read_csv_play(path, text)
    return parse_fountain(text, path)
