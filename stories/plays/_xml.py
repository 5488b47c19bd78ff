"""A small, safe XML reader: expat feeding an :class:`xml.etree.ElementTree.TreeBuilder`.

Why not ``ElementTree.parse``? Two reasons:

* **Safety.** A play file is untrusted input. Any ``<!DOCTYPE>`` (and with it every entity
  declaration, the "billion laughs" and external-entity attacks) is refused before a single
  entity is expanded, as ``defusedxml`` would do, without the extra dependency.
* **Error messages.** We remember the line of every element and the stack of open elements,
  so an error can say *which* element is wrong (``<sp> opened at line 812 is never closed``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.parsers import expat

from stories.plays.errors import PlayError

__all__ = ["XmlDocument", "parse_xml", "local_name"]


@dataclass
class XmlDocument:
    """A parsed document: the root element and the line where each element starts."""

    root: ET.Element
    lines: dict[ET.Element, int] = field(default_factory=dict)

    def line_of(self, element: ET.Element) -> int | None:
        """The 1-based line where ``element`` starts, if known."""
        return self.lines.get(element)


class _Refused(Exception):
    """Raised from inside an expat handler to stop the parse."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def local_name(tag: str) -> str:
    """``"{http://www.tei-c.org/ns/1.0}sp"`` -> ``"sp"``."""
    return tag.rpartition("}")[2]


def _clark(name: str) -> str:
    # expat with namespace_separator="}" reports "uri}local"; ElementTree wants "{uri}local".
    return "{" + name if "}" in name else name


def parse_xml(data: bytes, path: str | Path | None) -> XmlDocument:
    """Parse ``data`` into an element tree, refusing DTDs and entity declarations.

    Raises:
        PlayError: naming the line, the column and the open element when the XML is not
            well-formed (truncated, mismatched tags, undefined entities) or declares a DTD.
    """
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}
    open_elements: list[tuple[str, int]] = []
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True

    def start(name: str, attributes: dict[str, str]) -> None:
        element = builder.start(_clark(name), {_clark(k): v for k, v in attributes.items()})
        lines[element] = parser.CurrentLineNumber
        open_elements.append((local_name(name), parser.CurrentLineNumber))

    def end(name: str) -> None:
        builder.end(_clark(name))
        open_elements.pop()

    def refuse_doctype(name: str, *_: object) -> None:
        raise _Refused(f"the file declares a DTD (<!DOCTYPE {name}>), which play files may not do",
                       "remove the <!DOCTYPE ...> block and write any entities out as text; "
                       "DTDs and entities are refused for safety")

    def refuse_entity(name: str, *_: object) -> None:
        raise _Refused(f"the file declares the entity '{name}', which play files may not do",
                       "remove the entity declaration and write its text out")

    def refuse_external(*_: object) -> int:
        raise _Refused("the file refers to an external entity",
                       "remove the reference; play files must be self-contained")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_external
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise PlayError(path, refused.problem, refused.fix, line=parser.CurrentLineNumber,
                        column=parser.CurrentColumnNumber + 1, element="<!DOCTYPE>") from None
    except expat.ExpatError as error:
        raise _malformed(error, open_elements, path) from None
    return XmlDocument(builder.close(), lines)


def _malformed(error: expat.ExpatError, open_elements: list[tuple[str, int]],
               path: str | Path | None) -> PlayError:
    reason = expat.ErrorString(error.code)
    element = None
    if open_elements:
        name, line = open_elements[-1]
        element = f"<{name}> (opened at line {line})"
    if error.code == expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS] and open_elements:
        problem = f"the XML ends before <{open_elements[-1][0]}> is closed ({reason})"
        fix = "the file looks truncated; download or export it again"
    elif error.code == expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]:
        problem = f"the file holds no XML element ({reason})"
        fix = "pass a DraCor TEI file (<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">...)"
    elif error.code == expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]:
        problem = ("the XML uses an entity that is not defined "
                   "(HTML names like &eacute; are not XML)")
        fix = "write the character out (UTF-8) or escape '&' as '&amp;'"
    else:
        problem = f"the XML is not well-formed ({reason})"
        fix = "check that every tag is closed in the right order and the file is complete"
    return PlayError(path, problem, fix, line=error.lineno, column=error.offset + 1,
                     element=element)
