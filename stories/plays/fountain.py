"""Import screenplays written in Fountain (https://fountain.io/syntax), ``.fountain``/``.spmd``.

What becomes what:

============================  =================================================================
Fountain                      :class:`~stories.plays.model.Play`
============================  =================================================================
title page ``Title:``         :attr:`Play.title` (continuation lines joined with " — ")
title page ``Author(s):``     :attr:`Play.authors`
``# Section`` (level 1)       an :class:`Act`; deeper sections and ``= synopses`` are skipped
scene heading (``INT.``...)   a :class:`Scene` (text before the first heading: an untitled one)
character cue + dialogue      a :class:`Speech`; ``(parentheticals)`` go to ``directions``
action, transitions           :class:`StageDirection`\\ s, one per paragraph
``[[notes]]``, ``/* */``      dropped
============================  =================================================================

Character ids are slugs of the cue without its extensions (``BOB (V.O.)`` -> ``"bob"``); the
display name is the cue as written. Screenplays record no gender.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from stories.plays.csv_play import slug
from stories.plays.errors import PlayError
from stories.plays.model import Act, Character, Line, Play, Scene, Speech, StageDirection

__all__ = ["parse_fountain", "read_fountain"]

_TITLE_KEYS = frozenset({"title", "credit", "author", "authors", "source", "draft date", "date",
                         "contact", "copyright", "notes", "revision", "episode", "format"})
_TITLE_LINE = re.compile(r"^([A-Za-z][A-Za-z ]*):(.*)$")
_SCENE_HEADING = re.compile(r"^(?:INT\.?/EXT|INT|EXT|EST|I/E)[. ]", re.IGNORECASE)
_SCENE_NUMBER = re.compile(r"\s*#[\w.\-]+#\s*$")
_EXTENSION = re.compile(r"\([^)]*\)")
_TRANSITION = re.compile(r"^[^a-z]*TO:$")
_EMPHASIS = re.compile(r"(\*{1,3}|_)(?=\S)(.+?)(?<=\S)\1")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based line in the file
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def read_fountain(path: str | Path) -> Play:
    """Read the Fountain screenplay at ``path`` (UTF-8; see :func:`parse_fountain`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PlayError(path, f"cannot read the file ({error.strerror})",
                        "check the path and its permissions") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise PlayError(path, f"the file is not UTF-8 text (byte {error.start})",
                        "save the screenplay as UTF-8", line=line) from None
    return parse_fountain(text, path)


def parse_fountain(text: str, path: str | Path | None = None) -> Play:
    """Build a :class:`~stories.plays.model.Play` from Fountain text.

    Raises:
        PlayError: for an unclosed ``/*`` boneyard or ``[[`` note (naming the line where it
            opens), or text with neither a scene heading nor a character cue.
    """
    lines = _strip_comments(text, path)
    start, title, authors = _title_page(lines)
    builder = _Builder()
    found_structure = False
    i = start
    while i < len(lines):
        line = lines[i]
        stripped = line.text.strip()
        previous_blank = i == 0 or lines[i - 1].blank
        next_line = lines[i + 1] if i + 1 < len(lines) else None
        if line.blank:
            i += 1
        elif stripped.startswith("#"):
            level = len(stripped) - len(stripped.lstrip("#"))
            if level == 1:
                builder.act(_plain(stripped[1:]))
            i += 1
        elif stripped.startswith("=") and not stripped.startswith("=="):
            i += 1  # synopsis
        elif re.fullmatch(r"={3,}", stripped):
            i += 1  # page break
        elif previous_blank and _is_scene_heading(stripped):
            heading = stripped[1:] if stripped.startswith(".") else stripped
            builder.scene(_plain(_SCENE_NUMBER.sub("", heading)))
            found_structure = True
            i += 1
        elif previous_blank and next_line is not None and not next_line.blank \
                and _is_character(stripped):
            i = builder.speech(lines, i)
            found_structure = True
        elif stripped.startswith(">") and stripped.endswith("<") and len(stripped) > 1:
            builder.direction(stripped[1:-1])  # centered text
            i += 1
        elif (stripped.startswith(">")
              or (previous_blank and _TRANSITION.match(stripped)
                  and (next_line is None or next_line.blank))):
            builder.direction(stripped.lstrip(">"))  # transition
            i += 1
        else:  # an action paragraph, up to the next blank line
            paragraph = []
            while i < len(lines) and not lines[i].blank:
                paragraph.append(lines[i].text.strip().removeprefix("!").removeprefix("~"))
                i += 1
            builder.direction(" ".join(paragraph))
    if not found_structure:
        raise PlayError(path, "found no scene heading (INT./EXT. ...) and no character cue",
                        "is this a Fountain screenplay? See https://fountain.io/syntax")
    if title is None:
        title = Path(str(path)).stem.replace("_", " ") if path is not None else "Untitled"
    return Play(title=title, authors=authors, cast=tuple(builder.cast.values()),
                acts=tuple(builder.acts), scenes=builder.finished_scenes(), format="fountain",
                source=str(path) if path is not None else None)


def _plain(text: str) -> str:
    """Text without Fountain emphasis markers and with normalized white space."""
    previous = None
    while previous != text:
        previous, text = text, _EMPHASIS.sub(r"\2", text)
    return _SPACE.sub(" ", text.replace("\\*", "*").replace("\\_", "_")).strip()


def _is_scene_heading(stripped: str) -> bool:
    if stripped.startswith(".") and len(stripped) > 1 and stripped[1] not in ".":
        return True
    return bool(_SCENE_HEADING.match(stripped))


def _cue_name(cue: str) -> str:
    """``"@McCLANE (V.O.) ^"`` -> ``"McCLANE"``."""
    cue = cue.strip().removeprefix("@").rstrip("^").strip()
    return _SPACE.sub(" ", _EXTENSION.sub("", cue)).strip()


def _is_character(stripped: str) -> bool:
    if stripped.startswith("@"):
        return bool(_cue_name(stripped))
    if stripped.startswith(("!", ">", "~", ".", "(")) or _TRANSITION.match(stripped):
        return False
    name = _cue_name(stripped)
    return any(c.isalpha() for c in name) and name == name.upper()


class _Builder:
    """Collects acts, scenes and the cast while the screenplay is read top to bottom."""

    def __init__(self) -> None:
        self.acts: list[Act] = []
        self.cast: dict[str, Character] = {}
        self.scenes: list[tuple[str | None, int | None, list[Line]]] = []

    def act(self, title: str) -> None:
        self.acts.append(Act(title=title or None))

    def scene(self, title: str | None) -> None:
        self.scenes.append((title, len(self.acts) - 1 if self.acts else None, []))

    def _current(self) -> list[Line]:
        if not self.scenes:
            self.scene(None)  # text before the first scene heading
        return self.scenes[-1][2]

    def direction(self, text: str) -> None:
        text = _plain(text)
        if text:
            self._current().append(StageDirection(text=text))

    def speech(self, lines: list[_Line], i: int) -> int:
        """Read the cue at ``lines[i]`` and its dialogue; return the index after them."""
        name = _cue_name(lines[i].text)
        character_id = slug(name)
        self.cast.setdefault(character_id, Character(id=character_id, name=name))
        spoken, directions = [], []
        i += 1
        while i < len(lines) and not lines[i].blank:
            text = lines[i].text.strip()
            if text.startswith("(") and text.endswith(")"):
                directions.append(_plain(text[1:-1]))
            else:
                spoken.append(_plain(text.removeprefix("~")))
            i += 1
        self._current().append(Speech(speaker_ids=(character_id,), speaker_name=name,
                                      text="\n".join(spoken), directions=tuple(directions)))
        return i

    def finished_scenes(self) -> tuple[Scene, ...]:
        return tuple(Scene(title=title, act=act, lines=tuple(items))
                     for title, act, items in self.scenes)


def _strip_comments(text: str, path: str | Path | None) -> list[_Line]:
    """The lines of ``text`` without ``/* boneyard */`` and ``[[notes]]``.

    A line that held nothing but a comment is dropped (it does not become a blank line, which
    would end a dialogue block); the others keep their original line numbers.
    """
    out: list[_Line] = []
    open_kind: tuple[str, int] | None = None  # ("/*" or "[[", line where it opened)
    for number, raw in enumerate(text.splitlines(), start=1):
        kept, rest = [], raw
        while rest:
            if open_kind is None:
                starts = [(rest.find(mark), mark) for mark in ("/*", "[[") if mark in rest]
                if not starts:
                    kept.append(rest)
                    break
                position, mark = min(starts)
                kept.append(rest[:position])
                rest = rest[position + 2:]
                open_kind = (mark, number)
            else:
                closer = "*/" if open_kind[0] == "/*" else "]]"
                position = rest.find(closer)
                if position < 0:
                    break
                rest = rest[position + 2:]
                open_kind = None
        line = "".join(kept)
        if line.strip() or not raw.strip():
            out.append(_Line(number, line))
    if open_kind is not None:
        mark, number = open_kind
        closer = "*/" if mark == "/*" else "]]"
        what = "boneyard (commented-out text)" if mark == "/*" else "note"
        raise PlayError(path, f"the {what} opened here with '{mark}' is never closed",
                        f"add '{closer}' where it should end", line=number, element=mark)
    return out


def _title_page(lines: list[_Line]) -> tuple[int, str | None, tuple[str, ...]]:
    """Parse the optional title page; return (index of the first body line, title, authors)."""
    first = next((i for i, line in enumerate(lines) if not line.blank), None)
    if first is None:
        return len(lines), None, ()
    match = _TITLE_LINE.match(lines[first].text)
    if not match or match.group(1).strip().lower() not in _TITLE_KEYS:
        return 0, None, ()
    values: dict[str, list[str]] = {}
    key = None
    i = first
    while i < len(lines) and not lines[i].blank:
        text = lines[i].text
        match = _TITLE_LINE.match(text)
        if match and not text[:1].isspace():
            key = match.group(1).strip().lower()
            values[key] = [match.group(2).strip()] if match.group(2).strip() else []
        elif key is not None:
            values[key].append(text.strip())
        i += 1
    title = " — ".join(_plain(v) for v in values.get("title", []) if _plain(v)) or None
    authors = tuple(_plain(v) for v in values.get("authors", values.get("author", []))
                    if _plain(v))
    return i, title, authors
