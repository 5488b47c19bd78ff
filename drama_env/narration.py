"""The template narrator: each ``Event`` as a stage direction and a line of dialogue.

Phrasings come from ``narrative_models/data/templates.yaml`` (at least three per verb and per
emotion). Which phrasing is used depends only on the narrator's seed and the beat, never on
the world's random stream, so rendering never changes the drama.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import yaml

from drama_env.event import Event
from drama_env.state import DramaState
from drama_env.lines import Line

TEMPLATES = Path(__file__).with_name("data") / "templates.yaml"
EMOTION_FLOOR = 0.12  # below this the speaker reads as calm


@lru_cache(maxsize=1)
def templates() -> dict:
    return yaml.safe_load(TEMPLATES.read_text(encoding="utf-8"))


def _pick(options: list[str], *key) -> str:
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
    return options[int.from_bytes(digest, "little") % len(options)]


class _Fill(dict):
    def __missing__(self, key: str) -> str:
        return "someone" if key in ("actor", "target") else "it"


def _pronouns(text: str) -> tuple[str, str, str]:
    parts = [p.strip().lower() for p in text.split("/") if p.strip()]
    subject = parts[0] if parts else "they"
    table = {"she": ("she", "her", "her"), "he": ("he", "him", "his"), "they": ("they", "them", "their")}
    if subject in table:
        return table[subject]
    obj = parts[1] if len(parts) > 1 else subject
    return subject, obj, obj


class TemplateNarrator:
    """Renders events with templates; ``seed`` varies the phrasing reproducibly."""

    name = "template"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def render(self, event: Event, state: DramaState) -> Line:
        """A :class:`Line` for ``event``; ``state`` is the state just after it."""
        c = state.compiled
        story = c.story
        data = templates()
        key = (self.seed, story.id, event.step, event.action)
        if event.is_narrator:
            ev = story.events[c.event_ids.index(event.narrator_event)]
            direction = _pick(data["narrator"]["direction"], *key).format(title=ev.title)
            if ev.text:
                direction += " " + ev.text
            return Line(event.step, event.place, direction, text="", emotion="calm")
        names = {ch.id: ch.name for ch in story.cast}
        actor = story.cast[c.character_ids.index(event.actor)]
        they, them, their = _pronouns(actor.pronouns)
        fill = _Fill(actor=actor.name, they=they, them=them, their=their)
        if event.target:
            target = story.cast[c.character_ids.index(event.target)]
            fill["target"] = target.name
            fill["target_they"], fill["target_them"], _ = _pronouns(target.pronouns)
        if event.object:
            fill["object"] = story.objects[c.object_ids.index(event.object)].name
        if event.secret:
            secret = story.secrets[c.secret_ids.index(event.secret)]
            fill["secret"] = secret.text
            fill["lie"] = secret.lie or "There is nothing to tell."
        if event.place:
            fill["place"] = story.places[c.place_ids.index(event.place)].name
        if event.destination:
            fill["destination"] = story.places[c.place_ids.index(event.destination)].name
        verbs = data["verbs"]
        phrasing = verbs.get(event.verb, verbs["default"])
        lines = phrasing.get("failed") if not event.success and phrasing.get("failed") else phrasing["line"]
        emotion, level = state.dominant_emotion(c.character_ids.index(event.actor))
        if level < EMOTION_FLOOR:
            emotion = "calm"
        feel = data["emotions"][emotion]
        direction = _pick(phrasing["direction"], *key, "d").format_map(fill)
        if not event.success and event.verb in ("lie", "eavesdrop", "steal", "attack", "propose"):
            direction += " It does not work."
        text = _pick(feel["opener"], *key, "o") + _pick(lines, *key, "l").format_map(fill)
        return Line(event.step, event.place, direction, speaker=event.actor,
                    speaker_name=names[event.actor], text=text.strip(), emotion=emotion,
                    parenthetical=_pick(feel["adverb"], *key, "a"))
