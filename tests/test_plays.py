"""Importers of real plays (stories.plays): DraCor TEI, Fountain, CSV, and their errors."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pydantic import ValidationError

from stories.errors import DramaError
from stories.plays import (Character, Play, PlayError, Scene, Speech, StageDirection,
                           detect_format, load_play, parse_fountain, parse_tei)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "data" / "plays"
GERDRACOR = DATA / "plays" / "gerdracor" / "tei"
HOLDOUT = DATA / "holdout" / "shakedracor_nc" / "tei"
SHAKESPEARE_CSV = DATA / "corpora" / "shakespeare_csv"
CYBER_BOB = DATA / "screenplays" / "cyberbob" / "Cyber_Bob_ep00001.fountain"

needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"shared data not found at {DATA}")


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.glob(pattern) if p.name != "metadata.csv") \
        if folder.is_dir() else []


@functools.lru_cache(maxsize=None)
def _load(path: Path) -> Play:
    return load_play(path)


def _check_consistent(play: Play) -> None:
    cast = {member.id for member in play.cast}
    assert play.title
    assert play.scenes
    assert set(play.speakers()) <= cast
    for scene in play.scenes:
        assert scene.act is None or 0 <= scene.act < len(play.acts)
        for line in scene.lines:
            assert isinstance(line, (Speech, StageDirection))


# -- DraCor TEI -------------------------------------------------------------------------------

@needs_data
@pytest.mark.parametrize("path", _files(GERDRACOR, "*.xml"), ids=lambda p: p.stem)
def test_gerdracor_tei_imports(path: Path) -> None:
    play = _load(path)
    assert play.format == "tei"
    assert play.play_id and play.play_id.startswith("ger")
    assert play.authors
    _check_consistent(play)
    assert sum(1 for _ in play.speeches()) > 100


@needs_data
@pytest.mark.parametrize("path", _files(HOLDOUT, "*.xml"), ids=lambda p: p.stem)
def test_holdout_tei_imports(path: Path) -> None:
    """The ShakeDraCor holdout must import (its metrics are for evaluation only)."""
    play = _load(path)
    assert play.play_id and play.play_id.startswith("shake")
    assert play.authors == ("William Shakespeare",)
    _check_consistent(play)


@needs_data
def test_tei_header_cast_and_order() -> None:
    play = _load(GERDRACOR / "lessing-emilia-galotti.xml")
    assert play.title == "Emilia Galotti"
    assert play.authors == ("Gotthold Ephraim Lessing",)
    assert play.play_id == "ger000088"
    assert [act.title for act in play.acts][:2] == ["Erster Aufzug", "Zweiter Aufzug"]
    assert all(act.kind == "act" for act in play.acts)
    first = play.scenes[0]
    assert (first.title, first.act, first.kind) == ("Erster Auftritt", 0, "scene")
    speech = first.speeches[0]
    assert speech.speaker_id == "der_prinz"
    assert speech.speaker_name == "Der Prinz"  # trailing "." removed
    assert speech.text.startswith("Klagen, nichts als Klagen!")
    assert "Er lieset." in speech.directions and "Er lieset" not in speech.text
    prinz = play.character("der_prinz")
    assert (prinz.name, prinz.gender, prinz.is_group) == ("Der Prinz", "male", False)


@needs_data
def test_tei_special_speakers() -> None:
    kabale = _load(GERDRACOR / "schiller-kabale-und-liebe.xml")
    together = [s for s in kabale.speeches() if len(s.speaker_ids) > 1]
    assert together and together[0].speaker_ids == ("kammerdiener_4-9", "sophie")

    woyzeck = _load(GERDRACOR / "buechner-woyzeck.xml")
    assert sum(1 for s in woyzeck.speeches() if not s.speaker_ids) == 4  # <sp> without @who
    assert woyzeck.character("maedchen").is_group
    assert [act.kind for act in woyzeck.acts] == ["part", "part", "part", "scene"]
    empty = [scene for scene in woyzeck.scenes if not scene.speeches]
    assert [s.title for s in empty] == ["[H4, Szene 3]"]  # a scene of stage directions only
    assert empty[0].stage_directions[0].text == "Buden. Lichter. Volk."


@needs_data
def test_tei_inline_stage_directions_are_not_spoken() -> None:
    hamlet = _load(HOLDOUT / "hamlet.xml")
    assert hamlet.scenes[0].lines[0] == StageDirection(
        text="Enter Barnardo and Francisco, two sentinels.")
    speech = next(s for s in hamlet.speeches() if "Enter Ghost." in s.directions)
    assert "Enter Ghost" not in speech.text
    assert "\n" in speech.text  # verse lines stay lines


@needs_data
@pytest.mark.parametrize("path", _files(GERDRACOR, "*.xml") + _files(HOLDOUT, "*.xml"),
                         ids=lambda p: p.stem)
def test_tei_keeps_every_speech_and_stage_direction(path: Path) -> None:
    tei = "{http://www.tei-c.org/ns/1.0}"
    body = ElementTree.parse(path).getroot().find(f"{tei}text/{tei}body")
    parents = {child: parent for parent in body.iter() for child in parent}
    stages = sum(1 for s in body.iter(f"{tei}stage") if parents[s].tag != f"{tei}stage")
    play = _load(path)
    assert sum(1 for _ in play.speeches()) == sum(1 for _ in body.iter(f"{tei}sp"))
    assert stages == (sum(len(scene.stage_directions) for scene in play.scenes)
                      + sum(len(speech.directions) for speech in play.speeches())
                      + sum(len(act.directions) for act in play.acts))


@needs_data
def test_tei_act_level_stage_directions() -> None:
    play = _load(GERDRACOR / "lessing-emilia-galotti.xml")
    assert play.acts[0].directions == ("Die Szene, ein Kabinett des Prinzen.",)


def test_tei_minimal_document(tmp_path: Path) -> None:
    xml = """<?xml version="1.0"?>
    <TEI xmlns="http://www.tei-c.org/ns/1.0">
      <teiHeader><fileDesc><titleStmt>
        <title type="main">Mini</title><title type="sub">A test</title>
        <author>Jane Roe <idno type="wikidata">Q1</idno></author>
      </titleStmt></fileDesc>
      <profileDesc><particDesc><listPerson>
        <person xml:id="a" sex="FEMALE"><persName>Ann</persName></person>
        <personGrp xml:id="all"><name>All</name></personGrp>
      </listPerson></particDesc></profileDesc></teiHeader>
      <text><body>
        <div type="act"><head>One</head>
          <stage>Night.</stage>
          <sp who="#a"><speaker>ANN.</speaker><l>Line <hi>one</hi>,</l><l>line two.</l></sp>
          <sp who="#b #all"><speaker>BEN and ALL</speaker>
            <p>Hi <stage>(waves)</stage> there.</p></sp>
        </div>
      </body></text>
    </TEI>""".encode()
    play = parse_tei(xml, tmp_path / "mini.xml")
    assert play.title == "Mini" and play.authors == ("Jane Roe",)
    assert play.acts == ()  # the act holds speech itself, so it is the segment
    (scene,) = play.scenes
    assert (scene.title, scene.kind, scene.act) == ("One", "act", None)
    assert scene.lines[0] == StageDirection(text="Night.")
    assert scene.speeches[0].text == "Line one,\nline two."
    assert scene.speeches[1].speaker_ids == ("b", "all")
    assert scene.speeches[1].text == "Hi there." and scene.speeches[1].directions == ("(waves)",)
    # "b" is not declared: it joins the cast under its speaker label
    assert play.character("b") == Character(id="b", name="BEN and ALL")
    assert play.character("all").is_group


# -- Fountain ---------------------------------------------------------------------------------

@needs_data
def test_fountain_cyber_bob() -> None:
    play = _load(CYBER_BOB)
    assert play.format == "fountain"
    assert play.title.startswith("BOB THE CYBER PAWN") and "EPISODE 1" in play.title
    assert play.authors == ("Richard Alexander Hall",)
    assert [s.title for s in play.scenes] == [
        None, "EXT. PARK--DAY", "EXT. SUBURBAN TRAFFIC INTERSECTION--DAY",
        "INT. TRAFFIC LIGHT HORIZONTAL BEAM--NIGHT"]
    assert play.scenes[0].lines[0] == StageDirection(text="FADE IN:")
    assert [m.id for m in play.cast] == ["bob", "dog", "margaret", "cyber-bob", "cyber-boss",
                                         "boss"]
    assert play.scenes[1].speeches[0] == Speech(speaker_ids=("bob",), speaker_name="BOB",
                                                text="Hi hello.")
    to_dog = next(s for s in play.speeches() if s.directions)
    assert to_dog.directions == ("to dog",) and to_dog.text == "Is that a rhetorical question?!"
    everything = " ".join(line.text for scene in play.scenes for line in scene.lines)
    assert "archival web URL" not in everything and "Draft date" not in everything  # notes
    assert play.scenes[-1].lines[-1] == StageDirection(text="THE END")
    assert "Why are you here?" in everything  # *emphasis* markers removed


def test_fountain_syntax(tmp_path: Path) -> None:
    text = """Title: **Two Rooms**
Authors: Ann Author
\tBen Writer

# Act One

= a synopsis, skipped

INT. KITCHEN - DAY #1#

Rain on the window. [[a note]]

ANNA (V.O.)
(quietly)
Is anyone there?

BEN ^
Only me.

CUT TO:

.FLASHBACK

ANNA (CONT'D)
Still me.
/* cut line */

!LOUD NOISES
"""
    play = parse_fountain(text, tmp_path / "two.fountain")
    assert play.title == "Two Rooms"
    assert play.authors == ("Ann Author", "Ben Writer")
    assert [a.title for a in play.acts] == ["Act One"]
    assert [(s.title, s.act) for s in play.scenes] == [("INT. KITCHEN - DAY", 0),
                                                       ("FLASHBACK", 0)]
    kitchen, flashback = play.scenes
    assert kitchen.lines[0] == StageDirection(text="Rain on the window.")
    assert kitchen.speeches[0] == Speech(speaker_ids=("anna",), speaker_name="ANNA",
                                         text="Is anyone there?", directions=("quietly",))
    assert kitchen.speeches[1].speaker_ids == ("ben",)
    assert kitchen.lines[-1] == StageDirection(text="CUT TO:")
    assert flashback.speeches[0].speaker_ids == ("anna",)  # (CONT'D) is the same character
    assert flashback.lines[-1] == StageDirection(text="LOUD NOISES")  # forced action


# -- CSV --------------------------------------------------------------------------------------

@needs_data
@pytest.mark.parametrize("path", _files(SHAKESPEARE_CSV, "*.csv"), ids=lambda p: p.stem)
def test_shakespeare_csv_imports(path: Path) -> None:
    play = _load(path)
    assert play.format == "csv"
    _check_consistent(play)
    assert [act.title for act in play.acts] == ["Act I", "Act II", "Act III", "Act IV", "Act V"]


@needs_data
def test_shakespeare_csv_details() -> None:
    hamlet = _load(SHAKESPEARE_CSV / "hamlet.csv")
    assert hamlet.title == "Hamlet"  # from metadata.csv
    assert len(hamlet.scenes) == 20
    first = hamlet.scenes[0]
    assert (first.title, first.act) == ("Scene I", 0)
    assert first.lines[0] == StageDirection(text="FRANCISCO at his post. Enter to him BERNARDO")
    assert first.lines[1] == Speech(speaker_ids=("bernardo",), speaker_name="Bernardo",
                                    text="Who's there?")
    romeo = _load(SHAKESPEARE_CSV / "romeo_juliet.csv")
    assert romeo.title == "Romeo and Juliet"
    prologue = romeo.scenes[0]
    assert prologue.title == "Prologue"
    assert prologue.speeches[0].text.count("\n") == 13  # 14 rows, one sonnet, one speech


# -- dispatch ---------------------------------------------------------------------------------

def test_detect_format() -> None:
    assert detect_format(Path("a.xml"), b"") == "tei"
    assert detect_format(Path("a.fountain"), b"INT. ROOM") == "fountain"
    assert detect_format(Path("a.spmd"), b"INT. ROOM") == "fountain"
    assert detect_format(Path("a.csv"), b"x") == "csv"
    assert detect_format(Path("a.txt"), b"\xef\xbb\xbf  <?xml version='1.0'?><TEI/>") == "tei"
    assert detect_format(Path("a.dat"), b"act,scene,character,dialogue\n") == "csv"
    assert detect_format(Path("a"), b"INT. ROOM - DAY\n") == "fountain"


@needs_data
def test_load_play_sniffs_content(tmp_path: Path) -> None:
    tei_as_txt = tmp_path / "reigen.txt"
    shutil.copy(GERDRACOR / "schnitzler-reigen.xml", tei_as_txt)
    assert load_play(tei_as_txt).title == "Reigen"
    csv_as_dat = tmp_path / "macbeth.dat"
    shutil.copy(SHAKESPEARE_CSV / "macbeth.csv", csv_as_dat)
    assert load_play(csv_as_dat).format == "csv"


# -- errors -----------------------------------------------------------------------------------

MALFORMED = {
    # fixture: (substrings the message must contain)
    "truncated.xml": ("truncated.xml:14", "<p> (opened at line 13)", "truncated"),
    "entity.xml": ("entity.xml:2", "<!DOCTYPE>", "DTD"),
    "external_entity.xml": ("external_entity.xml:2", "<!DOCTYPE>", "DTD"),
    "undefined_entity.xml": ("undefined_entity.xml:3", "<p>", "entity"),
    "mismatched.xml": ("mismatched.xml:6", "<p> (opened at line 6)", "mismatched tag"),
    "not_tei.xml": ("not_tei.xml:2", "<html>", "not <TEI>"),
    "no_body.xml": ("no_body.xml:4", "<text>", "<body>"),
    "duplicate_id.xml": ("duplicate_id.xml:7", "<person>", "'anna' is used twice"),
    "empty.xml": ("empty.xml", "empty"),
    "missing_columns.csv": ("missing_columns.csv:1", "header", "character"),
    "short_row.csv": ("short_row.csv:3", "row", "3 fields"),
    "no_character.csv": ("no_character.csv:2", "character", "[stage direction]"),
    "header_only.csv": ("header_only.csv", "no rows"),
    "blank.csv": ("blank.csv", "empty"),
    "empty.fountain": ("empty.fountain", "empty"),
    "unclosed_boneyard.fountain": ("unclosed_boneyard.fountain:8", "/*", "never closed"),
    "latin1.fountain": ("latin1.fountain:4", "not UTF-8"),
    "not_a_screenplay.txt": ("not_a_screenplay.txt", "no scene heading", "fountain.io"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_files_raise_play_error(name: str) -> None:
    path = FIXTURES / name
    with pytest.raises(PlayError) as caught:
        load_play(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    for expected in MALFORMED[name]:
        assert expected in message, message
    assert " — " in message  # every message says how to fix it
    assert isinstance(caught.value, DramaError)
    error = caught.value  # no chained low-level exception shows up in a traceback
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


def test_entities_are_never_expanded() -> None:
    with pytest.raises(PlayError) as caught:
        parse_tei((FIXTURES / "entity.xml").read_bytes(), "entity.xml")
    assert "lollol" not in str(caught.value)


def test_directory_and_missing_path(tmp_path: Path) -> None:
    with pytest.raises(PlayError, match="is a directory"):
        load_play(tmp_path)
    missing = tmp_path / "nope.xml"
    with pytest.raises(PlayError) as caught:
        load_play(missing)
    assert str(caught.value).startswith(f"{missing}: no such file")


def test_play_model_is_frozen_and_checks_references() -> None:
    speech = Speech(speaker_ids=("ghost",), speaker_name="GHOST", text="Boo.")
    with pytest.raises(ValidationError, match="not in the cast"):
        Play(title="T", format="tei", scenes=(Scene(lines=(speech,)),))
    with pytest.raises(ValidationError, match="act 3"):
        Play(title="T", format="tei", scenes=(Scene(act=3),))
    with pytest.raises(ValidationError, match="unique"):
        Play(title="T", format="tei", cast=(Character(id="a", name="A"),
                                            Character(id="a", name="B")))
    play = Play(title="T", format="tei", cast=(Character(id="ghost", name="Ghost"),),
                scenes=(Scene(lines=(speech, StageDirection(text="Exit."))),))
    with pytest.raises(ValidationError):
        play.title = "changed"  # type: ignore[misc]
    assert play.scenes[0].speakers() == ("ghost",)
    assert Play.model_validate_json(play.model_dump_json()) == play
