"""``LMNarrator``: the simulator's ``Narrator`` protocol (``render(event, state) -> Line``) on an LM.

The stage direction, parenthetical and narrator events come from the template narrator; the
spoken text is sampled from the LM, conditioned on the speaker, the addressee, the beat's verb and
the speaker's dominant emotion (OCC emotions mapped to the narrator's Ekman codes). The sampling
seed depends only on the narrator's seed and the beat, never on the world's random stream, so the
drama is the same with either narrator and the same seed gives the same script.

When an emotion model is available, a line it scores far from the intended emotion (probability
of that emotion below ``min_prob``) is resampled, at most ``tries`` times, keeping the best.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from narrative_models.narrator.codes import OCC_TO_EKMAN
from narrative_models.narrator.corpus import VERBS
from narrative_models.narrator.model import NarratorLM, seed_of
from narrative_models.narrator.profanity import is_profane


def pick_best(lm: NarratorLM, judge, emotion: str | None, tries: int, min_prob: float, **kw) -> tuple[str, float]:
    """Sample up to ``tries`` batches of candidates; return the first good line (or the best)."""
    n = kw.pop("n", 4)
    seed = kw.pop("seed", 0)
    best, best_p = "", -1.0
    for attempt in range(max(1, tries)):
        cands = [c for c in lm.generate(emotion=emotion, n=n, seed=seed_of(seed, attempt), **kw)
                 if c and not is_profane(c)]
        if not cands:
            continue
        if judge is None or not emotion:
            return cands[0], 1.0
        scores = judge.predict(cands)
        for c, s in zip(cands, scores):
            p = s.probs.get(emotion, 0.0)
            if p > best_p:
                best, best_p = c, p
        if best_p >= min_prob:
            break
    return best, best_p


class LMNarrator:
    """Render beats with a causal LM (the shipped narrator by default, or any local folder)."""

    name = "lm"

    def __init__(self, path: str | Path | None = None, seed: int = 0, *, judge="auto", tries: int = 3,
                 candidates: int = 4, min_prob: float = 0.3, guidance: float = 1.5,
                 max_new_tokens: int = 40, lm: NarratorLM | None = None) -> None:
        from drama_env.narration import TemplateNarrator

        self.lm = lm or NarratorLM.load(path)
        self.seed = seed
        self.template = TemplateNarrator(seed=seed)
        self.tries, self.candidates, self.min_prob = tries, candidates, min_prob
        self.guidance = guidance if self.lm.coded else 1.0
        self.max_new_tokens = max_new_tokens
        if judge == "auto":
            try:
                from narrative_models.emotion import EmotionModel

                judge = EmotionModel.load()
            except Exception:  # the judge is an optional refinement
                judge = None
        self.judge = judge
        self._history: list[str] = []

    def beat(self, event, state) -> dict | None:
        """The conditioning of a character's beat (``None`` for narrator events)."""
        if event.is_narrator or not event.actor:
            return None
        c = state.compiled
        story = c.story
        names = {ch.id: ch.name for ch in story.cast}
        emotion, level = state.dominant_emotion(c.character_ids.index(event.actor))
        from drama_env.narration import EMOTION_FLOOR

        ekman = OCC_TO_EKMAN.get(emotion if level >= EMOTION_FLOOR else "calm", "neutral")
        place = story.places[c.place_ids.index(event.place)].name if event.place else None
        return {"speaker": names[event.actor], "to": names.get(event.target, "") if event.target else "",
                "emotion": ekman, "verb": event.verb if event.verb in VERBS else None, "place": place,
                "seed": seed_of(self.seed, story.id, event.step, event.action)}

    def render(self, event, state):
        """The finished :class:`~drama_env.lines.Line` of ``event`` (the last of
        :meth:`render_stream`, so a played and a streamed drama read the same)."""
        line = None
        for line in self.render_stream(event, state):
            pass
        return line

    def render_stream(self, event, state) -> Iterator:
        """The line of ``event`` as it is written: partial lines while the LM samples a draft,
        then the finished line. The draft stays unless the emotion model finds it far from
        the intended emotion; then up to ``tries`` batches of ``candidates`` are resampled
        and the best line is kept (the last line yielded replaces the draft)."""
        from dataclasses import replace

        line = self.template.render(event, state)
        beat = self.beat(event, state)
        if beat is None:
            yield line
            return
        emotion = beat["emotion"]
        context = self._history[-3:] if not self.lm.coded else None
        draft = ""
        for piece in self.lm.stream(speaker=beat["speaker"], to=beat["to"], emotion=emotion,
                                    verb=beat["verb"], place=beat["place"], context=context,
                                    seed=beat["seed"], guidance=self.guidance,
                                    max_new_tokens=self.max_new_tokens):
            draft += piece
            yield replace(line, text=draft)
        text = self.lm.clean(draft)
        if self.judge is not None and emotion:
            p = self.judge.predict([text])[0].probs.get(emotion, 0.0) if text else -1.0
            if p < self.min_prob:
                better, better_p = pick_best(
                    self.lm, self.judge, emotion, self.tries, self.min_prob,
                    speaker=beat["speaker"], to=beat["to"], verb=beat["verb"],
                    place=beat["place"], context=context, n=self.candidates,
                    seed=seed_of(beat["seed"], "resample"), guidance=self.guidance,
                    max_new_tokens=self.max_new_tokens)
                if better and better_p > p:
                    text = better
        if not text:
            yield line
            return
        self._history.append(f"{beat['speaker']}: {text}")
        yield replace(line, text=text)

    def stream(self, event, state) -> Iterator[str]:
        """The spoken text of ``event`` as it is generated (raw: no resampling)."""
        beat = self.beat(event, state)
        if beat is None:
            yield self.template.render(event, state).direction
            return
        yield from self.lm.stream(speaker=beat["speaker"], to=beat["to"], emotion=beat["emotion"],
                                  verb=beat["verb"], place=beat["place"], seed=beat["seed"],
                                  guidance=self.guidance, max_new_tokens=self.max_new_tokens)


def make_narrator(kind: str = "template", seed: int = 0):
    """``template``, ``lm`` (the shipped model) or a path to a local causal-LM folder."""
    if kind == "template":
        from drama_env.narration import TemplateNarrator

        return TemplateNarrator(seed=seed)
    return LMNarrator(None if kind == "lm" else kind, seed=seed)
