"""The audience model on simulated dramas: an incremental scorer over the simulator's states.

:class:`AudienceScorer` follows the explorer's :class:`~narrative_models.explore.score.BranchScorer`
protocol — ``start(state)``, ``extend(summary, event, state)``, ``score(summary) -> float`` —
and adds ``terms(summary)`` and ``evaluate(summary) -> AudienceScore`` for the breakdown. A
summary is an immutable :class:`AudienceSummary` of running sums, so one beat costs one compiled
call (:func:`.kernels.beat_features`) and a few additions.

Per beat ``t`` (state after it; ``n`` beats, ``m`` of them by characters):

- **arc fit** ``1 − 2 · mean_t |tension_t − target_t|`` (the story's target arc), clipped.
- **suspense** ``mean_t s_t / SUSPENSE_SCALE`` (clipped), ``s_t`` the mean over protagonists
  ``p`` still on stage of ``threat_p · (1 − ways_p)``: ``threat_p = max(1 − sat_p,
  secret risk_p)``, ``ways_p = ½ · beats left / length + ½ · share of the others who are p's
  allies`` (affection > 0.2 and trust > 0). Protagonists: the ``max(1, round(C/3))`` characters
  with the greatest total goal weight (cast order breaks ties).
- **surprise** ``mean_t`` of the beat's normalised surprisal under the event model
  (:mod:`.surprise`).
- **conflict** ``mean_t`` of the beat's open conflict (the verb's, from the rules).
- **reversal** ``½ · min(1, peak / REVERSAL_PEAK) + ½ · min(1, mean / REVERSAL_MEAN)`` of the
  largest change of anyone's goal satisfaction in a beat.
- **emotional intensity** and **variety**: with an emotion reader, from each beat's text:
  ``mean(1 − P(neutral))`` and the normalised entropy of the summed probabilities of the six
  emotions; without, from the simulator's OCC emotions: the actor's strongest emotion, and the
  normalised entropy of the actors' summed emotion vectors (12 emotions).
- **coherence** ``explained / m · (1 − repeats / n)``: a character's beat is explained when it
  raised the actor's goal satisfaction, or suits the actor's feelings before it (verb feeling
  affinities · emotions > 0.05), or their personality (trait affinities · centred Big Five >
  0.15); a repeat is an action played in the last 8 beats.
- **closure** ``0.6 · ending + 0.4 · threads``: ``ending = min(1, progress / climax)`` when an
  ending is reached (else 0), ``threads`` the mean of ``|2 · sat_c − 1|`` (fortunes decided).

The score is the weighted mean of the terms (:class:`.terms.AudienceWeights`), or of a learned
re-weighting (:class:`.preference.PreferenceModel`).
"""

from __future__ import annotations

import math
import weakref
from typing import NamedTuple

import numpy as np

from narrative_models.audience import kernels as K
from narrative_models.audience.surprise import NARRATOR, START
from narrative_models.audience.terms import AudienceScore, AudienceWeights, TERMS, weighted_score
from narrative_models.emotion.labels import LABELS

__all__ = ["AudienceScorer", "AudienceSummary", "protagonists_of", "score_simulated"]

SUSPENSE_SCALE = 0.5
REVERSAL_PEAK = 0.3
REVERSAL_MEAN = 0.06
ENDING_SHARE = 0.6
N_OCC = 12
N_SIX = len(LABELS) - 1  # the six emotions, without neutral
_SIGNS = {1.0: "+", -1.0: "-", 0.0: "0", 2.0: "none"}


class AudienceSummary(NamedTuple):
    """What the scorer keeps of a branch: running sums and the last state's readings."""

    beats: int = 0
    character_beats: int = 0
    fit_error: float = 0.0
    suspense: float = 0.0
    surprise: float = 0.0
    conflict: float = 0.0
    reversal: float = 0.0
    reversal_peak: float = 0.0
    explained: float = 0.0
    repeats: float = 0.0
    intensity: float = 0.0
    mix: np.ndarray | None = None      # summed emotion vectors of the actors (12,)
    lines: int = 0
    line_intensity: float = 0.0
    line_mix: tuple = (0.0,) * N_SIX
    ending: float = 0.0
    threads: float = 0.0
    prev_verb: str = START
    sat: np.ndarray | None = None      # goal satisfaction after the last beat (C,)
    floats: np.ndarray | None = None   # the last state's float buffer (a copy)


class _StoryInfo:
    __slots__ = ("protagonists", "has_goals", "climax", "verbs")

    def __init__(self, compiled) -> None:
        self.protagonists = protagonists_of(compiled)
        owners = {int(owner) for owner, _ in compiled.goals}
        self.has_goals = np.array([c in owners for c in range(compiled.n_characters)], np.bool_)
        self.climax = float(compiled.climax)
        self.verbs = list(compiled.verb_ids)


_INFO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _info(compiled) -> _StoryInfo:
    info = _INFO.get(compiled)
    if info is None:
        info = _INFO[compiled] = _StoryInfo(compiled)
    return info


def protagonists_of(compiled) -> np.ndarray:
    """The protagonists: the ``max(1, round(C / 3))`` characters with the greatest total goal
    weight (ties: cast order)."""
    C = compiled.n_characters
    weight = np.zeros(C)
    for owner, goal in compiled.goals:
        weight[int(owner)] += goal.weight
    k = max(1, int(round(C / 3)))
    order = sorted(range(C), key=lambda c: (-weight[c], c))
    return np.array(sorted(order[:k]), dtype=np.int64)


def _entropy(values) -> float:
    p = np.asarray(values, dtype=float)
    total = p.sum()
    if total <= 0 or len(p) < 2:
        return 0.0
    p = p[p > 0] / total
    return float(-(p * np.log(p)).sum() / math.log(len(values)))


class AudienceScorer:
    """The analytic audience model on simulated branches (see the module docstring).

    Arguments:
        weights: :class:`AudienceWeights` or a dict of them (default weights otherwise).
        event_model: the surprise model: ``None`` for the shipped one, an
            :class:`~.surprise.EventModel`, or ``False`` to leave surprise out.
        reader: an emotion reader (``load_reader()``) to read each beat's text; ``None``
            (default) uses the simulator's own emotions (fast).
        narrator: renders beats to text for the reader when no text is given (default: the
            template narrator with seed 0).
        preference: a :class:`~.preference.PreferenceModel` whose learned weights replace
            ``weights``.
    """

    name = "audience"

    def __init__(self, weights=None, event_model=None, reader=None, narrator=None,
                 preference=None) -> None:
        self.weights = AudienceWeights.from_options(weights)
        if event_model is None:
            from narrative_models.audience.surprise import shipped_event_model

            event_model = shipped_event_model()
        self.event_model = event_model or None
        self.reader = reader
        self.narrator = narrator
        self.preference = preference
        self._vector = (preference.weight_vector() if preference is not None
                        else self.weights.vector())
        self._out = K.new_features()

    # --- the BranchScorer protocol ---------------------------------------------------------
    def start(self, state) -> AudienceSummary:
        """The summary of the empty branch at ``state``."""
        c = state.compiled
        sat = np.empty(c.n_characters)
        from drama_env.kernels import satisfaction

        satisfaction(state.floats, state.ints, c.tables_f, c.tables_i, c.layout, sat)
        return AudienceSummary(mix=np.zeros(N_OCC), sat=sat, floats=state.floats.copy())

    def extend(self, summary: AudienceSummary, event, state, line=None) -> AudienceSummary:
        """The summary after one more beat; ``state`` is the state just after ``event``.

        ``line`` is the beat's text (or ``(probs, valence, arousal)`` already read); when it is
        ``None`` and the scorer has a reader, the beat is rendered with the narrator.
        """
        c = state.compiled
        info = _info(c)
        out = self._out
        sat1 = np.empty(c.n_characters)
        mix = np.empty(N_OCC)
        if summary.floats is None or summary.mix is None:  # built by hand: start from here
            summary = self.start(state)._replace(**{k: v for k, v in summary._asdict().items()
                                                   if k not in ("sat", "floats", "mix")})
        K.beat_features(summary.floats, summary.sat, summary.mix, state.floats, state.ints,
                        c.tables_f, c.tables_i, c.layout, info.protagonists, info.has_goals, out,
                        sat1, mix)
        (tension, target, conflict, reversal, repeated, ended, progress, actor, verb, explained,
         intensity, suspense, threads, sign) = out.tolist()
        verb_id = NARRATOR if verb < 0 else info.verbs[int(verb)]
        surprise = 0.0
        if self.event_model is not None:
            surprise = self.event_model.surprise(verb_id, summary.prev_verb, _SIGNS[sign])
        lines, line_intensity, line_mix = summary.lines, summary.line_intensity, summary.line_mix
        if self.reader is not None:
            read = self._read(line, event, state)
            if read is not None:
                probs, _valence, _arousal = read
                lines += 1
                line_intensity += 1.0 - float(probs[-1])
                line_mix = tuple(np.add(line_mix, probs[:N_SIX]).tolist())
        ending = min(1.0, progress / info.climax) if ended else 0.0
        return AudienceSummary(
            summary.beats + 1, summary.character_beats + (actor >= 0),
            summary.fit_error + abs(tension - target), summary.suspense + suspense,
            summary.surprise + surprise, summary.conflict + conflict,
            summary.reversal + reversal, max(summary.reversal_peak, reversal),
            summary.explained + (explained if actor >= 0 else 0.0), summary.repeats + repeated,
            summary.intensity + intensity, mix, lines, line_intensity, line_mix, ending,
            threads, verb_id, sat1, state.floats.copy())

    def score(self, summary: AudienceSummary) -> float:
        """The branch's score in [0, 1] (0 for the empty branch)."""
        if summary.beats == 0:
            return 0.0
        return weighted_score(self.terms(summary), self._vector)

    # --- breakdown -------------------------------------------------------------------------
    def terms(self, summary: AudienceSummary) -> dict[str, float]:
        """Each term of the breakdown, in [0, 1] (see the module docstring)."""
        n = summary.beats
        if n == 0:
            return {}
        m = summary.character_beats
        clip = lambda x: min(1.0, max(0.0, x))  # noqa: E731
        out = {
            "arc_fit": clip(1.0 - 2.0 * summary.fit_error / n),
            "suspense": clip(summary.suspense / n / SUSPENSE_SCALE),
            "surprise": clip(summary.surprise / n),
            "conflict": clip(summary.conflict / n),
            "reversal": 0.5 * clip(summary.reversal_peak / REVERSAL_PEAK)
                        + 0.5 * clip(summary.reversal / n / REVERSAL_MEAN),
        }
        if summary.lines:
            out["emotion_intensity"] = clip(summary.line_intensity / summary.lines)
            out["emotion_variety"] = _entropy(summary.line_mix)
        else:
            out["emotion_intensity"] = clip(summary.intensity / n)
            out["emotion_variety"] = _entropy(summary.mix if summary.mix is not None else ())
        out["coherence"] = clip((summary.explained / m if m else 1.0) * (1.0 - summary.repeats / n))
        out["closure"] = clip(ENDING_SHARE * summary.ending + (1 - ENDING_SHARE) * summary.threads)
        if self.event_model is None:
            del out["surprise"]
        return out

    def evaluate(self, summary: AudienceSummary, notes: dict | None = None) -> AudienceScore:
        """Score and breakdown of a summary as an :class:`AudienceScore`."""
        terms = self.terms(summary)
        value = weighted_score(terms, self._vector) if summary.beats else 0.0
        weights = dict(zip(TERMS, self._vector.tolist()))
        notes = dict(notes or {})
        notes.setdefault("beats", summary.beats)
        notes.setdefault("emotions", (getattr(self.reader, "name", "reader") + " on the lines")
                         if summary.lines else "simulator (OCC)")
        if self.preference is not None:
            notes.setdefault("weights", "learned (Bradley–Terry)")
        return AudienceScore(value, terms, weights, "simulated", notes)

    def score_branch(self, branch) -> AudienceScore:
        """Score a whole :class:`~.branch.Branch` (or anything :func:`~.branch.branch_of` takes)."""
        from narrative_models.audience.branch import branch_of

        branch = branch_of(branch)
        read = [None] * len(branch.events)
        if self.reader is not None:
            texts = branch.lines
            if texts is None:
                narrator = self._narrator(branch.seed)
                texts = [narrator.render(e, s) for e, s in zip(branch.events, branch.states)]
            from narrative_models.audience.branch import line_text

            texts = [line_text(t) for t in texts]
            scored = self.reader.scores([t for t in texts if t])
            it = iter(scored)
            read = [next(it) if t else None for t in texts]
        summary = self.start(branch.start)
        for event, state, line in zip(branch.events, branch.states, read):
            summary = self.extend(summary, event, state, line if line is not None else False)
        return self.evaluate(summary, branch.notes)

    # --- helpers ---------------------------------------------------------------------------
    def _narrator(self, seed=None):
        if self.narrator is None:
            from drama_env.narration import TemplateNarrator

            self.narrator = TemplateNarrator(seed=seed or 0)
        return self.narrator

    def _read(self, line, event, state):
        if line is False:  # scored in a batch already: no text for this beat
            return None
        if isinstance(line, tuple):
            return line
        if line is None:
            if event is None:
                return None
            from narrative_models.audience.branch import line_text

            line = line_text(self._narrator().render(event, state))
        elif not isinstance(line, str):
            from narrative_models.audience.branch import line_text

            line = line_text(line)
        if not line:
            return None
        return self.reader.scores([line])[0]


def score_simulated(source, *, reader=None, weights=None, preference=None, event_model=None,
                    story=None) -> AudienceScore:
    """The audience score of a simulated drama.

    ``source`` is an :class:`agents.play.Playthrough`, a script JSON object (or a path to one,
    ``drama run --format json``) or a :class:`~.branch.Branch`. ``reader`` reads emotions from
    the lines (a reader, or ``"auto"``/``"fast"``/``"model"``/``"lexicon"``); ``None`` uses the
    simulator's emotions. ``preference`` is a trained preference model (or a path to one).
    ``story`` names the story file for a script of a story that is not shipped.
    """
    from narrative_models.audience.branch import branch_of

    if isinstance(reader, str):
        from narrative_models.audience.emotions import load_reader

        reader = load_reader(reader)
    if preference is not None and not hasattr(preference, "weight_vector"):
        from narrative_models.audience.preference import PreferenceModel

        preference = PreferenceModel.load(preference)
    scorer = AudienceScorer(weights, event_model, reader, preference=preference)
    return scorer.score_branch(branch_of(source, story=story))
