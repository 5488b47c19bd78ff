"""A checker for Twee 3 files: the header syntax of the specification and the story's links.

:func:`check` reads a Twee 3 file (passages start at a line beginning ``::``; a header is
``name [tags] {metadata}`` with ``\\``-escapes) and reports:

- a malformed header, tag block or metadata (not a JSON object; a ``position``/``size`` that is
  not ``"x,y"``), two passages of one name;
- a missing ``StoryTitle``, a missing or malformed ``StoryData`` (not JSON, an IFID that is not
  an uppercase version-4 UUID, no ``format``/``format-version``), a ``start`` passage that does
  not exist;
- every link whose target is not a passage — links read both as DramaSim reads them
  (:func:`stories.export.twee.parse_link`) and as the Twine 2 editor finds them
  (``[[…]]``, the rightmost ``->``, else the leftmost ``<-``, else the last ``|``), which must
  agree.

It returns the problems as ``"LINE: message"`` strings, ``[]`` for a file with none.
``python -m stories.export.twee_check FILE.twee`` prints them and exits 1 when there are any.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from stories.export.twee import parse_link, unescape_header

_IFID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\Z")
_XY = re.compile(r"-?\d+(\.\d+)?,-?\d+(\.\d+)?\Z")


@dataclass
class Passage:
    name: str
    tags: list[str]
    metadata: dict
    text: str
    line: int
    problems: list[str] = field(default_factory=list)


def _split_header(header: str, line: int) -> tuple[str, list[str], dict, list[str]]:
    """``name [tags] {metadata}`` → (name, tags, metadata, problems)."""
    problems: list[str] = []
    k, name_end = 0, len(header)
    while k < len(header):
        if header[k] == "\\":
            k += 2
            continue
        if header[k] in "[{":
            name_end = k
            break
        if header[k] in "]}":
            problems.append(f"{line}: unescaped {header[k]!r} in a passage name")
        k += 1
    name = unescape_header(header[:name_end].strip())
    rest = header[name_end:].strip()
    tags: list[str] = []
    metadata: dict = {}
    if rest.startswith("["):
        j, close = 1, -1
        while j < len(rest):
            if rest[j] == "\\":
                j += 2
                continue
            if rest[j] == "]":
                close = j
                break
            if rest[j] == "[":
                problems.append(f"{line}: unescaped '[' inside a tag block")
            j += 1
        if close < 0:
            problems.append(f"{line}: a tag block that is never closed with ']'")
            return name, tags, metadata, problems
        tags = [unescape_header(t) for t in rest[1:close].split()]
        rest = rest[close + 1:].strip()
    if rest.startswith("{"):
        try:
            metadata = json.loads(rest)
        except json.JSONDecodeError as error:
            problems.append(f"{line}: passage metadata is not JSON ({error.msg})")
            metadata = {}
        if not isinstance(metadata, dict):
            problems.append(f"{line}: passage metadata is not a JSON object")
            metadata = {}
        for key in ("position", "size"):
            if key in metadata and not (isinstance(metadata[key], str) and _XY.match(metadata[key])):
                problems.append(f"{line}: passage {key} {metadata[key]!r} is not \"x,y\"")
    elif rest:
        problems.append(f"{line}: unexpected {rest!r} after the passage name")
    if not name:
        problems.append(f"{line}: a passage without a name")
    return name, tags, metadata, problems


def parse(text: str) -> list[Passage]:
    """The passages of a Twee 3 file, in order (problems of each header attached)."""
    passages: list[Passage] = []
    lines = text.replace("\r\n", "\n").split("\n")
    current: Passage | None = None
    body: list[str] = []
    for number, raw in enumerate(lines, start=1):
        if raw.startswith("::"):
            if current is not None:
                current.text = "\n".join(body).strip()
            name, tags, metadata, problems = _split_header(raw[2:], number)
            current = Passage(name, tags, metadata, "", number, problems)
            passages.append(current)
            body = []
        elif current is not None:
            body.append(raw)
    if current is not None:
        current.text = "\n".join(body).strip()
    return passages


def twine_links(text: str) -> list[str]:
    """Link targets as the Twine 2 editor finds them (its ``parse-links`` rules)."""
    out = []
    for match in re.finditer(r"\[\[.*?\]\]", text):
        inner = match.group(0)[2:-2]
        inner = inner.split("][", 1)[0]                     # a setter after ][
        if "->" in inner:
            target = inner.split("->")[-1]
        elif "<-" in inner:
            target = inner.split("<-")[0]
        elif "|" in inner:
            target = inner.split("|")[-1]
        else:
            target = inner
        if target and not re.match(r"^\w+:\/\/\/?\w", target, re.I):
            out.append(target)
    return out


def check(text: str) -> list[str]:
    """The problems of a Twee 3 file (see the module docstring)."""
    passages = parse(text)
    problems: list[str] = []
    if text.strip() and not passages:
        return ["1: no passage (a passage starts with a line beginning '::')"]
    names: dict[str, Passage] = {}
    for p in passages:
        problems += p.problems
        if p.name in names:
            problems.append(f"{p.line}: a second passage named {p.name!r} (the first is at line "
                            f"{names[p.name].line})")
        names.setdefault(p.name, p)
    if "StoryTitle" not in names:
        problems.append("1: no StoryTitle passage")
    elif not names["StoryTitle"].text:
        problems.append(f"{names['StoryTitle'].line}: StoryTitle is empty")
    data_passage = names.get("StoryData")
    if data_passage is None:
        problems.append("1: no StoryData passage")
    else:
        try:
            data = json.loads(data_passage.text)
        except json.JSONDecodeError as error:
            data = None
            problems.append(f"{data_passage.line}: StoryData is not JSON ({error.msg})")
        if isinstance(data, dict):
            if not _IFID.match(str(data.get("ifid", ""))):
                problems.append(f"{data_passage.line}: StoryData ifid {data.get('ifid')!r} is not "
                                "an uppercase version-4 UUID")
            for key in ("format", "format-version"):
                if not data.get(key):
                    problems.append(f"{data_passage.line}: StoryData has no {key!r}")
            start = data.get("start")
            if start is not None and start not in names:
                problems.append(f"{data_passage.line}: the start passage {start!r} does not exist")
            if start is None and "Start" not in names:
                problems.append(f"{data_passage.line}: no start passage (no 'start' in StoryData "
                                "and no passage named Start)")
        elif data is not None:
            problems.append(f"{data_passage.line}: StoryData is not a JSON object")
    for p in passages:
        if p.name in ("StoryTitle", "StoryData"):
            continue
        ours = []
        for offset, line in enumerate(p.text.split("\n"), start=1):
            link = parse_link(line.strip())
            if link is not None:
                ours.append(link.target)
                if link.target not in names:
                    problems.append(f"{p.line + offset}: a link to {link.target!r}, which is not "
                                    "a passage")
        theirs = twine_links(p.text)
        if theirs != ours:
            problems.append(f"{p.line}: passage {p.name!r}: Twine would read its links as "
                            f"{theirs!r}, DramaSim as {ours!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m stories.export.twee_check FILE.twee", file=sys.stderr)
        return 2
    problems = check(Path(argv[0]).read_text(encoding="utf-8"))
    for problem in problems:
        print(f"{argv[0]}:{problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
