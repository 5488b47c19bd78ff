"""The learned layer: a Bradley–Terry preference model over the audience breakdown.

A branch's utility is a convex combination of its breakdown terms (each in [0, 1])::

    u(x) = Σ_k w_k x_k,     w_k = w0_k · exp(θ_k) / Σ_j w0_j · exp(θ_j)

so ``u`` stays in [0, 1] and, before training (``θ = 0``), *is* the analytic score with the
analytic weights ``w0``. Given a pair where people preferred branch ``A`` to branch ``B``::

    P(A ≻ B) = σ(β · (u(x_A) − u(x_B)))

``θ`` and ``log β`` are fitted by maximum likelihood (Adam, full batch, in torch) with an L2
pull of ``θ`` towards 0 — towards the analytic weights — so a few ratings nudge the weights
and many can move them far. A term people do not care about drifts towards weight 0; the model
cannot make a term count *against* a branch.

Ratings
-------
:func:`read_pairs` reads JSON Lines files holding either kind of line (mixed freely):

- a **rating** written by the terminal app (:mod:`stories.ratings`): ``{"format":
  "drama-rating", "version": 1, "story", "fingerprint", "seed", "branch": [action names],
  "rating": 1 | -1, ...}``. Within one story (and fingerprint), every liked branch is paired
  with every disliked one (at most ``MAX_PAIRS_PER_STORY``, in file order);
- a **pair**: ``{"story", "seed", "better": [action names], "worse": [action names]}``, with
  optional ``"fingerprint"`` and ``"better_seed"`` / ``"worse_seed"`` when the two branches
  were played with different seeds.

Each branch is replayed from the story's opening with its seed
(:func:`~.branch.branch_from_actions`) and scored by the analytic model; the breakdown is its
feature vector. A line whose story cannot be found, whose fingerprint differs from the story's
now, or whose actions do not exist is skipped and counted in the training report.

The trained model is a small JSON file (``format: drama-audience-preference``); the scorers take
it as ``preference=``.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from narrative_models.audience.terms import TERMS, AudienceWeights
from stories.errors import DramaError, ModelError

__all__ = ["FORMAT", "PreferenceError", "PreferenceModel", "RatedPair", "read_pairs",
           "train_preference"]

FORMAT = "drama-audience-preference"
VERSION = 1
MAX_PAIRS_PER_STORY = 5000
RATING_FORMAT = "drama-rating"


class PreferenceError(DramaError):
    """Ratings that cannot be read or trained on."""


@dataclass(frozen=True)
class RatedPair:
    """Two branches of one story, the first preferred, each as (seed, action names)."""

    story: str
    better: tuple[int, tuple[str, ...]]
    worse: tuple[int, tuple[str, ...]]
    fingerprint: str | None = None
    where: str = ""


@dataclass
class PreferenceModel:
    """Learned weights of the breakdown terms; see the module docstring."""

    theta: np.ndarray
    beta: float = 10.0
    base: AudienceWeights = field(default_factory=AudienceWeights)
    meta: dict = field(default_factory=dict)

    @classmethod
    def initial(cls, base: AudienceWeights | None = None, beta: float = 10.0) -> PreferenceModel:
        """The untrained model: the analytic score itself."""
        return cls(np.zeros(len(TERMS)), beta, base or AudienceWeights())

    def weight_vector(self) -> np.ndarray:
        """The learned weights, in ``TERMS`` order, summing to 1."""
        w = self.base.vector() * np.exp(self.theta - self.theta.max())
        return w / w.sum()

    def weights(self) -> dict[str, float]:
        return dict(zip(TERMS, self.weight_vector().tolist()))

    def utility(self, features) -> np.ndarray | float:
        """``u(x)`` of one feature vector (K,) or a batch (N, K)."""
        return np.asarray(features, dtype=float) @ self.weight_vector()

    def prob_better(self, a, b) -> np.ndarray | float:
        """``P(a ≻ b)`` for feature vectors (or batches) ``a`` and ``b``."""
        z = self.beta * (self.utility(a) - self.utility(b))
        return 1.0 / (1.0 + np.exp(-z))

    # --- files -------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": VERSION, "terms": list(TERMS),
                "theta": [round(float(x), 8) for x in self.theta], "beta": float(self.beta),
                "base_weights": self.base.to_dict(),
                "weights": {k: round(v, 6) for k, v in self.weights().items()},
                "meta": self.meta}

    def save(self, path: str | Path, force: bool = False) -> Path:
        """Write the model as JSON, atomically; refuses to overwrite without ``force``."""
        from stories.files import refuse_overwrite, write_atomic

        path = Path(path)
        refuse_overwrite(path, force)
        write_atomic(path, json.dumps(self.to_dict(), indent=1) + "\n")
        return path

    @classmethod
    def load(cls, path: str | Path) -> PreferenceModel:
        """Read a saved model; raises :class:`ModelError` naming the file and the fix."""
        path = Path(path)
        fix = "train one with `drama audience train RATINGS -o MODEL`"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"{path}: no such preference model — {fix}") from None
        except IsADirectoryError:
            raise ModelError(f"{path}: is a directory — give the model's .json file") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelError(f"{path}: not a preference model ({error}) — {fix}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelError(f"{path}: not a preference model (no 'format: {FORMAT}') — {fix}")
        if data.get("version") != VERSION:
            raise ModelError(f"{path}: preference model version {data.get('version')!r} is not "
                             f"supported (this version reads {VERSION}) — retrain it")
        if data.get("terms") != list(TERMS):
            raise ModelError(f"{path}: the model's terms {data.get('terms')} are not this "
                             f"version's {list(TERMS)} — retrain it")
        try:
            theta = np.array(data["theta"], dtype=float)
            beta = float(data["beta"])
            base = AudienceWeights.from_options(data.get("base_weights"))
        except (KeyError, TypeError, ValueError) as error:
            raise ModelError(f"{path}: damaged preference model ({error}) — {fix}") from None
        if theta.shape != (len(TERMS),) or not np.all(np.isfinite(theta)) or not beta > 0:
            raise ModelError(f"{path}: damaged preference model (bad theta or beta) — {fix}")
        return cls(theta, beta, base, dict(data.get("meta") or {}))


# --- training -------------------------------------------------------------------------------
def train_preference(better: np.ndarray, worse: np.ndarray, base: AudienceWeights | None = None,
                     steps: int = 400, lr: float = 0.05, l2: float = 0.01, seed: int = 0,
                     beta: float = 10.0) -> PreferenceModel:
    """Fit the model to pairs: row ``i`` of ``better`` (N, K) was preferred to row ``i`` of
    ``worse``. Deterministic for a given ``seed``."""
    import torch

    better = np.asarray(better, dtype=np.float64)
    worse = np.asarray(worse, dtype=np.float64)
    if better.ndim != 2 or better.shape != worse.shape or better.shape[1] != len(TERMS):
        raise PreferenceError(f"pairs must be two (N, {len(TERMS)}) arrays of breakdowns")
    if len(better) == 0:
        raise PreferenceError("no pairs to train on")
    base = base or AudienceWeights()
    torch.manual_seed(seed)
    xb = torch.tensor(better)
    xw = torch.tensor(worse)
    log_w0 = torch.log(torch.tensor(base.vector()).clamp_min(1e-12))
    theta = torch.zeros(len(TERMS), dtype=torch.float64, requires_grad=True)
    log_beta = torch.tensor(math.log(beta), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([theta, log_beta], lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        w = torch.softmax(log_w0 + theta, dim=0)                  # (K,)
        margin = torch.exp(log_beta) * ((xb - xw) @ w)            # (N,)
        loss = torch.nn.functional.softplus(-margin).mean() + l2 * (theta ** 2).sum()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        w = torch.softmax(log_w0 + theta, dim=0)
        margin = torch.exp(log_beta) * ((xb - xw) @ w)
        accuracy = float((margin > 0).double().mean())
        nll = float(torch.nn.functional.softplus(-margin).mean())
    model = PreferenceModel(theta.detach().numpy().copy(), float(torch.exp(log_beta.detach())), base)
    w0 = base.vector() / base.vector().sum()
    model.meta = {"pairs_trained": int(len(better)), "train_accuracy": accuracy, "train_nll": nll,
                  "analytic_accuracy": float(np.mean((better - worse) @ w0 > 0)),
                  "steps": steps, "lr": lr, "l2": l2, "seed": seed}
    return model


# --- ratings files -------------------------------------------------------------------------
def read_pairs(paths, max_pairs_per_story: int = MAX_PAIRS_PER_STORY) -> tuple[list[RatedPair], dict]:
    """The rated pairs in one or more JSON Lines files (see the module docstring), and counts
    of what was read. Raises :class:`PreferenceError` naming ``FILE:LINE`` for a malformed line
    and for a file that cannot be read."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    pairs: list[RatedPair] = []
    counts = {"lines": 0, "ratings": 0, "pairs_given": 0}
    groups: dict[tuple, dict[int, list]] = defaultdict(lambda: {1: [], -1: []})
    for path in map(Path, paths):
        for number, data in _json_lines(path):
            where = f"{path}:{number}"
            counts["lines"] += 1
            if data.get("format") == RATING_FORMAT:
                from stories.ratings import VERSION as RATING_VERSION, Rating, RatingsError

                if isinstance(data.get("version"), int) and data["version"] > RATING_VERSION:
                    counts["newer_version_skipped"] = counts.get("newer_version_skipped", 0) + 1
                    continue
                try:
                    rating = Rating.from_dict(data, where)
                except RatingsError as error:
                    raise PreferenceError(f"{error} — fix or delete that line") from None
                if not isinstance(rating.seed, int):
                    raise PreferenceError(f"{where}: 'seed' must be a whole number")
                key = (rating.story, rating.fingerprint)
                groups[key][rating.rating].append(((rating.seed, tuple(rating.branch)), where))
                counts["ratings"] += 1
            elif "better" in data or "worse" in data:
                pairs.append(_pair(data, where))
                counts["pairs_given"] += 1
            else:
                raise PreferenceError(f"{where}: neither a rating (\"format\": "
                                      f"\"{RATING_FORMAT}\") nor a pair (\"better\", \"worse\") — "
                                      "see docs/audience.md for the two line formats")
    for (story, fingerprint), rated in groups.items():
        made = 0
        for good, where in rated[1]:
            for bad, _ in rated[-1]:
                if made >= max_pairs_per_story:
                    break
                pairs.append(RatedPair(story, good, bad, fingerprint, where))
                made += 1
    counts["pairs"] = len(pairs)
    return pairs, counts


def _json_lines(path: Path):
    try:
        handle = open(path, encoding="utf-8")
    except FileNotFoundError:
        raise PreferenceError(f"{path}: no such ratings file — rate branches in `drama play`, "
                              "or give a JSON Lines file of pairs") from None
    except IsADirectoryError:
        raise PreferenceError(f"{path}: is a directory — give a ratings .jsonl file") from None
    except OSError as error:
        raise PreferenceError(f"{path}: cannot be read ({error.strerror})") from None
    with handle:
        try:
            for number, text in enumerate(handle, 1):
                if not text.strip():
                    continue
                try:
                    data = json.loads(text)
                except json.JSONDecodeError as error:
                    raise PreferenceError(f"{path}:{number}: not valid JSON ({error.msg}) — fix "
                                          "or delete that line") from None
                if not isinstance(data, dict):
                    raise PreferenceError(f"{path}:{number}: a line must be a JSON object")
                yield number, data
        except UnicodeDecodeError as error:
            raise PreferenceError(f"{path}: not UTF-8 text (byte {error.start})") from None


def _pair(data: dict, where: str) -> RatedPair:
    story = data.get("story")
    if not isinstance(story, str) or not story:
        raise PreferenceError(f"{where}: a pair needs \"story\" (the story id)")
    seed = data.get("seed", 0)
    sides = []
    for side in ("better", "worse"):
        names = data.get(side)
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise PreferenceError(f"{where}: \"{side}\" must be a list of action names")
        side_seed = data.get(f"{side}_seed", seed)
        if not isinstance(side_seed, int) or isinstance(side_seed, bool):
            raise PreferenceError(f"{where}: \"{side}_seed\" / \"seed\" must be a whole number")
        sides.append((side_seed, tuple(names)))
    fingerprint = data.get("fingerprint")
    return RatedPair(story, sides[0], sides[1], fingerprint if isinstance(fingerprint, str)
                     else None, where)


def pair_features(pairs: list[RatedPair], stories_dir: str | Path | None = None,
                  scorer=None) -> tuple[np.ndarray, np.ndarray, dict]:
    """Replay both branches of every pair and return their breakdowns (N, K) x 2 and counts
    of skipped pairs by reason."""
    from narrative_models.audience.branch import ScriptError, branch_from_actions
    from narrative_models.audience.simulated import AudienceScorer

    scorer = scorer or AudienceScorer()
    story_files = _story_files(stories_dir) if stories_dir else {}
    compiled_by_id: dict[str, object] = {}
    cache: dict[tuple, np.ndarray] = {}
    skipped: dict[str, int] = defaultdict(int)
    better, worse = [], []
    for pair in pairs:
        compiled = compiled_by_id.get(pair.story)
        if compiled is None and pair.story not in compiled_by_id:
            compiled = _compile(pair.story, story_files)
            compiled_by_id[pair.story] = compiled
        if compiled is None:
            skipped["unknown story"] += 1
            continue
        if pair.fingerprint and pair.fingerprint != compiled.fingerprint:
            skipped["story changed since rated"] += 1
            continue
        try:
            rows = []
            for seed, names in (pair.better, pair.worse):
                key = (pair.story, seed, names)
                if key not in cache:
                    branch = branch_from_actions(compiled, seed, list(names), stop_at_ending=True)
                    cache[key] = scorer.score_branch(branch).features()
                rows.append(cache[key])
        except ScriptError:
            skipped["does not replay"] += 1
            continue
        better.append(rows[0])
        worse.append(rows[1])
    shape = (0, len(TERMS))
    return (np.array(better).reshape(shape if not better else (-1, len(TERMS))),
            np.array(worse).reshape(shape if not worse else (-1, len(TERMS))), dict(skipped))


def _story_files(folder) -> dict[str, Path]:
    import yaml

    out = {}
    for path in sorted(Path(folder).glob("*.y*ml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            out.setdefault(data["id"], path)
    return out


def _compile(story_id: str, story_files: dict):
    from drama_env.compiled import CompiledStory
    from stories import load_story

    try:
        source = story_files.get(story_id, story_id)
        return CompiledStory(load_story(source))
    except DramaError:
        return None
