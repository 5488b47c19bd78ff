"""Import plays stored as tidy CSV, one spoken line per row (the Shakespeare CSV layout).

The layout (``nrennie/shakespeare``, TidyTuesday 2024-09-17)::

    act,scene,character,dialogue,line_number
    Act I,Scene I,[stage direction],FRANCISCO at his post. Enter to him BERNARDO,NA
    Act I,Scene I,Bernardo,Who's there?,1

Consecutive rows of the same character in the same scene form one speech (its lines joined
by ``"\\n"``); rows whose character is ``[stage direction]`` are stage directions. The
``line_number`` column is optional. Character ids are slugs of the names (``"First Witch"``
-> ``"first-witch"``); the CSV records no gender.

The title comes from a ``metadata.csv`` next to the file when it has a row whose ``File``
matches the file's stem (``romeo_juliet`` -> "Romeo and Juliet"), and from the stem otherwise;
authors from that row's ``Author`` column, if there is one.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from stories.plays.errors import PlayError
from stories.plays.model import Act, Character, Line, Play, Scene, Speech, StageDirection

__all__ = ["REQUIRED_COLUMNS", "STAGE_DIRECTION", "read_csv_play", "slug"]

#: Columns a play CSV must have (in any order; other columns are ignored).
REQUIRED_COLUMNS = ("act", "scene", "character", "dialogue")
#: The ``character`` value that marks a stage-direction row.
STAGE_DIRECTION = "[stage direction]"
_SLUG = re.compile(r"[^\w]+")


def slug(name: str) -> str:
    """A character id made from a name: ``"First Witch"`` -> ``"first-witch"``."""
    return _SLUG.sub("-", name.casefold()).strip("-") or "unnamed"


def read_csv_play(path: str | Path, text: str | None = None) -> Play:
    """Read a play CSV (see the module docstring for the layout).

    Args:
        path: The CSV file.
        text: Its decoded content, if the caller has already read it.

    Raises:
        PlayError: naming the line when a required column is missing, a row has too few
            fields or a speech has no character.
    """
    path = Path(path)
    if text is None:
        text = _read_text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as error:
        raise PlayError(path, f"the header cannot be parsed ({error})",
                        "check the quoting of the first line", line=1, element="header") from None
    header = [(name or "").strip().casefold() for name in fieldnames]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise PlayError(path, f"the header lacks the column(s) {', '.join(missing)} "
                        f"(found: {', '.join(header) or 'nothing'})",
                        f"the first line must name the columns {','.join(REQUIRED_COLUMNS)}",
                        line=1, element="header")
    reader.fieldnames = header

    acts: list[Act] = []
    scenes: list[tuple[str, str, int | None, list[Line]]] = []
    cast: dict[str, Character] = {}
    speech_rows: list[str] = []
    speaker: str | None = None

    def flush() -> None:
        nonlocal speaker
        if speaker is not None:
            member = cast[slug(speaker)]
            scenes[-1][3].append(Speech(speaker_ids=(member.id,), speaker_name=speaker,
                                        text="\n".join(speech_rows)))
        speaker, speech_rows[:] = None, []

    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as error:
            raise PlayError(path, f"the CSV cannot be parsed ({error})",
                            "check the quoting of that line", line=reader.line_num,
                            element="row") from None
        line = reader.line_num
        if None in row or any(row.get(column) is None for column in REQUIRED_COLUMNS):
            raise PlayError(path, f"the row has {len(_fields(row))} fields but the header names "
                            f"{len(header)}", "quote fields that contain commas and check for "
                            "a cut-off last line", line=line, element="row")
        act_title, scene_title = row["act"].strip(), row["scene"].strip()
        character, dialogue = row["character"].strip(), row["dialogue"].strip()
        if not scenes or (scenes[-1][0], scenes[-1][1]) != (act_title, scene_title):
            flush()
            act = None
            if act_title:
                if not acts or acts[-1].title != act_title:
                    acts.append(Act(title=act_title))
                act = len(acts) - 1
            scenes.append((act_title, scene_title, act, []))
        if character == STAGE_DIRECTION:
            flush()
            if dialogue:
                scenes[-1][3].append(StageDirection(text=dialogue))
            continue
        if not character:
            raise PlayError(path, "the row has dialogue but no character",
                            f"fill in the 'character' column, or write '{STAGE_DIRECTION}' "
                            "for a stage direction", line=line, element="character")
        if character != speaker:
            flush()
            speaker = character
            cast.setdefault(slug(character), Character(id=slug(character), name=character))
        speech_rows.append(dialogue)
    flush()
    if not scenes:
        raise PlayError(path, "the CSV has a header but no rows",
                        "add one row per spoken line", line=2)

    title, authors = _metadata(path)
    return Play(title=title, authors=authors, cast=tuple(cast.values()), acts=tuple(acts),
                scenes=tuple(Scene(title=scene_title or None, act=act, lines=tuple(lines))
                             for _, scene_title, act, lines in scenes),
                format="csv", source=str(path))


def _fields(row: dict) -> list:
    return [v for k, v in row.items() if k is not None and v is not None]


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise PlayError(path, f"the file is not UTF-8 text (byte {error.start})",
                        "save the CSV as UTF-8") from None
    except OSError as error:
        raise PlayError(path, f"cannot read the file ({error.strerror})",
                        "check the path and its permissions") from None


def _metadata(path: Path) -> tuple[str, tuple[str, ...]]:
    """Title and authors from a sibling ``metadata.csv``; the file stem otherwise."""
    fallback = path.stem.replace("_", " ").replace("-", " ").title()
    metadata = path.with_name("metadata.csv")
    if metadata == path or not metadata.is_file():
        return fallback, ()
    try:
        with metadata.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                row = {(k or "").strip().casefold(): (v or "").strip() for k, v in row.items()}
                if row.get("file") == path.stem:
                    authors = tuple(a.strip() for a in row.get("author", "").split(";")
                                    if a.strip())
                    return row.get("title") or fallback, authors
    except (OSError, UnicodeDecodeError, csv.Error):
        pass  # metadata is a nicety; the play itself is fine
    return fallback, ()
