"""Ratings of played branches: the file the learned audience model trains on.

A ratings file is **JSON Lines** (UTF-8, one JSON object per line, appended to, never
rewritten). Each line is one rating of one branch of one drama::

    {"format": "drama-rating", "version": 1,
     "story": "the-orchard-letter", "fingerprint": "3f2a9c0d1e4b5a67", "seed": 0,
     "branch": ["elena:greet:tomas", "father:wait", "tomas:lie:elena:sale"],
     "rating": 1, "timestamp": "2025-01-31T18:04:05Z",
     "role": "elena", "ending": null, "score": 0.6123}

Fields:

``format``, ``version``
    ``"drama-rating"`` and ``1``. Readers skip lines of a newer version with a warning-free
    count (see :func:`read_ratings`), so old readers survive new writers.
``story``
    The story id (``Story.id``).
``fingerprint``
    ``CompiledStory.fingerprint``: a hash of the story content and vocabulary, so a rating is
    never matched to an edited story of the same id.
``seed``
    The seed the drama was played with (``DramaState.initial(compiled, seed)``).
``branch``
    The beats from the opening, in order, as action names (``CompiledStory.action_name``;
    ``"narrator:<event>"`` for a narrator event). ``CompiledStory.action_index`` maps them
    back.
``rating``
    ``1`` (the person liked the branch) or ``-1`` (they did not).
``timestamp``
    When it was rated: ISO 8601, UTC, to the second, with a ``Z``.
``role``, ``ending``, ``score`` (optional)
    Who the person played (a character id, ``"director"`` or ``"audience"``), the ending id
    reached (``null`` when the branch is unfinished) and the audience score the simulator gave
    the branch, in [0, 1] (``null`` when unknown).

The default file is ``$XDG_DATA_HOME/drama-sim/ratings.jsonl``, that is
``~/.local/share/drama-sim/ratings.jsonl`` (``drama play --ratings FILE`` chooses another).
A line is written with a single ``write`` in append mode and flushed, so concurrent writers
never interleave within a line and a crash loses at most the line being written.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from stories.errors import DramaError

FORMAT = "drama-rating"
VERSION = 1
FILE_NAME = "ratings.jsonl"


class RatingsError(DramaError):
    """A ratings file that cannot be read or written, or a rating that is malformed."""


def default_ratings_path() -> Path:
    """``$XDG_DATA_HOME/drama-sim/ratings.jsonl`` (``~/.local/share/...`` by default)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "drama-sim" / FILE_NAME


@dataclass(frozen=True)
class Rating:
    """One rating of one branch; see the module docstring for the fields."""

    story: str
    fingerprint: str
    seed: int
    branch: list[str]
    rating: int
    timestamp: str
    role: Optional[str] = None
    ending: Optional[str] = None
    score: Optional[float] = None
    format: str = field(default=FORMAT)
    version: int = field(default=VERSION)

    def __post_init__(self) -> None:
        if self.rating not in (1, -1):
            raise RatingsError(f"a rating is 1 or -1, not {self.rating!r}")
        if not self.story or not self.fingerprint:
            raise RatingsError("a rating needs the story id and fingerprint")
        if not isinstance(self.branch, list) or not all(isinstance(b, str) for b in self.branch):
            raise RatingsError("a rating's branch is a list of action names")

    @classmethod
    def now(cls, **fields) -> "Rating":
        """A rating stamped with the current time (UTC)."""
        stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        return cls(timestamp=stamp.replace("+00:00", "Z"), **fields)

    def to_dict(self) -> dict:
        data = asdict(self)
        ordered = {"format": data.pop("format"), "version": data.pop("version")}
        ordered.update(data)
        return ordered

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(", ", ": "))

    @classmethod
    def from_dict(cls, data: dict, source: str = "<rating>") -> "Rating":
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise RatingsError(f"{source}: not a rating (no \"format\": \"{FORMAT}\")")
        known = {"format", "version", "story", "fingerprint", "seed", "branch", "rating",
                 "timestamp", "role", "ending", "score"}
        try:
            return cls(**{k: v for k, v in data.items() if k in known})
        except TypeError as error:
            raise RatingsError(f"{source}: malformed rating ({error})") from None
        except RatingsError as error:
            raise RatingsError(f"{source}: {error}") from None


def append_rating(rating: Rating, path: str | Path | None = None) -> Path:
    """Append ``rating`` as one line to the ratings file (created with its folder if
    needed); return the path."""
    path = Path(path).expanduser() if path else default_ratings_path()
    line = rating.to_json() + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
    except OSError as error:
        raise RatingsError(f"{path}: cannot append the rating ({error.strerror or error}) — "
                           "choose another file with --ratings") from None
    return path


def read_ratings(path: str | Path | None = None, strict: bool = False) -> list[Rating]:
    """Every rating in the file, in order. Blank lines are skipped; so are lines of a newer
    ``version`` and, unless ``strict``, malformed lines (with ``strict`` they raise
    :class:`RatingsError` naming ``FILE:LINE``). A missing file has no ratings."""
    path = Path(path).expanduser() if path else default_ratings_path()
    if not path.exists():
        return []
    out: list[Rating] = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, text in enumerate(handle, 1):
            if not text.strip():
                continue
            where = f"{path}:{number}"
            try:
                data = json.loads(text)
                if isinstance(data, dict) and isinstance(data.get("version"), int) \
                        and data["version"] > VERSION:
                    continue
                out.append(Rating.from_dict(data, where))
            except json.JSONDecodeError as error:
                if strict:
                    raise RatingsError(f"{where}: not valid JSON ({error.msg})") from None
            except RatingsError:
                if strict:
                    raise
    return out


__all__ = ["FORMAT", "VERSION", "Rating", "RatingsError", "append_rating",
           "default_ratings_path", "read_ratings"]
