"""A small profanity filter: training data with these words is dropped, output is masked/resampled."""

from __future__ import annotations

import re

_WORDS = (
    "fuck", "fucking", "fucked", "fucker", "motherfucker", "shit", "shitty", "bullshit", "bitch",
    "bitches", "cunt", "dick", "dicks", "cock", "pussy", "asshole", "arsehole", "bastard", "whore",
    "slut", "fag", "faggot", "nigger", "nigga", "retard", "retarded", "wank", "wanker", "twat",
    "damn", "goddamn", "crap", "piss", "pissed", "tits", "porn", "rape", "raped",
)
_PATTERN = re.compile(r"\b(" + "|".join(map(re.escape, _WORDS)) + r")\b", re.I)
_FUZZY = re.compile(r"f+u+c+k|sh[i1]t|c+u+n+t|n[i1]gg", re.I)


def is_profane(text: str) -> bool:
    """True when ``text`` contains a listed word (whole word) or an obvious spelling of one."""
    return bool(_PATTERN.search(text) or _FUZZY.search(text))


def mask(text: str) -> str:
    """``text`` with each listed word replaced by a dash."""
    return _FUZZY.sub("—", _PATTERN.sub("—", text))
