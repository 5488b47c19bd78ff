"""Corpus preparation for the LM narrator: plays -> speech units with control codes.

A *unit* is one speech: ``{"source", "play", "speaker", "to", "verb", "text"}`` (``emotion`` is
added by the labelling step in ``scripts/prepare_narrator_corpus.py``). Three play formats are
normalised here: tinyshakespeare (``NAME:`` lines), the Shakespeare CSV (one row per verse line)
and the Gutenberg plays (``NAME.``, ``_Name._``, ``Name.`` or a name on its own line; prefaces
before the first ``ACT`` heading and the Gutenberg licence are dropped). GoEmotions comments
(gold labels mapped to Ekman, profanity dropped) are mixed in as modern emotion-coded speech.

Pure Python (no torch): importable by tests and the CLI without loading a model.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

from narrative_models.narrator.profanity import is_profane

#: The play held out of training for perplexity (from the Shakespeare CSV).
HOLDOUT_PLAY = "julius_caesar"
MAX_CHARS = 320

# --- the dramatic act ("verb") of a speech, where a keyword makes it derivable -------------------
# Keys are simulator verbs (stories/data/verbs.yaml); matched in this order, first wins.
VERB_CUES: dict[str, tuple[str, ...]] = {
    "confess_love": ("i love thee", "i love you", "my love for you", "i adore"),
    "threaten": ("i will kill", "i'll kill", "beware", "or else", "i'll have thy", "you will regret"),
    "plead": ("i beseech", "i pray you", "i pray thee", "have mercy", "i beg", "please,", "for pity"),
    "insult": ("villain", "knave", "rogue", "fool", "slave", "idiot", "coward", "wretch"),
    "accuse": ("thou hast", "you have done", "traitor", "you lied", "you betrayed", "it was you"),
    "comfort": ("fear not", "be of good cheer", "don't cry", "do not weep", "there, there", "take heart"),
    "forgive": ("i forgive", "i pardon", "forgive you", "pardon thee"),
    "greet": ("good morrow", "good morning", "good evening", "good day", "welcome", "hail,", "how do you do"),
    "leave": ("farewell", "good night", "adieu", "goodbye", "good-bye", "i must go"),
    "reject": ("i will not", "i won't", "never!", "no, no", "i refuse"),
    "ask": (),
}
VERBS = tuple(VERB_CUES)


def derive_verb(text: str) -> str:
    low = text.lower()
    for verb, cues in VERB_CUES.items():
        if any(cue in low for cue in cues):
            return verb
    if text.rstrip().endswith("?"):
        return "ask"
    return "none"


def _clean_name(name: str) -> str:
    name = re.sub(r"[_\[\]().]", " ", name)
    name = re.sub(r"\s+", " ", name).strip()
    return " ".join(w.capitalize() if w.isupper() or w.islower() else w for w in name.split())


def _trim(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= MAX_CHARS:
        return text
    cut = text[:MAX_CHARS]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > 40 else cut.rsplit(" ", 1)[0]


_DIRECTION = re.compile(r"\[[^\]]*\]|\([^)]*\)|_\([^)]*\)_")
_TO = re.compile(r"[\[(]\s*_?(?:to|aside to)\s+([A-Za-z][A-Za-z .'-]{1,30}?)[_.,;\])]", re.I)


def _speech(raw: str) -> tuple[str, str | None]:
    """Text without stage directions, and an addressee named by a ``[To X]`` direction."""
    m = _TO.search(raw)
    to = _clean_name(m.group(1)) if m else None
    text = _DIRECTION.sub(" ", raw)
    text = re.sub(r"\[[^\]]*$|_", " ", text)
    return _trim(text), to


def _units_from_turns(turns, source: str, play: str) -> list[dict]:
    """``turns`` = [(speaker, raw text)]; the addressee is the named one or the previous speaker."""
    units, previous = [], None
    for speaker, raw in turns:
        text, to = _speech(raw)
        if len(text) < 2 or not re.search(r"[A-Za-z]", text):
            continue
        if to is None and previous and previous != speaker:
            to = previous
        units.append({"source": source, "play": play, "speaker": speaker, "to": to or "",
                      "verb": derive_verb(text), "text": text})
        previous = speaker
    return units


def tinyshakespeare(path: Path) -> list[dict]:
    turns = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().split("\n")
        if len(lines) >= 2 and lines[0].endswith(":"):
            turns.append((_clean_name(lines[0][:-1]), " ".join(lines[1:])))
    return _units_from_turns(turns, "tinyshakespeare", "tinyshakespeare")


def shakespeare_csv(path: Path) -> list[dict]:
    turns: list[list] = []
    key = None
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            who = row["character"]
            if who.startswith("["):
                key = None
                continue
            k = (row["act"], row["scene"], who)
            if k == key:
                turns[-1][1] += " " + row["dialogue"]
            else:
                turns.append([_clean_name(who), row["dialogue"]])
            key = k
    return _units_from_turns([tuple(t) for t in turns], "shakespeare_csv", path.stem)


_UPPER = re.compile(r"^\s*([A-Z][A-Z'\-]+(?:[ .]+[A-Z][A-Z'\-]+){0,3})\s*\.?\s*((?:\[[^\]]*\]|\([^)]*\))?)\s*[.:]?\s+(\S.*)", re.S)
_UNDERSCORE = re.compile(r"^\s*_([^_]{1,40}?)\.?_\.?\s*(\S.*)?$", re.S)
_TITLE = re.compile(r"^((?:(?:Dr|Mr|Mrs|Miss|Lady|Lord|Sir)\.? )?[A-Z][a-z]+(?: [A-Z][a-z]+){0,2})((?: \([^)]*\))?)\.\s+(\S.*)", re.S)
_NAME_ONLY = re.compile(r"^\s*_?([A-Z][A-Za-z'\- .]{1,40}?)\.?_?\.?\s*$")
_ACT = re.compile(r"^\s*(ACT\b|FIRST ACT|ACT FIRST|THE FIRST ACT)", re.M)


def gutenberg(path: Path) -> list[dict]:
    text = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")
    start = text.find("*** START OF")
    if start >= 0:
        text = text[text.find("\n", start) + 1:]
    end = text.find("*** END OF")
    if end >= 0:
        text = text[:end]
    m = _ACT.search(text)
    if m:  # drop the preface, cast list and introduction
        text = text[m.start():]
    paras = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    turns: list[tuple[str, str]] = []
    pending = None
    for p in paras:
        if pending is not None:
            if not _NAME_ONLY.match(p.split("\n")[0]) or "\n" in p.strip():
                turns.append((pending, p))
                pending = None
                continue
            pending = None
        first = p.split("\n")[0]
        m = _NAME_ONLY.match(first)
        if m and "\n" not in p.strip() and (first.strip().isupper() or first.strip().startswith("_")):
            pending = _clean_name(m.group(1))
            continue
        for rx in (_UNDERSCORE, _UPPER, _TITLE):
            m = rx.match(p)
            if m:
                groups = m.groups()
                body = (groups[-2] or "") + " " + (groups[-1] or "") if rx is not _UNDERSCORE else (groups[1] or "")
                if rx is _UNDERSCORE and not body.strip():
                    pending = _clean_name(groups[0])
                    break
                turns.append((_clean_name(groups[0]), body))
                break
    counts = Counter(s for s, _ in turns)
    turns = [(s, t) for s, t in turns if counts[s] >= 3 and len(s) <= 30 and s.lower() not in ("act", "scene", "end")]
    return _units_from_turns(turns, "gutenberg", path.stem)


def goemotions(folder: Path, mapping: dict[str, list[str]], split: str = "train") -> list[dict]:
    """GoEmotions comments with one Ekman label (27 labels mapped), profanity dropped."""
    labels = (folder / "original" / "labels.txt").read_text().split()
    to_ekman = {fine: ekman for ekman, fines in mapping.items() for fine in fines}
    to_ekman["neutral"] = "neutral"
    units = []
    for line in (folder / "original" / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
        text, ids, _ = line.split("\t")
        ekman = {to_ekman[labels[int(i)]] for i in ids.split(",")}
        if len(ekman) != 1 or "[NAME]" in text and text.count("[NAME]") > 1:
            continue
        text = text.replace("[NAME]", "friend").replace("[RELIGION]", "faith")
        if is_profane(text) or len(text) < 8:
            continue
        units.append({"source": "goemotions", "play": "goemotions", "speaker": "", "to": "",
                      "verb": derive_verb(text), "text": _trim(text), "emotion": ekman.pop()})
    return units


def play_units(data: Path) -> list[dict]:
    """All play speeches from the three corpora under ``data`` (``../shared/data``)."""
    corpora = data / "corpora"
    units = tinyshakespeare(corpora / "tinyshakespeare" / "input.txt")
    for path in sorted((corpora / "shakespeare_csv").glob("*.csv")):
        if path.stem != "metadata":
            units += shakespeare_csv(path)
    for path in sorted((corpora / "gutenberg_plays").glob("*.txt")):
        if path.name != "SOURCE.txt":
            units += gutenberg(path)
    return units


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line]
