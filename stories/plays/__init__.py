"""Importers of real plays: DraCor TEI, Fountain screenplays and play CSVs -> :class:`Play`.

Example::

    from stories.plays import load_play

    play = load_play("gerdracor/tei/lessing-emilia-galotti.xml")
    play.title                       # 'Emilia Galotti'
    play.scenes[0].speeches[0]       # Speech(speaker_ids=('der_prinz',), ...)

Every importer raises :class:`PlayError` (a :class:`~stories.errors.DramaError`) for a file it
cannot read, naming the file, the line or element, and the fix.
"""

from stories.plays.csv_play import read_csv_play
from stories.plays.errors import PlayError
from stories.plays.fountain import parse_fountain, read_fountain
from stories.plays.loader import detect_format, load_play
from stories.plays.model import Act, Character, Play, Scene, Speech, StageDirection
from stories.plays.tei import parse_tei, read_tei

__all__ = [
    "Act", "Character", "Play", "PlayError", "Scene", "Speech", "StageDirection",
    "detect_format", "load_play", "parse_fountain", "parse_tei", "read_csv_play",
    "read_fountain", "read_tei",
]
