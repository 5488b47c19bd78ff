"""The audience model on a play's text: the terms that apply when all there is is the text.

A real play has no simulator state, so suspense (goals and ways out), surprise (the event model
is over the simulator's verbs) and closure (endings and goals) do not apply. The others are read
from the scenes (:func:`play_features` computes everything that does not depend on the order of
the scenes once, so :func:`play_terms` can score any order cheaply):

- **arc fit** — a *tension proxy* per scene, the mean of three within-play z-scores: the rate of
  conflict words (:data:`CONFLICT_WORDS`: violence, death, threat, enmity), the mean arousal and
  the mean negative valence that the emotion reader finds in the scene's speeches. Its weighted
  Pearson correlation ``r`` (weights √lines) with the default target arc of the simulator
  (Freytag: 0.15 → 0.9 at 70 % → 0.3, :class:`stories.schema.TensionArc`) at the scenes'
  narrative-time midpoints gives ``(1 + r) / 2``.
- **conflict** — ``min(1, conflict-word rate / CONFLICT_RATE_FULL)`` over the whole play.
- **reversal** — how far the smoothed valence arc swings (max − min) against how far the scenes'
  valences spread: ``min(1, range / (REVERSAL_SPREAD · std))``; shuffled scenes average out into
  a flat arc, a story with turns of fortune does not.
- **emotional intensity** ``mean(1 − P(neutral))`` over speeches; **variety** the normalised
  entropy of the mean probabilities of the six emotions.
- **coherence** — *cohesion of consecutive scenes*: ``c = Σ_d w_d · mean_k sim(s_k, s_k+d) /
  (Σ_d w_d · mean_{a≠b} sim(a, b))`` for distances ``d = 1, 2, 3`` (weights 1, ½, ¼), where
  ``sim`` is the cosine of TF-IDF vectors of the scenes' content words and speakers; ``c = 1``
  when neighbouring scenes are no more alike than any two scenes (what a random order gives).
  The term is ``σ(COHESION_SLOPE · (c − 1))`` (slope 8): 0.5 for a random order, 0.69 when
  neighbours are 10 % more alike than chance, 0.83 at 20 %. When the stage directions tell of
  deaths (a direction with *dies*, *stirbt* or *meurt*, about the character it names, else the
  last speaker),
  the dead must not speak in a later scene: coherence is then ``(1 − DEATH_SHARE) · cohesion +
  DEATH_SHARE · (1 − share of deaths followed by a speech of the dead)``, ``DEATH_SHARE = 0.3``.

:func:`shuffle_test` scores the play in its own order and in ``n`` random orders of its scenes and
reports the share of random orders that score lower (``shuffle_share_beaten``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from narrative_models.audience.terms import (PLAY_TERMS, TERMS, AudienceScore, AudienceWeights,
                                             weighted_score)
from narrative_models.emotion.labels import LABELS

__all__ = ["CONFLICT_WORDS", "PlayFeatures", "play_features", "play_terms", "score_play",
           "shuffle_test"]

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)

#: Words of open conflict, violence, death and threat (English, lower case; matched whole).
CONFLICT_WORDS = frozenset("""
kill kills killed killing slay slays slain slew murder murders murdered murderer murderous
blood bloody bleed bleeding die dies died dying dead death deaths deadly fight fights fought
fighting sword swords dagger daggers war wars battle battles traitor traitors treason villain
villains villainy revenge vengeance enemy enemies foe foes poison poisoned strike struck wound
wounds wounded rage fury furious hate hates hated hatred curse cursed damned threat threats
threaten threatened slaughter grave tomb stab stabbed stabs rebel rebels guilt guilty horror
horrible attack attacked betray betrayed betrayal liar lie lies accuse accused quarrel fear
afraid danger dangerous weapon gun knife shot shoot destroy destroyed ruin ruined
""".split())

#: Common function words left out of the cohesion vectors (IDF discounts the rest).
STOPWORDS = frozenset("""
the and to of a an in is it that this for with as be by on not but or if so at from are was
were i me my mine you your yours thou thee thy thine he him his she her hers we us our they
them their what which who whom will shall would should can could may might must do does did
have has had hath doth o oh ay no yes now then there here how why when where all more most
let well good come go say tell make know see give take lord sir enter exit exeunt re
""".split())

CONFLICT_RATE_FULL = 0.03
REVERSAL_SPREAD = 2.0
COHESION_DISTANCES = (1.0, 0.5, 0.25)
COHESION_SLOPE = 8.0
DEATH_SHARE = 0.3
#: a stage direction telling of a death (English, German, French)
_DEATH = re.compile(r"\b(dies|dieth|(both|they|all) die|stirbt|sterben|meurt)\b", re.IGNORECASE)
SPEAKER_WEIGHT = 2.0


@dataclass(frozen=True)
class PlayFeatures:
    """Everything about a play's scenes that does not depend on their order."""

    title: str
    lengths: np.ndarray        # speeches per scene (N,)
    valence: np.ndarray        # mean valence per scene (N,)
    arousal: np.ndarray        # mean arousal per scene (N,)
    mix: np.ndarray            # mean label probabilities per scene (N, 7)
    conflict: np.ndarray       # conflict-word rate per scene (N,)
    words: np.ndarray          # words per scene (N,)
    similarity: np.ndarray     # cosine similarity of scenes (N, N)
    target: tuple              # (xs, ys) knots of the target tension arc
    speakers: tuple = ()       # the speaker ids of each scene (frozensets)
    deaths: tuple = ()         # (scene, character id) of each death the directions tell of
    reader: str = ""
    notes: dict = field(default_factory=dict)

    @property
    def n_scenes(self) -> int:
        return len(self.lengths)


def _scene_items(source):
    """(title, speech texts, direction texts, speakers, deaths) per scene of a Play, of a
    simulated drama's :class:`~.analysis.TextDrama`, or of a list of scenes' lines."""
    if hasattr(source, "scenes") and hasattr(source, "deaths"):  # a TextDrama
        return (source.title, [list(s.lines) for s in source.scenes],
                [list(s.directions) for s in source.scenes],
                [tuple(s.speakers) for s in source.scenes], tuple(source.deaths))
    if hasattr(source, "scenes"):
        names = [(member.name.lower(), member.id) for member in source.cast
                 if len(member.name) > 2]
        texts, directions, speakers, deaths = [], [], [], []
        for k, scene in enumerate(source.scenes):
            texts.append([s.text for s in scene.speeches if s.text.strip()])
            directions.append([d.text for d in scene.stage_directions]
                              + [d for s in scene.speeches for d in s.directions])
            speakers.append(scene.speakers())
            last = None
            for line in scene.lines:
                if line.kind == "speech":
                    last = line.speaker_id or last
                    told = line.directions
                else:
                    told = (line.text,)
                for text in told:
                    if _DEATH.search(text):
                        who = _named(text, names) or last
                        if who is not None:
                            deaths.append((k, who))
        return source.title, texts, directions, speakers, tuple(dict.fromkeys(deaths))
    scenes = list(source)
    return ("", [list(s) for s in scenes], [[] for _ in scenes], [() for _ in scenes], ())


def _named(text: str, names: list[tuple[str, str]]) -> str | None:
    """The id of the cast member whose full name the text mentions (the longest), or None."""
    lower = text.lower()
    found = [(len(name), cid) for name, cid in names if re.search(rf"\b{re.escape(name)}\b", lower)]
    return max(found)[1] if found else None


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _similarity(docs: list[Counter]) -> np.ndarray:
    n = len(docs)
    df = Counter(w for d in docs for w in d)
    vocab = {w: k for k, w in enumerate(w for w, c in df.items() if c < n or n == 1)}
    matrix = np.zeros((n, len(vocab)))
    for row, doc in enumerate(docs):
        for w, count in doc.items():
            k = vocab.get(w)
            if k is not None:
                matrix[row, k] = (1.0 + math.log(count)) * math.log(n / df[w])
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = matrix / np.where(norms > 0, norms, 1.0)
    return matrix @ matrix.T


def play_features(source, reader=None) -> PlayFeatures:
    """The order-free features of a :class:`~stories.plays.Play` (or a list of scenes' lines).

    ``reader`` is an emotion reader (default :func:`.emotions.load_reader`).
    """
    from narrative_models.arcs import reader_name, scene_emotions
    from stories.schema import TensionArc

    if reader is None:
        from narrative_models.audience.emotions import load_reader

        reader = load_reader()
    title, texts, directions, speakers, deaths = _scene_items(source)
    emotions = scene_emotions(texts, reader)
    docs, conflict, words = [], [], []
    for lines, stage, who in zip(texts, directions, speakers):
        tokens = [w for line in lines for w in _words(line)]
        stage_tokens = [w for d in stage for w in _words(d)]
        doc = Counter(w for w in tokens + stage_tokens if len(w) > 2 and w not in STOPWORDS)
        for sid in who:
            doc["\x00" + sid] += SPEAKER_WEIGHT
        docs.append(doc)
        hits = sum(w in CONFLICT_WORDS for w in tokens) + sum(w in CONFLICT_WORDS
                                                             for w in stage_tokens)
        conflict.append(hits / max(1, len(tokens) + len(stage_tokens)))
        words.append(len(tokens))
    knots = TensionArc().knots()
    return PlayFeatures(
        title=title,
        lengths=np.array([len(lines) for lines in texts], dtype=float),
        valence=np.array([e.valence for e in emotions]),
        arousal=np.array([e.arousal for e in emotions]),
        mix=np.array([[e.mix[label] for label in LABELS] for e in emotions]).reshape(-1, len(LABELS)),
        conflict=np.array(conflict),
        words=np.array(words, dtype=float),
        similarity=_similarity(docs) if docs else np.zeros((0, 0)),
        target=(tuple(k[0] for k in knots), tuple(k[1] for k in knots)),
        speakers=tuple(frozenset(who) for who in speakers),
        deaths=deaths,
        reader=reader_name(reader),
    )


def _z(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    mean = np.average(values, weights=weights)
    std = math.sqrt(np.average((values - mean) ** 2, weights=weights))
    return (values - mean) / std if std > 1e-12 else np.zeros_like(values)


def _wcorr(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> float:
    w = w / w.sum()
    am, bm = (a * w).sum(), (b * w).sum()
    cov = ((a - am) * (b - bm) * w).sum()
    var = ((a - am) ** 2 * w).sum() * ((b - bm) ** 2 * w).sum()
    return float(cov / math.sqrt(var)) if var > 1e-24 else 0.0


def tension_proxy(features: PlayFeatures) -> np.ndarray:
    """The tension proxy of each scene (in the play's own scene order); see the module doc."""
    w = np.maximum(features.lengths, 1e-9)
    return (_z(features.conflict, w) + _z(features.arousal, w) + _z(-features.valence, w)) / 3


def play_terms(features: PlayFeatures, order: Sequence[int] | None = None,
               proxy: np.ndarray | None = None) -> dict[str, float]:
    """The breakdown of the play with its scenes in ``order`` (default: as written)."""
    from narrative_models.arcs import narrative_time, smooth

    n = features.n_scenes
    order = np.arange(n) if order is None else np.asarray(order, dtype=int)
    if n == 0:
        return {name: 0.0 for name in PLAY_TERMS}
    lengths = features.lengths[order]
    weights = np.maximum(lengths, 1e-9)
    position = narrative_time(lengths)
    proxy = tension_proxy(features) if proxy is None else proxy
    target = np.interp(position, *features.target)
    clip = lambda x: min(1.0, max(0.0, float(x)))  # noqa: E731
    out: dict[str, float] = {}
    out["arc_fit"] = clip((1.0 + _wcorr(proxy[order], target, np.sqrt(weights))) / 2) if n > 2 else 0.5
    total_words = features.words.sum()
    rate = float((features.conflict * features.words).sum() / total_words) if total_words else 0.0
    out["conflict"] = clip(rate / CONFLICT_RATE_FULL)
    valence = features.valence[order]
    if n > 2:
        _, arc = smooth(position, valence, weights)
        spread = math.sqrt(np.average((valence - np.average(valence, weights=weights)) ** 2,
                                      weights=weights))
        out["reversal"] = clip((arc.max() - arc.min()) / (REVERSAL_SPREAD * spread)) \
            if spread > 1e-12 else 0.0
    else:
        out["reversal"] = 0.0
    mix = np.average(features.mix, axis=0, weights=weights) if lengths.sum() > 0 else \
        np.zeros(len(LABELS))
    out["emotion_intensity"] = clip(1.0 - mix[-1])
    six = mix[:-1]
    if six.sum() > 0:
        p = six / six.sum()
        p = p[p > 0]
        out["emotion_variety"] = clip(-(p * np.log(p)).sum() / math.log(len(six)))
    else:
        out["emotion_variety"] = 0.0
    cohesion = _cohesion(features.similarity, order)
    if features.deaths:
        rank = np.empty(n, dtype=int)
        rank[order] = np.arange(n)
        violated = sum(any(who in features.speakers[e] for e in range(n) if rank[e] > rank[d])
                       for d, who in features.deaths)
        cohesion = (1 - DEATH_SHARE) * cohesion + DEATH_SHARE * (1 - violated / len(features.deaths))
    out["coherence"] = cohesion
    return out


def _cohesion(similarity: np.ndarray, order: np.ndarray) -> float:
    n = len(order)
    if n < 3:
        return 0.5
    off = similarity[~np.eye(n, dtype=bool)]
    baseline = float(off.mean())
    if baseline <= 1e-12:
        return 0.0
    near = 0.0
    norm = 0.0
    for d, w in enumerate(COHESION_DISTANCES, start=1):
        if d >= n:
            break
        near += w * float(similarity[order[:-d], order[d:]].mean())
        norm += w
    ratio = near / norm / baseline
    return 1.0 / (1.0 + math.exp(-COHESION_SLOPE * (ratio - 1.0)))


def score_play(play, reader=None, weights=None, order: Sequence[int] | None = None,
               features: PlayFeatures | None = None, preference=None) -> AudienceScore:
    """The audience score of a play (the terms its text supports; see the module docstring).

    ``play`` is a :class:`~stories.plays.Play` (or a list of scenes' lines); ``order`` a
    reordering of its scenes; ``features`` the play's :func:`play_features` when already known.
    """
    features = features if features is not None else play_features(play, reader)
    vector = (preference.weight_vector() if preference is not None
              else AudienceWeights.from_options(weights).vector())
    terms = play_terms(features, order)
    notes = {"scenes": features.n_scenes, "emotions": features.reader,
             "not applicable": [t for t in TERMS if t not in PLAY_TERMS]}
    return AudienceScore(weighted_score(terms, vector), terms, dict(zip(TERMS, vector.tolist())),
                         "play", notes)


def shuffle_test(play, n: int = 200, seed: int = 0, reader=None, weights=None,
                 features: PlayFeatures | None = None) -> dict:
    """Score the play as written and in ``n`` random scene orders (``numpy`` generator seeded
    with ``seed``). Returns ``shuffle_share_beaten`` (share of random orders scoring strictly
    lower), the true score, and the mean and standard deviation of the shuffled scores."""
    from stories.errors import UsageError

    if n < 1:
        raise UsageError(f"--shuffle-test {n}: give at least 1 random order")
    features = features if features is not None else play_features(play, reader)
    vector = AudienceWeights.from_options(weights).vector()
    proxy = tension_proxy(features)
    true = weighted_score(play_terms(features, None, proxy), vector)
    rng = np.random.default_rng(seed)
    scores = np.array([weighted_score(play_terms(features, rng.permutation(features.n_scenes),
                                                 proxy), vector) for _ in range(n)])
    return {"shuffle_share_beaten": float(np.mean(scores < true)), "shuffle_n": n,
            "shuffle_seed": seed, "true_score": true,
            "shuffled_mean": float(scores.mean()), "shuffled_std": float(scores.std()),
            "scenes": features.n_scenes}
