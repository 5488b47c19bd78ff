"""Import DraCor TEI plays (GerDraCor, ShakeDraCor and the other DraCor corpora).

DraCor encodes a play in TEI P5::

    <TEI xml:id="ger000088">
      <teiHeader> ... <titleStmt><title/><author/></titleStmt>
                  ... <particDesc><listPerson><person xml:id="marinelli" sex="MALE">
      <text><body>
        <div type="act"><head/>
          <div type="scene"><head/>
            <stage/>
            <sp who="#marinelli"><speaker/><p/><l/><stage/></sp>

Scenes are DraCor's *segments*, found with the rule the DraCor API uses
(``dutil:get-segments`` in dracor-api ``modules/util.xqm``): every ``div`` that has ``sp``
children, plus every ``div type="scene"`` without any speech (a scene of stage directions
only). Plays encoded with ``div1``/``div2`` (RomDraCor, GreekDraCor) and plays with no ``div``
at all are segmented the way DraCor does too. The divisions that contain segments (acts,
``part``\\ s) become :class:`~stories.plays.model.Act`\\ s; stage directions written
directly in an act, outside its scenes, are kept in :attr:`Act.directions`.

Speaker ids come from ``sp/@who`` exactly as DraCor reads them (split on white space, leading
``#`` removed, empty references dropped), so the co-occurrence network built from the
imported play is DraCor's network. One known difference: when a segment ``div`` also
*contains* another segment ``div`` (which no DraCor play we know of does), DraCor counts the
inner speakers in both segments; here each speech belongs to exactly one scene.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

from stories.plays._xml import XmlDocument, local_name, parse_xml
from stories.plays.errors import PlayError
from stories.plays.model import Act, Character, Gender, Play, Scene, Speech, StageDirection

__all__ = ["TEI_NS", "parse_tei", "read_tei"]

#: The TEI namespace; DraCor files always use it.
TEI_NS = "http://www.tei-c.org/ns/1.0"
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

_GENDERS: dict[str, Gender] = {"female": "female", "male": "male", "unknown": "unknown"}
#: Elements of a speech that hold its text, one line each.
_BLOCKS = frozenset({"l", "p", "ab"})
#: Elements whose text is not spoken (their tail still is).
_NOT_SPOKEN = frozenset({"speaker", "stage", "note", "head", "fw", "pb", "lb", "milestone",
                         "gap", "cb"})
_SPACE = re.compile(r"\s+")


def read_tei(path: str | Path) -> Play:
    """Read the DraCor TEI file at ``path`` (see :func:`parse_tei`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PlayError(path, f"cannot read the file ({error.strerror})",
                        "check the path and its permissions") from None
    return parse_tei(data, path)


def parse_tei(data: bytes, path: str | Path | None = None) -> Play:
    """Build a :class:`~stories.plays.model.Play` from the bytes of a DraCor TEI file.

    Args:
        data: The file's bytes (the XML declaration gives the encoding).
        path: Where they came from, for error messages and :attr:`Play.source`.

    Raises:
        PlayError: if the XML is malformed, declares a DTD, is not TEI or has no ``<body>``.
    """
    try:
        return _TeiReader(parse_xml(data, path), path).play()
    except RecursionError:
        raise PlayError(path, "the XML is nested too deeply to be a play",
                        "check the file; DraCor TEI nests a few levels of <div> at most") from None


def _normalize(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


class _TeiReader:
    """Turns a parsed TEI document into a :class:`Play` (one instance per file)."""

    def __init__(self, document: XmlDocument, path: str | Path | None) -> None:
        self.document = document
        self.path = path
        root = document.root
        if local_name(root.tag) != "TEI":
            raise self.error(root, f"the root element is <{local_name(root.tag)}>, not <TEI>",
                             "pass a DraCor TEI file (https://dracor.org, 'Download TEI')")
        self.ns = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""

    # -- helpers -----------------------------------------------------------------------------

    def find(self, element: ET.Element, path: str) -> ET.Element | None:
        return element.find(path.format(t=f"{{{self.ns}}}" if self.ns else ""))

    def findall(self, element: ET.Element, path: str) -> list[ET.Element]:
        return element.findall(path.format(t=f"{{{self.ns}}}" if self.ns else ""))

    def error(self, element: ET.Element, problem: str, fix: str) -> PlayError:
        return PlayError(self.path, problem, fix, line=self.document.line_of(element),
                         element=f"<{local_name(element.tag)}>")

    def is_(self, element: ET.Element, *names: str) -> bool:
        return isinstance(element.tag, str) and local_name(element.tag) in names \
            and (not self.ns or element.tag.startswith(f"{{{self.ns}}}"))

    # -- the play ----------------------------------------------------------------------------

    def play(self) -> Play:
        root = self.document.root
        body = self.find(root, "{t}text/{t}body")
        if body is None:
            text = self.find(root, "{t}text")
            raise self.error(text if text is not None else root,
                             "the play has no <text><body>",
                             "DraCor TEI keeps the play itself in <TEI><text><body>...</body>")
        cast = self.cast()
        acts, scenes, speakers = self.divisions(body)
        known = {member.id for member in cast}
        extra = [Character(id=sid, name=name or sid) for sid, name in speakers.items()
                 if sid not in known]
        return Play(title=self.title(), authors=self.authors(), cast=(*cast, *extra),
                    acts=tuple(acts), scenes=tuple(scenes), format="tei",
                    source=str(self.path) if self.path is not None else None,
                    play_id=root.get(_XML_ID))

    def title(self) -> str:
        titles = self.findall(self.document.root, "{t}teiHeader/{t}fileDesc/{t}titleStmt/{t}title")
        for title in titles:
            if title.get("type") in (None, "main") and _normalize("".join(title.itertext())):
                return _normalize("".join(title.itertext()))
        if titles and _normalize("".join(titles[0].itertext())):
            return _normalize("".join(titles[0].itertext()))
        return Path(str(self.path)).stem if self.path is not None else "Untitled"

    def authors(self) -> tuple[str, ...]:
        names = []
        for author in self.findall(self.document.root,
                                   "{t}teiHeader/{t}fileDesc/{t}titleStmt/{t}author"):
            pers = self.find(author, "{t}persName")
            if pers is not None:
                name = _normalize(" ".join(pers.itertext()))
            else:
                parts = [author.text or ""]
                for child in author:
                    if not self.is_(child, "idno"):
                        parts.extend(child.itertext())
                    parts.append(child.tail or "")
                name = _normalize(" ".join(parts))
            if name:
                names.append(name)
        return tuple(names)

    def cast(self) -> list[Character]:
        members: list[Character] = []
        seen: set[str] = set()
        people = self.findall(self.document.root,
                              "{t}teiHeader/{t}profileDesc/{t}particDesc//{t}listPerson")
        for list_person in people:
            for person in list_person.iter():
                if not self.is_(person, "person", "personGrp"):
                    continue
                person_id = person.get(_XML_ID)
                if not person_id:
                    continue  # cannot be referenced by any <sp who="#...">
                if person_id in seen:
                    raise self.error(person, f"the xml:id '{person_id}' is used twice",
                                     "give every <person>/<personGrp> its own xml:id")
                seen.add(person_id)
                label = self.find(person, "{t}persName")
                if label is None:
                    label = self.find(person, "{t}name")
                name = _normalize(" ".join(label.itertext())) if label is not None else ""
                sex = (person.get("sex") or person.get("gender") or "").lower()
                members.append(Character(id=person_id, name=name or person_id,
                                         gender=_GENDERS.get(sex),
                                         is_group=self.is_(person, "personGrp")))
        return members

    # -- acts and scenes ---------------------------------------------------------------------

    def segments(self, body: ET.Element) -> list[ET.Element]:
        """DraCor's segments (``dutil:get-segments``), in document order."""
        everything = list(body.iter())
        if not any(self.is_(e, "div", "div1") for e in everything):
            return [body]  # missing segmentation: the whole body is one segment
        if any(self.is_(e, "div2") and e.get("type") == "scene" for e in everything):
            return [e for e in everything
                    if (self.is_(e, "div2") and e.get("type") == "scene")
                    or (self.is_(e, "div1") and self.find(e, "{t}sp") is not None
                        and self.find(e, "{t}div2") is None)]
        if any(self.is_(e, "div1") for e in everything):
            return [e for e in everything if self.is_(e, "div1")]
        return [e for e in everything if self.is_(e, "div")
                and (self.find(e, "{t}sp") is not None
                     or (e.get("type") == "scene" and self.find(e, ".//{t}sp") is None))]

    def divisions(self, body: ET.Element
                  ) -> tuple[list[Act], list[Scene], dict[str, str]]:
        segments = self.segments(body)
        segment_set = set(segments)
        parents = {child: parent for parent in body.iter() for child in parent}
        acts: list[Act] = []
        act_index: dict[ET.Element, int] = {}
        scenes: list[Scene] = []
        speakers: dict[str, str] = {}  # every speaker id -> first label, in order
        for segment in segments:
            container = parents.get(segment)
            while container is not None and not (
                    self.is_(container, "div", "div1", "div2") and container not in segment_set):
                container = parents.get(container)
            act = None
            if container is not None:
                if container not in act_index:
                    act_index[container] = len(acts)
                    acts.append(Act(title=self.head(container),
                                    kind=container.get("type") or local_name(container.tag),
                                    directions=tuple(self.stage_texts(container, deep=False))))
                act = act_index[container]
            lines = tuple(self.lines(segment, segment_set, speakers))
            kind = segment.get("type") or local_name(segment.tag)
            scenes.append(Scene(title=self.head(segment), kind=kind, act=act, lines=lines))
        return acts, scenes, speakers

    def head(self, division: ET.Element) -> str | None:
        head = self.find(division, "{t}head")
        return (_normalize("".join(head.itertext())) or None) if head is not None else None

    def lines(self, element: ET.Element, segments: set[ET.Element],
              speakers: dict[str, str]):
        """Speeches and stage directions under ``element`` in order, nested segments excluded."""
        for child in element:
            if not isinstance(child.tag, str) or (child in segments and child is not element):
                continue
            if self.is_(child, "sp"):
                speech = self.speech(child)
                for sid in speech.speaker_ids:
                    speakers.setdefault(sid, speech.speaker_name)
                yield speech
            elif self.is_(child, "stage"):
                text = _normalize("".join(child.itertext()))
                if text:
                    yield StageDirection(text=text)
            elif not self.is_(child, "head"):
                yield from self.lines(child, segments, speakers)

    def speech(self, sp: ET.Element) -> Speech:
        ids = []
        for ref in (sp.get("who") or "").split():
            ref = ref[1:] if ref.startswith("#") else ref
            if ref and ref not in ids:
                ids.append(ref)
        speaker = self.find(sp, "{t}speaker")
        label = _normalize("".join(speaker.itertext())) if speaker is not None else ""
        label = label.rstrip(" .:")
        directions = tuple(self.stage_texts(sp, deep=True))
        return Speech(speaker_ids=tuple(ids), speaker_name=label,
                      text="\n".join(self.spoken_lines(sp)), directions=directions)

    def stage_texts(self, element: ET.Element, deep: bool):
        """Texts of the ``<stage>`` children of ``element`` (at any depth if ``deep``).

        A ``<stage>`` nested in another one is part of the outer text, not a second direction.
        """
        for child in element:
            if self.is_(child, "stage"):
                if text := _normalize("".join(child.itertext())):
                    yield text
            elif deep and isinstance(child.tag, str):
                yield from self.stage_texts(child, deep=True)

    def spoken_lines(self, element: ET.Element):
        for child in element:
            if not isinstance(child.tag, str):
                continue
            name = local_name(child.tag)
            if name in _NOT_SPOKEN:
                continue
            if name in _BLOCKS:
                text = _normalize(_inline(child))
                if text:
                    yield text
            else:  # containers (<lg>, <sp> inside <q>...) hold blocks of their own
                inner = list(self.spoken_lines(child))
                if inner:
                    yield from inner
                elif text := _normalize(_inline(child)):
                    yield text


def _inline(element: ET.Element) -> str:
    """The spoken text of ``element``: stage directions, notes and speaker labels left out."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and local_name(child.tag) not in _NOT_SPOKEN:
            parts.append(_inline(child))
        else:
            parts.append(" ")
        parts.append(child.tail or "")
    return "".join(parts)
