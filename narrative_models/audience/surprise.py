"""Surprise: how unexpected each beat is to an audience that has watched many simulated dramas.

An audience's expectation is modelled by a smoothed trigram-style event model over the beat's
**verb** given the **previous verb** and the **sign of the actor's affection for the target**
just before the beat (``+`` above 0.15, ``-`` below -0.15, ``0`` between, ``none`` without a
target; narrator events are the verb ``narrator``)::

    P(verb | prev, sign)  Witten–Bell interpolated:  (prev, sign) -> (sign) -> () -> uniform

The surprise of a beat is its surprisal ``-log P``, divided by ``log(V + 1)`` (``V`` verbs
seen in training, plus one for a verb never seen) and clipped to [0, 1], so a beat as unlikely
as a uniform guess scores 1.

The shipped model (``data/event_model.json``) is counted from heuristic-agent playthroughs of
the shipped stories and of procedurally generated ones (:func:`train_event_model`; rebuild
with ``python -m narrative_models.audience.surprise``). It stores counts only.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from drama_env import layout as lay

__all__ = ["EVENT_MODEL_PATH", "EventModel", "SIGN_THRESHOLD", "beat_key", "train_event_model"]

EVENT_MODEL_PATH = Path(__file__).resolve().parent / "data" / "event_model.json"
FORMAT = "drama-event-model"
VERSION = 1
START = "<s>"
NARRATOR = "narrator"
SIGN_THRESHOLD = 0.15


def beat_key(compiled, floats_before: np.ndarray, action: int) -> tuple[str, str]:
    """``(verb, sign)`` of ``action`` played from a state whose floats are ``floats_before``."""
    a, v, t, _ = (int(x) for x in compiled.actions[action])
    if v < 0:
        return NARRATOR, "none"
    verb = compiled.verb_ids[v]
    if t < 0:
        return verb, "none"
    L = compiled.layout
    affection = floats_before[L[lay.F_REL] + (a * compiled.n_characters + t) * 3]
    return verb, ("+" if affection > SIGN_THRESHOLD else "-" if affection < -SIGN_THRESHOLD else "0")


class EventModel:
    """Counts of beats in context and the Witten–Bell estimate built on them."""

    def __init__(self, counts: dict[tuple[str, str], Counter], meta: dict | None = None) -> None:
        self.counts = {key: Counter(value) for key, value in counts.items()}
        self.meta = dict(meta or {})
        by_sign: dict[str, Counter] = defaultdict(Counter)
        unigram: Counter = Counter()
        for (prev, sign), verbs in self.counts.items():
            by_sign[sign].update(verbs)
            unigram.update(verbs)
        self.by_sign = dict(by_sign)
        self.unigram = unigram
        self.verbs = sorted(unigram)
        self.log_vocab = math.log(len(self.verbs) + 1)
        self._table: dict[tuple[str, str], dict[str, float]] = {}
        total = sum(unigram.values())
        types = len(unigram)
        uniform = 1.0 / (len(self.verbs) + 1)
        self._p0 = {v: (n + types * uniform) / (total + types) for v, n in unigram.items()}
        self._p0_unseen = types * uniform / (total + types) if total else uniform

    # --- estimates --------------------------------------------------------------------------
    @staticmethod
    def _wb(counts: Counter | None, lower: dict[str, float], lower_unseen: float
            ) -> tuple[dict[str, float], float]:
        if not counts:
            return lower, lower_unseen
        total = sum(counts.values())
        types = len(counts)
        scale = types / (total + types)
        out = {v: (counts.get(v, 0) + types * p) / (total + types) for v, p in lower.items()}
        return out, scale * lower_unseen

    def _row(self, prev: str, sign: str) -> tuple[dict[str, float], float]:
        key = (prev, sign)
        row = self._table.get(key)
        if row is None:
            p1, u1 = self._wb(self.by_sign.get(sign), self._p0, self._p0_unseen)
            p2, u2 = self._wb(self.counts.get(key), p1, u1)
            row = {v: -math.log(p) / self.log_vocab for v, p in p2.items()}
            row[""] = -math.log(u2) / self.log_vocab
            self._table[key] = row
        return row, row[""]

    def probability(self, verb: str, prev: str = START, sign: str = "none") -> float:
        """P(verb | prev, sign)."""
        row, unseen = self._row(prev, sign)
        return math.exp(-row.get(verb, unseen) * self.log_vocab)

    def surprise(self, verb: str, prev: str = START, sign: str = "none") -> float:
        """``-log P(verb | prev, sign) / log(V + 1)``, clipped to [0, 1]."""
        row, unseen = self._row(prev, sign)
        return min(1.0, row.get(verb, unseen))

    # --- files ------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": VERSION, "meta": self.meta,
                "counts": {f"{prev}|{sign}": dict(sorted(verbs.items()))
                           for (prev, sign), verbs in sorted(self.counts.items())}}

    def save(self, path: str | Path) -> None:
        from stories.files import write_atomic

        write_atomic(Path(path), json.dumps(self.to_dict(), indent=0, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: str | Path | None = None) -> EventModel:
        """Load a saved model (default: the shipped one); raises ``ModelError``."""
        from stories.errors import ModelError

        path = Path(path) if path is not None else EVENT_MODEL_PATH
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"{path}: no event model here — rebuild it with "
                             "`python -m narrative_models.audience.surprise`") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelError(f"{path}: not a readable event model ({error}) — rebuild it with "
                             "`python -m narrative_models.audience.surprise`") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelError(f"{path}: not an event model (no 'format: {FORMAT}')")
        if data.get("version") != VERSION:
            raise ModelError(f"{path}: event model version {data.get('version')!r} is not "
                             f"supported (this version reads {VERSION}) — rebuild it")
        counts = {}
        for key, verbs in data.get("counts", {}).items():
            prev, _, sign = key.partition("|")
            counts[(prev, sign)] = Counter({v: int(n) for v, n in verbs.items()})
        return cls(counts, data.get("meta"))


@lru_cache(maxsize=1)
def shipped_event_model() -> EventModel:
    """The shipped event model, loaded once per process."""
    return EventModel.load()


def _keys_of_playthrough(compiled, seed: int, result) -> Iterable[tuple[str, str, str]]:
    from drama_env.state import DramaState

    before = DramaState.initial(compiled, seed).floats
    prev = START
    for event, state in zip(result.events, result.states):
        verb, sign = beat_key(compiled, before, event.action)
        yield prev, sign, verb
        prev = verb
        before = state.floats


def train_event_model(stories: Iterable, seeds: Iterable[int], agent=None,
                      meta: dict | None = None) -> EventModel:
    """Count beats of playthroughs of every story (a ``Story``, name or ``CompiledStory``)
    for every seed, with ``agent`` (default: the heuristic agent)."""
    from agents.heuristic import HeuristicAgent
    from agents.play import play
    from drama_env.compiled import CompiledStory

    agent = agent or HeuristicAgent()
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    seeds = list(seeds)
    for story in stories:
        compiled = story if isinstance(story, CompiledStory) else CompiledStory.from_story(story)
        for seed in seeds:
            result = play(compiled, seed, agent, keep_states=True)
            for prev, sign, verb in _keys_of_playthrough(compiled, seed, result):
                counts[(prev, sign)][verb] += 1
    return EventModel(counts, meta)


def build_shipped(shipped_seeds: int = 30, generated: int = 60, generated_seeds: int = 3,
                  out: str | Path | None = None) -> EventModel:
    """The shipped model: every shipped story with seeds ``0..shipped_seeds-1``, plus
    ``generated`` generated stories (generator seeds ``1000..``) with ``generated_seeds`` each."""
    from stories import parse_story
    from stories.generator import generate_yaml
    from stories.loader import shipped_story_names

    names = list(shipped_story_names())
    model = train_event_model(names, range(shipped_seeds))
    generated_stories = [parse_story(generate_yaml(1000 + k), f"<generated {1000 + k}>")
                         for k in range(generated)]
    extra = train_event_model(generated_stories, range(generated_seeds))
    counts = {key: Counter(value) for key, value in model.counts.items()}
    for key, value in extra.counts.items():
        counts.setdefault(key, Counter()).update(value)
    meta = {"agent": "heuristic", "shipped_stories": names, "shipped_seeds": shipped_seeds,
            "generated_stories": generated, "generator_seeds": [1000, 1000 + generated - 1],
            "seeds_per_generated_story": generated_seeds,
            "beats": int(sum(sum(v.values()) for v in counts.values()))}
    result = EventModel(counts, meta)
    result.save(out if out is not None else EVENT_MODEL_PATH)
    return result


if __name__ == "__main__":  # pragma: no cover - an offline build step
    import os

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    built = build_shipped()
    print(json.dumps(built.meta, indent=1))
